import { describe, expect, it } from "vitest";
import { decideStartup } from "./startup";

const prod = { NODE_ENV: "production" };

describe("start-up refusal", () => {
  it("refuses a production start on a non-loopback address without APISCOPE_AUTH", () => {
    for (const addresses of [["0.0.0.0"], ["::"], ["10.0.0.5"], ["127.0.0.1", "0.0.0.0"], undefined]) {
      const decision = decideStartup(prod, addresses);
      expect(decision.ok, String(addresses)).toBe(false);
      expect(!decision.ok && decision.message).toMatch(/refusing to start: APISCOPE_AUTH is not set/);
      expect(!decision.ok && decision.message).toMatch(/APISCOPE_AUTH=oidc/);
    }
  });

  it("allows loopback, development, and an explicit none (with a notice)", () => {
    expect(decideStartup(prod, ["127.0.0.1"])).toMatchObject({ ok: true, notices: [expect.stringContaining("not set")] });
    expect(decideStartup(prod, ["::1"])).toMatchObject({ ok: true });
    expect(decideStartup({ NODE_ENV: "development" }, ["0.0.0.0"])).toMatchObject({ ok: true });
    expect(decideStartup({ ...prod, APISCOPE_AUTH: "none" }, ["0.0.0.0"])).toMatchObject({ ok: true, notices: [expect.stringContaining("open to anyone")] });
  });

  it("refuses incomplete sign-in settings, naming the variable", () => {
    const decision = decideStartup({ ...prod, APISCOPE_AUTH: "oidc" }, ["0.0.0.0"]);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.message).toMatch(/APISCOPE_SESSION_SECRET: required/);
  });

  it("says how sign-in works", () => {
    const decision = decideStartup(
      { ...prod, APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "oauth2-proxy", APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.0/16", APISCOPE_ALLOWED_GROUPS: "sre" },
      ["0.0.0.0"],
    );
    expect(decision).toMatchObject({ ok: true, notices: [expect.stringMatching(/identity from oauth2-proxy, believed from peers in 10\.0\.0\.0\/16; allowed groups \[sre\]/)] });
  });
});
