import { describe, expect, it } from "vitest";
import { AuthConfigError, loadAuthSettings } from "./settings";

const SECRET = "x".repeat(32);
const oidc = {
  APISCOPE_AUTH: "oidc",
  APISCOPE_OIDC_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC",
  APISCOPE_OIDC_CLIENT_ID: "client",
  APISCOPE_PUBLIC_URL: "https://apiscope.example.com",
  APISCOPE_SESSION_SECRET: SECRET,
  APISCOPE_ALLOWED_GROUPS: "sre, platform",
};

const errorOf = (env: Record<string, string>): string => {
  try {
    loadAuthSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthConfigError);
    return (error as Error).message;
  }
  throw new Error("expected an AuthConfigError");
};

describe("sign-in settings", () => {
  it("unset is none, not explicit; none is explicit", () => {
    expect(loadAuthSettings({})).toMatchObject({ mode: "none", explicit: false });
    expect(loadAuthSettings({ APISCOPE_AUTH: "none" })).toMatchObject({ mode: "none", explicit: true });
    expect(errorOf({ APISCOPE_AUTH: "ldap" })).toMatch(/^APISCOPE_AUTH: must be "oidc", "proxy" or "none"/);
  });

  it("oidc: defaults, Cognito's groups claim, a Secure __Host- cookie for https", () => {
    const s = loadAuthSettings({ ...oidc, APISCOPE_OIDC_GROUPS_CLAIM: "cognito:groups" });
    expect(s.allow).toEqual({ groups: ["sre", "platform"], users: [] });
    expect(s.oidc).toMatchObject({ clientId: "client", scopes: "openid email profile", groupsClaim: "cognito:groups", insecureIssuer: false });
    expect(s.oidc!.clientSecret).toBeUndefined();
    expect(s.session).toEqual({ secret: SECRET, ttlSeconds: 8 * 3600, cookieName: "__Host-apiscope-session", secure: true });
  });

  it("oidc refuses to start without a session secret of 32 bytes", () => {
    expect(errorOf({ ...oidc, APISCOPE_SESSION_SECRET: "" })).toMatch(/APISCOPE_SESSION_SECRET: required with APISCOPE_AUTH=oidc/);
    expect(errorOf({ ...oidc, APISCOPE_SESSION_SECRET: "short" })).toMatch(/APISCOPE_SESSION_SECRET: must be at least 32 bytes/);
  });

  it("oidc names every missing variable at once", () => {
    const message = errorOf({ APISCOPE_AUTH: "oidc" });
    for (const name of ["APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS", "APISCOPE_OIDC_ISSUER", "APISCOPE_PUBLIC_URL", "APISCOPE_OIDC_CLIENT_ID", "APISCOPE_SESSION_SECRET"]) {
      expect(message).toContain(`${name}:`);
    }
  });

  it("http issuer or public URL only on loopback", () => {
    expect(errorOf({ ...oidc, APISCOPE_OIDC_ISSUER: "http://idp.example.com" })).toMatch(/APISCOPE_OIDC_ISSUER: must be an https:\/\/ URL/);
    expect(errorOf({ ...oidc, APISCOPE_PUBLIC_URL: "http://apiscope.example.com" })).toMatch(/APISCOPE_PUBLIC_URL: must be https:\/\//);
    expect(errorOf({ ...oidc, APISCOPE_PUBLIC_URL: "https://a.example.com/dash" })).toMatch(/APISCOPE_PUBLIC_URL: must be the dashboard's origin only/);
    const local = loadAuthSettings({ ...oidc, APISCOPE_OIDC_ISSUER: "http://127.0.0.1:4000", APISCOPE_PUBLIC_URL: "http://127.0.0.1:3000" });
    expect(local.oidc!.insecureIssuer).toBe(true);
    expect(local.session).toMatchObject({ cookieName: "apiscope-session", secure: false });
    expect(errorOf({ ...oidc, APISCOPE_OIDC_SCOPES: "email" })).toMatch(/APISCOPE_OIDC_SCOPES: must include "openid"/);
    expect(errorOf({ ...oidc, APISCOPE_SESSION_HOURS: "48" })).toMatch(/APISCOPE_SESSION_HOURS/);
  });

  it("oidc or proxy needs an allow rule", () => {
    const { APISCOPE_ALLOWED_GROUPS: _, ...noRule } = oidc;
    expect(errorOf(noRule)).toMatch(/APISCOPE_ALLOWED_USERS=\* lets in everyone/);
    expect(loadAuthSettings({ ...noRule, APISCOPE_ALLOWED_USERS: "*" }).allow.users).toEqual(["*"]);
  });

  it("oauth2-proxy needs trusted proxy IPs or the shared secret", () => {
    const base = { APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "oauth2-proxy", APISCOPE_ALLOWED_GROUPS: "sre" };
    expect(errorOf(base)).toMatch(/APISCOPE_TRUSTED_PROXY_IPS \/ APISCOPE_PROXY_SECRET: set at least one/);
    expect(errorOf({ ...base, APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.0/33" })).toMatch(/APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.0\/33": the prefix length/);
    expect(errorOf({ ...base, APISCOPE_PROXY_SECRET: "short" })).toMatch(/APISCOPE_PROXY_SECRET: must be at least 16/);
    const s = loadAuthSettings({ ...base, APISCOPE_TRUSTED_PROXY_IPS: "10.0.0.0/16, ::1" });
    expect(s.proxy!.trustedProxies.map((c) => c.text)).toEqual(["10.0.0.0/16", "::1"]);
    expect(errorOf({ APISCOPE_AUTH: "proxy", APISCOPE_ALLOWED_GROUPS: "sre" })).toMatch(/APISCOPE_PROXY_MODE: must be "oauth2-proxy"/);
  });

  it("alb needs the signer ARN and a region (or a keys URL)", () => {
    const base = { APISCOPE_AUTH: "proxy", APISCOPE_PROXY_MODE: "alb", APISCOPE_ALLOWED_USERS: "*" };
    const message = errorOf(base);
    expect(message).toMatch(/APISCOPE_ALB_ARN: required/);
    expect(message).toMatch(/APISCOPE_ALB_REGION: required/);
    const arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/apiscope/50dc6c495c0c9188";
    expect(errorOf({ ...base, APISCOPE_ALB_REGION: "eu-west-1", APISCOPE_ALB_ARN: "arn:aws:iam::1:role/x" })).toMatch(/is not an application load balancer ARN/);
    const s = loadAuthSettings({ ...base, APISCOPE_ALB_REGION: "eu-west-1", APISCOPE_ALB_ARN: arn });
    expect(s.proxy!.alb).toEqual({ region: "eu-west-1", signers: [arn], keysUrl: "https://public-keys.auth.elb.eu-west-1.amazonaws.com" });
    expect(errorOf({ ...base, APISCOPE_ALB_ARN: arn, APISCOPE_ALB_KEYS_URL: "http://keys.example.com" })).toMatch(/APISCOPE_ALB_KEYS_URL: must be https/);
  });
});
