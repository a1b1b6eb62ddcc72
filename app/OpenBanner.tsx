// Server component: on every page of a dashboard without sign-in, a strip that says so. An SRE who opens
// it must know that anyone who can reach this server sees the same metrics.
import { connection } from "next/server";
import { authSettings } from "@/lib/auth/settings";

export async function OpenBanner() {
  // Read at request time: the build machine's environment is not the server's.
  await connection();
  let settings;
  try {
    settings = authSettings();
  } catch {
    return null;
  }
  if (settings.mode !== "none") return null;
  return (
    <div
      role="status"
      data-testid="open-banner"
      style={{ background: "var(--warn)", color: "var(--bg)", fontSize: 12, fontWeight: 600, padding: "3px 12px", textAlign: "center" }}
    >
      {settings.explicit
        ? "Open dashboard: no sign-in (APISCOPE_AUTH=none). Anyone who can reach this server sees every cluster's metrics."
        : "No sign-in: APISCOPE_AUTH is not set, which is only allowed on a loopback address. Anyone who can reach this server sees its metrics."}
    </div>
  );
}
