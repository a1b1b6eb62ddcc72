// `npm run rules:operator`: rules/apiscope.rules.yml wrapped into a prometheus-operator PrometheusRule
// (monitoring.coreos.com/v1), so the rules are written once and loaded three ways (README, "Alert and
// recording rules"). Prints YAML on stdout:
//
//   npm run rules:operator -- [--name apiscope] [--namespace monitoring] [--label release=kube-prometheus-stack]…
//                             [--apiscope-url https://apiscope.example.com] > apiscope-prometheusrule.yaml
//
// --label adds metadata labels (the operator's ruleSelector must match them; kube-prometheus-stack selects
// `release: <its release name>`); --apiscope-url replaces the placeholder in the alerts' panel links.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";

export const RULE_FILE = join(__dirname, "..", "rules", "apiscope.rules.yml");
/** What the rule file's links start with until the dashboard's address is filled in. */
export const URL_PLACEHOLDER = "APISCOPE_BASE_URL";

export interface PrometheusRuleOptions {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  apiscopeUrl?: string;
}

export interface RuleGroups {
  groups: unknown[];
}

/** The rule file's text with the links pointing at `url` (no trailing slash kept). */
export function withApiscopeUrl(ruleFileText: string, url: string): string {
  const parsed = new URL(url); // throws on a malformed address: better now than in every alert's link
  if (!/^https?:$/.test(parsed.protocol)) throw new Error(`--apiscope-url must be an http(s) address (got ${url})`);
  return ruleFileText.replaceAll(URL_PLACEHOLDER, url.replace(/\/+$/, ""));
}

export function prometheusRule(ruleFileText: string, opts: PrometheusRuleOptions): Record<string, unknown> {
  const text = opts.apiscopeUrl ? withApiscopeUrl(ruleFileText, opts.apiscopeUrl) : ruleFileText;
  const file = parse(text) as RuleGroups;
  if (!file || !Array.isArray(file.groups)) throw new Error("the rule file has no `groups:` list");
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: opts.name, namespace: opts.namespace, ...(Object.keys(opts.labels).length ? { labels: opts.labels } : {}) },
    spec: { groups: file.groups },
  };
}

function labelsFrom(values: string[]): Record<string, string> {
  return Object.fromEntries(
    values.map((kv) => {
      const i = kv.indexOf("=");
      if (i <= 0) throw new Error(`--label takes key=value (got ${kv})`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

function main(): void {
  const { values } = parseArgs({
    options: {
      name: { type: "string", default: "apiscope" },
      namespace: { type: "string", default: "monitoring" },
      label: { type: "string", multiple: true, default: [] },
      "apiscope-url": { type: "string" },
    },
    strict: true,
  });
  const object = prometheusRule(readFileSync(RULE_FILE, "utf8"), {
    name: values.name!,
    namespace: values.namespace!,
    labels: labelsFrom(values.label!),
    apiscopeUrl: values["apiscope-url"],
  });
  // lineWidth 0: keep PromQL and templates on their lines as written.
  process.stdout.write(stringify(object, { lineWidth: 0 }));
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`prometheus-rule: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
