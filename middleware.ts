// Sign-in, enforced in one place: every page and API route goes through here (edge runtime) before it
// renders. The route handlers check again from the same inputs (lib/server/auth/guard.ts) and apply the
// per-cluster rules. This only decrypts the session cookie (or verifies the proxy's identity); the
// OpenID Connect code exchange happens in the Node route app/api/auth/callback.
import { NextResponse, type NextRequest } from "next/server";
import { identify } from "@/lib/auth/identify";
import { refusal, refusalLog } from "@/lib/auth/responses";
import { authSettings } from "@/lib/auth/settings";

/** The sign-in routes and the signed-out page must be reachable signed out. */
function isPublic(pathname: string): boolean {
  return pathname.startsWith("/api/auth/") || pathname.startsWith("/auth/");
}

export async function middleware(req: NextRequest): Promise<Response> {
  const { pathname, search } = req.nextUrl;
  if (isPublic(pathname)) return NextResponse.next();
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
    return refused;
  }
  return NextResponse.next();
}

export const config = {
  // Everything but the framework's static files (hashed JS/CSS, which hold no data).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
