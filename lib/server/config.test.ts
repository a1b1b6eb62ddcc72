import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { assertConfigAtStartup, clustersFor, ConfigError, CONTROL_PLANE_TIERS, getCluster, loadConfig, NO_CLUSTER_MESSAGE, publicClusters, resetConfigCache, tierCeiling } from "./config";
import { DataSourceError } from "./datasource/types";
import { setEnv } from "./datasource/testing/env";

const dir = mkdtempSync(join(tmpdir(), "apiscope-config-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function configFile(content: unknown): string {
  const path = join(dir, `config-${++fileCounter}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** loadConfig() with only these variables set. */
const load = (env: Record<string, string>) => loadConfig(env);
const loadFile = (content: unknown, env: Record<string, string> = {}) => {
  const path = configFile(content);
  return { path, load: () => loadConfig({ APISCOPE_CONFIG: path, ...env }) };
};
/** The error message loadConfig throws. */
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

const prom = { id: "prod", name: "Production", kind: "prometheus", url: "http://prometheus.monitoring:9090" };
const amp = { id: "eks", name: "EKS", kind: "amp", region: "us-east-1", workspaceId: "ws-abc" };

describe("env-var configuration", () => {
  it("APISCOPE_PROMETHEUS_URL alone: one cluster named \"Prometheus\", never after the backend's host (the name reaches the browser)", () => {
    expect(load({ APISCOPE_PROMETHEUS_URL: "http://prometheus.monitoring:9090/" })).toEqual([
      {
        id: "default",
        name: "Prometheus",
        kind: "prometheus",
        url: "http://prometheus.monitoring:9090",
        auth: { type: "none" },
        scrapeIntervalSeconds: 30,
        timeoutMs: 20_000,
        inflightLimits: { readOnly: 400, mutating: 200 },
      },
    ]);
  });

  it("cluster name, bearer token or basic auth by env var name, tuning knobs", () => {
    const [bearer] = load({ APISCOPE_PROMETHEUS_URL: "https://mimir.example/prometheus", APISCOPE_CLUSTER_NAME: "Mimir", APISCOPE_PROMETHEUS_BEARER_TOKEN: "t0k3n", APISCOPE_TIMEOUT_MS: "5000", APISCOPE_CLUSTER_LABEL: "prod" });
    expect(bearer).toMatchObject({ name: "Mimir", url: "https://mimir.example/prometheus", auth: { type: "bearer", tokenEnv: "APISCOPE_PROMETHEUS_BEARER_TOKEN" }, timeoutMs: 5000, clusterLabel: "prod" });
    expect(JSON.stringify(bearer)).not.toContain("t0k3n");
    const [basic] = load({ APISCOPE_PROMETHEUS_URL: "http://p:9090", APISCOPE_PROMETHEUS_USERNAME: "u", APISCOPE_PROMETHEUS_PASSWORD: "p" });
    expect(basic).toMatchObject({ auth: { type: "basic", usernameEnv: "APISCOPE_PROMETHEUS_USERNAME", passwordEnv: "APISCOPE_PROMETHEUS_PASSWORD" } });
  });

  it("APISCOPE_AMP_WORKSPACE_ID + APISCOPE_AMP_REGION (+ endpoint, role, sample ceiling)", () => {
    expect(load({ APISCOPE_AMP_WORKSPACE_ID: "ws-abc", APISCOPE_AMP_REGION: "eu-west-1" })).toEqual([
      expect.objectContaining({ id: "default", name: "ws-abc", kind: "amp", region: "eu-west-1", workspaceId: "ws-abc" }),
    ]);
    const [withExtras] = load({
      APISCOPE_AMP_WORKSPACE_ID: "ws-abc",
      APISCOPE_AMP_REGION: "eu-west-1",
      APISCOPE_AMP_ENDPOINT: "http://127.0.0.1:9999/workspaces/ws-abc",
      APISCOPE_AMP_ROLE_ARN: "arn:aws:iam::123456789012:role/apiscope",
      APISCOPE_AMP_MAX_SAMPLES_PROCESSED: "50000000",
    });
    expect(withExtras).toMatchObject({ endpoint: "http://127.0.0.1:9999/workspaces/ws-abc/", roleArn: "arn:aws:iam::123456789012:role/apiscope", maxSamplesProcessed: 50_000_000 });
  });

  it("no configuration at all: says how to configure", () => {
    expect(errorOf(() => load({}))).toBe(NO_CLUSTER_MESSAGE);
    expect(NO_CLUSTER_MESSAGE).toBe("No cluster configured: set APISCOPE_PROMETHEUS_URL=http://… or APISCOPE_AMP_WORKSPACE_ID+APISCOPE_AMP_REGION or APISCOPE_CONFIG=…");
  });

  it("each bad variable is named", () => {
    expect(errorOf(() => load({ APISCOPE_AMP_WORKSPACE_ID: "ws-abc" }))).toBe('APISCOPE_AMP_REGION: required for kind "amp" (e.g. "us-east-1")');
    expect(errorOf(() => load({ APISCOPE_AMP_REGION: "us-east-1" }))).toMatch(/^APISCOPE_AMP_WORKSPACE_ID: required/);
    expect(errorOf(() => load({ APISCOPE_AMP_WORKSPACE_ID: "ws-abc", APISCOPE_AMP_REGION: "Virginia" }))).toMatch(/^APISCOPE_AMP_REGION: must be an AWS region name/);
    expect(errorOf(() => load({ APISCOPE_AMP_WORKSPACE_ID: "ws-abc", APISCOPE_AMP_REGION: "us-east-1", APISCOPE_AMP_ENDPOINT: "https://x/workspaces/ws-other/" }))).toMatch(/^APISCOPE_AMP_ENDPOINT: must end with \/workspaces\/ws-abc\//);
    expect(errorOf(() => load({ APISCOPE_AMP_WORKSPACE_ID: "ws-abc", APISCOPE_AMP_REGION: "us-east-1", APISCOPE_AMP_ROLE_ARN: "my-role" }))).toMatch(/^APISCOPE_AMP_ROLE_ARN: must be an IAM role ARN/);
    expect(errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "prometheus:9090" }))).toMatch(/^APISCOPE_PROMETHEUS_URL: must be an http:\/\/ or https:\/\/ URL/);
    expect(errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "http://admin:hunter2@prom:9090" }))).toMatch(/^APISCOPE_PROMETHEUS_URL: must not contain a user or password/);
    expect(errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "http://p:9090", APISCOPE_TIMEOUT_MS: "soon" }))).toMatch(/^APISCOPE_TIMEOUT_MS: must be whole milliseconds/);
    expect(errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "http://p:9090", APISCOPE_PROMETHEUS_USERNAME: "u" }))).toBe("APISCOPE_PROMETHEUS_PASSWORD: required together with APISCOPE_PROMETHEUS_USERNAME (basic auth)");
    expect(errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "http://p:9090", APISCOPE_AMP_WORKSPACE_ID: "ws-abc" }))).toMatch(/APISCOPE_PROMETHEUS_URL and APISCOPE_AMP_WORKSPACE_ID are both set/);
  });

  it("secrets never appear in error messages", () => {
    const message = errorOf(() => load({ APISCOPE_PROMETHEUS_URL: "http://admin:hunter2@prom:9090" }));
    expect(message).not.toContain("hunter2");
  });
});

describe("APISCOPE_CONFIG file", () => {
  it("several clusters, defaults applied, secrets referenced by env var name", () => {
    const { load } = loadFile(
      {
        clusters: [
          { ...prom, auth: { type: "bearer", tokenEnv: "PROM_TOKEN" }, clusterLabel: "prod", scrapeIntervalSeconds: 15, inflightLimits: { readOnly: 800 } },
          { ...amp, maxSamplesProcessed: 100_000_000, timeoutMs: 25_000 },
          { id: "shared", name: "Shared", kind: "amp", region: "ap-southeast-2", workspaceAlias: "observability", roleArn: "arn:aws:iam::123456789012:role/q" },
          { id: "local", name: "Local stand-in", kind: "amp", region: "us-east-1", workspaceId: "ws-abc", endpoint: "http://127.0.0.1:9465/workspaces/ws-abc/" },
        ],
      },
      { PROM_TOKEN: "secret" },
    );
    const clusters = load();
    expect(clusters.map((c) => c.id)).toEqual(["prod", "eks", "shared", "local"]);
    expect(clusters[0]).toMatchObject({ auth: { type: "bearer", tokenEnv: "PROM_TOKEN" }, scrapeIntervalSeconds: 15, timeoutMs: 20_000, inflightLimits: { readOnly: 800, mutating: 200 } });
    expect(clusters[1]).toMatchObject({ kind: "amp", maxSamplesProcessed: 100_000_000, timeoutMs: 25_000, scrapeIntervalSeconds: 30 });
    expect(clusters[2]).toMatchObject({ workspaceAlias: "observability", roleArn: "arn:aws:iam::123456789012:role/q" });
    expect(clusters[3]).toMatchObject({ endpoint: "http://127.0.0.1:9465/workspaces/ws-abc/" });
  });

  it("a shared workspace's clusters discovered by a label, \"cluster\" by default", () => {
    const clusters = loadFile({ clusters: [{ ...amp, discoverClusters: {} }, { ...amp, id: "byteam", discoverClusters: { label: "eks_cluster" } }] }).load();
    expect(clusters.map((c) => c.discoverClusters)).toEqual([{ label: "cluster" }, { label: "eks_cluster" }]);
  });

  it("names the file and the field, as in clusters[1].region", () => {
    const { path, load } = loadFile({ clusters: [prom, { id: "eks", name: "EKS", kind: "amp", workspaceId: "ws-abc" }] });
    expect(errorOf(load)).toBe(`APISCOPE_CONFIG ${path}: clusters[1].region: required for kind "amp" (e.g. "us-east-1")`);
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ["missing clusters", {}, /: clusters: required: a list of clusters/],
    ["empty clusters", { clusters: [] }, /: clusters: must list at least one cluster/],
    ["not an object", [], /: \(top level\): must be a JSON object like/],
    ["unknown kind", { clusters: [{ ...prom, kind: "thanos" }] }, /: clusters\[0\]\.kind: must be "prometheus" or "amp"/],
    ["bad id", { clusters: [{ ...prom, id: "Prod EU" }] }, /: clusters\[0\]\.id: must be a short slug/],
    ["duplicate id", { clusters: [prom, { ...amp, id: "prod" }] }, /: clusters\[1\]\.id: duplicate id "prod" \(also clusters\[0\]\)/],
    ["missing name", { clusters: [{ ...prom, name: undefined }] }, /: clusters\[0\]\.name: required \(e\.g\. "Production EU"\)/],
    ["bad url", { clusters: [{ ...prom, url: "ftp://prom" }] }, /: clusters\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/],
    ["url with credentials", { clusters: [{ ...prom, url: "https://u:p@prom" }] }, /: clusters\[0\]\.url: must not contain a user or password/],
    ["url with a query", { clusters: [{ ...prom, url: "https://prom/?tenant=a" }] }, /: clusters\[0\]\.url: must not contain a \?query or #fragment/],
    ["unknown auth type", { clusters: [{ ...prom, auth: { type: "oauth" } }] }, /: clusters\[0\]\.auth\.type: must be "none", "basic"/],
    ["inline password", { clusters: [{ ...prom, auth: { type: "basic", usernameEnv: "U", passwordEnv: "P", password: "hunter2" } }] }, /: clusters\[0\]\.auth\.password: secrets are not allowed in the config; put it in an environment variable and set "passwordEnv"/],
    ["env var name that looks like a secret", { clusters: [{ ...prom, auth: { type: "bearer", tokenEnv: "eyJhbGciOi.JIUzI1NiJ9" } }] }, /: clusters\[0\]\.auth\.tokenEnv: must be the NAME of an environment variable/],
    ["region format", { clusters: [{ ...amp, region: "US East" }] }, /: clusters\[0\]\.region: must be an AWS region name \(e\.g\. "us-east-1"\)/],
    ["neither id nor alias", { clusters: [{ ...amp, workspaceId: undefined }] }, /: clusters\[0\]\.workspaceId: required for kind "amp" unless workspaceAlias is given/],
    ["both id and alias", { clusters: [{ ...amp, workspaceAlias: "obs" }] }, /: clusters\[0\]\.workspaceAlias: give either workspaceId or workspaceAlias, not both/],
    ["endpoint of another workspace", { clusters: [{ ...amp, endpoint: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-zzz/" }] }, /: clusters\[0\]\.endpoint: must end with \/workspaces\/ws-abc\//],
    ["endpoint with an alias", { clusters: [{ ...amp, workspaceId: undefined, workspaceAlias: "obs", endpoint: "https://x/workspaces/ws-abc/" }] }, /: clusters\[0\]\.endpoint: needs workspaceId/],
    ["role arn", { clusters: [{ ...amp, roleArn: "arn:aws:iam::123:user/bob" }] }, /: clusters\[0\]\.roleArn: must be an IAM role ARN/],
    ["timeout", { clusters: [{ ...amp, timeoutMs: "20s" }] }, /: clusters\[0\]\.timeoutMs: must be whole milliseconds/],
    ["scrape interval", { clusters: [{ ...amp, scrapeIntervalSeconds: 0 }] }, /: clusters\[0\]\.scrapeIntervalSeconds: must be a whole number of seconds between 1 and 3600/],
    ["inflight limits", { clusters: [{ ...amp, inflightLimits: { readOnly: -1 } }] }, /: clusters\[0\]\.inflightLimits\.readOnly: must be a whole number/],
    ["sample ceiling", { clusters: [{ ...amp, maxSamplesProcessed: 1.5 }] }, /: clusters\[0\]\.maxSamplesProcessed: must be a whole number of samples/],
    ["AMP field on a prometheus cluster", { clusters: [{ ...prom, maxSamplesProcessed: 1000 }] }, /: clusters\[0\]\.maxSamplesProcessed: only applies to kind "amp"/],
    ["typo", { clusters: [{ ...amp, workspaceID: "ws-abc" }] }, /: clusters\[0\]\.workspaceID: unknown field/],
    ["discovery label", { clusters: [{ ...amp, discoverClusters: { label: "cluster name" } }] }, /: clusters\[0\]\.discoverClusters\.label: must be a Prometheus label name/],
    ["discovery by job", { clusters: [{ ...amp, discoverClusters: { label: "job" } }] }, /: clusters\[0\]\.discoverClusters\.label: must be the label that tells clusters apart/],
    ["discovery shape", { clusters: [{ ...amp, discoverClusters: true }] }, /: clusters\[0\]\.discoverClusters: must be an object like \{"label": "cluster"\}/],
    ["discovery and one cluster's label", { clusters: [{ ...amp, clusterLabel: "east", discoverClusters: {} }] }, /: clusters\[0\]\.discoverClusters: lists every cluster of the workspace: leave clusterLabel out/],
  ];
  it.each(cases)("%s", (_name, content, expected) => {
    const { path, load } = loadFile(content);
    const message = errorOf(load);
    expect(message.startsWith(`APISCOPE_CONFIG ${path}: `)).toBe(true);
    expect(message).toMatch(expected);
    expect(message).not.toContain("hunter2");
  });

  it("a secret env var named in the file must be set", () => {
    const { path, load } = loadFile({ clusters: [{ ...prom, auth: { type: "basic", usernameEnv: "PROM_USER", passwordEnv: "PROM_PASSWORD" } }] }, { PROM_USER: "u" });
    expect(errorOf(load)).toBe(`APISCOPE_CONFIG ${path}: clusters[0].auth.passwordEnv: environment variable PROM_PASSWORD is not set`);
  });

  it("unreadable or invalid JSON files", () => {
    expect(errorOf(() => loadConfig({ APISCOPE_CONFIG: join(dir, "missing.json") }))).toMatch(/missing\.json: file not found; APISCOPE_CONFIG must be the path of a JSON file/);
    const { load } = loadFile("{ clusters: [");
    expect(errorOf(load)).toMatch(/: not valid JSON \(/);
  });

  it("every problem is reported, one per line", () => {
    const { load } = loadFile({ clusters: [{ ...amp, region: undefined }, { ...prom, url: "nope" }] });
    expect(errorOf(load).split("\n")).toHaveLength(2);
  });
});

describe("EKS Provisioned Control Plane tier", () => {
  it("reads controlPlaneTier and gives its seat ceiling (8XL extrapolated, and said so)", () => {
    const clusters = loadFile({ clusters: [{ ...prom, controlPlaneTier: "4XL" }, { ...amp, controlPlaneTier: "8XL" }, { ...prom, id: "std" }] }).load();
    expect(clusters.map((c) => c.controlPlaneTier)).toEqual(["4XL", "8XL", undefined]);
    expect(clusters.map(tierCeiling)).toEqual([
      { tier: "4XL", seats: 6800, note: "Provisioned Control Plane 4XL" },
      { tier: "8XL", seats: 13_600, note: "Provisioned Control Plane 8XL, extrapolated" },
      null,
    ]);
    // anchors.md §6.1: XL, 2XL, 4XL = 1,700 / 3,400 / 6,800 APF seats.
    expect(Object.fromEntries(Object.entries(CONTROL_PLANE_TIERS).map(([t, v]) => [t, v.seats]))).toEqual({ XL: 1700, "2XL": 3400, "4XL": 6800, "8XL": 13_600 });
  });

  it("a bad tier is a clear error naming the field and the tiers there are", () => {
    for (const bad of ["xl", "tier-xl", "16XL", 4, ""]) {
      const message = errorOf(loadFile({ clusters: [prom, { ...amp, controlPlaneTier: bad }] }).load);
      expect(message, String(bad)).toContain('clusters[1].controlPlaneTier: must be one of "XL", "2XL", "4XL", "8XL"');
      expect(message).toContain("leave it out for Standard mode");
      expect(message.split("\n")).toHaveLength(1);
    }
  });
});

describe("process-wide access", () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    resetConfigCache();
    vi.restoreAllMocks();
  });

  it("publicClusters shows id, name, kind and region only", () => {
    const path = configFile({ clusters: [{ ...prom, url: "http://prom.internal:9090", auth: { type: "bearer", tokenEnv: "PROM_TOKEN" } }, amp] });
    restore = setEnv({ APISCOPE_CONFIG: path, PROM_TOKEN: "secret-token", APISCOPE_PROMETHEUS_URL: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined });
    resetConfigCache();
    expect(publicClusters()).toEqual([
      { id: "prod", name: "Production", kind: "prometheus" },
      { id: "eks", name: "EKS", kind: "amp", region: "us-east-1" },
    ]);
    expect(getCluster("eks")).toMatchObject({ workspaceId: "ws-abc" });
    expect(() => getCluster("nope")).toThrow(DataSourceError);
    expect(() => getCluster("nope")).toThrow(/Unknown cluster "nope"; configured: prod, eks/);
  });

  it("assertConfigAtStartup prints the problem and exits with status 1", () => {
    restore = setEnv({ APISCOPE_CONFIG: undefined, APISCOPE_PROMETHEUS_URL: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined, APISCOPE_AMP_REGION: undefined, APISCOPE_AMP_ENDPOINT: undefined, APISCOPE_AMP_ROLE_ARN: undefined });
    resetConfigCache();
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    assertConfigAtStartup();
    expect(exit).toHaveBeenCalledWith(1);
    expect(error.mock.calls[0]![0]).toContain(NO_CLUSTER_MESSAGE);
  });

  it("assertConfigAtStartup is silent when the configuration is valid", () => {
    restore = setEnv({ APISCOPE_CONFIG: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined, APISCOPE_PROMETHEUS_URL: "http://127.0.0.1:9090" });
    resetConfigCache();
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    assertConfigAtStartup();
    expect(exit).not.toHaveBeenCalled();
  });
});

describe("per-cluster allow rules", () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    resetConfigCache();
  });

  it("reads allow.groups / allow.users and rejects malformed rules, naming the field", () => {
    const { load } = loadFile({ clusters: [{ ...prom, allow: { groups: ["platform-admins"], users: ["alice@example.com"] } }, amp] });
    expect(load()[0]!.allow).toEqual({ groups: ["platform-admins"], users: ["alice@example.com"] });
    expect(load()[1]!.allow).toBeUndefined();
    expect(errorOf(loadFile({ clusters: [{ ...prom, allow: {} }] }).load)).toMatch(/clusters\[0\]\.allow: must name at least one group or user/);
    expect(errorOf(loadFile({ clusters: [{ ...prom, allow: { groups: "sre" } }] }).load)).toMatch(/clusters\[0\]\.allow\.groups: must be a list of group names/);
    expect(errorOf(loadFile({ clusters: [{ ...prom, allow: { roles: ["sre"] } }] }).load)).toMatch(/clusters\[0\]\.allow\.roles: unknown field/);
    expect(errorOf(loadFile({ clusters: [{ ...prom, allow: ["sre"] }] }).load)).toMatch(/clusters\[0\]\.allow: must be an object like/);
  });

  it("clustersFor and publicClusters show a person only the clusters their rules allow", () => {
    const path = configFile({
      clusters: [
        { ...prom, id: "shared", name: "Shared" },
        { ...prom, id: "admins", name: "Admins only", allow: { groups: ["platform-admins"] } },
        { ...amp, id: "alices", name: "Alice's", allow: { users: ["Alice@Example.com"] } },
      ],
    });
    restore = setEnv({ APISCOPE_CONFIG: path, APISCOPE_PROMETHEUS_URL: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined });
    resetConfigCache();
    const ids = (principal: Parameters<typeof clustersFor>[0]) => clustersFor(principal).map((c) => c.id);
    expect(ids({ sub: "a", email: "alice@example.com", groups: ["sre"] })).toEqual(["shared", "alices"]);
    expect(ids({ sub: "b", groups: ["platform-admins"] })).toEqual(["shared", "admins"]);
    expect(ids({ sub: "c", groups: [] })).toEqual(["shared"]);
    expect(ids(null)).toEqual(["shared"]); // no sign-in: a rule cannot be checked, so it hides the cluster
    expect(publicClusters({ sub: "b", groups: ["platform-admins"] }).map((c) => c.id)).toEqual(["shared", "admins"]);
    expect(publicClusters().map((c) => c.id)).toEqual(["shared", "admins", "alices"]);
  });
});
