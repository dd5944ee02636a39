/**
 * Which hosts a server-side capture may fetch (adapter: DNS). A server that fetches URLs given by its
 * users must not be turned against its own network (SSRF): loopback, private, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses are
 * refused, whether written as an address or reached through a host name, unless the operator allowed
 * private addresses. Every address a name resolves to is checked.
 *
 * Limit: the fetch resolves the name again, so a DNS server that answers differently on the second
 * look-up (DNS rebinding) is not stopped here; pinning the address needs a custom HTTP agent.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { checkCaptureUrl } from "./fetch.js";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64 (embeds an IPv4 address)
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** An IPv4 address embedded in an IPv6 one (::ffff:a.b.c.d, ::a.b.c.d, hex forms), if any. */
function embeddedIpv4(addr: string): string | null {
  const a = addr.toLowerCase();
  const dotted = /^(?:::ffff:|::)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** True for an address a server-side fetch must not reach (loopback, private, link-local, ...). */
export function isNonPublicAddress(addr: string): boolean {
  const v = isIP(addr);
  if (v === 4) return blocked.check(addr, "ipv4");
  if (v === 6) {
    const v4 = embeddedIpv4(addr);
    if (v4 !== null) return blocked.check(v4, "ipv4");
    return blocked.check(addr, "ipv6");
  }
  return true; // not an address at all: refuse
}

export interface AddressCheck {
  ok: boolean;
  /** the address that was refused, or the host that did not resolve */
  refused?: string;
  reason?: "private" | "unresolvable";
}

/**
 * Check that a URL is http(s) and that its host resolves only to public addresses. `resolve` is the
 * DNS look-up (injectable for tests); a host that does not resolve is refused too.
 */
export async function checkPublicUrl(
  url: string,
  resolve: (host: string) => Promise<string[]> = async (h) =>
    (await lookup(h, { all: true, verbatim: true })).map((x) => x.address),
): Promise<AddressCheck> {
  const u = checkCaptureUrl(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return isNonPublicAddress(host) ? { ok: false, refused: host, reason: "private" } : { ok: true };
  let addrs: string[];
  try {
    addrs = await resolve(host);
  } catch {
    return { ok: false, refused: host, reason: "unresolvable" };
  }
  if (addrs.length === 0) return { ok: false, refused: host, reason: "unresolvable" };
  const bad = addrs.find(isNonPublicAddress);
  return bad !== undefined ? { ok: false, refused: bad, reason: "private" } : { ok: true };
}
