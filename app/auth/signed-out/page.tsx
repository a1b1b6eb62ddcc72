import type { Metadata } from "next";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Signed out · apiscope", robots: { index: false } };

export default function SignedOut() {
  return (
    <main data-testid="signed-out" style={{ maxWidth: 560, margin: "48px auto", padding: "0 16px" }}>
      <h1 style={{ fontSize: 20 }}>You are signed out of apiscope</h1>
      <p>
        <a href="/api/auth/login?returnTo=%2F">Sign in again</a> · <a href="/api/auth/login?returnTo=%2F&amp;prompt=login">Sign in as someone else</a>
      </p>
    </main>
  );
}
