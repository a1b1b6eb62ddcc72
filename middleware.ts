// Sign-in, enforced in one place: every page and API route goes through here (edge runtime) before it
// renders. The route handlers check again from the same inputs (lib/server/auth/guard.ts) and apply the
// per-cluster rules. This only decrypts the session cookie (or verifies the proxy's identity); the
// OpenID Connect code exchange happens in the Node route app/api/auth/callback.
//
// Every answer that passes here also gets its Content-Security-Policy, with a fresh nonce per request:
// Next reads the nonce from the request's CSP header and puts it on every script it renders (pages are
// rendered per request, never prerendered), so only this server's own scripts run. Static headers
// (HSTS behind TLS, nosniff, frame and referrer policies) are in next.config.mjs.
import { NextResponse, type NextRequest } from "next/server";
import { identify } from "@/lib/auth/identify";
import { refusal, refusalLog } from "@/lib/auth/responses";
import { authSettings } from "@/lib/auth/settings";

/** The sign-in routes and the signed-out page must be reachable signed out. */
function isPublic(pathname: string): boolean {
  return pathname.startsWith("/api/auth/") || pathname.startsWith("/auth/");
}

/**
 * The inline script of app/layout.tsx that applies the theme before first paint (THEME_BOOT), allowed by
 * its hash. e2e/hardening.spec.ts fails if the script changes without this: a page with a CSP violation.
 */
const THEME_BOOT_HASH = "'sha256-LZnoQYOhrLN/29W/PoLvJqwk3MOw3A9xy4OUFC1oJ+o='";

function nonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

function contentSecurityPolicy(scriptNonce: string, https: boolean): string {
  const dev = process.env.NODE_ENV !== "production";
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) run too; nothing else does.
    `script-src 'self' 'nonce-${scriptNonce}' 'strict-dynamic' ${THEME_BOOT_HASH}${dev ? " 'unsafe-eval'" : ""}`,
    // React's style={{…}} attributes and the charts' inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export async function middleware(req: NextRequest): Promise<Response> {
  const { pathname, search } = req.nextUrl;
  const forwardedHttps = req.headers.get("x-forwarded-proto") === "https";
  const https = forwardedHttps || req.nextUrl.protocol === "https:";
  const scriptNonce = nonce();
  const csp = contentSecurityPolicy(scriptNonce, https);
  const secured = (res: Response): Response => {
    res.headers.set("Content-Security-Policy", csp);
    // next.config.mjs sends HSTS when a TLS terminator says https; this covers TLS ending here.
    if (https && !forwardedHttps) res.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    return res;
  };
  const proceed = () => {
    const headers = new Headers(req.headers);
    headers.set("x-nonce", scriptNonce);
    headers.set("content-security-policy", csp);
    return secured(NextResponse.next({ request: { headers } }));
  };

  if (isPublic(pathname)) return proceed();
  const verdict = await identify({ headers: req.headers, cookie: (name) => req.cookies.get(name)?.value });
  let settings;
  try {
    settings = authSettings();
  } catch {
    settings = undefined;
  }
  const refused = refusal(verdict, settings, { url: req.nextUrl, pathname, returnTo: `${pathname}${search}`, method: req.method });
  if (refused) {
    const line = refusalLog(verdict, pathname);
    if (line) console.warn(line);
    return secured(refused);
  }
  return proceed();
}

export const config = {
  // Everything but the framework's static files (hashed JS/CSS, which hold no data).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
