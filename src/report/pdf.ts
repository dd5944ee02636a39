import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from "../browser/chromium.js";

/**
 * Headless Chromium adapter (playwright-core with Debian's /usr/bin/chromium; never `playwright
 * install`): print the report to PDF, and inspect a report page (requests that leave it, charts drawn).
 */
export { CHROMIUM_PATH, chromiumAvailable };

async function withBrowser<T>(fn: (b: Browser) => Promise<T>, path: string = CHROMIUM_PATH): Promise<T> {
  const browser = await chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS] });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** Open a local HTML file with every other request recorded and aborted. */
async function openIsolated(browser: Browser, htmlPath: string, viewport = { width: 1000, height: 1400 }): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport });
  const own = pathToFileURL(htmlPath).href;
  const requests: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url === own) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on("request", (r) => {
    if (r.url() !== own && !requests.includes(r.url())) requests.push(r.url());
  });
  await page.goto(own, { waitUntil: "load" });
  return { page, requests };
}

/** Print an HTML file to an A4 PDF (backgrounds on, CSS page size). */
export async function printPdf(htmlPath: string, pdfPath: string, chromiumPath: string = CHROMIUM_PATH): Promise<void> {
  await withBrowser(async (b) => {
    const { page } = await openIsolated(b, htmlPath);
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: pdfPath, format: "A4", printBackground: true, preferCSSPageSize: true, displayHeaderFooter: false });
  }, chromiumPath);
}

export interface PageInspection {
  /** every URL other than the report itself that the page tried to load */
  requests: string[];
  /** number of <svg data-chart> elements */
  charts: number;
  /** ids of charts that drew: a rendered box wider and taller than 50 px with at least one mark path/rect/line */
  drawn: string[];
  /** ids of the finding anchors present in the page */
  anchors: number;
  /** links of the form #F-… whose target is missing */
  brokenLinks: string[];
}

/** Load the report in headless Chromium and check what it requests and draws; optional full-page PNG. */
export async function inspectReport(htmlPath: string, opts: { screenshot?: string; width?: number } = {}, chromiumPath: string = CHROMIUM_PATH): Promise<PageInspection> {
  return withBrowser(async (b) => {
    const { page, requests } = await openIsolated(b, htmlPath, { width: opts.width ?? 1000, height: 1400 });
    const info = await page.evaluate(() => {
      const svgs = Array.from(document.querySelectorAll("svg[data-chart]"));
      const drawn = svgs
        .filter((s) => {
          const r = s.getBoundingClientRect();
          return r.width > 50 && r.height > 50 && s.querySelectorAll("path, rect, line").length > 0;
        })
        .map((s) => s.getAttribute("data-chart") ?? "");
      const links = Array.from(document.querySelectorAll('a[href^="#"]')).map((a) => a.getAttribute("href")!.slice(1));
      const broken = [...new Set(links.filter((id) => !document.getElementById(id)))];
      return { charts: svgs.length, drawn, anchors: document.querySelectorAll('article.finding[id^="F-"]').length, brokenLinks: broken };
    });
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    return { requests, ...info };
  }, chromiumPath);
}
