// Start-up checks for sign-in (called from instrumentation.ts register(), Node runtime):
// - the APISCOPE_AUTH settings are complete (else exit 1 naming the variable);
// - a production server on a non-loopback address refuses to start without APISCOPE_AUTH: an open
//   dashboard must be a decision (APISCOPE_AUTH=none), never an accident;
// - in proxy mode with APISCOPE_TRUSTED_PROXY_IPS, the socket-peer stamp is installed.
// What it logs: one line saying how sign-in works, and a warning when the dashboard is open.
import "server-only";
import net from "node:net";
import { isLoopback } from "../../auth/cidr";
import { installPeerHook } from "./peer-hook";
import { loadAuthSettings, AuthConfigError, type AuthSettings } from "../../auth/settings";

/**
 * Where this process listens. Next has started listening before register() runs, so the listening
 * servers are among the process's active handles; when none is found (another host runtime), the
 * command line's -H/--hostname and HOSTNAME are used; unknown is reported as such.
 */
export function listeningAddresses(): string[] | undefined {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const addresses = handles
    .filter((h): h is net.Server => h instanceof net.Server && h.listening)
    .map((server) => server.address())
    .filter((a): a is net.AddressInfo => a !== null && typeof a === "object")
    .map((a) => a.address);
  if (addresses.length > 0) return addresses;
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((arg === "-H" || arg === "--hostname") && argv[i + 1]) return [argv[i + 1]!];
    if (arg.startsWith("--hostname=")) return [arg.slice("--hostname=".length)];
  }
  if (process.env.HOSTNAME && process.argv.some((a) => /server\.js$/.test(a))) return [process.env.HOSTNAME];
  return undefined;
}

export type StartupDecision = { ok: true; settings: AuthSettings; notices: string[] } | { ok: false; message: string };

export function decideStartup(env: Record<string, string | undefined>, addresses: string[] | undefined): StartupDecision {
  let settings: AuthSettings;
  try {
    settings = loadAuthSettings(env);
  } catch (error) {
    if (error instanceof AuthConfigError) return { ok: false, message: `apiscope: sign-in configuration error\n${error.message}` };
    throw error;
  }
  const notices: string[] = [];
  if (settings.mode === "none") {
    const local = addresses !== undefined && addresses.length > 0 && addresses.every(isLoopback);
    if (!settings.explicit && env.NODE_ENV === "production" && !local) {
      return {
        ok: false,
        message:
          `apiscope: refusing to start: APISCOPE_AUTH is not set and the server listens on ${addresses?.join(", ") || "an unknown (so possibly public) address"}, ` +
          "where anyone who reaches it would see every cluster's metrics.\n" +
          "Set APISCOPE_AUTH=oidc (OpenID Connect sign-in) or APISCOPE_AUTH=proxy (behind oauth2-proxy or an AWS ALB), " +
          "or APISCOPE_AUTH=none to serve it open on purpose; or listen on 127.0.0.1 only (next start -H 127.0.0.1). See README.md, Security.",
      };
    }
    notices.push(
      settings.explicit
        ? "apiscope: APISCOPE_AUTH=none: the dashboard is open to anyone who can reach it (a banner says so on every page)"
        : "apiscope: APISCOPE_AUTH is not set: no sign-in on this loopback address (a banner says so); set APISCOPE_AUTH before exposing it",
    );
  } else {
    const allow = `allowed groups [${settings.allow.groups!.join(", ")}], users [${settings.allow.users!.join(", ")}]`;
    if (settings.mode === "oidc") {
      notices.push(`apiscope: sign-in: OpenID Connect at ${settings.oidc!.issuer.href} for client ${settings.oidc!.clientId}, groups from claim "${settings.oidc!.groupsClaim}"; ${allow}`);
    } else {
      const proxy = settings.proxy!;
      const checks = [
        proxy.trustedProxies.length ? `peers in ${proxy.trustedProxies.map((c) => c.text).join(", ")}` : "",
        proxy.secret !== undefined ? "the X-Apiscope-Proxy-Secret header" : "",
        proxy.alb ? `x-amzn-oidc-data signed by ${proxy.alb.signers.join(", ")}` : "",
      ].filter(Boolean);
      notices.push(`apiscope: sign-in: identity from ${proxy.kind === "alb" ? "an AWS ALB" : "oauth2-proxy"}, believed from ${checks.join(" and ")}; ${allow}`);
    }
  }
  return { ok: true, settings, notices };
}

export function assertAuthAtStartup(): AuthSettings {
  const decision = decideStartup(process.env, listeningAddresses());
  if (!decision.ok) {
    console.error(decision.message);
    process.exit(1);
  }
  for (const notice of decision.notices) console.warn(notice);
  // Always, and before the first request: trusted-proxy checks need the socket peer, and so do the per-client
  // limits of signed-out callers (installed lazily, the first request would be counted as "ip:unknown").
  installPeerHook();
  return decision.settings;
}

/** With no sign-in, a cluster's allow rule cannot be checked: say which clusters are hidden for it. */
export function warnAboutClusterRules(clusters: readonly { id: string; allow?: unknown }[], env: Record<string, string | undefined> = process.env): void {
  let mode: string;
  try {
    mode = loadAuthSettings(env).mode;
  } catch {
    return;
  }
  const ruled = clusters.filter((c) => c.allow !== undefined).map((c) => c.id);
  if (mode === "none" && ruled.length > 0) {
    console.warn(`apiscope: clusters ${ruled.join(", ")} have an "allow" rule, which needs sign-in (APISCOPE_AUTH=oidc or proxy): they are hidden`);
  }
}
