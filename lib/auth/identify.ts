// Who is asking, and may they use the dashboard at all: the one decision the edge middleware enforces and
// every route handler takes again from the same inputs (the session cookie, or the proxy's headers), never
// from anything the middleware passed along. Edge-safe.
import { proxyPrincipal } from "./proxy";
import { matchesRule, type Principal } from "./rules";
import { openSession } from "./session";
import { authSettings, AuthConfigError, type AuthSettings } from "./settings";

export type Verdict =
  /** APISCOPE_AUTH=none (or unset on loopback): no identity, no checks */
  | { kind: "open"; explicit: boolean }
  | { kind: "allowed"; principal: Principal }
  /** oidc: send pages to sign-in; proxy: the proxy should have signed them in */
  | { kind: "unauthenticated"; reason: string; canSignIn: boolean }
  | { kind: "forbidden"; reason: string; principal?: Principal; forged?: boolean }
  | { kind: "misconfigured"; message: string };

export interface RequestFacts {
  headers: Headers;
  cookie(name: string): string | undefined;
}

export async function identify(request: RequestFacts, options: { settings?: AuthSettings; now?: number; fetch?: typeof fetch; env?: Record<string, string | undefined> } = {}): Promise<Verdict> {
  let settings: AuthSettings;
  try {
    settings = options.settings ?? authSettings();
  } catch (error) {
    if (error instanceof AuthConfigError) return { kind: "misconfigured", message: error.message };
    throw error;
  }
  if (settings.mode === "none") return { kind: "open", explicit: settings.explicit };

  let principal: Principal;
  if (settings.mode === "oidc") {
    const session = settings.session!;
    const token = request.cookie(session.cookieName);
    if (!token) return { kind: "unauthenticated", reason: "no session", canSignIn: true };
    const opened = await openSession(token, session.secret, options.now);
    if (!opened.ok) return { kind: "unauthenticated", reason: opened.reason === "expired" ? "the session expired" : "the session cookie is not valid", canSignIn: true };
    const { exp: _exp, ...rest } = opened.session;
    principal = rest;
  } else {
    const result = await proxyPrincipal(request.headers, settings.proxy!, options);
    if (!result.ok) {
      return result.status === 401
        ? { kind: "unauthenticated", reason: result.reason, canSignIn: false }
        : { kind: "forbidden", reason: result.reason, forged: result.forged };
    }
    principal = result.principal;
  }
  if (!matchesRule(principal, settings.allow)) {
    return { kind: "forbidden", reason: "not in APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS", principal };
  }
  return { kind: "allowed", principal };
}

/** The principal the cluster rules are checked against: null when the dashboard is open. */
export function principalOf(verdict: Verdict & { kind: "open" | "allowed" }): Principal | null {
  return verdict.kind === "allowed" ? verdict.principal : null;
}
