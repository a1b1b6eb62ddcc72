// The JSON that crosses the route boundary: one zod schema per shape, and the TypeScript type inferred
// from it. Route handlers validate what they receive; the browser validates what it gets back.
import { z } from "zod";

export const labelsSchema = z.record(z.string(), z.string());
export const pointSchema = z.tuple([z.number(), z.number().nullable()]);
/** [unix seconds, value]; null where the series has no value at that step. */
export type Point = z.infer<typeof pointSchema>;
export const seriesSchema = z.object({ labels: labelsSchema, points: z.array(pointSchema) });
/** One series as the browser receives it. */
export type Series = z.infer<typeof seriesSchema>;

export const statsSchema = z.object({ samplesProcessed: z.number(), peakSamples: z.number().optional() }).nullable();

export const queryResultSchema = z.object({
  id: z.string(),
  legend: z.string(),
  type: z.enum(["range", "instant"]),
  /**
   * The PromQL that gives these numbers, after variables were injected: one click away for the SRE. For a
   * query derived on the server, what Prometheus would run for the same result.
   */
  expr: z.string(),
  /** Derived queries: the histogram read that was actually sent (shared by every panel of the view). */
  readExpr: z.string().optional(),
  unit: z.string().optional(),
  badAbove: z.number().optional(),
  dashed: z.boolean().optional(),
  caption: z.string().optional(),
  /** Which of the panel query's variants ran (they differ by Kubernetes version). */
  variant: z.number().int().nonnegative(),
  note: z.string().optional(),
  series: z.array(seriesSchema),
  stats: statsSchema,
  /** answered from apiscope's result cache: the backend processed nothing for it this time */
  cached: z.boolean(),
  warnings: z.array(z.string()),
});
export type QueryResult = z.infer<typeof queryResultSchema>;

/** Keys are lib/panels/kinds.ts ClusterLimitId; `notes` says where a value comes from, by the same keys. */
export const clusterLimitsSchema = z.object({
  inflightReadOnly: z.number().optional(),
  inflightMutating: z.number().optional(),
  etcdQuotaBytes: z.number().optional(),
  tierSeats: z.number().optional(),
  /** e.g. tierSeats: "Provisioned Control Plane 4XL", shown beside the line. */
  notes: z.record(z.string(), z.string()).optional(),
});
export type ClusterLimits = z.infer<typeof clusterLimitsSchema>;

export const windowSchema = z.object({ start: z.number(), end: z.number(), step: z.number(), rateInterval: z.number(), evalTime: z.number() });

export const panelDataSchema = z.object({
  panelId: z.string(),
  status: z.enum(["ok", "absent"]),
  absentReason: z.string().optional(),
  window: windowSchema,
  queries: z.array(queryResultSchema),
  /** Samples the backend processed for this panel's answer, cache hits excluded (AMP bills per sample). */
  samplesProcessed: z.number(),
  /** The cluster's configured limits this panel draws (lib/panels/kinds.ts ClusterLimitId). */
  limits: clusterLimitsSchema.optional(),
  /** Where the cluster's audit log is, for panels whose rows offer the audit-log query. */
  audit: z.object({ region: z.string().nullable(), logGroup: z.string() }).optional(),
});
export type PanelData = z.infer<typeof panelDataSchema>;

/** Every error a route returns: what happened, what to do, and the backend's own words when safe. */
export const apiErrorSchema = z.object({
  error: z.object({
    kind: z.string(),
    message: z.string(),
    hint: z.string(),
    detail: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/**
 * Unix seconds a request may name: from 1970 to the end of year 9999 (what a Date can show). The server
 * adds its own bounds (lib/server/limits: the longest range, a window after now answers empty) and checks
 * job and instance against what it discovered.
 */
const requestTime = z.coerce.number().int().nonnegative().max(253_402_300_799);
/** Label values and ids: printable text, no control characters. */
const printable = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f]*$/, "must be printable text");

const viewEnd = requestTime.refine((v) => v > 0, "must be after 1970-01-01");

/** What every view-scoped request names: the cluster, the job and instance variables, the range. */
const viewFields = {
  cluster: printable(100).min(1),
  job: printable(200).optional(),
  instance: printable(300).optional(),
  start: requestTime,
  end: viewEnd,
};

/** A view's range: its end after its start, at most 32 days long. */
function inRange<S extends z.ZodType<{ start: number; end: number }>>(schema: S) {
  return schema
    .refine((r) => r.end > r.start, { message: "end must be after start", path: ["end"] })
    .refine((r) => r.end - r.start <= 32 * 86400, { message: "the range may be at most 32 days", path: ["start"] });
}

/** Query parameters of GET /api/panels/<id>: all the state a panel's data depends on. */
export const panelRequestSchema = inRange(
  z.object({
    ...viewFields,
    /** chart width in pixels: the step is sized to it */
    width: z.coerce.number().int().min(50).max(8000).default(800),
  }),
);
export type PanelRequest = z.infer<typeof panelRequestSchema>;

export const clusterSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["prometheus", "amp"]),
  region: z.string().optional(),
});
export const clustersResponseSchema = z.object({
  clusters: z.array(clusterSummarySchema),
  /** What the list leaves out: a shared workspace's discovered clusters beyond the cap, or not discovered. */
  notices: z.array(z.string()).optional(),
});
export type ClustersResponse = z.infer<typeof clustersResponseSchema>;
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

/** Query parameters of GET /api/targets. */
export const targetsRequestSchema = z.object({
  cluster: viewFields.cluster,
  job: viewFields.job,
  /** unix seconds: jobs and instances as of this moment (the end of the viewed range) */
  end: viewEnd.optional(),
});

export const targetsResponseSchema = z.object({
  jobs: z.array(z.string()),
  job: z.string().nullable(),
  instances: z.array(z.string()),
});
export type TargetsResponse = z.infer<typeof targetsResponseSchema>;

// ── Findings: causes named with their evidence (GET /api/findings) ─────────────────────────────────

export const findingSeveritySchema = z.enum(["critical", "warning", "info"]);
export type FindingSeverity = z.infer<typeof findingSeveritySchema>;

/** One number that proves a finding, with its unit (lib/format.ts units) and, optionally, what it is of. */
export const evidenceSchema = z.object({
  label: z.string(),
  value: z.number().nullable(),
  unit: z.enum(["reqps", "ratio", "seconds", "count", "percent", "bytes", "perSecond", "cores"]),
  /** e.g. "of 245 seats", "on 10.0.1.12:443" */
  context: z.string().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** The audit-log query that finds the client behind a finding (EKS: CloudWatch Logs Insights). */
export const auditQuerySchema = z.object({
  /** null when the cluster's region is not configured: the query still works, pasted by hand */
  region: z.string().nullable(),
  logGroup: z.string(),
  /** unix seconds: exactly the finding's window */
  start: z.number(),
  end: z.number(),
  query: z.string(),
  consoleUrl: z.string().nullable(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const findingSchema = z.object({
  /** Stable within a range: part of permalinks (`finding=`). */
  id: z.string(),
  cause: z.string(),
  severity: findingSeveritySchema,
  /** The cause in one sentence, in an SRE's words. */
  title: z.string(),
  /** unix seconds: the first step it held (refined to the scrape interval where one query can). */
  since: z.number(),
  /** unix seconds: the last step it held, or null while it still holds at the end of the range. */
  until: z.number().nullable(),
  evidence: z.array(evidenceSchema),
  /** Panels that show it, most telling first. */
  panels: z.array(z.string()),
  /** What to do, from the guide and the Kubernetes APF documentation. */
  actions: z.array(z.string()),
  audit: auditQuerySchema.optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const findingsResponseSchema = z.object({
  findings: z.array(findingSchema),
  /** What was checked, for "No problems found in this range". */
  checked: z.array(z.string()),
  /** Checks that could not run (a panel failed or its metrics are absent), and why. */
  skipped: z.array(z.object({ check: z.string(), reason: z.string() })),
  window: z.object({ start: z.number(), end: z.number(), step: z.number() }),
  /** Backend samples the findings processed beyond what the panels' shared reads had cached. */
  samplesProcessed: z.number(),
});
export type FindingsResponse = z.infer<typeof findingsResponseSchema>;

/** Query parameters of GET /api/findings: the panel request without a width. */
export const findingsRequestSchema = inRange(z.object(viewFields));
export type FindingsRequest = z.infer<typeof findingsRequestSchema>;

// ── Several panels of one view in one request (GET /api/panels?…&p=<id>:<width>&p=…) ──────────────────

/** `p=<panel id>:<chart width>`, one per panel; at most PANEL_BATCH_MAX of them. */
export const PANEL_BATCH_MAX = 32;

export const panelBatchRequestSchema = inRange(
  z.object({
    ...viewFields,
    p: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9-]{1,60}:\d{2,4}$/, "each p is <panel id>:<width in pixels>")
          .transform((s) => {
            const [id, width] = s.split(":");
            return { id: id!, width: Number(width) };
          })
          .pipe(z.object({ id: z.string(), width: z.number().int().min(50).max(8000) })),
      )
      .min(1)
      .max(PANEL_BATCH_MAX),
  }),
);
export type PanelBatchRequest = z.infer<typeof panelBatchRequestSchema>;

/** Each panel's answer or its own error: one failing panel never fails the others. */
export const panelBatchResponseSchema = z.object({
  panels: z.record(z.string(), z.union([z.object({ data: panelDataSchema }), z.object({ error: apiErrorSchema.shape.error, status: z.number().int() })])),
});
export type PanelBatchResponse = z.infer<typeof panelBatchResponseSchema>;

// ── Explorer: ad-hoc PromQL (GET /api/explore/query, GET /api/explore/meta) ─────────────────────────

/** Longest expression the explorer accepts (it travels in the query string). */
export const EXPLORE_EXPR_MAX = 4000;
/** Most queries side by side on one explorer page. */
export const EXPLORE_QUERIES_MAX = 6;

/** Query parameters of GET /api/explore/query: one expression over the view's range. */
export const exploreQueryRequestSchema = inRange(
  z.object({
    cluster: viewFields.cluster,
    start: viewFields.start,
    end: viewFields.end,
    expr: z.string().max(EXPLORE_EXPR_MAX, `the query may be at most ${EXPLORE_EXPR_MAX} characters`),
    /** the graph's width in pixels: the step is sized to it unless `step` is given */
    width: z.coerce.number().int().min(50).max(8000).default(800),
    /** seconds; an "Open in explorer" link carries its panel's so the numbers are the panel's */
    step: z.coerce.number().int().min(1).max(86_400).optional(),
    /** range: the graph; instant: the table, at the end of the range */
    mode: z.enum(["range", "instant"]).default("range"),
  }),
);
export type ExploreQueryRequest = z.infer<typeof exploreQueryRequestSchema>;

export const exploreQueryResultSchema = z.object({
  /** The expression as sent (within the cluster's label on a shared AMP workspace). */
  expr: z.string(),
  mode: z.enum(["range", "instant"]),
  window: windowSchema,
  series: z.array(seriesSchema),
  stats: statsSchema,
  /** Samples the backend processed for this answer (0 when served from the cache). */
  samplesProcessed: z.number(),
  cached: z.boolean(),
  warnings: z.array(z.string()),
  /** AMP: the max_samples_processed_error_threshold the query carried; null on other backends. */
  ceiling: z.number().nullable(),
});
export type ExploreQueryResult = z.infer<typeof exploreQueryResultSchema>;

/** Where a syntax error is: 0-based offset into the expression, 1-based line and column. */
export const exploreSyntaxPositionSchema = z.object({ offset: z.number().int(), line: z.number().int(), column: z.number().int() });
export type ExploreSyntaxPosition = z.infer<typeof exploreSyntaxPositionSchema>;

/** An explorer error: every route's error, plus the position when the expression does not parse. */
export const exploreErrorSchema = z.object({ error: apiErrorSchema.shape.error.extend({ position: exploreSyntaxPositionSchema.optional() }) });
export type ExploreError = z.infer<typeof exploreErrorSchema>;

/** Query parameters of GET /api/explore/meta: what autocomplete asks the chosen cluster's backend. */
export const exploreMetaRequestSchema = z
  .object({
    cluster: viewFields.cluster,
    kind: z.enum(["labels", "label-values", "series", "metadata"]),
    /** label-values: the label name (`__name__` for metric names) */
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a label name").optional(),
    /** series selectors; required for series */
    match: z.array(printable(1000)).max(4).default([]),
    start: viewFields.start,
    end: viewFields.end,
    limit: z.coerce.number().int().min(1).max(10_000).default(2_000),
  })
  .refine((r) => r.kind !== "label-values" || r.name !== undefined, { message: "label-values needs name", path: ["name"] })
  .refine((r) => r.kind !== "series" || r.match.length > 0, { message: "series needs at least one match", path: ["match"] })
  .refine((r) => r.end > r.start, { message: "end must be after start", path: ["end"] });
export type ExploreMetaRequest = z.infer<typeof exploreMetaRequestSchema>;

export const exploreMetaResponseSchema = z.object({
  kind: z.enum(["labels", "label-values", "series", "metadata"]),
  values: z.array(z.string()).optional(),
  series: z.array(labelsSchema).optional(),
  metadata: z.record(z.string(), z.array(z.object({ type: z.string(), help: z.string(), unit: z.string().optional() }))).optional(),
  /** the backend had more than `limit`: only the first are here */
  truncated: z.boolean(),
});
export type ExploreMetaResponse = z.infer<typeof exploreMetaResponseSchema>;

// ── Alerts strip: the backend's pending and firing alerts about the API server (GET /api/alerts) ────────

/** Query parameters of GET /api/alerts: the view's cluster and job (alerts are about now, not the range). */
export const alertsRequestSchema = z.object({
  cluster: viewFields.cluster,
  job: viewFields.job,
});
export type AlertsRequest = z.infer<typeof alertsRequestSchema>;

export const activeAlertSchema = z.object({
  name: z.string(),
  state: z.enum(["pending", "firing"]),
  severity: z.string().nullable(),
  summary: z.string().nullable(),
  description: z.string().nullable(),
  /** unix seconds the alert became active (pending since, or firing since its pending began) */
  activeAt: z.number().nullable(),
  /** the apiscope panel that shows it (its `apiscope_panel` label, when that is a panel of the catalogue) */
  panel: z.string().nullable(),
  labels: labelsSchema,
});
export type ActiveAlertView = z.infer<typeof activeAlertSchema>;

export const alertsResponseSchema = z.object({
  /** alerting rules about the API server the backend evaluates (apiscope's recommended ones and others) */
  rulesLoaded: z.number().int(),
  /** whether apiscope's recommended rule groups (apiscope.*) are among them */
  recommendedLoaded: z.boolean(),
  /** rules whose last evaluation failed */
  unhealthyRules: z.array(z.string()),
  alerts: z.array(activeAlertSchema),
  /** unix seconds of this answer (ages are counted from it) */
  now: z.number(),
});
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

// ── Fleet overview (GET /api/fleet) ──────────────────────────────────────────────────────────────

/**
 * Query parameters of GET /api/fleet: the range every cluster's readings are taken at the end of, and
 * optionally which clusters (`cluster=a&cluster=b`; default every cluster the caller may see).
 */
export const fleetRequestSchema = inRange(z.object({ start: requestTime, end: viewEnd, cluster: z.array(printable(100).min(1)).max(100).optional() }));
export type FleetRequest = z.infer<typeof fleetRequestSchema>;

/** One cluster's readings: each the value its dashboard panel shows at the end of the range (null: absent). */
export const fleetReadingsSchema = z.object({
  requestRate: z.number().nullable(),
  errorShare: z.number().nullable(),
  throttledShare: z.number().nullable(),
  /** Every 4xx, 429 included (not scored: 404 and 409 are everyday answers). */
  clientErrorShare: z.number().nullable(),
  apiP99Seconds: z.number().nullable(),
  etcdP99Seconds: z.number().nullable(),
  seatUtilizationPercent: z.number().nullable(),
  seatLevel: z.string().nullable(),
  inflightShare: z.number().nullable(),
  inflightKind: z.string().nullable(),
  etcdSizeBytes: z.number().nullable(),
  etcdQuotaBytes: z.number(),
  /** EKS Provisioned Control Plane: the tier's seat ceiling and the seats in use on all API servers (null: Standard mode). */
  tier: z.object({ name: z.string(), seats: z.number(), inUse: z.number().nullable(), note: z.string() }).nullable(),
});
export type FleetReadings = z.infer<typeof fleetReadingsSchema>;

const fleetRowBase = {
  id: z.string(),
  name: z.string(),
  kind: z.enum(["prometheus", "amp"]),
  /** Backend samples this row's queries processed now (cache hits cost nothing). */
  samplesProcessed: z.number(),
  queries: z.number(),
  ms: z.number(),
};

export const fleetRowSchema = z.discriminatedUnion("status", [
  z.object({ ...fleetRowBase, status: z.literal("ok"), readings: fleetReadingsSchema, score: z.number() }),
  z.object({ ...fleetRowBase, status: z.literal("error"), error: z.object({ kind: z.string(), message: z.string(), hint: z.string() }), score: z.null() }),
]);
export type FleetRow = z.infer<typeof fleetRowSchema>;

export const fleetResponseSchema = z.object({
  start: z.number(),
  end: z.number(),
  /** Worst first (lib/server/fleet.ts: worstFirst, fleetScore). */
  rows: z.array(fleetRowSchema),
  samplesProcessed: z.number(),
  queries: z.number(),
});
export type FleetResponse = z.infer<typeof fleetResponseSchema>;

// ── Deployment health (GET /api/health) ──────────────────────────────────────────────────────────

export const healthClusterSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["prometheus", "amp"]),
  reachable: z.boolean(),
  /** One trivial query's round trip (or how long until it failed). */
  latencyMs: z.number(),
  /** AMP: which credential source signed, in words (never a key); null for Prometheus. */
  credentials: z.string().nullable(),
  /** The API-server job found (null: reachable, but no API-server metrics in the last 6 hours). */
  job: z.string().nullable(),
  /** From kubernetes_build_info (null when it is not scraped). */
  kubernetesVersion: z.string().nullable(),
  error: z.object({ kind: z.string(), message: z.string(), hint: z.string() }).nullable(),
});
export type HealthCluster = z.infer<typeof healthClusterSchema>;

/** 200 when every cluster is reachable and has API-server metrics, else 503 with the same body. */
export const healthResponseSchema = z.object({ ok: z.boolean(), clusters: z.array(healthClusterSchema) });
export type HealthResponse = z.infer<typeof healthResponseSchema>;
