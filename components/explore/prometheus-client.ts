"use client";
// codemirror-promql's autocomplete asks a PrometheusClient for metric names, label names and values,
// series and metadata. This one asks apiscope's own route (/api/explore/meta: authorised, bounded and
// cached on the server), for the chosen cluster and the viewed range: the browser never talks to a
// backend and never learns its address. Answers are kept per question for a minute, so typing does
// not repeat them.
import type { PrometheusClient } from "@prometheus-io/codemirror-promql";
import { labelMatchersToString } from "@prometheus-io/codemirror-promql/dist/esm/parser";
import type { z } from "zod";
import { exploreMetaResponseSchema, type ExploreMetaResponse } from "@/lib/api-schema";
import { getJson } from "../api-client";

type Matchers = Parameters<typeof labelMatchersToString>[1];
type MetricMetadata = Awaited<ReturnType<PrometheusClient["metricMetadata"]>>;

const KEEP_MS = 60_000;

export class ExplorePrometheusClient implements PrometheusClient {
  private readonly answers = new Map<string, { at: number; answer: Promise<ExploreMetaResponse> }>();
  private readonly controller = new AbortController();

  constructor(private readonly view: { cluster: string; start: number; end: number }) {}

  private ask(kind: ExploreMetaResponse["kind"], extra: Record<string, string | undefined> = {}): Promise<ExploreMetaResponse> {
    const p = new URLSearchParams({ cluster: this.view.cluster, kind, start: String(this.view.start), end: String(this.view.end) });
    for (const [name, value] of Object.entries(extra)) if (value) p.set(name, value);
    const url = `/api/explore/meta?${p}`;
    const kept = this.answers.get(url);
    if (kept && Date.now() - kept.at < KEEP_MS) return kept.answer;
    const answer = getJson(url, exploreMetaResponseSchema as z.ZodType<ExploreMetaResponse>, this.controller.signal);
    // A failed question is asked again next time.
    answer.catch(() => this.answers.delete(url));
    this.answers.set(url, { at: Date.now(), answer });
    return answer;
  }

  /** Autocomplete degrades to functions and keywords when the server cannot answer: never an error mid-typing. */
  private async values(kind: "labels" | "label-values", extra: Record<string, string | undefined>): Promise<string[]> {
    try {
      return (await this.ask(kind, extra)).values ?? [];
    } catch {
      return [];
    }
  }

  labelNames(metricName?: string): Promise<string[]> {
    return this.values("labels", { match: metricName ? labelMatchersToString(metricName) : undefined });
  }

  labelValues(labelName: string, metricName?: string, matchers?: Matchers): Promise<string[]> {
    return this.values("label-values", { name: labelName, match: metricName ? labelMatchersToString(metricName, matchers, labelName) : undefined });
  }

  /**
   * Every name when the server's limit holds them all; past it, the names starting with what was typed
   * (one more question per prefix), so a large cluster's names are still found.
   */
  async metricNames(prefix?: string): Promise<string[]> {
    try {
      const all = await this.ask("label-values", { name: "__name__" });
      if (!all.truncated || !prefix || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) return all.values ?? [];
      return (await this.ask("label-values", { name: "__name__", match: `{__name__=~"${prefix}.*"}` })).values ?? [];
    } catch {
      return [];
    }
  }

  async metricMetadata(): Promise<MetricMetadata> {
    try {
      return ((await this.ask("metadata")).metadata ?? {}) as MetricMetadata;
    } catch {
      return {};
    }
  }

  async series(metricName: string, matchers?: Matchers, labelName?: string): Promise<Map<string, string>[]> {
    try {
      const answer = await this.ask("series", { match: labelMatchersToString(metricName, matchers, labelName) });
      return (answer.series ?? []).map((labels) => new Map(Object.entries(labels)));
    } catch {
      return [];
    }
  }

  /** Prometheus' flags are its own business: the explorer does not need them. */
  async flags(): Promise<Record<string, string>> {
    return {};
  }

  destroy(): void {
    this.controller.abort();
    this.answers.clear();
  }
}
