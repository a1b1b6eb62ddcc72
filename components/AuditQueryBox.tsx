"use client";
// The audit-log query that finds who sent a set of requests: the text (copyable) and, where the cluster's
// region is known, a link that opens it in the CloudWatch console.
import { useState } from "react";
import type { AuditQuery } from "@/lib/api-schema";

export function AuditQueryBox({ audit, scope = "this finding's window" }: { audit: AuditQuery; scope?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div data-testid="finding-audit" style={{ marginTop: 6 }}>
      <div style={{ display: "flex", gap: 8, alignItems: "baseline", flexWrap: "wrap" }}>
        <b>Who is it?</b>
        <span style={{ color: "var(--muted)", fontSize: 12 }}>
          CloudWatch Logs Insights on {audit.logGroup}
          {audit.region ? ` (${audit.region})` : ""}, {scope}
        </span>
        <button
          type="button"
          data-testid="finding-audit-copy"
          onClick={() =>
            void navigator.clipboard?.writeText(audit.query).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
          style={{ fontSize: 12 }}
        >
          {copied ? "Copied" : "Copy query"}
        </button>
        {audit.consoleUrl ? (
          <a href={audit.consoleUrl} target="_blank" rel="noreferrer noopener" data-testid="finding-audit-console" style={{ fontSize: 12 }}>
            Open in CloudWatch
          </a>
        ) : (
          <span style={{ fontSize: 12, color: "var(--muted)" }}>Set the cluster&apos;s region to get a console link.</span>
        )}
      </div>
      <pre data-testid="finding-audit-query" style={{ background: "var(--code-bg)", padding: 6, borderRadius: 4, margin: "4px 0 0", whiteSpace: "pre-wrap", fontSize: 12 }}>
        {audit.query}
      </pre>
    </div>
  );
}
