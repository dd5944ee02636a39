/**
 * Screenshot and PDF of a captured page through headless Chromium (playwright-core + Debian's
 * /usr/bin/chromium; adapter). The main document is served from the captured bytes (page.route), so the
 * rendering shows what was archived, not a second download; subresources (images, CSS) are loaded live
 * and may differ from what the server sent at capture time: the WARC holds only the main exchange.
 * Scripts of the page run in Chromium's sandboxed renderer, as in any browser view.
 */
import { OrganAuditError } from "../../core/errors.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from "../../browser/chromium.js";

export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable };

export interface RenderInput {
  url: string;
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export interface RenderOutput {
  screenshot?: Uint8Array;
  pdf?: Uint8Array;
}


export async function renderCapture(
  input: RenderInput,
  want: {
    screenshot?: boolean;
    pdf?: boolean;
    timeoutMs?: number;
    chromiumPath?: string;
    /** decides for every live subresource request of the page (false: aborted), e.g. to keep a server's renderer off its own network */
    allowRequest?: (url: string) => Promise<boolean>;
  },
): Promise<RenderOutput> {
  const path = want.chromiumPath ?? CHROMIUM_PATH;
  if (!chromiumAvailable(path)) throw new OrganAuditError("EV_CAPTURE_NO_CHROMIUM", { path });
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS], timeout: want.timeoutMs ?? 30_000 });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const allow = want.allowRequest;
    if (allow) {
      // page routes (the main document below) take precedence over this context-wide filter
      await context.route("**/*", async (route) => {
        const ok = await allow(route.request().url()).catch(() => false);
        await (ok ? route.continue() : route.abort("blockedbyclient"));
      });
    }
    const page = await context.newPage();
    const headers: Record<string, string> = {};
    for (const [k, v] of input.headers) {
      const lk = k.toLowerCase();
      if (lk === "content-encoding" || lk === "content-length" || lk === "transfer-encoding") continue;
      headers[k] = v;
    }
    await page.route(input.url, (route) => route.fulfill({ status: input.status, headers, body: Buffer.from(input.body) }));
    await page.goto(input.url, { waitUntil: "load", timeout: want.timeoutMs ?? 30_000 });
    const out: RenderOutput = {};
    if (want.screenshot) out.screenshot = new Uint8Array(await page.screenshot({ fullPage: true, type: "png" }));
    if (want.pdf) out.pdf = new Uint8Array(await page.pdf({ format: "A4", printBackground: true }));
    await context.close();
    return out;
  } finally {
    await browser.close();
  }
}
