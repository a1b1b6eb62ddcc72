// From a finding (or a row of 'Slowest calls' / 'Top flows') to the client behind it: a CloudWatch Logs
// Insights query over the EKS audit log (log group /aws/eks/<cluster>/cluster, streams
// kube-apiserver-audit-*) for exactly its window, and a link that opens it in the CloudWatch console.
// Pure: the server builds findings' queries with it, the browser a table row's.
import type { AuditQuery } from "./api-schema";

export interface AuditFilter {
  /** Kubernetes verb as the audit log spells it (lowercase): list, watch, get, create, update, patch, delete. */
  verb?: string;
  resource?: string;
  /** true: cluster-wide requests only (no namespace in the request). */
  clusterScope?: boolean;
  flowSchema?: string;
  priorityLevel?: string;
}

export interface AuditTarget {
  region: string | null;
  logGroup: string;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** The Logs Insights query: who (user and user agent) sent the matching requests, busiest first. */
export function auditQueryText(filter: AuditFilter): string {
  const where: string[] = [];
  if (filter.verb) where.push(`verb = ${quote(filter.verb.toLowerCase())}`);
  if (filter.resource) where.push(`objectRef.resource = ${quote(filter.resource)}`);
  if (filter.clusterScope) where.push("not ispresent(objectRef.namespace)");
  // Audit events carry the APF classification as annotations (Kubernetes 1.22+).
  if (filter.flowSchema) where.push(`\`annotations.apf.k8s.io/flow-schema\` = ${quote(filter.flowSchema)}`);
  if (filter.priorityLevel) where.push(`\`annotations.apf.k8s.io/priority-level\` = ${quote(filter.priorityLevel)}`);
  return [
    "fields @timestamp, user.username, userAgent, verb, requestURI",
    "| filter @logStream like /^kube-apiserver-audit/",
    ...(where.length ? [`| filter ${where.join(" and ")}`] : []),
    "| stats count(*) as requests, latest(requestURI) as example by user.username, userAgent",
    "| sort requests desc",
    "| limit 20",
  ].join("\n");
}

/**
 * The CloudWatch console's Logs Insights deep link. Its fragment is `?queryDetail=<JSURL>` URI-encoded
 * with `$` for `%`; JSURL writes objects as `(k~v~k~v)`, arrays as `(~a~b)`, strings as `'…` with every
 * character outside [A-Za-z0-9_.-] as `*XX` (or `**XXXX`), and `$` as `!`.
 */
export function consoleUrl(region: string, logGroup: string, query: string, start: number, end: number): string {
  const detail = jsurl({
    end: new Date(end * 1000).toISOString(),
    start: new Date(start * 1000).toISOString(),
    timeType: "ABSOLUTE",
    tz: "UTC",
    editorString: query,
    source: [logGroup],
  });
  const fragment = encodeURIComponent(`?queryDetail=${detail}`).replaceAll("%", "$");
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${encodeURIComponent(region)}#logsV2:logs-insights${fragment}`;
}

type Jsurl = string | string[] | { [key: string]: Jsurl };

function jsurlString(s: string): string {
  return s.replace(/[^\w.-]/g, (ch) => {
    if (ch === "$") return "!";
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `*${code.toString(16).padStart(2, "0")}` : `**${code.toString(16).padStart(4, "0")}`;
  });
}

export function jsurl(value: Jsurl): string {
  if (typeof value === "string") return `'${jsurlString(value)}`;
  if (Array.isArray(value)) return `(~${value.map(jsurl).join("~")})`;
  return `(${Object.entries(value)
    .map(([k, v]) => `${jsurlString(k)}~${jsurl(v)}`)
    .join("~")})`;
}

export function auditQuery(target: AuditTarget, filter: AuditFilter, start: number, end: number): AuditQuery {
  const query = auditQueryText(filter);
  return {
    region: target.region,
    logGroup: target.logGroup,
    start,
    end,
    query,
    consoleUrl: target.region ? consoleUrl(target.region, target.logGroup, query, start, end) : null,
  };
}
