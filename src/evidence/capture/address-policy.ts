/**
 * Which hosts a server-side capture may fetch (adapter: DNS). A server that fetches URLs given by its
 * users must not be turned against its own network (SSRF): loopback, private, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses are
 * refused, whether written as an address or reached through a host name, unless the operator allowed
 * private addresses. Every address a name resolves to is checked.
 *
 * DNS rebinding: checking a URL's addresses before the request is not enough, because the HTTP client
 * resolves the name again when it connects, and a hostile DNS server may answer differently the second
 * time. `publicOnlyLookup()` closes that gap: it is the `lookup` of the capture's HTTP(S) connections
 * (fetch.ts), so the same policy decides on the very addresses the socket connects to.
 * `publicCaptureGuard()` bundles the three checks a server uses (URL and redirect targets before the
 * request, connection-time look-up, Chromium subresources).
 */
import { lookup } from "node:dns/promises";
import type { LookupAddress, LookupOptions } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { OrganAuditError } from "../../core/errors.js";
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
  resolve: Resolve = systemResolve,
  isBlocked: (addr: string) => boolean = isNonPublicAddress,
): Promise<AddressCheck> {
  const u = checkCaptureUrl(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return isBlocked(host) ? { ok: false, refused: host, reason: "private" } : { ok: true };
  let addrs: string[];
  try {
    addrs = await resolve(host);
  } catch {
    return { ok: false, refused: host, reason: "unresolvable" };
  }
  if (addrs.length === 0) return { ok: false, refused: host, reason: "unresolvable" };
  const bad = addrs.find(isBlocked);
  return bad !== undefined ? { ok: false, refused: bad, reason: "private" } : { ok: true };
}

/** A DNS look-up: every address of a host name. */
export type Resolve = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo), every address, in the resolver's order. */
export const systemResolve: Resolve = async (h) => (await lookup(h, { all: true, verbatim: true })).map((x) => x.address);

export interface GuardOptions {
  /** DNS look-up (default: the system resolver); tests inject one */
  resolve?: Resolve;
  /** which addresses are refused (default isNonPublicAddress); tests may narrow it */
  isBlocked?: (addr: string) => boolean;
}

function refusal(host: string, reason: "private" | "unresolvable"): OrganAuditError {
  return new OrganAuditError(
    "S_EV_CAPTURE_REFUSED",
    { host, reason: reason === "unresolvable" ? "does not resolve" : "is a loopback, private or reserved address" },
    { field: "url" },
  );
}

function familyWanted(f: LookupOptions["family"]): 0 | 4 | 6 {
  if (f === 4 || f === "IPv4") return 4;
  if (f === 6 || f === "IPv6") return 6;
  return 0;
}

/**
 * A `lookup` for net/http/https connections that resolves the name and refuses (an S_EV_CAPTURE_REFUSED
 * error, the connection is not attempted) when ANY of its addresses is refused by the policy, or when it
 * does not resolve. What it hands to the socket is what it checked: no second resolution happens.
 * (Node calls `lookup` only for host names; literal addresses are checked by `checkUrl`.)
 */
export function publicOnlyLookup(g: GuardOptions = {}): LookupFunction {
  const resolve = g.resolve ?? systemResolve;
  const isBlocked = g.isBlocked ?? isNonPublicAddress;
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[|\]$/g, "");
    const cb = callback as (err: Error | null, address: string | LookupAddress[], family?: number) => void;
    (isIP(host) ? Promise.resolve([host]) : resolve(host)).then(
      (addrs) => {
        if (addrs.length === 0) return cb(refusal(host, "unresolvable"), "");
        const bad = addrs.find(isBlocked);
        if (bad !== undefined) return cb(refusal(bad, "private"), "");
        const fam = familyWanted(options.family);
        const usable = addrs.filter((a) => fam === 0 || isIP(a) === fam);
        if (usable.length === 0) return cb(refusal(host, "unresolvable"), "");
        if (options.all) return cb(null, usable.map((a) => ({ address: a, family: isIP(a) })));
        return cb(null, usable[0]!, isIP(usable[0]!));
      },
      () => cb(refusal(host, "unresolvable"), ""),
    );
  };
}

export interface CaptureGuard {
  /** before the first request and every redirect target: http(s), and every address public */
  checkUrl(url: string): Promise<void>;
  /** connection-time look-up (pins the checked addresses; closes the DNS rebinding gap) */
  lookup: LookupFunction;
  /** Chromium subresources (screenshots): false for a refused host */
  allowRequest(url: string): Promise<boolean>;
}

/** The checks a server passes to captureUrl() so that a capture cannot reach the server's own network. */
export function publicCaptureGuard(g: GuardOptions = {}): CaptureGuard {
  const resolve = g.resolve ?? systemResolve;
  const isBlocked = g.isBlocked ?? isNonPublicAddress;
  const checkUrl = async (url: string): Promise<void> => {
    const c = await checkPublicUrl(url, resolve, isBlocked);
    if (!c.ok) throw refusal(c.refused ?? "?", c.reason ?? "private");
  };
  return {
    checkUrl,
    lookup: publicOnlyLookup({ resolve, isBlocked }),
    allowRequest: async (url) => {
      try {
        await checkUrl(url);
        return true;
      } catch {
        return false;
      }
    },
  };
}
