"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiRequestError } from "@/components/api-client";

/**
 * One retry layer, on the server: it retries what may pass (throttling, a gateway's passing failure, a
 * dropped connection) with backoff and jitter within its time budget, so an error that reached the
 * browser is final. The browser retries only when the apiscope server itself did not answer (a network
 * error: a deploy, a lost connection), once.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < 1 && error instanceof ApiRequestError && error.kind === "network";
}

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab. Panels refetch on the dashboard's own refresh timer, not on focus:
  // a focus refetch of thirty panels mid-incident is noise on the backend bill.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { refetchOnWindowFocus: false, retry: shouldRetry, staleTime: 15_000, gcTime: 5 * 60_000 },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
