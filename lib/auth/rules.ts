// Who may see what: the allow rules of APISCOPE_ALLOWED_GROUPS / APISCOPE_ALLOWED_USERS (the whole
// dashboard) and of a cluster's `allow` field (that cluster only). Pure functions, used by the edge
// middleware, the route handlers and the config loader alike.

/** A signed-in person as apiscope knows them: no tokens, only what the allow rules need. */
export interface Principal {
  /** the provider's stable subject identifier */
  sub: string;
  /** present only when the provider vouches for it (email_verified is not false) */
  email?: string;
  groups: string[];
}

/** Matches when the person is in one of the groups, or is one of the users (email or sub). */
export interface AllowRule {
  groups?: readonly string[];
  users?: readonly string[];
}

/** "*" in users or groups: any signed-in person. */
export const ANYONE = "*";

/** A comma-separated env value as a list: trimmed, empty items dropped. */
export function parseList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Whether a signed-in person matches the rule. Emails compare case-insensitively; subs and groups exactly. */
export function matchesRule(principal: Principal, rule: AllowRule): boolean {
  const users = rule.users ?? [];
  const groups = rule.groups ?? [];
  if (users.includes(ANYONE) || groups.includes(ANYONE)) return true;
  const email = principal.email?.toLowerCase();
  for (const user of users) {
    if (user === principal.sub) return true;
    if (email !== undefined && user.includes("@") && user.toLowerCase() === email) return true;
  }
  return groups.some((group) => principal.groups.includes(group));
}

/**
 * Whether a cluster is visible. No principal (APISCOPE_AUTH=none): only clusters without a rule — a rule
 * that nobody can be checked against fails closed. No rule: everyone who may use the dashboard.
 */
export function clusterVisible(principal: Principal | null, allow: AllowRule | undefined): boolean {
  if (!allow) return true;
  if (!principal) return false;
  return matchesRule(principal, allow);
}

/**
 * The groups worth keeping in the session cookie: those some rule names. A person in 300 directory
 * groups would otherwise overflow the browser's 4 KB cookie limit.
 */
export function relevantGroups(groups: readonly string[], rules: readonly (AllowRule | undefined)[]): string[] {
  const named = new Set(rules.flatMap((rule) => rule?.groups ?? []));
  return [...new Set(groups)].filter((group) => named.has(group));
}

/** Read a claim by name, or by a dotted path (Keycloak's "realm_access.roles") when no claim has that name. */
export function claimValue(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (value === null || typeof value !== "object" || !(part in value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A groups claim as a list: an array of strings (Cognito, Okta, Entra, Keycloak), or one string. */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string" && item.length > 0);
  if (typeof value === "string" && value.length > 0) return parseList(value);
  return [];
}

/** The principal of an ID token / userinfo / ALB claim set; undefined without a subject. */
export function principalFromClaims(claims: Record<string, unknown>, groupsClaim: string): Principal | undefined {
  const sub = typeof claims.sub === "string" && claims.sub ? claims.sub : undefined;
  if (!sub) return undefined;
  const verified = claims.email_verified;
  const unverified = verified === false || verified === "false";
  const email = typeof claims.email === "string" && claims.email && !unverified ? claims.email : undefined;
  return { sub, ...(email ? { email } : {}), groups: groupsFromClaim(claimValue(claims, groupsClaim)) };
}

/** For logs: who, without the group list's full length. */
export function describePrincipal(principal: Principal): string {
  const groups = principal.groups.length > 0 ? ` groups=[${principal.groups.slice(0, 10).join(",")}${principal.groups.length > 10 ? ",…" : ""}]` : "";
  return `sub=${JSON.stringify(principal.sub)}${principal.email ? ` email=${principal.email}` : ""}${groups}`;
}
