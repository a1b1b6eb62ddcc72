// A panel's CSV export: what a spreadsheet (RFC 4180) reads back must be the exact numbers and names.
import { describe, expect, it } from "vitest";
import type { PanelData, QueryResult } from "./api-schema";
import { panelCsv } from "./csv";

const T0 = 1_767_268_800; // 2026-01-01T12:00:00Z

function query(over: Partial<QueryResult> & Pick<QueryResult, "id" | "legend" | "series">): QueryResult {
  return { type: "range", expr: "up", variant: 0, stats: null, cached: false, warnings: [], ...over };
}

function panel(queries: QueryResult[]): PanelData {
  return { panelId: "p", status: "ok", window: { start: T0 - 3600, end: T0 + 60, step: 30, rateInterval: 60, evalTime: T0 + 60 }, queries, samplesProcessed: 0 };
}

/** RFC 4180 reader, written independently of lib/csv.ts, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (quoted) throw new Error("unterminated quoted cell");
  if (cell !== "" || row.length) throw new Error("CSV does not end with a newline");
  return rows;
}

describe("panelCsv: range queries", () => {
  it("one row per timestamp, one column per series, in time order, with ISO and unix time", () => {
    const csv = panelCsv(
      panel([
        query({
          id: "lists",
          legend: "{{resource}}",
          series: [
            { labels: { resource: "pods" }, points: [[T0 + 30, 2], [T0, 1.5]] },
            { labels: { resource: "nodes" }, points: [[T0, 0.25], [T0 + 30, 0.5]] },
          ],
        }),
      ]),
    );
    expect(csv).toBe(
      [
        "time,unix_seconds,lists: pods,lists: nodes",
        "2026-01-01T12:00:00.000Z,1767268800,1.5,0.25",
        "2026-01-01T12:00:30.000Z,1767268830,2,0.5",
        "",
      ].join("\n"),
    );
  });

  it("a series missing a timestamp others have, and a null (NaN) value, are empty cells", () => {
    const csv = panelCsv(
      panel([
        query({ id: "a", legend: "a", series: [{ labels: {}, points: [[T0, 1], [T0 + 30, null], [T0 + 60, 3]] }] }),
        query({ id: "b", legend: "b", series: [{ labels: {}, points: [[T0 + 60, 7]] }] }),
      ]),
    );
    expect(parseCsv(csv)).toEqual([
      ["time", "unix_seconds", "a: a", "b: b"],
      ["2026-01-01T12:00:00.000Z", "1767268800", "1", ""],
      ["2026-01-01T12:00:30.000Z", "1767268830", "", ""],
      ["2026-01-01T12:01:00.000Z", "1767268860", "3", "7"],
    ]);
  });

  it("values are the exact numbers returned, not rounded for display", () => {
    const csv = panelCsv(panel([query({ id: "r", legend: "r", series: [{ labels: {}, points: [[T0, 0.1 + 0.2], [T0 + 30, 123456789.125], [T0 + 60, 0]] }] })]));
    expect(parseCsv(csv).slice(1).map((r) => r[2])).toEqual(["0.30000000000000004", "123456789.125", "0"]);
  });

  it("quotes names with commas and quotes so they stay one cell", () => {
    const labels = [{ fs: "a,b" }, { fs: 'say "hi"' }];
    const csv = panelCsv(panel([query({ id: "q", legend: "{{fs}}", series: labels.map((l, i) => ({ labels: l, points: [[T0, i]] })) })]));
    expect(csv.split("\n")[0]).toBe('time,unix_seconds,"q: a,b","q: say ""hi"""');
    expect(parseCsv(csv)).toEqual([
      ["time", "unix_seconds", "q: a,b", 'q: say "hi"'],
      ["2026-01-01T12:00:00.000Z", "1767268800", "0", "1"],
    ]);
  });

  it("a label value with a newline or carriage return does not break the row", () => {
    const labels = [{ fs: "two\nlines" }, { fs: "cr\rhere" }];
    const csv = panelCsv(panel([query({ id: "q", legend: "{{fs}}", series: labels.map((l, i) => ({ labels: l, points: [[T0, i]] })) })]));
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    expect(rows[0]!).toHaveLength(4);
    expect(rows[1]).toEqual(["2026-01-01T12:00:00.000Z", "1767268800", "0", "1"]);
    for (const name of rows[0]!.slice(2)) expect(name).not.toMatch(/[\r\n]/);
  });

  it("columns of two queries with the same legend are told apart by query id", () => {
    const csv = panelCsv(
      panel([
        query({ id: "p99", legend: "{{verb}}", series: [{ labels: { verb: "LIST" }, points: [[T0, 2]] }] }),
        query({ id: "p90", legend: "{{verb}}", series: [{ labels: { verb: "LIST" }, points: [[T0, 1]] }] }),
      ]),
    );
    expect(parseCsv(csv)[0]).toEqual(["time", "unix_seconds", "p99: LIST", "p90: LIST"]);
  });
});

describe("panelCsv: instant queries", () => {
  it("one row per series with its labels as JSON, the sample's time and value", () => {
    const csv = panelCsv(
      panel([
        query({
          id: "now",
          type: "instant",
          legend: "{{resource}}",
          series: [
            { labels: { group: "", resource: "pods" }, points: [[T0 + 60, 50000]] },
            { labels: { group: "apps", resource: "deployments" }, points: [[T0 + 60, null]] },
          ],
        }),
      ]),
    );
    expect(csv).toBe(
      [
        "query,series,labels,unix_seconds,value",
        'now,pods,"{""group"":"""",""resource"":""pods""}",1767268860,50000',
        'now,deployments,"{""group"":""apps"",""resource"":""deployments""}",1767268860,',
        "",
      ].join("\n"),
    );
    const rows = parseCsv(csv);
    expect(JSON.parse(rows[1]![2]!)).toEqual({ group: "", resource: "pods" });
  });

  it("a series without a sample is dated at the window's end with an empty value", () => {
    const csv = panelCsv(panel([query({ id: "now", type: "instant", legend: "x", series: [{ labels: {}, points: [] }] })]));
    expect(parseCsv(csv)[1]).toEqual(["now", "x", "{}", "1767268860", ""]);
  });

  it("quotes any cell holding a newline, a carriage return, a comma or a quote", () => {
    const csv = panelCsv(panel([query({ id: "odd\nid\r", type: "instant", legend: 'x "y"', series: [{ labels: { a: "b" }, points: [[T0, 1]] }] })]));
    expect(csv.split("\n").slice(1).join("\n")).toBe('"odd\nid\r","x ""y""","{""a"":""b""}",1767268800,1\n');
    expect(parseCsv(csv)[1]).toEqual(["odd\nid\r", 'x "y"', '{"a":"b"}', "1767268800", "1"]);
  });

  it("quotes a legend with a comma", () => {
    const csv = panelCsv(panel([query({ id: "avg", type: "instant", legend: "{{flow_schema}}", series: [{ labels: { flow_schema: "a,b" }, points: [[T0, 1]] }] })]));
    expect(parseCsv(csv)[1]!.slice(0, 2)).toEqual(["avg", "a,b"]);
  });
});

describe("panelCsv: range and instant together", () => {
  it("the range table, a blank line, then the instant table", () => {
    const csv = panelCsv(
      panel([
        query({ id: "now", type: "instant", legend: "{{resource}}", series: [{ labels: { resource: "pods" }, points: [[T0, 9]] }] }),
        query({ id: "series", legend: "{{resource}}", series: [{ labels: { resource: "pods" }, points: [[T0, 8]] }] }),
      ]),
    );
    expect(parseCsv(csv)).toEqual([
      ["time", "unix_seconds", "series: pods"],
      ["2026-01-01T12:00:00.000Z", "1767268800", "8"],
      [""],
      ["query", "series", "labels", "unix_seconds", "value"],
      ["now", "pods", '{"resource":"pods"}', "1767268800", "9"],
    ]);
  });
});
