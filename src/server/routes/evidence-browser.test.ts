/**
 * A captured page containing script does not run in the app's origin: a real Chromium loads the hostile
 * fixture through /api/evidence/items/:id/raw (top level, and framed by an app-origin page with
 * <iframe sandbox>), with a valid session cookie, and nothing of the page's script, handlers, meta refresh
 * or subresources runs or reaches the network.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from "../../evidence/capture/browser.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { claimsRoutes } from "./claims.js";
import { evidenceRoutes } from "./evidence.js";

const extraRoutes = [evidenceRoutes, claimsRoutes].filter((m) => !ROUTE_MODULES.includes(m));
const HOSTILE = readFileSync(join(import.meta.dirname, "../../../test/fixtures/server/hostile.html"));
const enabled = chromiumAvailable();

type Browser = import("playwright-core").Browser;

describe.runIf(enabled)("hostile captured HTML in a real browser", () => {
  let s: TestServer;
  let base = "";
  let id = "";
  let token = "";
  let browser: Browser;

  beforeAll(async () => {
    s = await startTestServer({ dialect: "sqlite", build: { extraRoutes } });
    const login = await s.login("viewer");
    token = login.token;
    const { headers } = await s.login("analyst");
    const up = await s.app.inject({
      method: "POST",
      url: "/api/evidence/items?filename=hostile.html&type=hospital-web-page",
      headers: { ...headers, "content-type": "text/html" },
      payload: HOSTILE,
    });
    id = (up.json() as { id: string }).id;
    await s.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** A browser context signed in as a viewer; `requests` collects every request that completed. */
  async function open(): Promise<{
    page: import("playwright-core").Page;
    requests: string[];
    dialogs: string[];
    close: () => Promise<void>;
  }> {
    const context = await browser.newContext();
    await context.addCookies([{ name: "oa_session", value: token, url: base, httpOnly: true, sameSite: "Strict" }]);
    const requests: string[] = [];
    const dialogs: string[] = [];
    // requests that completed (the browser's own CSP enforcement fails the others with "csp")
    context.on("requestfinished", (r) => requests.push(r.url()));
    context.on("requestfailed", (r) => {
      if (r.failure()?.errorText !== "csp") requests.push(`${r.url()} failed: ${r.failure()?.errorText}`);
    });
    // nothing may leave the machine
    await context.route(/attacker\.invalid/, (r) => r.abort());
    const page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { page, requests, dialogs, close: () => context.close() };
  }

  it("opened directly with ?view=sandbox: the page renders but none of its script runs", async () => {
    const { page, requests, dialogs, close } = await open();
    const url = `${base}/api/evidence/items/${id}/raw?view=sandbox`;
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-security-policy"]).toMatch(/^sandbox;/);
    await page.waitForTimeout(1500);
    expect(page.url()).toBe(url); // the meta refresh to javascript: did not navigate
    expect(await page.locator("h1").textContent()).toBe("器官移植中心簡介");
    expect(dialogs).toEqual([]);
    // no /api/me fetch, no external script, image or style: only the page itself was loaded
    expect(requests, JSON.stringify(requests)).toEqual([url]);
    await close();
  });

  it("framed by an app-origin page with <iframe sandbox>: nothing reaches the app window or the API", async () => {
    const { page, requests, dialogs, close } = await open();
    const host = `${base}/__frame-host-test`;
    await page.route(host, (r) =>
      r.fulfill({
        status: 200,
        contentType: "text/html",
        body: `<!doctype html><title>app</title><iframe sandbox src="/api/evidence/items/${id}/raw?view=sandbox"></iframe>`,
      }),
    );
    await page.goto(host);
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(page.url()).toBe(host);
    const frame = page.frames().find((f) => f.url().includes("/raw?view=sandbox"));
    expect(frame).toBeDefined();
    expect(await frame!.locator("h1").textContent()).toBe("器官移植中心簡介");
    expect(dialogs).toEqual([]);
    expect(requests.sort(), JSON.stringify(requests)).toEqual(
      [host, `${base}/api/evidence/items/${id}/raw?view=sandbox`].sort(),
    );
    await close();
  });

  it("without ?view=sandbox the HTML is served as text: a download or text, never a document", async () => {
    const { page, requests, dialogs, close } = await open();
    const url = `${base}/api/evidence/items/${id}/raw`;
    const r = await page.request.get(url);
    expect(r.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(r.headers()["content-disposition"]).toMatch(/^attachment/);
    expect(dialogs).toEqual([]);
    expect(requests.filter((x) => x.includes("attacker.invalid") || x.includes("/api/me"))).toEqual([]);
    await close();
  });
});
