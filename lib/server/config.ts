// Which clusters apiscope can query, from APISCOPE_* environment variables (Amplify forbids names
// starting with AWS) or from a JSON file named by APISCOPE_CONFIG. Secrets never live in the config
// itself: the file only names the environment variables that hold them.
//
// Every validation message names the offending field (or env var) and says what to put there, because
// the person reading it is an SRE starting the dashboard in the middle of an incident.
import "server-only";
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { z } from "zod";
import { DataSourceError } from "./datasource/types";
import { clusterVisible, type AllowRule, type Principal } from "../auth/rules";
import type { LabelMatcher } from "./promql";

// ---------------------------------------------------------------------------------------------------
// Public types

export type PrometheusAuth =
  | { type: "none" }
  | { type: "basic"; usernameEnv: string; passwordEnv: string }
  | { type: "bearer"; tokenEnv: string };

export interface InflightLimits {
  /** kube-apiserver --max-requests-inflight (default 400) */
  readOnly: number;
  /** kube-apiserver --max-mutating-requests-inflight (default 200) */
  mutating: number;
}

interface ClusterCommon {
  id: string;
  name: string;
  /** Value of the `cluster` label, when several clusters share one backend. */
  clusterLabel?: string;
  /**
   * The label `clusterLabel` is a value of: "cluster", unless this cluster was discovered by an entry whose
   * `discoverClusters.label` names another (never set in the config file itself).
   */
  clusterLabelName?: string;
  /**
   * A shared workspace: list one cluster per value of this label found on the API-server job (lib/server/
   * discovery.ts), each with the id `<this id>:<value>` and everything else of this entry.
   */
  discoverClusters?: DiscoverClusters;
  scrapeIntervalSeconds: number;
  /** Budget for one backend call, retries included. */
  timeoutMs: number;
  inflightLimits: InflightLimits;
  /** The etcd database quota the fleet measures its size against (EKS: 8 GiB unless changed). */
  etcdQuotaBytes?: number;
  /** EKS Provisioned Control Plane tier (absent: Standard mode, no fixed seat ceiling). */
  controlPlaneTier?: ControlPlaneTier;
  /**
   * Read apiscope's recorded series (rules/apiscope.rules.yml) where they exist and hold the same numbers
   * (lib/server/plan/recorded.ts). Default true; false reads the raw series always.
   */
  recordedSeries?: boolean;
  /**
   * Who may see this cluster (on top of APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS): a group or a
   * user listed here. Absent: everyone allowed into the dashboard. With APISCOPE_AUTH=none nobody can be
   * checked against it, so a cluster with a rule is hidden.
   */
  allow?: AllowRule;
}

export interface PrometheusClusterConfig extends ClusterCommon {
  kind: "prometheus";
  /** API root without trailing slash; `/api/v1/...` is appended. Never contains credentials. */
  url: string;
  auth: PrometheusAuth;
}

export interface AmpClusterConfig extends ClusterCommon {
  kind: "amp";
  region: string;
  workspaceId?: string;
  workspaceAlias?: string;
  /** Workspace query endpoint ending in `/workspaces/<id>/` (VPC endpoint or test stand-in). */
  endpoint?: string;
  roleArn?: string;
  /** Sent as max_samples_processed_error_threshold: AMP rejects (and does not bill) bigger queries. */
  maxSamplesProcessed?: number;
}

export type ClusterConfig = PrometheusClusterConfig | AmpClusterConfig;

export interface DiscoverClusters {
  /** The label that tells the workspace's clusters apart (default "cluster"). */
  label: string;
}

/** What `GET /api/clusters` may show: no URL, no secret, no env var name. */
export interface PublicCluster {
  id: string;
  name: string;
  kind: ClusterConfig["kind"];
  region?: string;
}

/** The label that tells this cluster apart on a shared backend ("cluster" unless discovered by another). */
export function clusterLabelName(cluster: ClusterConfig): string {
  return cluster.clusterLabelName ?? "cluster";
}

/** Clusters sharing one backend are told apart by their cluster label: this matcher on every selector. */
export function clusterMatchers(cluster: ClusterConfig): LabelMatcher[] {
  return cluster.clusterLabel !== undefined ? [{ name: clusterLabelName(cluster), op: "=", value: cluster.clusterLabel }] : [];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 30;
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_INFLIGHT_LIMITS: InflightLimits = { readOnly: 400, mutating: 200 };
/** EKS's default etcd database quota (anchors.md: 8 GiB), unless the cluster configures its own. */
export const DEFAULT_ETCD_QUOTA_BYTES = 8 * 1024 ** 3;

/**
 * EKS Provisioned Control Plane tiers and their API request concurrency in APF seats, cluster-wide
 * (anchors.md §6.1: XL 1,700, 2XL 3,400, 4XL 6,800). 8XL is listed in the EKS API reference without a
 * published figure: 13,600 continues the doubling and is marked as extrapolated wherever it is shown.
 */
export const CONTROL_PLANE_TIERS = {
  XL: { seats: 1_700, extrapolated: false },
  "2XL": { seats: 3_400, extrapolated: false },
  "4XL": { seats: 6_800, extrapolated: false },
  "8XL": { seats: 13_600, extrapolated: true },
} as const;
export type ControlPlaneTier = keyof typeof CONTROL_PLANE_TIERS;

/** The cluster's tier ceiling in seats and how to name it, or null in Standard mode. */
export function tierCeiling(cluster: Pick<ClusterConfig, "controlPlaneTier">): { tier: ControlPlaneTier; seats: number; note: string } | null {
  const tier = cluster.controlPlaneTier;
  if (!tier) return null;
  const { seats, extrapolated } = CONTROL_PLANE_TIERS[tier];
  return { tier, seats, note: `Provisioned Control Plane ${tier}${extrapolated ? ", extrapolated" : ""}` };
}

const TIER_NAMES = Object.keys(CONTROL_PLANE_TIERS) as [ControlPlaneTier, ...ControlPlaneTier[]];

export const NO_CLUSTER_MESSAGE =
  "No cluster configured: set APISCOPE_PROMETHEUS_URL=http://… or APISCOPE_AMP_WORKSPACE_ID+APISCOPE_AMP_REGION or APISCOPE_CONFIG=…";

// ---------------------------------------------------------------------------------------------------
// Schema (shared by the file and the env-var forms)

/** A required string whose message shows an example of a good value. */
function requiredString(example: string, requiredFor = "") {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? `required${requiredFor} (e.g. ${example})` : `must be a string (e.g. ${example})`,
    })
    .min(1, `must not be empty (e.g. ${example})`);
}

function wholeNumber(what: string, min: number, max: number) {
  const message = `must be ${what} between ${min} and ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

const envVarName = (example: string) =>
  requiredString(`"${example}"`).regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    `must be the NAME of an environment variable holding the secret (e.g. "${example}"), not the secret itself`,
  );

const httpUrl = (example: string) =>
  requiredString(example)
    .refine((value) => /^https?:$/.test(safeUrl(value)?.protocol ?? ""), `must be an http:// or https:// URL (e.g. ${example})`)
    .refine((value) => {
      const url = safeUrl(value);
      return !url || (!url.username && !url.password);
    }, "must not contain a user or password: put secrets in environment variables and reference them by name")
    .refine((value) => {
      const url = safeUrl(value);
      return !url || (!url.search && !url.hash);
    }, "must not contain a ?query or #fragment: give the API root that /api/v1/… is appended to");

const authSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("none") }),
    z.strictObject({ type: z.literal("basic"), usernameEnv: envVarName("PROM_USERNAME"), passwordEnv: envVarName("PROM_PASSWORD") }),
    z.strictObject({ type: z.literal("bearer"), tokenEnv: envVarName("PROM_TOKEN") }),
  ],
  { error: 'must be "none", "basic" (with usernameEnv, passwordEnv) or "bearer" (with tokenEnv)' },
);

const commonFields = {
  id: requiredString('"prod-eu"').regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be a short slug of lowercase letters, digits, "-" or "_" (e.g. "prod-eu"); it appears in URLs',
  ),
  name: requiredString('"Production EU"'),
  clusterLabel: requiredString('"prod-eu"').optional(),
  scrapeIntervalSeconds: wholeNumber("a whole number of seconds", 1, 3600).default(DEFAULT_SCRAPE_INTERVAL_SECONDS),
  timeoutMs: wholeNumber("whole milliseconds (Amplify cuts requests at ~30 s)", 100, 300_000).default(DEFAULT_TIMEOUT_MS),
  inflightLimits: z
    .strictObject(
      {
        readOnly: wholeNumber("a whole number (--max-requests-inflight)", 1, 1_000_000).default(DEFAULT_INFLIGHT_LIMITS.readOnly),
        mutating: wholeNumber("a whole number (--max-mutating-requests-inflight)", 1, 1_000_000).default(
          DEFAULT_INFLIGHT_LIMITS.mutating,
        ),
      },
      { error: 'must be an object like {"readOnly": 400, "mutating": 200}' },
    )
    .default(DEFAULT_INFLIGHT_LIMITS),
  discoverClusters: z
    .strictObject(
      {
        label: z
          .string({ error: 'must be a label name (e.g. "cluster")' })
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Prometheus label name (e.g. "cluster")')
          .refine((name) => !name.startsWith("__") && !["job", "instance", "le"].includes(name), 'must be the label that tells clusters apart (e.g. "cluster"), not job, instance, le or a __reserved label')
          .default("cluster"),
      },
      { error: 'must be an object like {"label": "cluster"}' },
    )
    .optional(),
  etcdQuotaBytes: wholeNumber("a whole number of bytes (etcd --quota-backend-bytes; EKS: 8589934592)", 1, Number.MAX_SAFE_INTEGER).optional(),
  recordedSeries: z.boolean({ error: "must be true or false" }).optional(),
  controlPlaneTier: z
    .enum(TIER_NAMES, {
      error: `must be one of ${TIER_NAMES.map((t) => `"${t}"`).join(", ")} (the EKS Provisioned Control Plane tier, as in tier-xl → "XL"); leave it out for Standard mode`,
    })
    .optional(),
  allow: z
    .strictObject(
      {
        groups: z.array(requiredString('"sre"'), { error: 'must be a list of group names, e.g. ["sre", "platform"]' }).optional(),
        users: z.array(requiredString('"alice@example.com"'), { error: 'must be a list of emails or subject ids, e.g. ["alice@example.com"]' }).optional(),
      },
      { error: 'must be an object like {"groups": ["sre"], "users": ["alice@example.com"]}' },
    )
    .refine(
      (allow) => (allow.groups?.length ?? 0) + (allow.users?.length ?? 0) > 0,
      'must name at least one group or user (leave "allow" out to show the cluster to everyone allowed into the dashboard)',
    )
    .optional(),
};

const prometheusClusterSchema = z.strictObject({
  kind: z.literal("prometheus"),
  ...commonFields,
  url: httpUrl('"http://prometheus.monitoring:9090"').transform((value) => value.replace(/\/+$/, "")),
  auth: authSchema.default({ type: "none" }),
});

const AMP_REGION_EXAMPLE = '"us-east-1"';

const ampClusterSchema = z
  .strictObject({
    kind: z.literal("amp"),
    ...commonFields,
    region: requiredString(AMP_REGION_EXAMPLE, ' for kind "amp"').regex(
      /^[a-z]{2}(-[a-z]+)+-\d+$/,
      `must be an AWS region name (e.g. ${AMP_REGION_EXAMPLE})`,
    ),
    workspaceId: requiredString('"ws-12345678-abcd-1234-abcd-123456789012"')
      .regex(/^[0-9A-Za-z][-.0-9A-Z_a-z]{0,63}$/, 'must be a workspace id (e.g. "ws-12345678-abcd-1234-abcd-123456789012")')
      .optional(),
    workspaceAlias: requiredString('"prod-eu"').max(100, "must be at most 100 characters").optional(),
    endpoint: httpUrl('"https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-…/"')
      .transform((value) => value.replace(/\/*$/, "/"))
      .optional(),
    roleArn: requiredString('"arn:aws:iam::123456789012:role/apiscope-query"')
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN (e.g. "arn:aws:iam::123456789012:role/apiscope-query")')
      .optional(),
    maxSamplesProcessed: wholeNumber("a whole number of samples", 1, Number.MAX_SAFE_INTEGER).optional(),
  })
  .superRefine((cluster, ctx) => {
    if (cluster.workspaceId === undefined && cluster.workspaceAlias === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["workspaceId"],
        message: 'required for kind "amp" unless workspaceAlias is given (e.g. "ws-12345678-abcd-1234-abcd-123456789012")',
      });
    }
    if (cluster.workspaceId !== undefined && cluster.workspaceAlias !== undefined) {
      ctx.addIssue({ code: "custom", path: ["workspaceAlias"], message: "give either workspaceId or workspaceAlias, not both" });
    }
    if (cluster.endpoint !== undefined) {
      if (cluster.workspaceId === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint"],
          message: "needs workspaceId (a workspaceAlias is resolved to the workspace's own endpoint)",
        });
      } else if (!safeUrl(cluster.endpoint)?.pathname.endsWith(`/workspaces/${cluster.workspaceId}/`)) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint"],
          message: `must end with /workspaces/${cluster.workspaceId}/ (the workspace query endpoint, as DescribeWorkspace returns it)`,
        });
      }
    }
  });

const clusterSchema = z.discriminatedUnion("kind", [prometheusClusterSchema, ampClusterSchema], {
  error: 'must be "prometheus" or "amp"',
});

const configFileSchema = z
  .strictObject(
    {
      clusters: z
        .array(clusterSchema, { error: 'required: a list of clusters, e.g. {"clusters": [{"id": "prod", …}]}' })
        .min(1, "must list at least one cluster"),
    },
    { error: 'must be a JSON object like {"clusters": [ … ]}' },
  )
  .superRefine((config, ctx) => {
    const firstIndexById = new Map<string, number>();
    config.clusters.forEach((cluster, index) => {
      if (cluster.discoverClusters && cluster.clusterLabel !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["clusters", index, "discoverClusters"],
          message: "lists every cluster of the workspace: leave clusterLabel out (configure a single cluster of the workspace as its own entry with clusterLabel)",
        });
      }
      const first = firstIndexById.get(cluster.id);
      if (first === undefined) firstIndexById.set(cluster.id, index);
      else ctx.addIssue({ code: "custom", path: ["clusters", index, "id"], message: `duplicate id "${cluster.id}" (also clusters[${first}])` });
    });
  });

// ---------------------------------------------------------------------------------------------------
// Loading

type Env = Record<string, string | undefined>;

/** Read and validate the configuration. Throws ConfigError with one line per problem. */
export function loadConfig(env: Env = process.env): ClusterConfig[] {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const configFile = value("APISCOPE_CONFIG");
  const prometheusUrl = value("APISCOPE_PROMETHEUS_URL");
  const ampVars = ["APISCOPE_AMP_WORKSPACE_ID", "APISCOPE_AMP_REGION", "APISCOPE_AMP_ENDPOINT", "APISCOPE_AMP_ROLE_ARN"].filter(value);

  const modes = [configFile && "APISCOPE_CONFIG", prometheusUrl && "APISCOPE_PROMETHEUS_URL", ampVars[0]].filter(Boolean);
  if (modes.length > 1) {
    throw new ConfigError(
      `${modes.join(" and ")} are ${modes.length === 2 ? "both" : "all"} set: configure clusters one way only (several clusters go in the APISCOPE_CONFIG file)`,
    );
  }
  if (configFile) return loadConfigFile(resolvePath(configFile), env);
  if (prometheusUrl) return [parseEnvCluster(prometheusClusterFromEnv(value), PROMETHEUS_ENV_NAMES)];
  if (ampVars.length > 0) return [parseEnvCluster(ampClusterFromEnv(value), AMP_ENV_NAMES)];
  throw new ConfigError(NO_CLUSTER_MESSAGE);
}

function loadConfigFile(path: string, env: Env): ClusterConfig[] {
  const where = `APISCOPE_CONFIG ${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? String(error)})`;
    throw new ConfigError(`${where}: ${reason}; APISCOPE_CONFIG must be the path of a JSON file like {"clusters": [ … ]}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${where}: ${describeIssue(issue, formatPath)}`).join("\n"));
  }
  const clusters = parsed.data.clusters as ClusterConfig[];
  const missing = clusters.flatMap((cluster, index) =>
    missingSecretEnvVars(cluster).map(([field, name]) => `${where}: clusters[${index}].auth.${field}: environment variable ${name} is not set`),
  );
  if (missing.length > 0) throw new ConfigError(missing.join("\n"));
  return clusters;

  function missingSecretEnvVars(cluster: ClusterConfig): Array<[string, string]> {
    if (cluster.kind !== "prometheus") return [];
    const auth = cluster.auth;
    const fields: Array<[string, string]> =
      auth.type === "basic"
        ? [["usernameEnv", auth.usernameEnv], ["passwordEnv", auth.passwordEnv]]
        : auth.type === "bearer"
          ? [["tokenEnv", auth.tokenEnv]]
          : [];
    return fields.filter(([, name]) => !env[name]);
  }
}

// The single-cluster env-var form: build the same object the file would hold, validate it with the same
// schema, and report problems under the env var's name instead of the field's.

const PROMETHEUS_ENV_NAMES: Record<string, string> = {
  url: "APISCOPE_PROMETHEUS_URL",
  name: "APISCOPE_CLUSTER_NAME",
  clusterLabel: "APISCOPE_CLUSTER_LABEL",
  scrapeIntervalSeconds: "APISCOPE_SCRAPE_INTERVAL_SECONDS",
  timeoutMs: "APISCOPE_TIMEOUT_MS",
  auth: "APISCOPE_PROMETHEUS_BEARER_TOKEN / APISCOPE_PROMETHEUS_USERNAME+APISCOPE_PROMETHEUS_PASSWORD",
};

const AMP_ENV_NAMES: Record<string, string> = {
  ...PROMETHEUS_ENV_NAMES,
  region: "APISCOPE_AMP_REGION",
  workspaceId: "APISCOPE_AMP_WORKSPACE_ID",
  endpoint: "APISCOPE_AMP_ENDPOINT",
  roleArn: "APISCOPE_AMP_ROLE_ARN",
  maxSamplesProcessed: "APISCOPE_AMP_MAX_SAMPLES_PROCESSED",
};

function commonFromEnv(value: (name: string) => string | undefined, fallbackName: string) {
  const number = (name: string) => (value(name) === undefined ? undefined : Number(value(name)));
  return {
    id: "default",
    name: value("APISCOPE_CLUSTER_NAME") ?? fallbackName,
    clusterLabel: value("APISCOPE_CLUSTER_LABEL"),
    scrapeIntervalSeconds: number("APISCOPE_SCRAPE_INTERVAL_SECONDS"),
    timeoutMs: number("APISCOPE_TIMEOUT_MS"),
  };
}

function prometheusClusterFromEnv(value: (name: string) => string | undefined) {
  const url = value("APISCOPE_PROMETHEUS_URL")!;
  const bearer = value("APISCOPE_PROMETHEUS_BEARER_TOKEN");
  const username = value("APISCOPE_PROMETHEUS_USERNAME");
  const password = value("APISCOPE_PROMETHEUS_PASSWORD");
  if (bearer && (username || password)) {
    throw new ConfigError(
      "APISCOPE_PROMETHEUS_BEARER_TOKEN and APISCOPE_PROMETHEUS_USERNAME/PASSWORD are both set: use one kind of authentication",
    );
  }
  if (Boolean(username) !== Boolean(password)) {
    const [missing, present] = username
      ? ["APISCOPE_PROMETHEUS_PASSWORD", "APISCOPE_PROMETHEUS_USERNAME"]
      : ["APISCOPE_PROMETHEUS_USERNAME", "APISCOPE_PROMETHEUS_PASSWORD"];
    throw new ConfigError(`${missing}: required together with ${present} (basic auth)`);
  }
  const auth: PrometheusAuth = bearer
    ? { type: "bearer", tokenEnv: "APISCOPE_PROMETHEUS_BEARER_TOKEN" }
    : username
      ? { type: "basic", usernameEnv: "APISCOPE_PROMETHEUS_USERNAME", passwordEnv: "APISCOPE_PROMETHEUS_PASSWORD" }
      : { type: "none" };
  // Not the URL's host: the name is shown in the browser, which never learns where the backend is.
  return { kind: "prometheus", ...commonFromEnv(value, "Prometheus"), url, auth };
}

function ampClusterFromEnv(value: (name: string) => string | undefined) {
  const workspaceId = value("APISCOPE_AMP_WORKSPACE_ID");
  const maxSamples = value("APISCOPE_AMP_MAX_SAMPLES_PROCESSED");
  return {
    kind: "amp",
    ...commonFromEnv(value, workspaceId ?? "AMP"),
    region: value("APISCOPE_AMP_REGION"),
    workspaceId,
    endpoint: value("APISCOPE_AMP_ENDPOINT"),
    roleArn: value("APISCOPE_AMP_ROLE_ARN"),
    maxSamplesProcessed: maxSamples === undefined ? undefined : Number(maxSamples),
  };
}

function parseEnvCluster(raw: Record<string, unknown>, envNames: Record<string, string>): ClusterConfig {
  const withoutUndefined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = clusterSchema.safeParse(withoutUndefined);
  if (!parsed.success) {
    const envPath = (path: PropertyKey[]) => envNames[String(path[0])] ?? formatPath(path);
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, envPath)).join("\n"));
  }
  return parsed.data as ClusterConfig;
}

// ---------------------------------------------------------------------------------------------------
// Messages

const SECRET_FIELDS: Record<string, string> = { password: "passwordEnv", username: "usernameEnv", token: "tokenEnv", bearerToken: "tokenEnv" };
const KIND_ONLY_FIELDS: Record<string, ClusterConfig["kind"]> = {
  url: "prometheus",
  auth: "prometheus",
  region: "amp",
  workspaceId: "amp",
  workspaceAlias: "amp",
  endpoint: "amp",
  roleArn: "amp",
  maxSamplesProcessed: "amp",
};

function describeIssue(issue: z.core.$ZodIssue, pathToText: (path: PropertyKey[]) => string): string {
  if (issue.code === "unrecognized_keys") {
    return issue.keys
      .map((key) => {
        const where = pathToText([...issue.path, key]);
        const envField = SECRET_FIELDS[key];
        const kindOnly = KIND_ONLY_FIELDS[key];
        if (envField) return `${where}: secrets are not allowed in the config; put it in an environment variable and set "${envField}": "<ITS_NAME>"`;
        if (kindOnly) return `${where}: only applies to kind "${kindOnly}"`;
        return `${where}: unknown field (check the spelling; see the list of fields in lib/server/config.ts)`;
      })
      .join("\n");
  }
  const where = issue.path.length > 0 ? pathToText(issue.path) : "(top level)";
  return `${where}: ${issue.message}`;
}

/** ["clusters", 1, "region"] → "clusters[1].region" */
function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), "");
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Process-wide access

let cachedClusters: readonly ClusterConfig[] | undefined;

/** The configured clusters, validated once per process. Throws ConfigError when misconfigured. */
export function getClusters(): readonly ClusterConfig[] {
  cachedClusters ??= Object.freeze(loadConfig());
  return cachedClusters;
}

/**
 * One configured cluster. Throws DataSourceError kind "config" (which routes turn into a response) for an
 * unknown id or a broken configuration.
 */
export function getCluster(clusterId: string): ClusterConfig {
  let clusters: readonly ClusterConfig[];
  try {
    clusters = getClusters();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new DataSourceError("config", error.message, { cause: error, hint: "Fix the configuration (see the server log) and restart the server." });
  }
  const cluster = findCluster(clusters, clusterId);
  if (!cluster) {
    throw new DataSourceError("config", `Unknown cluster ${JSON.stringify(clusterId.slice(0, 64))}; configured: ${clusters.map((c) => c.id).join(", ")}`, {
      hint: "Pick one of the clusters listed by GET /api/clusters.",
    });
  }
  return cluster;
}

/** For tests (and a future "reload config" action): forget the cached configuration. */
export function resetConfigCache(): void {
  cachedClusters = undefined;
  discovered.clear();
}

/**
 * The clusters last discovered per `discoverClusters` entry (lib/server/discovery.ts keeps it up to date and
 * puts a cluster here only after checking its value against the backend's), so that everything that takes a
 * cluster id (getCluster, clustersFor) knows them without a backend call of its own.
 */
const discovered = new Map<string, readonly ClusterConfig[]>();

export function setDiscoveredClusters(parentId: string, clusters: readonly ClusterConfig[]): void {
  discovered.set(parentId, Object.freeze([...clusters]));
}

/** The clusters an entry last discovered (none before its first discovery). */
export function discoveredClustersOf(parentId: string): readonly ClusterConfig[] {
  return discovered.get(parentId) ?? [];
}

/** Clusters that query the same backend (Prometheus URL or AMP workspace) share its bounds. */
export function backendKey(cluster: ClusterConfig): string {
  return cluster.kind === "amp" ? `amp ${cluster.region} ${cluster.workspaceId ?? cluster.workspaceAlias} ${cluster.endpoint ?? ""}` : `prometheus ${cluster.url}`;
}

function findCluster(clusters: readonly ClusterConfig[], clusterId: string): ClusterConfig | undefined {
  const configured = clusters.find((c) => c.id === clusterId);
  if (configured) return configured;
  const parent = clusterId.slice(0, Math.max(0, clusterId.indexOf(":")));
  return discovered.get(parent)?.find((c) => c.id === clusterId);
}

/**
 * The clusters one person may see: those without an `allow` rule, and those whose rule they match. `null`
 * is nobody in particular (APISCOPE_AUTH=none): only clusters without a rule.
 */
export function clustersFor(principal: Principal | null): ClusterConfig[] {
  return getClusters().filter((cluster) => clusterVisible(principal, cluster.allow));
}

/**
 * A discovered cluster (lib/server/discovery.ts) this person may see (it has its entry's allow rule), else
 * undefined; `principal` undefined: whoever may see it.
 */
export function discoveredClusterFor(principal: Principal | null | undefined, clusterId: string): ClusterConfig | undefined {
  const cluster = clusterId.includes(":") ? findCluster(getClusters(), clusterId) : undefined;
  return cluster && (principal === undefined || clusterVisible(principal, cluster.allow)) ? cluster : undefined;
}

/** What `GET /api/clusters` shows this person (every cluster when called without one, for tooling). */
export function publicClusters(principal?: Principal | null): PublicCluster[] {
  return (principal === undefined ? getClusters() : clustersFor(principal)).map(publicCluster);
}

export function publicCluster(cluster: ClusterConfig): PublicCluster {
  return cluster.kind === "amp"
    ? { id: cluster.id, name: cluster.name, kind: cluster.kind, region: cluster.region }
    : { id: cluster.id, name: cluster.name, kind: cluster.kind };
}

/**
 * Fail fast at server start (called from instrumentation.ts): a dashboard that starts but cannot query
 * anything is worse during an incident than one that refuses to start with a precise message.
 */
export function assertConfigAtStartup(): void {
  try {
    getClusters();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`apiscope: configuration error\n${message}`);
    process.exit(1);
  }
}

/** Clusters whose readings can be asked together: one backend, told apart by the same label. */
export function sharedBackendKey(cluster: ClusterConfig): string | null {
  const label = cluster.discoverClusters?.label ?? (cluster.clusterLabel !== undefined ? clusterLabelName(cluster) : null);
  return label === null ? null : `${backendKey(cluster)}\n${label}`;
}

/** The configured entry whose client asks a shared backend's grouped queries: the first of that backend. */
export function sharedBackendLead(cluster: ClusterConfig): ClusterConfig | undefined {
  const key = sharedBackendKey(cluster);
  return key === null ? undefined : getClusters().find((c) => sharedBackendKey(c) === key);
}
