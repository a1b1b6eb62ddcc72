import { SignatureV4 } from "@smithy/signature-v4";
import aws4 from "aws4";
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../../test-support/amp-standin";
import { signAmpRequest } from "./sigv4";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-upstream";

const KEYS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "FAKE-SESSION-TOKEN",
};
const FIXED_DATE = new Date("2026-01-01T00:00:00Z");
const AMP_URL = new URL("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-123/api/v1/query_range");
const RANGE_PARAMS = () =>
  new URLSearchParams({ query: 'sum by (verb) (rate(apiserver_request_total{code=~"5.."}[5m]))', start: "1767222000", end: "1767225600", step: "60", stats: "all" });

// A SHA-256 for @smithy/signature-v4 from node:crypto, to cross-check aws4 inside this test.
type Bytes = string | ArrayBuffer | ArrayBufferView;
const toBuffer = (data: Bytes) =>
  typeof data === "string" ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
class Sha256 {
  private readonly h;
  constructor(secret?: Bytes) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: Bytes) {
    this.h.update(toBuffer(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

describe("signAmpRequest (aws4)", () => {
  it("gives a deterministic signature for a fixed date and keys", () => {
    const signed = signAmpRequest({ method: "POST", url: AMP_URL, params: RANGE_PARAMS(), region: "us-east-1", date: FIXED_DATE }, KEYS);
    expect(signed.url).toBe(AMP_URL.toString());
    expect(signed.init.body).toBe(RANGE_PARAMS().toString());
    expect(signed.init.headers).toEqual({
      "Content-Type": "application/x-www-form-urlencoded",
      "Content-Length": String(Buffer.byteLength(RANGE_PARAMS().toString())),
      "X-Amz-Date": "20260101T000000Z",
      "X-Amz-Security-Token": "FAKE-SESSION-TOKEN",
      Authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/aps/aws4_request, " +
        "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token, " +
        "Signature=8f24106cb450f4ec5cb1e59f76052e39ed5a54ed31485df63ef3f62cde224318",
    });
  });

  it("agrees with the AWS SDK's own signer (@smithy/signature-v4) on the same request", async () => {
    const signed = signAmpRequest({ method: "POST", url: AMP_URL, params: RANGE_PARAMS(), region: "us-east-1", date: FIXED_DATE }, KEYS);
    const smithy = new SignatureV4({ service: "aps", region: "us-east-1", credentials: KEYS, sha256: Sha256, applyChecksum: false });
    const reference = await smithy.sign(
      {
        method: "POST",
        protocol: "https:",
        hostname: AMP_URL.hostname,
        path: AMP_URL.pathname,
        query: {},
        headers: {
          host: AMP_URL.host,
          "content-type": signed.init.headers["Content-Type"]!,
          "content-length": signed.init.headers["Content-Length"]!,
        },
        body: signed.init.body,
      },
      { signingDate: FIXED_DATE },
    );
    expect(signed.init.headers.Authorization).toBe(reference.headers.authorization);
  });

  it("signs exactly the headers it hands to fetch, plus Host, which fetch derives from the URL", () => {
    const signed = signAmpRequest({ method: "POST", url: AMP_URL, params: RANGE_PARAMS(), region: "us-east-1" }, KEYS);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(signed.init.headers.Authorization!)![1]!.split(";");
    const sent = Object.keys(signed.init.headers).map((h) => h.toLowerCase()).filter((h) => h !== "authorization");
    expect(signedHeaders).toEqual([...sent, "host"].sort());
  });

  it("signs host:port for a loopback endpoint, the Host fetch will send", () => {
    const url = new URL("http://127.0.0.1:9465/workspaces/ws-123/api/v1/query");
    const signed = signAmpRequest({ method: "POST", url, params: new URLSearchParams({ query: "up" }), region: "us-east-1", date: FIXED_DATE }, KEYS);
    expect(signed.url).toBe("http://127.0.0.1:9465/workspaces/ws-123/api/v1/query");
    // recompute with aws4 given an explicit Host header: same signature means host:port was signed
    const explicit = aws4.sign(
      { host: "127.0.0.1:9465", path: url.pathname, method: "POST", service: "aps", region: "us-east-1", body: "query=up", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Amz-Date": "20260101T000000Z", Host: "127.0.0.1:9465" } },
      KEYS,
    );
    expect(signed.init.headers.Authorization).toBe(explicit.headers!.Authorization);
  });

  it("puts GET parameters in the signed query string, RFC 3986-encoded", () => {
    const url = new URL("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/label/job/values");
    const params = new URLSearchParams([["match[]", 'up{job="api server"}'], ["start", "1"], ["end", "2"]]);
    const signed = signAmpRequest({ method: "GET", url, params, region: "eu-west-1" }, KEYS);
    expect(signed.init.body).toBeUndefined();
    expect(signed.init.headers["Content-Type"]).toBeUndefined();
    expect(signed.url).toContain("?match%5B%5D=up%7Bjob%3D%22api%20server%22%7D&start=1&end=2");
    expect(new URL(signed.url).searchParams.get("match[]")).toBe('up{job="api server"}');
  });
});

describe("the AMP stand-in checks aws4 signatures with an independent verifier", () => {
  let upstream: FakeUpstream;
  let standin: AmpStandin;
  const region = "us-east-1";

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    standin = await startAmpStandin({ upstream: upstream.url, workspaceId: "ws-unit", region, credentials: [KEYS, { accessKeyId: "AKIDSTATIC", secretAccessKey: "static-secret" }] });
  });
  afterAll(async () => {
    await standin.stop();
    await upstream.stop();
  });

  const queryUrl = () => new URL("api/v1/query", standin.endpoint);
  const send = (signed: { url: string; init: RequestInit }) => fetch(signed.url, signed.init);
  const signQuery = (overrides: { region?: string; date?: Date; credentials?: typeof KEYS | { accessKeyId: string; secretAccessKey: string } } = {}) =>
    signAmpRequest({ method: "POST", url: queryUrl(), params: new URLSearchParams({ query: "up", stats: "all" }), region: overrides.region ?? region, date: overrides.date }, overrides.credentials ?? KEYS);
  const lastVerdict = () => standin.requests.at(-1)!.verdict;

  it("accepts a request signed by aws4 and forwards it to the upstream Prometheus API", async () => {
    const response = await send(signQuery());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "success", data: { resultType: "vector" } });
    expect(lastVerdict()).toBe("ok");
    expect(upstream.requests.at(-1)).toMatchObject({ method: "POST", url: "/api/v1/query", body: "query=up&stats=all" });
  });

  it("accepts credentials without a session token", async () => {
    const response = await send(signQuery({ credentials: { accessKeyId: "AKIDSTATIC", secretAccessKey: "static-secret" } }));
    expect(response.status).toBe(200);
  });

  it("accepts a signed GET with a query string (label values)", async () => {
    const url = new URL("api/v1/label/job/values", standin.endpoint);
    const params = new URLSearchParams([["match[]", 'up{job=~"api.*"}'], ["match[]", "process_start_time_seconds"], ["start", "1"], ["end", "2"]]);
    const response = await send(signAmpRequest({ method: "GET", url, params, region }, KEYS));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", data: ["apiserver"] });
  });

  it("rejects a tampered body", async () => {
    const signed = signQuery();
    const response = await send({ ...signed, init: { ...signed.init, body: String(signed.init.body).replace("up", "go") } });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException/);
    expect((await response.json()).message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(lastVerdict()).toBe("signature_mismatch");
  });

  it("rejects a signed header changed after signing", async () => {
    const signed = signQuery();
    const headers = { ...signed.init.headers, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };
    const response = await send({ ...signed, init: { ...signed.init, headers } });
    expect(response.status).toBe(403);
    expect(lastVerdict()).toBe("signature_mismatch");
  });

  it("rejects a signature for another region", async () => {
    const response = await send(signQuery({ region: "eu-west-1" }));
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(/Credential should be scoped to a valid region, not 'eu-west-1'/);
    expect(lastVerdict()).toBe("wrong_region");
  });

  it('rejects the classic trap: aws4 without service "aps" infers "aps-workspaces" from the host', async () => {
    const url = queryUrl();
    const signed = aws4.sign(
      { host: url.host, path: url.pathname, method: "POST", region, body: "query=up", headers: { "Content-Type": "application/x-www-form-urlencoded" }, service: "aps-workspaces" },
      KEYS,
    );
    const headers = Object.fromEntries(Object.entries(signed.headers!).filter(([k]) => k !== "Host").map(([k, v]) => [k, String(v)]));
    const response = await fetch(url, { method: "POST", headers, body: "query=up" });
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(/Credential should be scoped to correct service: 'aps'/);
    expect(lastVerdict()).toBe("wrong_service");
  });

  it("rejects a stale date (clock skew beyond 5 minutes)", async () => {
    const response = await send(signQuery({ date: new Date(Date.now() - 6 * 60_000) }));
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    expect(lastVerdict()).toBe("stale_date");
  });

  it("rejects a session token marked expired, and a missing one", async () => {
    const expiring = { accessKeyId: "ASIAEXPIRING", secretAccessKey: "s3cret", sessionToken: "token-that-expires" };
    standin.addCredentials(expiring);
    expect((await send(signQuery({ credentials: expiring }))).status).toBe(200);

    standin.expireSessionToken(expiring.sessionToken);
    const expired = await send(signQuery({ credentials: expiring }));
    expect(expired.status).toBe(403);
    expect(expired.headers.get("x-amzn-errortype")).toMatch(/^ExpiredTokenException/);
    expect((await expired.json()).message).toBe("The security token included in the request is expired");

    const withoutToken = await send(signQuery({ credentials: { accessKeyId: KEYS.accessKeyId, secretAccessKey: KEYS.secretAccessKey } }));
    expect(withoutToken.status).toBe(403);
    expect(lastVerdict()).toBe("missing_session_token");
  });

  it("rejects an unknown access key and an unsigned request", async () => {
    const unknown = await send(signQuery({ credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" } }));
    expect(unknown.status).toBe(403);
    expect((await unknown.json()).message).toBe("The security token included in the request is invalid.");

    const unsigned = await fetch(queryUrl(), { method: "POST", body: "query=up", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(unsigned.status).toBe(403);
    expect(lastVerdict()).toBe("missing_auth");
  });

  it("answers 404 for another workspace id, after checking the signature", async () => {
    const url = new URL(queryUrl().toString().replace("ws-unit", "ws-other"));
    const response = await send(signAmpRequest({ method: "POST", url, params: new URLSearchParams({ query: "up" }), region }, KEYS));
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
  });
});
