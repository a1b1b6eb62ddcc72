// Sign out of apiscope: the session cookie is cleared. The provider's own session is not ended (its
// sign-in page may then let the same person straight back in; the signed-out page offers "sign in as
// someone else", which asks the provider to prompt again).
import { NextResponse, type NextRequest } from "next/server";
import { authSettings } from "@/lib/auth/settings";

export const dynamic = "force-dynamic";

function signOut(req: NextRequest) {
  let settings;
  try {
    settings = authSettings();
  } catch {
    settings = undefined;
  }
  const base = settings?.oidc?.publicUrl ?? new URL(req.nextUrl.origin);
  const res = NextResponse.redirect(new URL("/auth/signed-out", base), 303);
  res.headers.set("Cache-Control", "no-store");
  if (settings?.session) {
    res.cookies.set(settings.session.cookieName, "", { httpOnly: true, secure: settings.session.secure, sameSite: "lax", path: "/", maxAge: 0 });
  }
  return res;
}

export const GET = signOut;
export const POST = signOut;
