/**
 * The capture's HTTP client (node:http) and the connection-time address check: a resolver that answers
 * a public address to the pre-request check and 127.0.0.1 to the connection (DNS rebinding) is refused
 * before any byte reaches the local server; literal private addresses (IPv4, IPv6 loopback,
 * IPv4-mapped IPv6, 0.0.0.0) and redirects to private addresses are refused too. Each refusal is paired
 * with a control that shows the same request does reach the local server without the guard.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNonPublicAddress, publicCaptureGuard, publicOnlyLookup, type Resolve } from "./address-policy.js";
import { fetchWithExchanges } from "./fetch.js";

let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/to-private") {
      res.writeHead(302, { location: `http://127.0.0.2:${port}/secret` });
      return res.end();
    }
    if (req.url === "/to-private-name") {
      res.writeHead(301, { location: `http://inner.test:${port}/secret` });
      return res.end();
    }
    if (req.url === "/gzip") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-encoding": "gzip" });
      return res.end(gzipSync(Buffer.from("压缩的正文 compressed body")));
    }
    if (req.url === "/bomb") {
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
      return res.end(gzipSync(Buffer.alloc(5_000_000)));
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "X-Mixed-Case": "kept" });
    res.end("<p>secret</p>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

/** A resolver that answers from a list of answers per name, one per call (the last one repeats). */
function scripted(answers: Record<string, string[][]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const f = async (host: string): Promise<string[]> => {
    calls.push(host);
    const list = answers[host];
    if (!list) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    const n = calls.filter((h) => h === host).length;
    return list[Math.min(n, list.length) - 1] ?? [];
  };
  return Object.assign(f, { calls });
}

describe("capture fetch over node:http", () => {
  it("records status, raw header pairs (original case) and body; decodes gzip, bounded by maxBytes", async () => {
    const r = await fetchWithExchanges(`http://127.0.0.1:${port}/page`);
    expect(r.final.status).toBe(200);
    expect(r.final.statusText).toBe("OK");
    expect(r.final.responseHeaders).toContainEqual(["X-Mixed-Case", "kept"]);
    expect(Buffer.from(r.final.body).toString()).toBe("<p>secret</p>");
    const g = await fetchWithExchanges(`http://127.0.0.1:${port}/gzip`);
    expect(Buffer.from(g.final.body).toString()).toBe("压缩的正文 compressed body");
    expect(g.final.responseHeaders).toContainEqual(["content-encoding", "gzip"]);
    // 5 MB of zeros in a few KB of gzip: the decoded size is bounded too
    await expect(fetchWithExchanges(`http://127.0.0.1:${port}/bomb`, { maxBytes: 1_000_000 })).rejects.toMatchObject({ code: "EV_CONTENT_TOO_LARGE" });
    await expect(fetchWithExchanges(`http://127.0.0.1:1/`, { timeoutMs: 5000 })).rejects.toMatchObject({ code: "EV_CAPTURE_FETCH" });
    // credentials in the URL are neither sent nor archived
    hits.length = 0;
    const cred = await fetchWithExchanges(`http://user:secret-pw@127.0.0.1:${port}/page`).catch((e: unknown) => e);
    expect(cred).toMatchObject({ code: "EV_CAPTURE_FETCH", message: expect.stringContaining("user name or password") });
    expect(String((cred as Error).message)).not.toContain("secret-pw");
    expect(hits).toEqual([]);
  });
});

describe("DNS rebinding: the connection's own look-up applies the address policy", () => {
  it("refuses a name that resolves to a public address for the check and to 127.0.0.1 for the connection", async () => {
    const resolve = scripted({ "rebind.test": [["93.184.215.14"], ["127.0.0.1"]] });
    const guard = publicCaptureGuard({ resolve });
    hits.length = 0;
    await expect(fetchWithExchanges(`http://rebind.test:${port}/secret`, guard)).rejects.toMatchObject({
      code: "S_EV_CAPTURE_REFUSED",
      message: expect.stringContaining("127.0.0.1"),
    });
    expect(resolve.calls).toEqual(["rebind.test", "rebind.test"]); // checked once before, once at connection time
    expect(hits).toEqual([]);
    // control: the pre-request check alone (the old behaviour) lets the second answer through to the local server
    const resolve2 = scripted({ "rebind.test": [["93.184.215.14"], ["127.0.0.1"]] });
    const unpinned = publicOnlyLookup({ resolve: resolve2, isBlocked: () => false });
    const r = await fetchWithExchanges(`http://rebind.test:${port}/secret`, { checkUrl: publicCaptureGuard({ resolve: resolve2 }).checkUrl, lookup: unpinned });
    expect(r.final.status).toBe(200);
    expect(hits).toEqual(["/secret"]);
  });

  it("applies to https too: the rebinding name is refused before the TLS handshake", async () => {
    const resolve = scripted({ "rebind.test": [["93.184.215.14"], ["127.0.0.1"]] });
    hits.length = 0;
    await expect(fetchWithExchanges(`https://rebind.test:${port}/`, publicCaptureGuard({ resolve }))).rejects.toMatchObject({
      code: "S_EV_CAPTURE_REFUSED",
      message: expect.stringContaining("127.0.0.1"),
    });
    // control: an unguarded look-up connects (the plain-HTTP server then fails the TLS handshake)
    const connected = await fetchWithExchanges(`https://rebind.test:${port}/`, { lookup: publicOnlyLookup({ resolve, isBlocked: () => false }) }).catch((e: unknown) => e);
    expect(connected).toMatchObject({ code: "EV_CAPTURE_FETCH" });
    expect(String((connected as Error).message)).not.toContain("refused:");
  });

  it("refuses when any of the addresses is private, and names that do not resolve", async () => {
    const lookup = publicOnlyLookup({ resolve: scripted({ "mixed.test": [["93.184.215.14", "10.0.0.1"]], "none.test": [[]] }) });
    hits.length = 0;
    await expect(fetchWithExchanges(`http://mixed.test:${port}/`, { lookup })).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED", message: expect.stringContaining("10.0.0.1") });
    await expect(fetchWithExchanges(`http://none.test:${port}/`, { lookup })).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED", message: expect.stringContaining("does not resolve") });
    await expect(fetchWithExchanges(`http://nx.test:${port}/`, { lookup })).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED", message: expect.stringContaining("does not resolve") });
    expect(hits).toEqual([]);
  });

  it("the look-up callback follows Node's contract (one address, or all with family)", async () => {
    const lookup = publicOnlyLookup({ resolve: scripted({ "two.test": [["93.184.215.14", "2606:4700::1111"]] }) });
    const one = await new Promise<[unknown, unknown, unknown]>((r) => lookup("two.test", { family: 6 }, (e, a, f) => r([e, a, f])));
    expect(one).toEqual([null, "2606:4700::1111", 6]);
    const all = await new Promise<[unknown, unknown]>((r) => lookup("two.test", { all: true }, (e, a) => r([e, a])));
    expect(all).toEqual([
      null,
      [
        { address: "93.184.215.14", family: 4 },
        { address: "2606:4700::1111", family: 6 },
      ],
    ]);
  });

  it.each([
    ["a literal private IPv4 address", "http://127.0.0.1:PORT/secret"],
    ["IPv6 loopback", "http://[::1]:PORT/secret"],
    ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]:PORT/secret"],
    ["the unspecified address 0.0.0.0", "http://0.0.0.0:PORT/secret"],
    ["a decimal-encoded loopback address", "http://2130706433:PORT/secret"],
  ])("refuses %s before connecting", async (_what, pattern) => {
    const url = pattern.replace("PORT", String(port));
    hits.length = 0;
    await expect(fetchWithExchanges(url, publicCaptureGuard({ resolve: scripted({}) }))).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED" });
    expect(hits).toEqual([]);
  });

  it("the connection-time look-up alone (no checkUrl) refuses literal addresses too", async () => {
    const lookup = publicOnlyLookup({ resolve: scripted({}) });
    hits.length = 0;
    for (const host of ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0"])
      await expect(fetchWithExchanges(`http://${host}:${port}/secret`, { lookup }), host).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED" });
    expect(hits).toEqual([]);
  });

  it("control: without the guard, 0.0.0.0 does reach the local server", async () => {
    hits.length = 0;
    await fetchWithExchanges(`http://0.0.0.0:${port}/a`);
    expect(hits).toEqual(["/a"]);
  });

  it("refuses redirects to a private address, literal or by name, before following them", async () => {
    // the local server stands in for a public one: only 127.0.0.1 is treated as public here
    const isBlocked = (a: string): boolean => a !== "127.0.0.1" && isNonPublicAddress(a);
    const resolve = scripted({ "outer.test": [["127.0.0.1"]], "inner.test": [["10.1.2.3"]] });
    const guard = publicCaptureGuard({ resolve, isBlocked });
    hits.length = 0;
    const r = await fetchWithExchanges(`http://outer.test:${port}/page`, guard);
    expect(r.final.status).toBe(200); // the stand-in public server is reachable
    hits.length = 0;
    await expect(fetchWithExchanges(`http://outer.test:${port}/to-private-name`, guard)).rejects.toMatchObject({
      code: "S_EV_CAPTURE_REFUSED",
      message: expect.stringContaining("10.1.2.3"),
    });
    expect(hits).toEqual(["/to-private-name"]);
    // a redirect to a literal private address (127.0.0.2: loopback, not the stand-in) is refused by checkUrl
    hits.length = 0;
    await expect(fetchWithExchanges(`http://outer.test:${port}/to-private`, guard)).rejects.toMatchObject({
      code: "S_EV_CAPTURE_REFUSED",
      message: expect.stringContaining("127.0.0.2"),
    });
    expect(hits).toEqual(["/to-private"]);
  });
});
