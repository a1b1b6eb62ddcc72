// Identity from a trusted reverse proxy (APISCOPE_AUTH=proxy):
// - oauth2-proxy: X-Forwarded-Email / X-Forwarded-User / X-Forwarded-Groups, believed only from a trusted
//   peer (APISCOPE_TRUSTED_PROXY_IPS, checked at the socket by peer-hook.ts) and/or with the shared secret
//   header (APISCOPE_PROXY_SECRET);
// - an AWS ALB: the x-amzn-oidc-data JWT, ES256-signed by the load balancer, verified with its public key
//   (https://public-keys.auth.elb.<region>.amazonaws.com/<kid>, fetched once per key id and cached), the
//   signer ARN and the expiry checked.
// Edge-safe (WebCrypto, fetch, jose): the middleware and the route handlers run the same checks.
import { base64url, importSPKI } from "jose";
import { inAnyCidr } from "./cidr";
import { principalFromClaims, type Principal } from "./rules";
import { PROXY_SECRET_HEADER, type ProxySettings } from "./settings";

/** Headers peer-hook.ts stamps on every request at the socket (client-sent copies are removed first). */
export const PEER_HEADER = "x-apiscope-peer";
export const PEER_TOKEN_HEADER = "x-apiscope-peer-token";
/** The per-process token peer-hook.ts puts in the environment, so a stamp can be told from a forgery. */
export const PEER_TOKEN_ENV = "APISCOPE_INTERNAL_PEER_TOKEN";

export const OAUTH2_PROXY_HEADERS = ["x-forwarded-email", "x-forwarded-user", "x-forwarded-groups", "x-forwarded-preferred-username", "x-forwarded-access-token"];
export const ALB_HEADERS = ["x-amzn-oidc-data", "x-amzn-oidc-identity", "x-amzn-oidc-accesstoken"];

export type ProxyResult =
  | { ok: true; principal: Principal }
  | { ok: false; status: 401 | 403; reason: string; /** a refusal worth a log line: someone sent identity they may not */ forged: boolean };

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compare two secrets in time independent of where they differ (equal-length digests, XOR-accumulated). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** The socket peer as peer-hook.ts stamped it, or undefined when the stamp is missing or not genuine. */
export async function stampedPeer(headers: Headers, env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  const expected = env[PEER_TOKEN_ENV];
  const token = headers.get(PEER_TOKEN_HEADER);
  const peer = headers.get(PEER_HEADER);
  if (!expected || !token || !peer) return undefined;
  return (await secretsEqual(token, expected)) ? peer : undefined;
}

/** Whether this request came through the trusted proxy: the peer check and the secret, whichever are configured. */
export async function fromTrustedProxy(headers: Headers, settings: ProxySettings, env: Record<string, string | undefined> = process.env): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (settings.trustedProxies.length > 0) {
    const peer = await stampedPeer(headers, env);
    if (peer === undefined) return { ok: false, reason: "the socket peer is unknown (the peer check was not installed at start-up)" };
    if (!inAnyCidr(peer, settings.trustedProxies)) return { ok: false, reason: `peer ${peer} is not in APISCOPE_TRUSTED_PROXY_IPS` };
  }
  if (settings.secret !== undefined) {
    const sent = headers.get(PROXY_SECRET_HEADER);
    if (sent === null) return { ok: false, reason: `no ${PROXY_SECRET_HEADER} header` };
    if (!(await secretsEqual(sent, settings.secret))) return { ok: false, reason: `wrong ${PROXY_SECRET_HEADER} header` };
  }
  return { ok: true };
}

/** The identity oauth2-proxy passes: sub from X-Forwarded-User (else the email), groups comma-separated. */
export function oauth2ProxyPrincipal(headers: Headers): Principal | undefined {
  const email = headers.get("x-forwarded-email")?.trim() || undefined;
  const user = headers.get("x-forwarded-user")?.trim() || undefined;
  const sub = user ?? email;
  if (!sub) return undefined;
  const groups = (headers.get("x-forwarded-groups") ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  return { sub, ...(email ? { email } : {}), groups };
}

export async function proxyPrincipal(headers: Headers, settings: ProxySettings, options: { fetch?: typeof fetch; now?: number; env?: Record<string, string | undefined> } = {}): Promise<ProxyResult> {
  const identityHeaders = settings.kind === "alb" ? ALB_HEADERS : OAUTH2_PROXY_HEADERS;
  const claimsIdentity = identityHeaders.some((name) => headers.has(name));
  const trusted = await fromTrustedProxy(headers, settings, options.env);
  if (!trusted.ok) {
    return claimsIdentity
      ? { ok: false, status: 403, reason: `identity headers refused: ${trusted.reason}`, forged: true }
      : { ok: false, status: 401, reason: `not signed in through the proxy (${trusted.reason})`, forged: false };
  }
  if (settings.kind === "oauth2-proxy") {
    const principal = oauth2ProxyPrincipal(headers);
    return principal ? { ok: true, principal } : { ok: false, status: 401, reason: "the proxy sent no X-Forwarded-Email / X-Forwarded-User", forged: false };
  }
  const token = headers.get("x-amzn-oidc-data");
  if (!token) return { ok: false, status: 401, reason: "the load balancer sent no x-amzn-oidc-data", forged: false };
  const verified = await verifyAlbToken(token, settings, options);
  if (!verified.ok) return { ok: false, status: 403, reason: `x-amzn-oidc-data refused: ${verified.reason}`, forged: true };
  const principal = principalFromClaims(verified.claims, settings.groupsClaim);
  return principal ? { ok: true, principal } : { ok: false, status: 403, reason: "x-amzn-oidc-data has no sub", forged: false };
}

// ---------------------------------------------------------------------------------------------------
// ALB

const albKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED_KEYS = 32;

/** For tests. */
export function resetAlbKeyCache(): void {
  albKeys.clear();
}

function albKey(keysUrl: string, kid: string, fetchImpl: typeof fetch): Promise<CryptoKey> {
  const url = `${keysUrl}/${encodeURIComponent(kid)}`;
  let key = albKeys.get(url);
  if (!key) {
    key = (async () => {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(5000), cache: "no-store" });
      if (!res.ok) throw new Error(`public key ${url} answered ${res.status}`);
      const pem = (await res.text()).trim();
      return (await importSPKI(pem, "ES256")) as CryptoKey;
    })();
    // A failed fetch is not cached: the next request tries again.
    key.catch(() => albKeys.delete(url));
    if (albKeys.size >= MAX_CACHED_KEYS) albKeys.delete(albKeys.keys().next().value!);
    albKeys.set(url, key);
  }
  return key;
}

function decodeSegment(segment: string): Uint8Array {
  // The ALB pads its base64url segments with "="; plain JWT decoders reject that, so strip it to decode
  // (the signature is still checked over the segments exactly as received).
  return base64url.decode(segment.replace(/=+$/, ""));
}

function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(decodeSegment(segment)));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export type AlbVerified = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

export async function verifyAlbToken(token: string, settings: ProxySettings, options: { fetch?: typeof fetch; now?: number } = {}): Promise<AlbVerified> {
  const alb = settings.alb;
  if (!alb) return { ok: false, reason: "ALB mode is not configured" };
  if (token.length > 16384) return { ok: false, reason: "token too large" };
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+=*$/.test(p))) return { ok: false, reason: "not a signed JWT" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonSegment(headerPart);
  const claims = jsonSegment(payloadPart);
  if (!header || !claims) return { ok: false, reason: "malformed JWT" };
  if (header.alg !== "ES256") return { ok: false, reason: `alg ${JSON.stringify(header.alg)} (only ES256)` };
  if (typeof header.signer !== "string" || !alb.signers.includes(header.signer)) return { ok: false, reason: `signer ${JSON.stringify(header.signer)} is not in APISCOPE_ALB_ARN` };
  if (typeof header.kid !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(header.kid)) return { ok: false, reason: "bad kid" };
  let key: CryptoKey;
  try {
    key = await albKey(alb.keysUrl, header.kid, options.fetch ?? fetch);
  } catch (error) {
    return { ok: false, reason: `cannot get the load balancer's public key: ${(error as Error).message}` };
  }
  let signature: Uint8Array;
  try {
    signature = decodeSegment(signaturePart);
  } catch {
    return { ok: false, reason: "malformed signature" };
  }
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    signature as Uint8Array<ArrayBuffer>,
    new TextEncoder().encode(`${headerPart}.${payloadPart}`),
  );
  if (!valid) return { ok: false, reason: "bad signature" };
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const exp = typeof claims.exp === "number" ? claims.exp : typeof header.exp === "number" ? header.exp : undefined;
  if (exp === undefined) return { ok: false, reason: "no exp" };
  if (exp + 60 < now) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf - 60 > now) return { ok: false, reason: "not valid yet" };
  if (alb.issuer !== undefined && claims.iss !== alb.issuer && header.iss !== alb.issuer) return { ok: false, reason: `iss is not ${alb.issuer}` };
  return { ok: true, claims };
}
