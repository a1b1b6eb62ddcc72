// What may be written where:
// - redactSecrets(): for the server log. Credential material is cut out (SigV4 Credential=/Signature=,
//   X-Amz-Security-Token, Authorization values, bearer and basic tokens, JWTs, AWS access key ids, a URL's
//   user:password); everything else (hosts, paths, the backend's own words) stays: the log is where an
//   operator finds out what happened.
// - publicText(): for the browser. The same redaction, and also host names, addresses, ports, URLs and
//   file paths, control characters and raw bytes; bounded in length. Applied to every error message and
//   backend warning that leaves the server, on top of messages that were written without them.
import "server-only";

const REDACTED = "[redacted]";

const SECRETS: [RegExp, string][] = [
  // SigV4: the Authorization header's parts, and their presigned-URL forms.
  // Credential=<key id>/<date>/<region>/<service>/aws4_request: the key id goes, the scope stays (it says what was signed for).
  [/\b((?:X-Amz-)?Credential)=[^\s,&"'<>/%]+/gi, `$1=${REDACTED}`],
  [/\b((?:X-Amz-)?Signature)=[^\s,&"'<>]+/gi, `$1=${REDACTED}`],
  [/\b(X-Amz-Security-Token)(\s*[=:]\s*)[^\s,&"'<>]+/gi, `$1$2${REDACTED}`],
  // A header echoed as `Authorization: …` or `Authorization=…`: the whole value.
  // (A SigV4 value keeps its shape: its Credential and Signature are redacted above.)
  [/\b(Authorization)(\s*[=:]\s*)(?!AWS4-HMAC-SHA256)(?:"[^"]*"|[^\r\n"]*)/gi, `$1$2${REDACTED}`],
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(Basic)\s+[A-Za-z0-9+/]{8,}={0,2}/g, `$1 ${REDACTED}`],
  // JWTs (ALB tokens, OIDC ID tokens) anywhere.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // AWS access key ids: long-term (AKIA) and temporary (ASIA), and the other unique-id prefixes.
  [/\b(?:AKIA|ASIA|AROA|AIDA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, "[redacted key id]"],
  // user:password@ in a URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]*@/gi, `$1${REDACTED}@`],
  // Named secrets in key=value or JSON form.
  [/("?\b(?:password|passwd|secret|secret_?access_?key|session_?token|access_?token|id_?token|refresh_?token|api_?key)"?\s*[=:]\s*)("[^"]*"|[^\s,&;]+)/gi, `$1${REDACTED}`],
];

/** For the server log: credential material removed, everything else kept. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRETS) out = out.replace(pattern, replacement);
  return out;
}

const ADDRESS = "[address]";

const ADDRESSES: [RegExp, string][] = [
  // AWS ARNs (roles, workspaces: they carry the account id).
  [/\barn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\d{0,12}:[^\s"'<>),]+/gi, "[arn]"],
  // AMP workspace ids.
  [/\bws-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/gi, "[workspace]"],
  // URLs of any scheme.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)\]]+/gi, ADDRESS],
  // IPv6 in brackets, with or without a port; bare IPv6 of 3+ groups.
  [/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d{1,5})?/gi, ADDRESS],
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/gi, ADDRESS],
  [/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi, ADDRESS],
  // IPv4, with or without a port.
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, ADDRESS],
  // A dotted host name with a port, or ending like a host name does.
  [/\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*:\d{1,5}\b/gi, ADDRESS],
  [/\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|dev|cloud|local|internal|lan|corp|svc|example|amazonaws\.com)\b/gi, ADDRESS],
  // A single-label host with a port (localhost:9090, prometheus:9090).
  [/\b[a-z][a-z0-9-]*:\d{2,5}\b/gi, ADDRESS],
  // Absolute file or URL paths of two segments or more (/etc/apiscope/clusters.json, /workspaces/ws-…/api/v1).
  [/(?<![\w.:/-])\/(?:[\w.@%+-]+\/)+[\w.@%+-]*/g, "[path]"],
];

// Control characters and the replacement character (what undecodable bytes become).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]+/g;

/** For the browser: no credentials, hosts, addresses, ports, paths or raw bytes; at most `max` characters. */
export function publicText(text: string, max = 400): string {
  let out = redactSecrets(text);
  for (const [pattern, replacement] of ADDRESSES) out = out.replace(pattern, replacement);
  out = out.replace(UNPRINTABLE, " ").replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
