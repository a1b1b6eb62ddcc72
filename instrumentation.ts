// Next.js calls register() once when a server instance starts. Validate the cluster configuration there
// so a misconfigured deployment fails at boot with a precise message instead of on the first panel.
export async function register(): Promise<void> {
  // The edge runtime has no filesystem (APISCOPE_CONFIG) and never talks to a backend.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Route modules can also trigger register() while `next build` prerenders; the build machine need not
  // have the runtime configuration, so only a running server is held to it.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { assertConfigAtStartup } = await import("./lib/server/config");
  assertConfigAtStartup();
}
