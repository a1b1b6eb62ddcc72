import { describe, expect, it } from "vitest";
import { claimValue, clusterVisible, groupsFromClaim, matchesRule, parseList, principalFromClaims, relevantGroups } from "./rules";

const alice = { sub: "u-1", email: "Alice@Example.com", groups: ["sre"] };

describe("allow rules", () => {
  it("a group, an email (any case) or a sub matches; nothing else does", () => {
    expect(matchesRule(alice, { groups: ["platform", "sre"] })).toBe(true);
    expect(matchesRule(alice, { users: ["alice@example.COM"] })).toBe(true);
    expect(matchesRule(alice, { users: ["u-1"] })).toBe(true);
    expect(matchesRule(alice, { groups: ["SRE"] })).toBe(false); // group names are exact
    expect(matchesRule(alice, { users: ["U-1"] })).toBe(false); // subs are exact
    expect(matchesRule(alice, { users: ["bob@example.com"], groups: ["platform"] })).toBe(false);
    expect(matchesRule(alice, {})).toBe(false);
  });

  it('"*" lets in anyone signed in', () => {
    expect(matchesRule({ sub: "x", groups: [] }, { users: ["*"] })).toBe(true);
    expect(matchesRule({ sub: "x", groups: [] }, { groups: ["*"] })).toBe(true);
  });

  it("an email without @ in the rule is not compared as an email", () => {
    expect(matchesRule({ sub: "s", email: "alice", groups: [] }, { users: ["alice"] })).toBe(false);
  });

  it("a cluster without a rule is visible to everyone; with one, only to those matching; with no sign-in, hidden", () => {
    expect(clusterVisible(alice, undefined)).toBe(true);
    expect(clusterVisible(null, undefined)).toBe(true);
    expect(clusterVisible(alice, { groups: ["sre"] })).toBe(true);
    expect(clusterVisible(alice, { groups: ["platform-admins"] })).toBe(false);
    expect(clusterVisible(null, { groups: ["sre"] })).toBe(false);
  });

  it("keeps only the groups some rule names, once each", () => {
    expect(relevantGroups(["a", "sre", "b", "sre", "admins"], [{ groups: ["sre"] }, undefined, { groups: ["admins"], users: ["x"] }])).toEqual(["sre", "admins"]);
    expect(relevantGroups(Array.from({ length: 500 }, (_, i) => `g${i}`), [{ users: ["*"] }])).toEqual([]);
  });

  it("parses comma lists", () => {
    expect(parseList(" sre, platform ,,")).toEqual(["sre", "platform"]);
    expect(parseList(undefined)).toEqual([]);
  });
});

describe("claims", () => {
  it("reads a claim by name or dotted path (Keycloak realm_access.roles), and Cognito's cognito:groups", () => {
    expect(claimValue({ "cognito:groups": ["sre"] }, "cognito:groups")).toEqual(["sre"]);
    expect(claimValue({ realm_access: { roles: ["admin"] } }, "realm_access.roles")).toEqual(["admin"]);
    expect(claimValue({ realm_access: {} }, "realm_access.roles")).toBeUndefined();
  });

  it("groups from an array or a string", () => {
    expect(groupsFromClaim(["a", 1, "", "b"])).toEqual(["a", "b"]);
    expect(groupsFromClaim("a,b")).toEqual(["a", "b"]);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });

  it("an unverified email is not used", () => {
    expect(principalFromClaims({ sub: "s", email: "a@x.io", email_verified: false }, "groups")).toEqual({ sub: "s", groups: [] });
    expect(principalFromClaims({ sub: "s", email: "a@x.io", email_verified: "false" }, "groups")).toEqual({ sub: "s", groups: [] });
    expect(principalFromClaims({ sub: "s", email: "a@x.io", groups: ["g"] }, "groups")).toEqual({ sub: "s", email: "a@x.io", groups: ["g"] });
    expect(principalFromClaims({ email: "a@x.io" }, "groups")).toBeUndefined();
  });
});
