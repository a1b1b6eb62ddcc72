// The fleet's worst-first order: the worst reading against its threshold, failures first.
import { describe, expect, it } from "vitest";
import type { FleetReadings } from "./api-schema";
import { fleetScore, tierSeatShare, worstFirst } from "./fleet-score";

const quiet: FleetReadings = {
  requestRate: 200,
  errorShare: 0,
  throttledShare: 0,
  clientErrorShare: 0.2,
  apiP99Seconds: 0.2,
  etcdP99Seconds: 0.02,
  seatUtilizationPercent: 10,
  seatLevel: "workload-low",
  inflightShare: 0.05,
  inflightKind: "readOnly",
  etcdSizeBytes: 2 * 1024 ** 3,
  etcdQuotaBytes: 8 * 1024 ** 3,
  tier: null,
};

describe("fleetScore", () => {
  it("is the worst reading as a share of its threshold", () => {
    expect(fleetScore(quiet)).toBeCloseTo(0.3125); // 2 GiB of 8 GiB against 80 %
    expect(fleetScore({ ...quiet, seatUtilizationPercent: 130 })).toBeCloseTo(1.3);
    expect(fleetScore({ ...quiet, errorShare: 0.05 })).toBeCloseTo(5);
    expect(fleetScore({ ...quiet, etcdSizeBytes: 7.6 * 1024 ** 3 })).toBeCloseTo(7.6 / 8 / 0.8);
  });

  it("scores a Provisioned Control Plane tier's seats in use against 90 % of its ceiling", () => {
    const xl = (inUse: number | null) => ({ ...quiet, tier: { name: "XL", seats: 1700, inUse, note: "Provisioned Control Plane XL" } });
    expect(tierSeatShare(xl(850))).toBeCloseTo(0.5);
    expect(fleetScore(xl(1615))).toBeCloseTo(0.95 / 0.9);
    expect(fleetScore(xl(null))).toBeCloseTo(fleetScore(quiet));
    expect(tierSeatShare(quiet)).toBeNull();
  });

  it("ignores readings that are absent, and never scores the 4xx share or the request rate", () => {
    const absent = { ...quiet, etcdSizeBytes: null, seatUtilizationPercent: null, apiP99Seconds: null };
    expect(fleetScore(absent)).toBeCloseTo(0.2); // etcd p99 20 ms of 100 ms
    expect(fleetScore({ ...quiet, clientErrorShare: 0.9, requestRate: 1e6 })).toBeCloseTo(fleetScore(quiet));
    expect(fleetScore({ ...absent, errorShare: null, throttledShare: null, etcdP99Seconds: null, inflightShare: null })).toBe(0);
  });
});

describe("worstFirst", () => {
  it("puts clusters that could not be read first, then the highest score, then by name", () => {
    const rows = [
      { name: "b", status: "ok" as const, score: 0.4 },
      { name: "down", status: "error" as const, score: null },
      { name: "a", status: "ok" as const, score: 0.4 },
      { name: "hot", status: "ok" as const, score: 2.5 },
    ];
    expect([...rows].sort(worstFirst).map((r) => r.name)).toEqual(["down", "hot", "a", "b"]);
  });
});
