// What a refused request gets: API calls a JSON error (the same shape as every other API error), pages the
// sign-in redirect (oidc) or a small HTML page. Never cached anywhere: these answers depend on the cookie.
import { base64url } from "jose";
import { NextResponse } from "next/server";
import type { Verdict } from "./identify";
import { describePrincipal } from "./rules";
import type { AuthSettings } from "./settings";

const NO_STORE = { "Cache-Control": "no-store", Vary: "Cookie" };

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/**
 * The login route on the request's own origin, remembering where to come back to. The path goes base64url
 * encoded ("rt"): Next decodes a rewrite's query once more, which would cut a permalink at its first "&".
 */
export function loginUrl(base: string | URL, returnTo: string): URL {
  const url = new URL("/api/auth/login", base);
  url.searchParams.set("rt", base64url.encode(returnTo));
  return url;
}

/** The return path a login request carries: "rt" (from the middleware) or "returnTo" (from links). */
export function returnToOf(params: URLSearchParams): string | null {
  const rt = params.get("rt");
  if (rt !== null) {
    try {
      return new TextDecoder().decode(base64url.decode(rt));
    } catch {
      return null;
    }
  }
  return params.get("returnTo");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A whole page, no scripts, no app chrome: what a refused browser sees. */
export function htmlPage(status: number, title: string, paragraphs: string[], links: Array<[string, string]> = []): Response {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · apiscope</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:48px 16px;background:#f6f7f9;color:#1d2430}@media(prefers-color-scheme:dark){body{background:#14171c;color:#dde3ea}a{color:#8ab4ff}}main{max-width:560px;margin:0 auto}h1{font-size:20px}</style></head>
<body><main data-testid="auth-page" data-status="${status}"><h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}${
    links.length ? `<p>${links.map(([href, label]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`).join(" · ")}</p>` : ""
  }</main></body></html>`;
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...NO_STORE } });
}

export function jsonError(status: number, kind: string, message: string, hint: string): NextResponse {
  return NextResponse.json({ error: { kind, message, hint } }, { status, headers: NO_STORE });
}

/**
 * The response for a verdict that does not let the request through (null for "open" and "allowed").
 * `returnTo` is the path and query the visitor asked for, kept through sign-in.
 */
export function refusal(verdict: Verdict, settings: AuthSettings | undefined, request: { url: string | URL; pathname: string; returnTo: string; method: string }): Response | null {
  const api = isApiPath(request.pathname);
  switch (verdict.kind) {
    case "open":
    case "allowed":
      return null;
    case "misconfigured":
      return api
        ? jsonError(500, "auth_config", "Sign-in is misconfigured on the server.", "Fix the APISCOPE_AUTH settings (see the server log) and restart.")
        : htmlPage(500, "Sign-in is misconfigured", ["The server's APISCOPE_AUTH settings are not valid; the server log names the variable to fix."]);
    case "unauthenticated": {
      if (api || (request.method !== "GET" && request.method !== "HEAD")) {
        return jsonError(
          401,
          "unauthenticated",
          verdict.reason === "the session expired" ? "Your apiscope session expired." : "Not signed in to apiscope.",
          verdict.canSignIn ? "Reload the page to sign in again." : "Open the dashboard through its sign-in proxy.",
        );
      }
      if (verdict.canSignIn && settings?.oidc) {
        // Served by the login route under the page's own URL, which answers with the redirect to the
        // provider. (A middleware redirect to this host would have Next rewrite 127.0.0.1 to localhost,
        // a different cookie jar; a rewrite also saves the browser a round trip.)
        return NextResponse.rewrite(loginUrl(request.url, request.returnTo));
      }
      return htmlPage(401, "Not signed in", ["This dashboard is only served through its sign-in proxy, and this request did not come through it signed in."]);
    }
    case "forbidden": {
      const who = verdict.principal ? `Signed in as ${verdict.principal.email ?? verdict.principal.sub}.` : undefined;
      if (api) {
        return jsonError(
          403,
          "forbidden",
          verdict.forged ? "Identity headers are only accepted from the trusted proxy." : `You may not use this dashboard.${who ? ` ${who}` : ""}`,
          verdict.forged ? "Open the dashboard through its sign-in proxy." : "Ask its operators to add you (or your group) to APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS.",
        );
      }
      const links: Array<[string, string]> = settings?.mode === "oidc" ? [["/api/auth/logout", "Sign out (and sign in as someone else)"]] : [];
      return htmlPage(
        403,
        "Access denied",
        verdict.forged
          ? ["Identity headers are only accepted from the trusted proxy."]
          : [...(who ? [who] : []), "Your account is not in the groups or users allowed to use this dashboard. Ask its operators to add you."],
        links,
      );
    }
  }
}

/** The log line for a refusal worth one (403s; 401s are every signed-out visitor and are not logged). */
export function refusalLog(verdict: Verdict, pathname: string): string | null {
  if (verdict.kind === "forbidden") {
    return `[apiscope] auth: 403 ${pathname}: ${verdict.reason}${verdict.principal ? ` (${describePrincipal(verdict.principal)})` : ""}`;
  }
  if (verdict.kind === "misconfigured") return `[apiscope] auth: misconfigured: ${verdict.message.split("\n")[0]}`;
  return null;
}
