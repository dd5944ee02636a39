/**
 * The hooks a server uses to keep captures off its own network: `checkUrl` sees the first URL and every
 * redirect target before it is requested; `allowRequest` decides every live subresource request of the
 * Chromium rendering. Both are exercised against local HTTP servers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { chromiumAvailable, renderCapture } from "./browser.js";
import { fetchWithExchanges } from "./fetch.js";

let inner: Server;
let outer: Server;
let innerBase = "";
let outerBase = "";
const innerHits: string[] = [];

beforeAll(async () => {
  inner = createServer((req, res) => {
    innerHits.push(req.url ?? "");
    res.writeHead(200, { "content-type": "image/png" });
    res.end();
  });
  await new Promise<void>((r) => inner.listen(0, "127.0.0.1", r));
  innerBase = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`;
  outer = createServer((req, res) => {
    if (req.url === "/hop") {
      res.writeHead(302, { location: `${innerBase}/secret` });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<p>ok</p>");
  });
  await new Promise<void>((r) => outer.listen(0, "127.0.0.1", r));
  outerBase = `http://127.0.0.1:${(outer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => inner.close(() => r()));
  await new Promise<void>((r) => outer.close(() => r()));
});

describe("capture guards", () => {
  it("checkUrl refuses a redirect target before it is requested", async () => {
    const seen: string[] = [];
    const refuseInner = async (url: string): Promise<void> => {
      seen.push(url);
      if (url.startsWith(innerBase))
        throw new OrganAuditError("S_EV_CAPTURE_REFUSED", { host: "inner", reason: "is private" });
    };
    innerHits.length = 0;
    await expect(fetchWithExchanges(`${outerBase}/hop`, { checkUrl: refuseInner })).rejects.toMatchObject({
      code: "S_EV_CAPTURE_REFUSED",
    });
    expect(seen).toEqual([`${outerBase}/hop`, `${innerBase}/secret`]);
    expect(innerHits).toEqual([]);
    // without the guard the redirect is followed (the test server is reachable)
    const ok = await fetchWithExchanges(`${outerBase}/hop`);
    expect(ok.exchanges).toHaveLength(2);
    expect(innerHits).toEqual(["/secret"]);
  });

  it.runIf(chromiumAvailable())(
    "allowRequest keeps the rendering's subresources off refused hosts",
    async () => {
      innerHits.length = 0;
      const asked: string[] = [];
      const body = Buffer.from(
        `<!doctype html><p>page</p><img src="${innerBase}/pixel.png"><script>fetch("${innerBase}/xhr")</script>`,
      );
      const out = await renderCapture(
        { url: `${outerBase}/page`, status: 200, headers: [["content-type", "text/html"]], body },
        {
          screenshot: true,
          timeoutMs: 20_000,
          allowRequest: async (u) => {
            asked.push(u);
            return !u.startsWith(innerBase);
          },
        },
      );
      expect(out.screenshot?.length).toBeGreaterThan(100);
      // the guard is asked about every subresource (not about the archived main document) and refuses them
      expect(asked).toContain(`${innerBase}/pixel.png`);
      expect(asked).not.toContain(`${outerBase}/page`);
      expect(innerHits).toEqual([]);
    },
    60_000,
  );
});
