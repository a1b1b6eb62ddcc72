// Start of the OpenID Connect authorization code flow: PKCE (S256), state and nonce remembered in a
// short-lived encrypted cookie for the callback, then off to the provider. `returnTo` (a path on this
// site) is where the callback lands: a permalink opened signed out comes back to the same panel and range.
import { NextResponse, type NextRequest } from "next/server";
import { startAuthorization } from "@/lib/server/auth/oidc";
import { htmlPage, jsonError, returnToOf } from "@/lib/auth/responses";
import { LOGIN_TTL_SECONDS, loginCookieName, openSession, safeReturnTo, sealLogin } from "@/lib/auth/session";
import { authSettings, AuthConfigError, CALLBACK_PATH } from "@/lib/auth/settings";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  let settings;
  try {
    settings = authSettings();
  } catch (error) {
    if (error instanceof AuthConfigError) return htmlPage(500, "Sign-in is misconfigured", ["The server log names the APISCOPE_* variable to fix."]);
    throw error;
  }
  if (settings.mode !== "oidc" || !settings.oidc || !settings.session) {
    return jsonError(404, "not_found", "Sign-in is not enabled here (APISCOPE_AUTH is not oidc).", "Open the dashboard itself.");
  }
  const returnTo = safeReturnTo(returnToOf(req.nextUrl.searchParams));
  const prompt = req.nextUrl.searchParams.get("prompt");
  const session = settings.session;

  // Already signed in (a second tab, the back button): straight to where they were going.
  const existing = req.cookies.get(session.cookieName)?.value;
  if (existing && prompt === null && (await openSession(existing, session.secret)).ok) {
    return NextResponse.redirect(new URL(returnTo, settings.oidc.publicUrl), 303);
  }

  let start;
  try {
    start = await startAuthorization(settings.oidc);
  } catch (error) {
    console.error(`[apiscope] auth: cannot reach the OpenID provider ${settings.oidc.issuer.href}: ${(error as Error).message}`);
    return htmlPage(502, "The sign-in provider did not answer", [`apiscope could not read ${settings.oidc.issuer.href}/.well-known/openid-configuration.`, "Retry in a moment; if it persists, check APISCOPE_OIDC_ISSUER and the server log."], [[`/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`, "Retry"]]);
  }
  if (prompt === "login" || prompt === "select_account") start.url.searchParams.set("prompt", prompt);
  const res = NextResponse.redirect(start.url, 303);
  res.headers.set("Cache-Control", "no-store");
  res.cookies.set(loginCookieName(start.state), await sealLogin({ state: start.state, nonce: start.nonce, verifier: start.verifier, returnTo }, session.secret), {
    httpOnly: true,
    secure: session.secure,
    sameSite: "lax",
    path: CALLBACK_PATH,
    maxAge: LOGIN_TTL_SECONDS,
  });
  return res;
}
