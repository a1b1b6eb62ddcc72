// Numbers as an SRE reads them mid-incident. Expected strings are written by hand from what the unit
// means (1536 bytes is 1.5 KiB, a ratio of 0.0123 is 1.23 %), not copied from the code's output.
import { describe, expect, it } from "vitest";
import { formatSeconds, formatValue, legendFor } from "./format";
import type { Unit } from "./panels/types";

describe("formatSeconds", () => {
  it("picks µs, ms, s or min by magnitude", () => {
    expect(formatSeconds(0.0005)).toBe("500 µs");
    expect(formatSeconds(0.0000025)).toBe("2.5 µs");
    expect(formatSeconds(0.0123456)).toBe("12.3 ms");
    expect(formatSeconds(0.25)).toBe("250 ms");
    expect(formatSeconds(1.5)).toBe("1.5 s");
    expect(formatSeconds(42)).toBe("42 s");
    expect(formatSeconds(300)).toBe("5 min");
    expect(formatSeconds(90 * 60)).toBe("90 min");
  });

  it("switches unit exactly at 1 ms, 1 s and 2 min", () => {
    expect(formatSeconds(0.000999)).toBe("999 µs");
    expect(formatSeconds(0.001)).toBe("1 ms");
    expect(formatSeconds(0.999)).toBe("999 ms");
    expect(formatSeconds(1)).toBe("1 s");
    expect(formatSeconds(119)).toBe("119 s");
    expect(formatSeconds(120)).toBe("2 min");
  });

  it("zero and negative durations", () => {
    expect(formatSeconds(0)).toBe("0 s");
    expect(formatSeconds(-0.5)).toBe("-500 ms");
    expect(formatSeconds(-3)).toBe("-3 s");
  });

  it("three significant digits, no float noise", () => {
    expect(formatSeconds(0.1 + 0.2)).toBe("300 ms");
    expect(formatSeconds(1.23456)).toBe("1.23 s");
    expect(formatSeconds(2.0000000000000004)).toBe("2 s");
  });

  // The unit is chosen on the rounded value: 0.9996 s must not read "1000 ms" beside an SLO of "1 s".
  it("rounding up to the next unit's boundary moves to that unit", () => {
    expect(formatSeconds(0.9996)).toBe("1 s");
    expect(formatSeconds(0.0009996)).toBe("1 ms");
    expect(formatValue(1024 * 1024 - 1, "bytes")).toBe("1 MiB");
    expect(formatSeconds(0.9994)).toBe("999 ms");
  });
});

describe("formatValue", () => {
  it("spells out every unit", () => {
    const cases: [number, Unit, string][] = [
      [0.25, "seconds", "250 ms"],
      [87.5, "percent", "87.5 %"],
      [0.0123, "ratio", "1.23 %"],
      [1, "ratio", "100 %"],
      [12.345, "reqps", "12.3 req/s"],
      [0.5, "perSecond", "0.5/s"],
      [1.25, "cores", "1.25 cores"],
      [1536, "bytes", "1.5 KiB"],
      [42, "count", "42"],
    ];
    for (const [v, unit, text] of cases) expect(formatValue(v, unit), `${v} ${unit}`).toBe(text);
  });

  it("bytes: binary prefixes up to TiB, and no further", () => {
    expect(formatValue(0, "bytes")).toBe("0 B");
    expect(formatValue(512, "bytes")).toBe("512 B");
    expect(formatValue(1023, "bytes")).toBe("1,023 B");
    expect(formatValue(1024, "bytes")).toBe("1 KiB");
    expect(formatValue(3.5 * 1024 ** 2, "bytes")).toBe("3.5 MiB");
    expect(formatValue(5 * 1024 ** 3, "bytes")).toBe("5 GiB");
    expect(formatValue(2 * 1024 ** 4, "bytes")).toBe("2 TiB");
    expect(formatValue(1024 ** 5, "bytes")).toBe("1,024 TiB");
    expect(formatValue(-2048, "bytes")).toBe("-2 KiB");
  });

  it("thousands get a separator and no decimals", () => {
    expect(formatValue(1234.5, "count")).toBe("1,235");
    expect(formatValue(50_000, "count")).toBe("50,000");
    expect(formatValue(1_048_575, "reqps")).toBe("1,048,575 req/s");
    expect(formatValue(-2048, "count")).toBe("-2,048");
  });

  it("small values keep three significant digits", () => {
    expect(formatValue(0.000123456, "reqps")).toBe("0.000123 req/s");
    expect(formatValue(0.000123456, "ratio")).toBe("0.0123 %");
  });

  it("no 17-digit floats", () => {
    expect(formatValue(0.1 + 0.2, "count")).toBe("0.3");
    expect(formatValue(0.1 + 0.2, "ratio")).toBe("30 %");
    expect(formatValue(0.07, "ratio")).toBe("7 %"); // 0.07 * 100 is 7.000000000000001
  });

  it("zero is plain zero in every unit", () => {
    expect(formatValue(0, "count")).toBe("0");
    expect(formatValue(0, "ratio")).toBe("0 %");
    expect(formatValue(0, "reqps")).toBe("0 req/s");
    expect(formatValue(0, "seconds")).toBe("0 s");
  });

  it("no value (null, undefined, NaN) is a dash, whatever the unit", () => {
    for (const unit of ["seconds", "percent", "ratio", "reqps", "perSecond", "cores", "bytes", "count"] as Unit[]) {
      expect(formatValue(null, unit)).toBe("–");
      expect(formatValue(undefined, unit)).toBe("–");
      expect(formatValue(Number.NaN, unit)).toBe("–");
    }
  });
});

describe("legendFor", () => {
  it("expands {{label}} from the series' labels", () => {
    expect(legendFor("{{resource}} ({{scope}})", { resource: "pods", scope: "cluster" })).toBe("pods (cluster)");
    expect(legendFor("{{verb}} {{resource}}", { verb: "LIST", resource: "pods", group: "" })).toBe("LIST pods");
  });

  it("accepts spaces inside the braces", () => {
    expect(legendFor("{{ instance }}", { instance: "10.0.0.1:6443" })).toBe("10.0.0.1:6443");
  });

  it("a missing label is empty; old and new label names side by side give whichever exists", () => {
    expect(legendFor("{{instance}} {{request_kind}}{{requestKind}}", { instance: "a:6443", requestKind: "mutating" })).toBe("a:6443 mutating");
    expect(legendFor("{{instance}} {{request_kind}}{{requestKind}}", { instance: "a:6443", request_kind: "readOnly" })).toBe("a:6443 readOnly");
    expect(legendFor("{{resource}}{{kind}}", { kind: "Pod" })).toBe("Pod");
  });

  it("drops the parentheses and spaces a missing label leaves behind", () => {
    expect(legendFor("{{resource}} ({{scope}})", { resource: "pods" })).toBe("pods");
    expect(legendFor("{{a}}   {{b}}   {{c}}", { a: "x", c: "z" })).toBe("x z");
  });

  it("with every label missing: the template's own words, else 'value'", () => {
    expect(legendFor("returned {{resource}}", {})).toBe("returned");
    expect(legendFor("{{resource}}{{kind}}", {})).toBe("value");
    expect(legendFor("{{instance}}", { job: "apiserver" })).toBe("value");
  });

  it("a literal legend stays as it is", () => {
    expect(legendFor("requests", { job: "apiserver" })).toBe("requests");
    expect(legendFor("API p99", {})).toBe("API p99");
  });

  it("label values are inserted literally (no $& or $1 replacement patterns)", () => {
    expect(legendFor("{{name}}", { name: "$&-$1-$$" })).toBe("$&-$1-$$");
  });
});
