import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      // `server-only` throws outside Next's server bundle; the modules it guards are plain Node code.
      "server-only": fileURLToPath(new URL("./test-support/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    include: ["**/*.test.{ts,tsx}"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".cache/**", ".data/**"],
    environment: "node",
    globalSetup: ["./test-support/vitest-global-setup.ts"],
    // Two files at a time even on two cores (vitest's default there is one): most integration files spend
    // their time waiting on a Prometheus, promtool or a browser-less HTTP round trip, not on this process.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
