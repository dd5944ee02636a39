import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, writeReport } from "./build.js";
import { chromiumAvailable, CHROMIUM_PATH, inspectReport, printPdf } from "./pdf.js";
import { fixtureAudit, REPO } from "../../test/fixtures/report/fixture-audit.js";

const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`report pdf tests skipped: no Chromium at ${CHROMIUM_PATH} (CI installs Debian's chromium)`);

describe.skipIf(!hasChromium)("report in headless Chromium", () => {
  let tmp: string;
  let html: string;
  let charts: number;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "oa-pdf-"));
    const built = await buildReport({ dataDir: join(REPO, "data"), scenarios: [join(REPO, "scenarios/official.json")], draws: 2000, sims: 99, runner: fixtureAudit, commit: "unknown", sourceDateEpoch: null });
    charts = built.charts.length;
    html = writeReport(tmp, built).html;
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("opens offline: no request leaves the page, every chart draws, every internal link resolves", async () => {
    const r = await inspectReport(html);
    expect(r.requests).toEqual([]);
    expect(charts).toBeGreaterThanOrEqual(7);
    expect(r.charts).toBe(charts);
    expect(r.drawn).toHaveLength(charts);
    expect(r.brokenLinks).toEqual([]);
    expect(r.anchors).toBeGreaterThan(5);
  }, 60_000);

  it("records and blocks a request the page tries to make", async () => {
    // a page that loads an image from the network: the inspection must report it
    const { writeFileSync } = await import("node:fs");
    const leaky = join(tmp, "leaky.html");
    writeFileSync(leaky, readFileSync(html, "utf8").replace("<main>", '<main><img src="http://198.51.100.7/pixel.png" alt="">'));
    const r = await inspectReport(leaky);
    expect(r.requests).toEqual(["http://198.51.100.7/pixel.png"]);
  }, 60_000);

  it("prints an A4 PDF from the same HTML", async () => {
    const pdf = join(tmp, "report.pdf");
    await printPdf(html, pdf);
    const head = readFileSync(pdf).subarray(0, 5).toString("latin1");
    expect(head).toBe("%PDF-");
    expect(statSync(pdf).size).toBeGreaterThan(50_000);
    // A4 portrait is 210 x 297 mm = 595.28 x 841.89 pt; Chromium rounds to its pixel grid (594.96 x 841.92)
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(readFileSync(pdf).toString("latin1"));
    expect(box).not.toBeNull();
    expect(Math.abs(Number(box![1]) - 595.28)).toBeLessThan(1);
    expect(Math.abs(Number(box![2]) - 841.89)).toBeLessThan(1);
  }, 60_000);
});
