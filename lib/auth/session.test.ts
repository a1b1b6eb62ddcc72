import { describe, expect, it } from "vitest";
import { loginCookieName, open, openLogin, openSession, safeReturnTo, seal, sealLogin, sealSession } from "./session";

const SECRET = "0123456789abcdef0123456789abcdef-test";
const alice = { sub: "u-1", email: "alice@example.com", groups: ["sre"] };

describe("session cookie", () => {
  it("round-trips sub, email, groups and the expiry, and holds nothing else", async () => {
    const now = Date.UTC(2026, 0, 1);
    const token = await sealSession(alice, SECRET, 8 * 3600, now);
    expect(token.split(".")).toHaveLength(5); // compact JWE
    expect(token).not.toContain("alice"); // encrypted, not merely signed
    const opened = await openSession(token, SECRET, now + 3600_000);
    expect(opened).toEqual({ ok: true, session: { ...alice, exp: now / 1000 + 8 * 3600 } });
    const raw = await open(token, SECRET, "session", now);
    expect(Object.keys(raw.ok ? raw.payload : {}).sort()).toEqual(["email", "exp", "groups", "iat", "sub"]);
  });

  it("expires", async () => {
    const now = Date.UTC(2026, 0, 1);
    const token = await sealSession(alice, SECRET, 60, now);
    expect(await openSession(token, SECRET, now + 61_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("a changed byte, another secret, or a login cookie in its place is refused", async () => {
    const token = await sealSession(alice, SECRET, 3600);
    const parts = token.split(".");
    const ciphertext = parts[3]!;
    const flipped = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
    expect(await openSession([...parts.slice(0, 3), flipped, parts[4]].join("."), SECRET)).toEqual({ ok: false, reason: "invalid" });
    const tag = parts[4]!;
    expect(await openSession([...parts.slice(0, 4), (tag[0] === "A" ? "B" : "A") + tag.slice(1)].join("."), SECRET)).toEqual({ ok: false, reason: "invalid" });
    expect(await openSession(token, `${SECRET}-other`)).toEqual({ ok: false, reason: "invalid" });
    const login = await sealLogin({ state: "s", nonce: "n", verifier: "v", returnTo: "/" }, SECRET);
    expect(await openSession(login, SECRET)).toEqual({ ok: false, reason: "invalid" }); // a key per purpose
    expect(await openSession("garbage", SECRET)).toEqual({ ok: false, reason: "invalid" });
    expect(await openSession("", SECRET)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a well-encrypted payload of the wrong shape", async () => {
    const token = await seal({ sub: "x", groups: "sre" }, SECRET, "session", 3600);
    expect(await openSession(token, SECRET)).toEqual({ ok: false, reason: "invalid" });
  });

  it("login state round-trips and expires after 10 minutes", async () => {
    const now = Date.now();
    const login = { state: "st", nonce: "no", verifier: "ve", returnTo: "/panel/x?from=1&to=2" };
    const token = await sealLogin(login, SECRET, now);
    expect(await openLogin(token, SECRET, now + 60_000)).toEqual(login);
    expect(await openLogin(token, SECRET, now + 601_000)).toBeNull();
    expect(loginCookieName("abc/def+ghi=jklmnopqrstuvw")).toBe("apiscope-login-abcdefghijklmnop");
  });
});

describe("returnTo", () => {
  it("keeps a path with its query (the permalink's panel and range)", () => {
    expect(safeReturnTo("/panel/longrunning?from=1&to=2&cluster=demo")).toBe("/panel/longrunning?from=1&to=2&cluster=demo");
    expect(safeReturnTo("/?viewPanel=a#x")).toBe("/?viewPanel=a#x");
  });

  it("never leaves the site", () => {
    for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil", "javascript:alert(1)", "/%0d%0aSet-Cookie:x", "/ok\u0000", "", null, undefined, "/api/auth/login?returnTo=/"]) {
      const result = safeReturnTo(bad as string);
      expect(result.startsWith("/") && !result.startsWith("//"), String(bad)).toBe(true);
      expect(new URL(result, "https://apiscope.example").origin).toBe("https://apiscope.example");
    }
    expect(safeReturnTo("/api/auth/callback?code=x")).toBe("/");
  });
});
