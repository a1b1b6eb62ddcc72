// Workspace alias → endpoint, with the real @aws-sdk/client-amp whose HTTP layer is replaced by a
// request handler (the SDK's own extension point): serialization, signing and deserialization all run.
import { AmpClient } from "@aws-sdk/client-amp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../../test-support/amp-standin";
import type { AmpClusterConfig } from "../config";
import { clearWorkspaceLookups, resolveWorkspaceEndpoint, standardWorkspaceEndpoint } from "./amp-workspace";
import { CoalescingCache } from "./cache";
import { createPrometheusClient } from "./client";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-upstream";
import { DataSourceError } from "./types";

type Handler = NonNullable<NonNullable<ConstructorParameters<typeof AmpClient>[0]>["requestHandler"]>;
interface SeenRequest {
  method: string;
  hostname: string;
  path: string;
  query: Record<string, unknown>;
  authorization: string;
}
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const KEYS = { accessKeyId: "AKIDCONTROLPLANE", secretAccessKey: "control-plane-secret" };
const summary = (workspaceId: string, alias: string) => ({ workspaceId, alias, arn: `arn:aws:aps:us-east-1:123456789012:workspace/${workspaceId}`, status: { statusCode: "ACTIVE" }, createdAt: 1_700_000_000 });

/** An AmpClient whose requests are answered by `route` instead of the network. */
function stubbedAmpClient(route: (request: SeenRequest) => Reply) {
  const seen: SeenRequest[] = [];
  const requestHandler = {
    async handle(request: { method: string; hostname: string; path: string; query?: Record<string, unknown>; headers: Record<string, string> }) {
      const seenRequest = { method: request.method, hostname: request.hostname, path: request.path, query: request.query ?? {}, authorization: request.headers.authorization ?? "" };
      seen.push(seenRequest);
      const reply = route(seenRequest);
      return { response: { statusCode: reply.status, headers: { "content-type": "application/json", ...reply.headers }, body: new TextEncoder().encode(JSON.stringify(reply.body)) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  } as unknown as Handler;
  const client = new AmpClient({ region: "us-east-1", credentials: KEYS, requestHandler, maxAttempts: 1 });
  return { client, seen };
}

const cluster = (overrides: Partial<AmpClusterConfig> = {}): AmpClusterConfig => ({
  id: "alias",
  name: "Alias",
  kind: "amp",
  region: "us-east-1",
  workspaceAlias: "prod",
  scrapeIntervalSeconds: 30,
  timeoutMs: 3000,
  inflightLimits: { readOnly: 400, mutating: 200 },
  ...overrides,
});
const noCredentials = async () => KEYS;

async function failure(promise: Promise<unknown>): Promise<DataSourceError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataSourceError);
  return error as DataSourceError;
}

describe("resolveWorkspaceEndpoint", () => {
  let upstream: FakeUpstream;
  let standin: AmpStandin;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    standin = await startAmpStandin({ upstream: upstream.url, workspaceId: "ws-prod", region: "us-east-1", credentials: KEYS });
  });
  afterAll(async () => {
    await standin.stop();
    await upstream.stop();
  });
  beforeEach(() => clearWorkspaceLookups());

  it("a workspace id needs no lookup: the standard regional endpoint, or the configured one", async () => {
    const { client, seen } = stubbedAmpClient(() => ({ status: 500, body: {} }));
    const standard = await resolveWorkspaceEndpoint(cluster({ workspaceAlias: undefined, workspaceId: "ws-1" }), { credentials: noCredentials, ampClient: client });
    expect(standard.endpoint.toString()).toBe("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/");
    expect(standardWorkspaceEndpoint("eu-west-1", "ws-2")).toBe("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-2/");
    const custom = await resolveWorkspaceEndpoint(cluster({ workspaceAlias: undefined, workspaceId: "ws-1", endpoint: "http://127.0.0.1:1/workspaces/ws-1/" }), { credentials: noCredentials, ampClient: client });
    expect(custom.endpoint.toString()).toBe("http://127.0.0.1:1/workspaces/ws-1/");
    expect(seen).toHaveLength(0);
  });

  it("an alias: ListWorkspaces (paginated, prefix filter → exact match), DescribeWorkspace, then queries go to that endpoint", async () => {
    const { client, seen } = stubbedAmpClient((request) => {
      if (request.path === "/workspaces" && !request.query.nextToken) return { status: 200, body: { workspaces: [summary("ws-old", "prod-old")], nextToken: "page-2" } };
      if (request.path === "/workspaces") return { status: 200, body: { workspaces: [summary("ws-prod", "prod")] } };
      if (request.path === "/workspaces/ws-prod") return { status: 200, body: { workspace: { ...summary("ws-prod", "prod"), prometheusEndpoint: standin.endpoint } } };
      return { status: 404, body: { message: "unexpected" }, headers: { "x-amzn-errortype": "ResourceNotFoundException" } };
    });

    const api = createPrometheusClient(cluster(), { credentials: noCredentials, ampClient: client, cache: new CoalescingCache() });
    const result = await api.query({ query: "up" });
    expect(result.samples).toHaveLength(1);

    expect(seen.map((r) => [r.method, r.hostname, r.path, r.query])).toEqual([
      ["GET", "aps.us-east-1.amazonaws.com", "/workspaces", { alias: "prod" }],
      ["GET", "aps.us-east-1.amazonaws.com", "/workspaces", { alias: "prod", nextToken: "page-2" }],
      ["GET", "aps.us-east-1.amazonaws.com", "/workspaces/ws-prod", {}],
    ]);
    expect(seen[0]!.authorization).toMatch(/Credential=AKIDCONTROLPLANE\/\d{8}\/us-east-1\/aps\/aws4_request/);
    expect(standin.requests.at(-1)).toMatchObject({ path: "/workspaces/ws-prod/api/v1/query", verdict: "ok" });

    // cached per process: the next resolution makes no control-plane call
    await resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client });
    expect(seen).toHaveLength(3);
  });

  it("no workspace with exactly this alias: not_found", async () => {
    const { client } = stubbedAmpClient(() => ({ status: 200, body: { workspaces: [summary("ws-old", "prod-old")] } }));
    const error = await failure(resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client }));
    expect(error.kind).toBe("not_found");
    expect(error.message).toContain('alias "prod" in us-east-1');
  });

  it("two workspaces with the alias: config error listing them", async () => {
    const { client } = stubbedAmpClient(() => ({ status: 200, body: { workspaces: [summary("ws-a", "prod"), summary("ws-b", "prod")] } }));
    const error = await failure(resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client }));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("ws-a, ws-b");
  });

  it("denied by IAM: access_denied naming the permissions; the failure is not cached", async () => {
    let denied = true;
    const { client, seen } = stubbedAmpClient((request) => {
      if (denied) return { status: 403, body: { message: "User is not authorized to perform: aps:ListWorkspaces" }, headers: { "x-amzn-errortype": "AccessDeniedException" } };
      if (request.path === "/workspaces") return { status: 200, body: { workspaces: [summary("ws-prod", "prod")] } };
      return { status: 200, body: { workspace: { ...summary("ws-prod", "prod"), prometheusEndpoint: standin.endpoint } } };
    });
    const error = await failure(resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client }));
    expect(error.kind).toBe("access_denied");
    expect(error.hint).toMatch(/aps:ListWorkspaces and aps:DescribeWorkspace/);

    denied = false;
    const resolved = await resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client });
    expect(resolved.workspaceId).toBe("ws-prod");
    expect(seen).toHaveLength(3);
  });

  it("a control plane that never answers: the query's own timeout still fires", async () => {
    const hanging = {
      handle: () => new Promise(() => {}),
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    } as unknown as Handler;
    const client = new AmpClient({ region: "us-east-1", credentials: KEYS, requestHandler: hanging, maxAttempts: 1 });
    const api = createPrometheusClient(cluster({ timeoutMs: 300 }), { credentials: noCredentials, ampClient: client, cache: new CoalescingCache() });
    const error = await failure(api.query({ query: "up" }));
    expect(error.kind).toBe("timeout");
  });

  it("a workspace without an endpoint yet (creating): bad_response with a hint", async () => {
    const { client } = stubbedAmpClient((request) =>
      request.path === "/workspaces" ? { status: 200, body: { workspaces: [summary("ws-prod", "prod")] } } : { status: 200, body: { workspace: { ...summary("ws-prod", "prod"), status: { statusCode: "CREATING" } } } },
    );
    const error = await failure(resolveWorkspaceEndpoint(cluster(), { credentials: noCredentials, ampClient: client }));
    expect(error.kind).toBe("bad_response");
    expect(error.message).toContain("CREATING");
  });
});
