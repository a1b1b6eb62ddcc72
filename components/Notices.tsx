"use client";
export function Notices({ notices }: { notices: string[] }) {
  if (notices.length === 0) return null;
  return (
    <div role="status" data-testid="url-notice" style={{ background: "var(--bg-panel)", border: "1px solid var(--warn)", borderRadius: 4, padding: "6px 10px", marginBottom: 8 }}>
      {notices.map((n) => (
        <div key={n}>⚠ {n}</div>
      ))}
    </div>
  );
}
