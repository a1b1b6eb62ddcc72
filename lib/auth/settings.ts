// How apiscope authenticates, from APISCOPE_* environment variables (Amplify forbids names starting with
// AWS). Read by the edge middleware, the route handlers and the start-up check alike, so it imports
// nothing from Node. Every message names the variable and what to put in it.
import { parseCidr, isLoopback, type Cidr } from "./cidr";
import { ANYONE, parseList, type AllowRule } from "./rules";

export type AuthMode = "oidc" | "proxy" | "none";
export type ProxyKind = "oauth2-proxy" | "alb";

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  /** absent: a public client (PKCE only), e.g. a Cognito app client without a secret */
  clientSecret?: string;
  scopes: string;
  groupsClaim: string;
  /** the dashboard's own address as the browser sees it; the redirect URI is <publicUrl>/api/auth/callback */
  publicUrl: URL;
  /** http:// issuer on a loopback address (a local Dex/Keycloak, the tests): allowed, nothing else is */
  insecureIssuer: boolean;
}

export interface ProxySettings {
  kind: ProxyKind;
  /** socket peers allowed to send identity headers (checked at the socket, see peer-hook.ts) */
  trustedProxies: Cidr[];
  /** value of the X-Apiscope-Proxy-Secret header the proxy adds */
  secret?: string;
  groupsClaim: string;
  alb?: {
    region?: string;
    /** load balancer ARNs allowed to sign x-amzn-oidc-data */
    signers: string[];
    /** the public key of key id K is at <keysUrl>/K */
    keysUrl: string;
    /** expected `iss` of the token (the provider's issuer), when set */
    issuer?: string;
  };
}

export interface AuthSettings {
  mode: AuthMode;
  /** APISCOPE_AUTH was set (false: the loopback default, behaving like none) */
  explicit: boolean;
  /** who may use the dashboard at all (oidc and proxy modes) */
  allow: AllowRule;
  oidc?: OidcSettings;
  proxy?: ProxySettings;
  session?: {
    secret: string;
    ttlSeconds: number;
    cookieName: string;
    secure: boolean;
  };
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthConfigError";
  }
}

export const MIN_SESSION_SECRET_BYTES = 32;
export const DEFAULT_SESSION_HOURS = 8;
export const DEFAULT_OIDC_SCOPES = "openid email profile";
export const DEFAULT_GROUPS_CLAIM = "groups";
export const PROXY_SECRET_HEADER = "x-apiscope-proxy-secret";
export const CALLBACK_PATH = "/api/auth/callback";

type Env = Record<string, string | undefined>;

/** Parse and validate. Throws AuthConfigError listing every problem, one per line. */
export function loadAuthSettings(env: Env): AuthSettings {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const problems: string[] = [];
  const rawMode = value("APISCOPE_AUTH")?.toLowerCase();
  if (rawMode !== undefined && rawMode !== "oidc" && rawMode !== "proxy" && rawMode !== "none") {
    throw new AuthConfigError(`APISCOPE_AUTH: must be "oidc", "proxy" or "none" (got ${JSON.stringify(value("APISCOPE_AUTH"))})`);
  }
  const mode: AuthMode = rawMode ?? "none";
  const allow: AllowRule = { groups: parseList(value("APISCOPE_ALLOWED_GROUPS")), users: parseList(value("APISCOPE_ALLOWED_USERS")) };
  const settings: AuthSettings = { mode, explicit: rawMode !== undefined, allow };
  if (mode === "none") return settings;

  if (allow.groups!.length === 0 && allow.users!.length === 0) {
    problems.push(
      `APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS: set at least one with APISCOPE_AUTH=${mode} (e.g. APISCOPE_ALLOWED_GROUPS=sre,platform); ` +
        `APISCOPE_ALLOWED_USERS=${ANYONE} lets in everyone the provider signs in (with Google, that is every Google account)`,
    );
  }
  const groupsClaim = value("APISCOPE_OIDC_GROUPS_CLAIM") ?? DEFAULT_GROUPS_CLAIM;

  if (mode === "oidc") {
    const issuer = urlVar("APISCOPE_OIDC_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
    const publicUrl = urlVar("APISCOPE_PUBLIC_URL", "https://apiscope.example.com");
    const clientId = value("APISCOPE_OIDC_CLIENT_ID");
    if (!clientId) problems.push("APISCOPE_OIDC_CLIENT_ID: required with APISCOPE_AUTH=oidc (the app client id registered at the provider)");
    let insecureIssuer = false;
    if (issuer && issuer.protocol !== "https:") {
      if (issuer.protocol === "http:" && isLoopback(issuer.hostname)) insecureIssuer = true;
      else problems.push(`APISCOPE_OIDC_ISSUER: must be an https:// URL (http:// only on a loopback address, for local testing)`);
    }
    if (publicUrl && (publicUrl.search || publicUrl.hash || (publicUrl.pathname !== "/" && publicUrl.pathname !== ""))) {
      problems.push("APISCOPE_PUBLIC_URL: must be the dashboard's origin only, e.g. https://apiscope.example.com (no path, query or fragment)");
    }
    if (publicUrl && publicUrl.protocol === "http:" && !isLoopback(publicUrl.hostname)) {
      problems.push("APISCOPE_PUBLIC_URL: must be https:// (the session cookie is Secure); http:// only on a loopback address");
    }
    const secret = sessionSecret();
    if (issuer && publicUrl && clientId && secret) {
      settings.oidc = {
        issuer,
        clientId,
        ...(value("APISCOPE_OIDC_CLIENT_SECRET") ? { clientSecret: value("APISCOPE_OIDC_CLIENT_SECRET") } : {}),
        scopes: value("APISCOPE_OIDC_SCOPES") ?? DEFAULT_OIDC_SCOPES,
        groupsClaim,
        publicUrl: new URL(publicUrl.origin),
        insecureIssuer,
      };
      if (!settings.oidc.scopes.split(/\s+/).includes("openid")) problems.push('APISCOPE_OIDC_SCOPES: must include "openid"');
      const secure = publicUrl.protocol === "https:";
      // __Host-: the browser only accepts it Secure, for Path=/ and without Domain, so no sibling subdomain can plant one.
      settings.session = { secret, ttlSeconds: sessionTtl(), cookieName: secure ? "__Host-apiscope-session" : "apiscope-session", secure };
    }
  }

  if (mode === "proxy") {
    const kind = value("APISCOPE_PROXY_MODE");
    if (kind !== "oauth2-proxy" && kind !== "alb") {
      problems.push(`APISCOPE_PROXY_MODE: must be "oauth2-proxy" (X-Forwarded-Email / X-Forwarded-Groups) or "alb" (x-amzn-oidc-data) with APISCOPE_AUTH=proxy`);
    }
    const trustedProxies: Cidr[] = [];
    for (const item of parseList(value("APISCOPE_TRUSTED_PROXY_IPS"))) {
      try {
        trustedProxies.push(parseCidr(item));
      } catch (error) {
        problems.push(`APISCOPE_TRUSTED_PROXY_IPS: ${(error as Error).message}`);
      }
    }
    const secret = value("APISCOPE_PROXY_SECRET");
    if (secret !== undefined && byteLength(secret) < 16) problems.push("APISCOPE_PROXY_SECRET: must be at least 16 characters (e.g. `openssl rand -hex 32`)");
    if (kind === "oauth2-proxy" && trustedProxies.length === 0 && secret === undefined && !problems.some((p) => p.startsWith("APISCOPE_TRUSTED_PROXY_IPS"))) {
      problems.push(
        "APISCOPE_TRUSTED_PROXY_IPS / APISCOPE_PROXY_SECRET: set at least one with APISCOPE_PROXY_MODE=oauth2-proxy, or anyone who reaches the server can claim any identity " +
          "(e.g. APISCOPE_TRUSTED_PROXY_IPS=10.0.0.0/16, or a secret the proxy sends as X-Apiscope-Proxy-Secret)",
      );
    }
    if (kind === "oauth2-proxy" || kind === "alb") {
      settings.proxy = { kind, trustedProxies, ...(secret !== undefined ? { secret } : {}), groupsClaim };
    }
    if (kind === "alb") {
      const region = value("APISCOPE_ALB_REGION");
      const signers = parseList(value("APISCOPE_ALB_ARN"));
      const keysUrlText = value("APISCOPE_ALB_KEYS_URL") ?? (region ? `https://public-keys.auth.elb.${region}.amazonaws.com` : undefined);
      if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) problems.push(`APISCOPE_ALB_REGION: must be an AWS region name (e.g. "eu-west-1")`);
      if (signers.length === 0) {
        problems.push("APISCOPE_ALB_ARN: required with APISCOPE_PROXY_MODE=alb: the ARN of the load balancer that signs x-amzn-oidc-data (arn:aws:elasticloadbalancing:…:loadbalancer/app/…)");
      }
      for (const arn of signers) {
        if (!/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\/[^/]+\/[0-9a-f]+$/.test(arn)) {
          problems.push(`APISCOPE_ALB_ARN: "${arn}" is not an application load balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)`);
        }
      }
      let keysUrl: URL | undefined;
      if (!keysUrlText) problems.push("APISCOPE_ALB_REGION: required with APISCOPE_PROXY_MODE=alb (where the load balancer's signing keys are published)");
      else {
        keysUrl = safeUrl(keysUrlText);
        if (!keysUrl || !/^https?:$/.test(keysUrl.protocol)) problems.push("APISCOPE_ALB_KEYS_URL: must be an http(s):// URL");
        else if (keysUrl.protocol === "http:" && !isLoopback(keysUrl.hostname)) problems.push("APISCOPE_ALB_KEYS_URL: must be https:// (http:// only on a loopback address, for tests)");
      }
      if (settings.proxy && keysUrl) {
        settings.proxy.alb = {
          ...(region ? { region } : {}),
          signers,
          keysUrl: keysUrl.href.replace(/\/+$/, ""),
          ...(value("APISCOPE_ALB_ISSUER") ? { issuer: value("APISCOPE_ALB_ISSUER") } : {}),
        };
      }
    }
  }

  if (problems.length > 0) throw new AuthConfigError(problems.join("\n"));
  return settings;

  function urlVar(name: string, example: string): URL | undefined {
    const text = value(name);
    if (!text) {
      problems.push(`${name}: required with APISCOPE_AUTH=${mode} (e.g. ${example})`);
      return undefined;
    }
    const url = safeUrl(text);
    if (!url || !/^https?:$/.test(url.protocol)) {
      problems.push(`${name}: must be a URL (e.g. ${example})`);
      return undefined;
    }
    if (url.username || url.password) {
      problems.push(`${name}: must not contain a user or password`);
      return undefined;
    }
    return url;
  }

  function sessionSecret(): string | undefined {
    const secret = value("APISCOPE_SESSION_SECRET");
    if (!secret) {
      problems.push(`APISCOPE_SESSION_SECRET: required with APISCOPE_AUTH=oidc: at least ${MIN_SESSION_SECRET_BYTES} random bytes that encrypt the session cookie (e.g. \`openssl rand -base64 48\`)`);
      return undefined;
    }
    if (byteLength(secret) < MIN_SESSION_SECRET_BYTES) {
      problems.push(`APISCOPE_SESSION_SECRET: must be at least ${MIN_SESSION_SECRET_BYTES} bytes long (e.g. \`openssl rand -base64 48\`)`);
      return undefined;
    }
    return secret;
  }

  function sessionTtl(): number {
    const text = value("APISCOPE_SESSION_HOURS");
    if (text === undefined) return DEFAULT_SESSION_HOURS * 3600;
    const hours = Number(text);
    if (!Number.isFinite(hours) || hours < 0.1 || hours > 24) {
      problems.push("APISCOPE_SESSION_HOURS: must be a number of hours between 0.1 and 24 (default 8)");
      return DEFAULT_SESSION_HOURS * 3600;
    }
    return Math.round(hours * 3600);
  }
}

let cached: { settings?: AuthSettings; error?: AuthConfigError } | undefined;

/** The process's settings, parsed once. Throws AuthConfigError when misconfigured (every call, same error). */
export function authSettings(): AuthSettings {
  if (!cached) {
    try {
      cached = { settings: loadAuthSettings(process.env) };
    } catch (error) {
      if (!(error instanceof AuthConfigError)) throw error;
      cached = { error };
    }
  }
  if (cached.error) throw cached.error;
  return cached.settings!;
}

/** For tests. */
export function resetAuthSettings(): void {
  cached = undefined;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
