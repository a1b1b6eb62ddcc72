import { describe, expect, it } from "vitest";
import { inAnyCidr, inCidr, isLoopback, parseAddress, parseCidr } from "./cidr";

describe("addresses and CIDR ranges", () => {
  it("matches IPv4 ranges and single addresses", () => {
    const net = parseCidr("10.1.0.0/16");
    expect(inCidr("10.1.255.3", net)).toBe(true);
    expect(inCidr("10.2.0.1", net)).toBe(false);
    expect(inCidr("192.168.1.7", parseCidr("192.168.1.7"))).toBe(true);
    expect(inCidr("192.168.1.8", parseCidr("192.168.1.7"))).toBe(false);
    expect(inCidr("8.8.8.8", parseCidr("0.0.0.0/0"))).toBe(true);
  });

  it("treats IPv4-mapped IPv6 (what a dual-stack socket reports) as IPv4", () => {
    expect(inCidr("::ffff:127.0.0.2", parseCidr("127.0.0.2/32"))).toBe(true);
    expect(inCidr("::ffff:7f00:2", parseCidr("127.0.0.0/8"))).toBe(true);
    expect(parseAddress("::ffff:10.0.0.1")).toEqual({ version: 4, value: 0x0a000001n });
  });

  it("matches IPv6 ranges", () => {
    const net = parseCidr("2001:db8::/32");
    expect(inCidr("2001:db8:1::5", net)).toBe(true);
    expect(inCidr("2001:db9::1", net)).toBe(false);
    expect(inCidr("10.0.0.1", net)).toBe(false);
    expect(inCidr("::1", parseCidr("::1/128"))).toBe(true);
    expect(inCidr("fe80::1%eth0", parseCidr("fe80::/10"))).toBe(true);
  });

  it("rejects what is not an address", () => {
    for (const bad of ["10.0.0.256", "10.0.0", "10.0.0.0/33", "2001:db8::/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "example.com", "10.0.0.1/8/1", "010.0.0.1"]) {
      expect(() => parseCidr(bad), bad).toThrow();
    }
    expect(inAnyCidr("garbage", [parseCidr("0.0.0.0/0")])).toBe(false);
  });

  it("knows loopback", () => {
    for (const host of ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.1", "apiscope.example.com", "192.168.1.1"]) expect(isLoopback(host), host).toBe(false);
  });
});
