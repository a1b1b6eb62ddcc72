import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { base64url, CompactSign, exportSPKI, generateKeyPair } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { identify } from "./identify";
import { oauth2ProxyPrincipal, PEER_HEADER, PEER_TOKEN_ENV, PEER_TOKEN_HEADER, proxyPrincipal, resetAlbKeyCache, secretsEqual, verifyAlbToken } from "./proxy";
import { loadAuthSettings } from "./settings";

const ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/apiscope/50dc6c495c0c9188";
const OTHER_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/60dc6c495c0c9188";
const TOKEN = "peer-token-for-tests";

const h = (headers: Record<string, string>) => new Headers(headers);
const oauth2 = (extra: Record<string, string>) =>
  loadAuthSettings({ APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "oauth2-proxy", APISCOPE_ALLOWED_GROUPS: "sre", ...extra });
const stamp = (peer: string, token = TOKEN) => ({ [PEER_HEADER]: peer, [PEER_TOKEN_HEADER]: token });
const env = { [PEER_TOKEN_ENV]: TOKEN };

describe("oauth2-proxy headers", () => {
  it("reads email, user and groups", () => {
    expect(oauth2ProxyPrincipal(h({ "x-forwarded-email": "alice@example.com", "x-forwarded-user": "alice", "x-forwarded-groups": "sre, platform" }))).toEqual({
      sub: "alice",
      email: "alice@example.com",
      groups: ["sre", "platform"],
    });
    expect(oauth2ProxyPrincipal(h({ "x-forwarded-email": "bob@example.com" }))).toEqual({ sub: "bob@example.com", email: "bob@example.com", groups: [] });
    expect(oauth2ProxyPrincipal(h({}))).toBeUndefined();
  });

  it("believes them only from a trusted peer, stamped with this process's token", async () => {
    const settings = oauth2({ APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.0/24" }).proxy!;
    const identity = { "x-forwarded-email": "alice@example.com", "x-forwarded-groups": "sre" };
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.0.7") }), settings, { env })).toMatchObject({ ok: true, principal: { email: "alice@example.com" } });
    expect(await proxyPrincipal(h({ ...identity, ...stamp("::ffff:10.0.0.7") }), settings, { env })).toMatchObject({ ok: true });
    // Forged: from another peer, with a made-up stamp, or with no stamp (hook missing).
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.1.7") }), settings, { env })).toMatchObject({ ok: false, status: 403, forged: true, reason: expect.stringContaining("not in APISCOPE_TRUSTED_PROXY_IPS") });
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.0.7", "guessed") }), settings, { env })).toMatchObject({ ok: false, status: 403, forged: true });
    expect(await proxyPrincipal(h(identity), settings, { env })).toMatchObject({ ok: false, status: 403, forged: true });
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.0.7") }), settings, { env: {} })).toMatchObject({ ok: false, status: 403 });
    // No identity at all: just not signed in.
    expect(await proxyPrincipal(h(stamp("10.0.1.7")), settings, { env })).toMatchObject({ ok: false, status: 401, forged: false });
    expect(await proxyPrincipal(h(stamp("10.0.0.7")), settings, { env })).toMatchObject({ ok: false, status: 401 });
  });

  it("or with the shared secret header", async () => {
    const secret = "s3cret-s3cret-s3cret";
    const settings = oauth2({ APISCOPE_PROXY_SECRET: secret }).proxy!;
    const identity = { "x-forwarded-email": "alice@example.com" };
    expect(await proxyPrincipal(h({ ...identity, "x-apiscope-proxy-secret": secret }), settings)).toMatchObject({ ok: true });
    expect(await proxyPrincipal(h({ ...identity, "x-apiscope-proxy-secret": `${secret}x` }), settings)).toMatchObject({ ok: false, status: 403, forged: true });
    expect(await proxyPrincipal(h(identity), settings)).toMatchObject({ ok: false, status: 403, forged: true });
  });

  it("both, when both are configured", async () => {
    const secret = "s3cret-s3cret-s3cret";
    const settings = oauth2({ APISCOPE_PROXY_SECRET: secret, APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.1" }).proxy!;
    const identity = { "x-forwarded-email": "alice@example.com", "x-apiscope-proxy-secret": secret };
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.0.1") }), settings, { env })).toMatchObject({ ok: true });
    expect(await proxyPrincipal(h({ ...identity, ...stamp("10.0.0.2") }), settings, { env })).toMatchObject({ ok: false });
  });

  it("then applies the allow rules", async () => {
    const settings = oauth2({ APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.1" });
    const facts = (groups: string) => ({ headers: h({ "x-forwarded-email": "a@example.com", "x-forwarded-groups": groups, ...stamp("10.0.0.1") }), cookie: () => undefined });
    expect(await identify(facts("sre"), { settings, env })).toMatchObject({ kind: "allowed" });
    expect(await identify(facts("contractors"), { settings, env })).toMatchObject({ kind: "forbidden", principal: { email: "a@example.com" } });
  });

  it("compares secrets by digest", async () => {
    expect(await secretsEqual("a", "a")).toBe(true);
    expect(await secretsEqual("a", "b")).toBe(false);
    expect(await secretsEqual("a", "aa")).toBe(false);
  });
});

describe("ALB x-amzn-oidc-data", () => {
  let server: Server;
  let keysUrl: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let other: Awaited<ReturnType<typeof generateKeyPair>>;
  const served: string[] = [];

  beforeAll(async () => {
    keys = await generateKeyPair("ES256", { extractable: true });
    other = await generateKeyPair("ES256", { extractable: true });
    const pems: Record<string, string> = { "key-1": await exportSPKI(keys.publicKey), "key-2": await exportSPKI(other.publicKey) };
    // A local stand-in for https://public-keys.auth.elb.<region>.amazonaws.com/<kid>: PEM, one key per kid.
    server = createServer((req, res) => {
      const kid = decodeURIComponent((req.url ?? "/").slice(1));
      served.push(kid);
      if (pems[kid]) res.writeHead(200, { "Content-Type": "text/plain" }).end(pems[kid]);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    keysUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    resetAlbKeyCache();
    served.length = 0;
  });

  const settings = () =>
    loadAuthSettings({ APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "alb", APISCOPE_ALB_ARN: ARN, APISCOPE_ALB_KEYS_URL: keysUrl, APISCOPE_ALLOWED_GROUPS: "sre" }).proxy!;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ sub: "u-1", email: "alice@example.com", groups: ["sre"], exp: now() + 120, iss: "https://idp.example.com", ...extra });

  async function sign(payload: Record<string, unknown>, header: Record<string, unknown> = {}, key = keys.privateKey) {
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: "ES256", kid: "key-1", signer: ARN, iss: "https://idp.example.com", client: "c", exp: now() + 120, ...header })
      .sign(key);
  }

  /** As the ALB writes it: base64url segments padded with "=", signed over the padded text. */
  async function signPadded(payload: Record<string, unknown>) {
    const pad = (s: string) => s + "=".repeat((4 - (s.length % 4)) % 4);
    const enc = (o: unknown) => pad(base64url.encode(JSON.stringify(o)));
    const input = `${enc({ alg: "ES256", kid: "key-1", signer: ARN, exp: now() + 120 })}.${enc(payload)}`;
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.privateKey as CryptoKey, new TextEncoder().encode(input));
    return `${input}.${pad(base64url.encode(new Uint8Array(sig)))}`;
  }

  it("verifies the signature with the load balancer's key, fetched once", async () => {
    const s = settings();
    expect(await verifyAlbToken(await sign(claims()), s)).toMatchObject({ ok: true, claims: { sub: "u-1", email: "alice@example.com" } });
    expect(await verifyAlbToken(await sign(claims({ sub: "u-2" })), s)).toMatchObject({ ok: true, claims: { sub: "u-2" } });
    expect(served).toEqual(["key-1"]);
  });

  it("accepts the ALB's padded encoding", async () => {
    const padded = await signPadded(claims());
    expect(padded).toMatch(/=/);
    expect(await verifyAlbToken(padded, settings())).toMatchObject({ ok: true });
  });

  it("refuses a forged, re-signed, expired or foreign token", async () => {
    const s = settings();
    const good = await sign(claims());
    const [hdr, , sig] = good.split(".");
    const forgedPayload = base64url.encode(JSON.stringify(claims({ groups: ["platform-admins"] })));
    expect(await verifyAlbToken(`${hdr}.${forgedPayload}.${sig}`, s)).toEqual({ ok: false, reason: "bad signature" });
    expect(await verifyAlbToken(await sign(claims(), {}, other.privateKey), s)).toEqual({ ok: false, reason: "bad signature" });
    expect(await verifyAlbToken(await sign(claims(), { kid: "key-2" }, other.privateKey), s)).toMatchObject({ ok: true }); // key-2 is a real key of the ALB
    expect(await verifyAlbToken(await sign(claims({ exp: now() - 3600 })), s)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyAlbToken(await sign(claims(), { signer: OTHER_ARN }), s)).toMatchObject({ ok: false, reason: expect.stringContaining("is not in APISCOPE_ALB_ARN") });
    expect(await verifyAlbToken(await sign(claims(), { kid: "nope" }), s)).toMatchObject({ ok: false, reason: expect.stringContaining("answered 404") });
    expect(await verifyAlbToken(await sign(claims(), { kid: "../../etc" }), s)).toEqual({ ok: false, reason: "bad kid" });
    const hs = `${base64url.encode(JSON.stringify({ alg: "HS256", kid: "key-1", signer: ARN }))}.${base64url.encode(JSON.stringify(claims()))}.AAAA`;
    expect(await verifyAlbToken(hs, s)).toMatchObject({ ok: false, reason: expect.stringContaining("only ES256") });
    expect(await verifyAlbToken("not-a-jwt", s)).toEqual({ ok: false, reason: "not a signed JWT" });
  });

  it("checks the issuer when APISCOPE_ALB_ISSUER is set", async () => {
    const s = { ...settings(), alb: { ...settings().alb!, issuer: "https://idp.example.com" } };
    expect(await verifyAlbToken(await sign(claims()), s)).toMatchObject({ ok: true });
    expect(await verifyAlbToken(await sign(claims({ iss: "https://evil.example" }), { iss: "https://evil.example" }), s)).toMatchObject({ ok: false });
  });

  it("gives the principal, groups from the configured claim, and the allow rules apply", async () => {
    const s = loadAuthSettings({ APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "alb", APISCOPE_ALB_ARN: ARN, APISCOPE_ALB_KEYS_URL: keysUrl, APISCOPE_ALLOWED_GROUPS: "sre" });
    const facts = async (c: Record<string, unknown>) => ({ headers: h({ "x-amzn-oidc-data": await sign(c) }), cookie: () => undefined });
    expect(await proxyPrincipal((await facts(claims())).headers, s.proxy!)).toEqual({ ok: true, principal: { sub: "u-1", email: "alice@example.com", groups: ["sre"] } });
    expect(await identify(await facts(claims()), { settings: s })).toMatchObject({ kind: "allowed" });
    expect(await identify(await facts(claims({ groups: ["contractors"] })), { settings: s })).toMatchObject({ kind: "forbidden" });
    expect(await identify({ headers: h({ "x-amzn-oidc-data": "forged.forged.forged" }), cookie: () => undefined }, { settings: s })).toMatchObject({ kind: "forbidden", forged: true });
    expect(await identify({ headers: h({}), cookie: () => undefined }, { settings: s })).toMatchObject({ kind: "unauthenticated", canSignIn: false });
  });
});
