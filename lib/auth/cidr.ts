// IPv4/IPv6 addresses and CIDR ranges, for APISCOPE_TRUSTED_PROXY_IPS. Pure TypeScript (BigInt), so the
// edge middleware can use it too. An IPv4-mapped IPv6 address (::ffff:10.0.0.1, what a dual-stack socket
// reports for an IPv4 peer) is treated as the IPv4 address.

export interface Cidr {
  version: 4 | 6;
  /** the network address, host bits cleared */
  network: bigint;
  prefix: number;
  /** as written, for messages */
  text: string;
}

interface Address {
  version: 4 | 6;
  value: bigint;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part.startsWith("0"))) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(input: string): bigint | undefined {
  let text = input;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups written the other way.
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0]!);
  const back = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const explicit = head.length + back.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const all = [...head, ...(halves.length === 2 ? Array<string>(8 - explicit).fill("0") : []), ...back];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

/** Parse an address; IPv4-mapped IPv6 becomes IPv4; a zone id (%eth0) or brackets are dropped. */
export function parseAddress(input: string): Address | undefined {
  const text = input.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!text) return undefined;
  if (!text.includes(":")) {
    const v4 = parseIPv4(text);
    return v4 === undefined ? undefined : { version: 4, value: v4 };
  }
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

/** "10.0.0.0/8", "2001:db8::/32", or a single address (a /32 or /128). Throws with a readable message. */
export function parseCidr(input: string): Cidr {
  const text = input.trim();
  const [addressText, prefixText, extra] = text.split("/");
  const address = addressText === undefined ? undefined : parseAddress(addressText);
  if (!address || extra !== undefined) throw new Error(`"${text}" is not an IP address or CIDR range (e.g. 10.0.0.0/16 or 2001:db8::/48)`);
  const bits = address.version === 4 ? 32 : 128;
  const mapped = address.version === 4 && addressText!.includes(":");
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) throw new Error(`"${text}": the prefix length must be a number`);
    prefix = Number(prefixText) - (mapped ? 96 : 0);
    if (prefix < 0 || prefix > bits) throw new Error(`"${text}": the prefix length must be between 0 and ${bits}`);
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { version: address.version, network: address.value & mask, prefix, text };
}

export function inCidr(address: string, cidr: Cidr): boolean {
  const parsed = parseAddress(address);
  if (!parsed || parsed.version !== cidr.version) return false;
  const bits = cidr.version === 4 ? 32 : 128;
  const mask = cidr.prefix === 0 ? 0n : ((1n << BigInt(cidr.prefix)) - 1n) << BigInt(bits - cidr.prefix);
  return (parsed.value & mask) === cidr.network;
}

export function inAnyCidr(address: string, cidrs: readonly Cidr[]): boolean {
  return cidrs.some((cidr) => inCidr(address, cidr));
}

/** 127.0.0.0/8, ::1 and "localhost": addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const text = host.trim().replace(/^\[|\]$/g, "").toLowerCase();
  if (text === "localhost" || text.endsWith(".localhost")) return true;
  const address = parseAddress(text);
  if (!address) return false;
  return address.version === 4 ? address.value >> 24n === 127n : address.value === 1n;
}
