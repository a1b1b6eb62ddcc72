// Credential lifetimes: providers are asked on every request (so rotation is picked up), the assumed-role
// memoizer refreshes before expiry, and an "expired token" 403 triggers exactly one forced refresh.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../../test-support/amp-standin";
import type { AmpClusterConfig } from "../config";
import { CoalescingCache } from "./cache";
import { createPrometheusClient } from "./client";
import { memoizeCredentials, type AwsCredentials, type CredentialProvider } from "./credentials";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-upstream";
import { DataSourceError } from "./types";

const MINUTE = 60_000;
const generation = (n: number, expiresAtMs?: number): AwsCredentials => ({
  accessKeyId: `ASIAGEN${n}`,
  secretAccessKey: `secret-${n}`,
  sessionToken: `token-${n}`,
  expiration: expiresAtMs === undefined ? undefined : new Date(expiresAtMs),
});

describe("memoizeCredentials (for fromTemporaryCredentials, which does not cache)", () => {
  it("reuses credentials until 5 minutes before they expire, then fetches fresh ones", async () => {
    let now = 0;
    let calls = 0;
    const provider = memoizeCredentials(async () => generation(++calls, now + 60 * MINUTE), () => now);
    expect((await provider()).accessKeyId).toBe("ASIAGEN1");
    now = 54 * MINUTE;
    expect((await provider()).accessKeyId).toBe("ASIAGEN1");
    now = 56 * MINUTE; // inside the 5-minute window
    expect((await provider()).accessKeyId).toBe("ASIAGEN2");
    expect(calls).toBe(2);
  });

  it("forceRefresh fetches even when the cached credentials look fresh", async () => {
    let calls = 0;
    const provider = memoizeCredentials(async () => generation(++calls, Date.now() + 60 * MINUTE));
    await provider();
    expect((await provider({ forceRefresh: true })).accessKeyId).toBe("ASIAGEN2");
    expect((await provider()).accessKeyId).toBe("ASIAGEN2");
  });

  it("shares one refresh between concurrent callers, and does not cache failures", async () => {
    let calls = 0;
    let fail = true;
    const provider = memoizeCredentials(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error("STS unavailable");
      return generation(calls);
    });
    await expect(Promise.all([provider(), provider()])).rejects.toThrow("STS unavailable");
    expect(calls).toBe(1);
    fail = false;
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect(calls).toBe(2);
  });
});

describe("refreshing credentials around real requests (stand-in)", () => {
  let upstream: FakeUpstream;
  let standin: AmpStandin;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    standin = await startAmpStandin({ upstream: upstream.url, workspaceId: "ws-creds", region: "us-east-1", credentials: [1, 2, 3].map((n) => generation(n)) });
  });
  afterAll(async () => {
    await standin.stop();
    await upstream.stop();
  });
  afterEach(() => {
    standin.requests.length = 0;
  });

  const client = (credentials: CredentialProvider) => {
    const cluster: AmpClusterConfig = {
      id: "creds",
      name: "Creds",
      kind: "amp",
      region: "us-east-1",
      workspaceId: "ws-creds",
      endpoint: standin.endpoint,
      scrapeIntervalSeconds: 30,
      timeoutMs: 3000,
      inflightLimits: { readOnly: 400, mutating: 200 },
    };
    // a fresh cache each time: these tests count requests
    return createPrometheusClient(cluster, { credentials, cache: new CoalescingCache() });
  };
  const query = (api: ReturnType<typeof client>, n: number) => api.query({ query: `up + ${n}` });

  it("credentials that expire mid-run: the next call signs with fresh ones, without a rejected request", async () => {
    let now = Date.now();
    let generationCount = 0;
    const provider = memoizeCredentials(async () => generation(++generationCount, now + 15 * MINUTE), () => now);
    const api = client(provider);

    await query(api, 1);
    now += 11 * MINUTE; // generation 1 now has 4 minutes left: treated as expired
    standin.expireSessionToken("token-1");
    await query(api, 2);

    expect(standin.requests.map((r) => [r.accessKeyId, r.verdict])).toEqual([
      ["ASIAGEN1", "ok"],
      ["ASIAGEN2", "ok"],
    ]);
  });

  it('an "expired token" 403: one forced refresh, then the retry succeeds', async () => {
    const calls: Array<{ forceRefresh?: boolean } | undefined> = [];
    // A provider whose cache still holds generation 2 although AWS already considers it expired.
    const provider: CredentialProvider = async (options) => {
      calls.push(options);
      return options?.forceRefresh ? generation(3) : generation(2);
    };
    standin.expireSessionToken("token-2");

    const result = await query(client(provider), 3);
    expect(result.samples).toHaveLength(1);
    expect(calls).toEqual([undefined, { forceRefresh: true }]);
    expect(standin.requests.map((r) => [r.accessKeyId, r.verdict])).toEqual([
      ["ASIAGEN2", "expired_session_token"],
      ["ASIAGEN3", "ok"],
    ]);
  });

  it("still expired after the forced refresh: expired_token, and no retry loop", async () => {
    standin.expireSessionToken("token-2");
    const error = await query(client(async () => generation(2)), 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataSourceError);
    expect(error).toMatchObject({ kind: "expired_token" });
    expect((error as DataSourceError).hint).toMatch(/aws sso login/);
    expect(standin.requests).toHaveLength(2);
  });

  it("no credentials anywhere: a config error saying where credentials come from", async () => {
    const noCredentials: CredentialProvider = async () => {
      throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    };
    const error = await query(client(noCredentials), 5).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "config", message: expect.stringContaining("Could not load credentials from any providers") });
    expect((error as DataSourceError).hint).toMatch(/compute role/);
    expect(standin.requests).toHaveLength(0);
  });
});
