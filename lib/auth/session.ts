// The session cookie: an encrypted JWT (JWE, dir + A256GCM) holding only sub, email, groups and the expiry.
// The key is derived from APISCOPE_SESSION_SECRET with HKDF (WebCrypto), a different one per purpose, so
// the same code runs in the edge middleware (which only opens sessions) and the Node route handlers
// (which seal them). Nobody without the secret can read or forge one; a changed byte fails the GCM tag.
import { EncryptJWT, jwtDecrypt } from "jose";
import type { Principal } from "./rules";

export type KeyPurpose = "session" | "login";

const keys = new Map<string, Promise<Uint8Array>>();

async function deriveKey(secret: string, purpose: KeyPurpose): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode("apiscope"), info: new TextEncoder().encode(`apiscope ${purpose} cookie v1`) },
    material,
    256,
  );
  return new Uint8Array(bits);
}

function keyFor(secret: string, purpose: KeyPurpose): Promise<Uint8Array> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = deriveKey(secret, purpose);
    keys.set(id, key);
  }
  return key;
}

/** Encrypt a claim set for `ttlSeconds`. */
export async function seal(payload: Record<string, unknown>, secret: string, purpose: KeyPurpose, ttlSeconds: number, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: `apiscope-${purpose}` })
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .encrypt(await keyFor(secret, purpose));
}

export type Opened = { ok: true; payload: Record<string, unknown> & { exp: number } } | { ok: false; reason: "expired" | "invalid" };

/** Decrypt and check the expiry. Never throws: a bad cookie is a signed-out visitor. */
export async function open(token: string, secret: string, purpose: KeyPurpose, now = Date.now()): Promise<Opened> {
  if (!token || token.length > 8192) return { ok: false, reason: "invalid" };
  try {
    const { payload, protectedHeader } = await jwtDecrypt(token, await keyFor(secret, purpose), {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      typ: `apiscope-${purpose}`,
      requiredClaims: ["exp", "iat"],
      currentDate: new Date(now),
    });
    void protectedHeader;
    return { ok: true, payload: payload as Record<string, unknown> & { exp: number } };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, reason: code === "ERR_JWT_EXPIRED" ? "expired" : "invalid" };
  }
}

export interface Session extends Principal {
  /** expiry, unix seconds */
  exp: number;
}

export async function sealSession(principal: Principal, secret: string, ttlSeconds: number, now = Date.now()): Promise<string> {
  return seal(
    { sub: principal.sub, ...(principal.email ? { email: principal.email } : {}), groups: principal.groups },
    secret,
    "session",
    ttlSeconds,
    now,
  );
}

export type OpenedSession = { ok: true; session: Session } | { ok: false; reason: "expired" | "invalid" };

export async function openSession(token: string, secret: string, now = Date.now()): Promise<OpenedSession> {
  const opened = await open(token, secret, "session", now);
  if (!opened.ok) return opened;
  const { sub, email, groups, exp } = opened.payload;
  if (typeof sub !== "string" || !sub) return { ok: false, reason: "invalid" };
  if (email !== undefined && typeof email !== "string") return { ok: false, reason: "invalid" };
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string")) return { ok: false, reason: "invalid" };
  return { ok: true, session: { sub, ...(email ? { email } : {}), groups: groups as string[], exp } };
}

/** What the login route remembers between the redirect to the provider and the callback. */
export interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export const LOGIN_TTL_SECONDS = 600;

export async function sealLogin(login: LoginState, secret: string, now = Date.now()): Promise<string> {
  return seal({ ...login }, secret, "login", LOGIN_TTL_SECONDS, now);
}

export async function openLogin(token: string, secret: string, now = Date.now()): Promise<LoginState | null> {
  const opened = await open(token, secret, "login", now);
  if (!opened.ok) return null;
  const { state, nonce, verifier, returnTo } = opened.payload;
  if (typeof state !== "string" || typeof nonce !== "string" || typeof verifier !== "string" || typeof returnTo !== "string") return null;
  return { state, nonce, verifier, returnTo };
}

/** One login cookie per attempt (several permalinks opened at once each finish their own sign-in). */
export function loginCookieName(state: string): string {
  return `apiscope-login-${state.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 16)}`;
}

/**
 * Where to go after sign-in: a path on this site only. Anything else (another origin, "//evil", "/\\evil",
 * control characters) becomes "/", so the login route cannot be used as an open redirect.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 4000 || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  try {
    const url = new URL(value, "http://apiscope.invalid");
    if (url.origin !== "http://apiscope.invalid") return "/";
    if (url.pathname.startsWith("/api/auth/")) return "/";
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}
