// The provider sends the browser back here with a code: check state, exchange the code with PKCE (Node,
// openid-client), read who signed in, and set the encrypted session cookie (sub, email, the groups some
// rule names, expiry). The session records identity only; whether they may see anything is decided on
// every request, so a user outside the allowed groups lands on a 403, not in a sign-in loop.
import { NextResponse, type NextRequest } from "next/server";
import { getClusters } from "@/lib/server/config";
import { finishAuthorization } from "@/lib/server/auth/oidc";
import { htmlPage } from "@/lib/auth/responses";
import { describePrincipal, matchesRule, relevantGroups, type AllowRule } from "@/lib/auth/rules";
import { loginCookieName, openLogin, sealSession } from "@/lib/auth/session";
import { authSettings, AuthConfigError, CALLBACK_PATH } from "@/lib/auth/settings";

export const dynamic = "force-dynamic";

function clusterRules(): AllowRule[] {
  try {
    return getClusters().flatMap((c) => (c.allow ? [c.allow] : []));
  } catch {
    return [];
  }
}

export async function GET(req: NextRequest) {
  let settings;
  try {
    settings = authSettings();
  } catch (error) {
    if (error instanceof AuthConfigError) return htmlPage(500, "Sign-in is misconfigured", ["The server log names the APISCOPE_* variable to fix."]);
    throw error;
  }
  if (settings.mode !== "oidc" || !settings.oidc || !settings.session) return htmlPage(404, "Sign-in is not enabled here", []);
  const { oidc, session } = settings;
  const params = req.nextUrl.searchParams;
  const state = params.get("state") ?? "";
  const cookieName = loginCookieName(state);
  const token = state ? req.cookies.get(cookieName)?.value : undefined;
  const login = token ? await openLogin(token, session.secret) : null;
  const again = (returnTo: string): [string, string] => [`/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`, "Sign in again"];

  const finish = (res: Response) => {
    const out = res instanceof NextResponse ? res : new NextResponse(res.body, res);
    out.headers.set("Cache-Control", "no-store");
    if (token) out.cookies.set(cookieName, "", { httpOnly: true, secure: session.secure, sameSite: "lax", path: CALLBACK_PATH, maxAge: 0 });
    return out;
  };

  if (!login || login.state !== state) {
    return finish(htmlPage(400, "This sign-in has expired", ["It took longer than 10 minutes, or was started in another browser. Start again."], [again("/")]));
  }
  const providerError = params.get("error");
  if (providerError) {
    const description = params.get("error_description");
    console.warn(`[apiscope] auth: the provider refused sign-in: ${providerError}${description ? ` (${description.slice(0, 200)})` : ""}`);
    return finish(htmlPage(401, "Sign-in did not complete", [`The provider answered: ${providerError}${description ? ` — ${description.slice(0, 300)}` : ""}.`], [again(login.returnTo)]));
  }

  let principal;
  try {
    principal = await finishAuthorization(oidc, new URL(`${CALLBACK_PATH}${req.nextUrl.search}`, oidc.publicUrl), login);
  } catch (error) {
    console.warn(`[apiscope] auth: sign-in failed at the code exchange: ${(error as Error).message}`);
    return finish(htmlPage(401, "Sign-in failed", ["The provider's answer could not be verified (the server log says why). Try again."], [again(login.returnTo)]));
  }
  const kept = { ...principal, groups: relevantGroups(principal.groups, [settings.allow, ...clusterRules()]) };
  console.info(`[apiscope] auth: signed in ${describePrincipal(kept)}${matchesRule(kept, settings.allow) ? "" : " — not in APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS: every page will answer 403"}`);

  const res = NextResponse.redirect(new URL(login.returnTo, oidc.publicUrl), 303);
  res.cookies.set(session.cookieName, await sealSession(kept, session.secret, session.ttlSeconds), {
    httpOnly: true,
    secure: session.secure,
    sameSite: "lax",
    path: "/",
    maxAge: session.ttlSeconds,
  });
  return finish(res);
}
