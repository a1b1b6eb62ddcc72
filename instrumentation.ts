// Next.js calls register() once when a server instance starts. Validate the sign-in settings and the
// cluster configuration there, so a misconfigured deployment fails at boot with a precise message instead
// of on the first panel — and a production server on a public address without APISCOPE_AUTH does not start.
export async function register(): Promise<void> {
  // The edge runtime has no filesystem (APISCOPE_CONFIG) and never talks to a backend. The check is an
  // `if` block (not an early return) so the edge bundle leaves the Node-only imports out.
  // Route modules can also trigger register() while `next build` prerenders; the build machine need not
  // have the runtime configuration, so only a running server is held to it.
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    const { assertAuthAtStartup, warnAboutClusterRules } = await import("./lib/server/auth/startup");
    assertAuthAtStartup();
    const { assertConfigAtStartup, getClusters } = await import("./lib/server/config");
    assertConfigAtStartup();
    warnAboutClusterRules(getClusters());
  }
}
