import { describe, expect, it } from "vitest";
import { auditQuery, auditQueryText, consoleUrl, jsurl } from "./audit-query";

/** Decodes the console's fragment back: `$` → `%`, URI-decode, then JSURL (the format the console reads). */
function decodeJsurl(s: string): unknown {
  let i = 0;
  const str = (): string => {
    let out = "";
    while (i < s.length && s[i] !== "~" && s[i] !== ")") {
      const ch = s[i]!;
      if (ch === "*") {
        const wide = s[i + 1] === "*";
        const hex = s.slice(i + (wide ? 2 : 1), i + (wide ? 6 : 3));
        out += String.fromCharCode(parseInt(hex, 16));
        i += wide ? 6 : 3;
      } else if (ch === "!") {
        out += "$";
        i++;
      } else {
        out += ch;
        i++;
      }
    }
    return out;
  };
  const value = (): unknown => {
    if (s[i] === "'") {
      i++;
      return str();
    }
    if (s[i] === "(") {
      i++;
      if (s[i] === "~") {
        const arr: unknown[] = [];
        while (s[i] === "~") {
          i++;
          arr.push(value());
        }
        i++;
        return arr;
      }
      const obj: Record<string, unknown> = {};
      while (s[i] !== ")") {
        const k = str();
        i++; // ~
        obj[k] = value();
        if (s[i] === "~") i++;
      }
      i++;
      return obj;
    }
    throw new Error(`unexpected ${s[i]} at ${i}`);
  };
  return value();
}

describe("the audit-log query", () => {
  it("filters the audit streams to the finding's verb, resource and scope, and ranks clients", () => {
    const q = auditQueryText({ verb: "LIST", resource: "pods", clusterScope: true });
    expect(q).toContain("| filter @logStream like /^kube-apiserver-audit/");
    expect(q).toContain('| filter verb = "list" and objectRef.resource = "pods" and not ispresent(objectRef.namespace)');
    expect(q).toContain("stats count(*) as requests, latest(requestURI) as example by user.username, userAgent");
    expect(q).toContain("| sort requests desc");
  });
  it("filters by APF flow schema through the audit annotation, quoting values", () => {
    const q = auditQueryText({ flowSchema: 'odd"name' });
    expect(q).toContain('`annotations.apf.k8s.io/flow-schema` = "odd\\"name"');
  });
  it("has no console link without a region, and the exact window otherwise", () => {
    const none = auditQuery({ region: null, logGroup: "/aws/eks/c/cluster" }, { verb: "watch" }, 100, 200);
    expect(none.consoleUrl).toBeNull();
    const some = auditQuery({ region: "eu-west-1", logGroup: "/aws/eks/c/cluster" }, { verb: "watch" }, 1_700_000_000, 1_700_003_600);
    expect(some).toMatchObject({ region: "eu-west-1", logGroup: "/aws/eks/c/cluster", start: 1_700_000_000, end: 1_700_003_600 });
    expect(some.consoleUrl).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights\$3FqueryDetail\$3D/);
  });
});

describe("the CloudWatch console link", () => {
  it("carries region, log group, window and query in the console's JSURL fragment", () => {
    const query = 'fields @timestamp\n| filter verb = "list" and objectRef.resource = "pods"';
    const url = consoleUrl("us-east-1", "/aws/eks/prod/cluster", query, 1_700_000_000, 1_700_003_600);
    const fragment = url.split("#logsV2:logs-insights")[1]!;
    const decoded = decodeURIComponent(fragment.replaceAll("$", "%"));
    expect(decoded.startsWith("?queryDetail=")).toBe(true);
    expect(decodeJsurl(decoded.slice("?queryDetail=".length))).toEqual({
      end: "2023-11-14T23:13:20.000Z",
      start: "2023-11-14T22:13:20.000Z",
      timeType: "ABSOLUTE",
      tz: "UTC",
      editorString: query,
      source: ["/aws/eks/prod/cluster"],
    });
  });
  it("escapes like JSURL: unsafe characters as *XX, wide ones as **XXXX, $ as !", () => {
    expect(jsurl("a b/c")).toBe("'a*20b*2fc");
    expect(jsurl("€$")).toBe("'**20ac!");
    expect(jsurl({ k: ["x", "y"] })).toBe("(k~(~'x~'y))");
  });
});
