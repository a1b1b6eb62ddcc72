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

/** Keys are lib/panels/kinds.ts ClusterLimitId. */
export const clusterLimitsSchema = z.object({ inflightReadOnly: z.number().optional(), inflightMutating: z.number().optional() });
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

/** Query parameters of GET /api/panels/<id>: all the state a panel's data depends on. */
export const panelRequestSchema = z
  .object({
    cluster: z.string().min(1).max(100),
    job: z.string().max(200).optional(),
    instance: z.string().max(300).optional(),
    start: z.coerce.number().int().nonnegative(),
    end: z.coerce.number().int().positive(),
    /** chart width in pixels: the step is sized to it */
    width: z.coerce.number().int().min(50).max(8000).default(800),
  })
  .refine((r) => r.end > r.start, { message: "end must be after start", path: ["end"] })
  .refine((r) => r.end - r.start <= 32 * 86400, { message: "the range may be at most 32 days", path: ["start"] });
export type PanelRequest = z.infer<typeof panelRequestSchema>;

export const clusterSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["prometheus", "amp"]),
  region: z.string().optional(),
});
export const clustersResponseSchema = z.object({ clusters: z.array(clusterSummarySchema) });
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

/** Query parameters of GET /api/targets. */
export const targetsRequestSchema = z.object({
  cluster: z.string().min(1).max(100),
  job: z.string().max(200).optional(),
  /** unix seconds: jobs and instances as of this moment (the end of the viewed range) */
  end: z.coerce.number().int().positive().optional(),
});

export const targetsResponseSchema = z.object({
  jobs: z.array(z.string()),
  job: z.string().nullable(),
  instances: z.array(z.string()),
});
export type TargetsResponse = z.infer<typeof targetsResponseSchema>;
