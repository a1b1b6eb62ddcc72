import { describe, expect, it } from "vitest";
import type { ClusterSummary } from "../api-schema";
import { firstView, prefetchMode } from "./prefetch";

const clusters = [{ id: "prod" }, { id: "staging" }] as ClusterSummary[];
const NOW = 1_796_214_000;

describe("firstView: the view the browser's dashboard asks for first", () => {
  it("a relative range resolves against the page's now, as the browser resolves it against the same instant", () => {
    expect(firstView(new URLSearchParams("cluster=staging&from=now-6h&to=now&job=apiserver"), clusters, NOW)).toEqual({
      cluster: "staging",
      job: "apiserver",
      instance: undefined,
      start: NOW - 6 * 3600,
      end: NOW,
    });
  });

  it("no cluster, or one not in the list, is the first cluster; no range is the last hour", () => {
    expect(firstView(new URLSearchParams(""), clusters, NOW)).toMatchObject({ cluster: "prod", start: NOW - 3600, end: NOW });
    expect(firstView(new URLSearchParams("cluster=gone"), clusters, NOW)).toMatchObject({ cluster: "prod" });
  });

  it("an absolute range in epoch ms, and Grafana's var-instance, as the browser reads them", () => {
    const v = firstView(new URLSearchParams(`from=${(NOW - 900) * 1000}&to=${NOW * 1000}&var-instance=10.0.0.1:443`), clusters, NOW);
    expect(v).toMatchObject({ start: NOW - 900, end: NOW, instance: "10.0.0.1:443" });
  });

  it("no cluster at all: nothing to prefetch", () => {
    expect(firstView(new URLSearchParams(""), [], NOW)).toBeNull();
  });
});

describe("prefetchMode", () => {
  it("is on by default, off on AWS Lambda (Amplify's compute) without a shared cache, and as set otherwise", () => {
    expect(prefetchMode({}, false)).toBe("on");
    expect(prefetchMode({ AWS_LAMBDA_FUNCTION_NAME: "ssr" }, false)).toBe("off");
    expect(prefetchMode({ AWS_EXECUTION_ENV: "AWS_Lambda_nodejs20.x" }, false)).toBe("off");
    expect(prefetchMode({ AWS_LAMBDA_FUNCTION_NAME: "ssr" }, true)).toBe("on");
    expect(prefetchMode({ APISCOPE_PREFETCH: "off" }, false)).toBe("off");
    expect(prefetchMode({ APISCOPE_PREFETCH: "on", AWS_LAMBDA_FUNCTION_NAME: "ssr" }, false)).toBe("on");
  });
});
