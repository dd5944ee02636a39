import { describe, expect, it } from "vitest";
import { chartsForAudit } from "./charts.js";
import { bilingual, esc, fmtNum, limitCode, linkNumbers, renderHtml, type ReportModel } from "./html.js";
import { renderChart } from "./render-svg.js";
import { smallAudit } from "../../test/fixtures/report/small-findings.js";

async function model(): Promise<ReportModel> {
  const audit = smallAudit();
  const charts = [];
  for (const chart of chartsForAudit(audit)) charts.push({ chart, svg: await renderChart(chart) });
  return {
    audit,
    charts,
    inputFiles: [{ name: "data/test_donors.csv", sha256: "ab".repeat(32), bytes: 1234 }],
    tool: { name: "organ-audit", version: "0.1.0", commit: "0123456789abcdef0123456789abcdef01234567" },
    parameters: { seed: 7 },
    sources: [
      { id: "SRC1", title: "国家卫生健康委员会 2018 年统计公报", author: "国家卫生健康委员会 (National Health Commission)", year: "2019", url: "http://example.org/x", language: "zh" },
      { id: "SRC2", title: "A report", author: "Someone", year: "2017", url: "", language: "en" },
    ],
    buildDate: null,
  };
}

describe("text helpers", () => {
  it("esc escapes markup and marks Chinese runs", () => {
    expect(esc('<a href="x">&')).toBe("&lt;a href=&quot;x&quot;&gt;&amp;");
    expect(esc("天津 (Tianjin)")).toBe('<span lang="zh-Hans">天津</span> (Tianjin)');
  });

  it("bilingual puts the Chinese form first with the English beside it", () => {
    expect(bilingual("天津市第一中心医院", "Tianjin First Central Hospital")).toBe("天津市第一中心医院 (Tianjin First Central Hospital)");
    expect(bilingual(null, "Spain")).toBe("Spain");
    expect(bilingual("中国", "")).toBe("中国");
  });

  it("linkNumbers links each number to the finding and leaves names like poly2 or R^2 alone", () => {
    const s = linkNumbers("poly2 fit to 8 points: R^2 = 0.9949, p = 1.2e-5, 4,080 donors, −3.5%", "F-1");
    expect(s).toBe(
      'poly2 fit to <a class="num" href="#F-1">8</a> points: R^2 = <a class="num" href="#F-1">0.9949</a>, p = <a class="num" href="#F-1">1.2e-5</a>, <a class="num" href="#F-1">4,080</a> donors, <a class="num" href="#F-1">−3.5%</a>',
    );
  });

  it("linkNumbers leaves ISO dates unlinked", () => {
    expect(linkNumbers("goes down from 2017-12-10 to 2017-12 (-97,500)", "F-2")).toBe(
      'goes down from 2017-12-10 to 2017-12 (<a class="num" href="#F-2">-97,500</a>)',
    );
  });

  it("fmtNum: significant digits, grouping from 10,000, true minus sign, n/a for missing", () => {
    expect(fmtNum(0.0034034, 4)).toBe("0.003403");
    expect(fmtNum(2014)).toBe("2014");
    expect(fmtNum(-284277.4)).toBe("−284,277");
    expect(fmtNum(null)).toBe("n/a");
    expect(fmtNum(Number.NaN)).toBe("n/a");
    expect(fmtNum(1.5e-7)).toBe("1.500e-7");
  });

  it("every method has a 'cannot show' line", () => {
    expect(limitCode("forensics.digits.benford-first")).toBe("R_LIMIT_DIGITS");
    expect(limitCode("model.accounting.sensitivity")).toBe("R_LIMIT_SENSITIVITY");
    expect(limitCode("model.accounting")).toBe("R_LIMIT_ACCOUNTING");
    expect(limitCode("something.new")).toBe("R_LIMIT_OTHER");
  });
});

describe("renderHtml", () => {
  it("is self-contained: no script, no external src/href, a CSP that forbids loading", async () => {
    const html = renderHtml(await model());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link /i);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // the source URL is shown as text, never as a link
    expect(html).toContain('<span class="url">http://example.org/x</span>');
  });

  it("has every section, a finding anchor per finding, and every internal link resolves", async () => {
    const m = await model();
    const html = renderHtml(m);
    for (const id of ["summary", "data", "forensics", "accounting", "waittime", "methods", "references", "provenance"]) expect(html).toContain(`<section id="${id}">`);
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((x) => x[1]));
    for (const f of m.audit.findings) expect(ids.has(f.id), f.id).toBe(true);
    for (const x of html.matchAll(/href="#([^"]+)"/g)) expect(ids.has(x[1]), x[1]).toBe(true);
    // every chart is inlined once
    expect(html.match(/<svg /g)).toHaveLength(m.charts.length);
  });

  it("verdict badges never overstate; caveats and 'cannot show' lines are beside each finding", async () => {
    const m = await model();
    const html = renderHtml(m);
    expect(html).toContain('<span class="badge v-pass"');
    expect(html).toContain(">consistent with reference</span>");
    expect(html).toContain(">inconsistent with reference</span>");
    expect(html).not.toMatch(/\bis authentic\b|\bproves? (?:fraud|fabrication)\b/i);
    const cards = html.split('<article class="finding').slice(1);
    expect(cards).toHaveLength(m.audit.findings.length);
    for (const c of cards) expect(c).toContain("What this test cannot show:");
    const benford = cards.find((c) => c.includes("Benford first-digit test"))!;
    expect(benford).toContain("conformity does not prove authenticity");
  });

  it("shows Chinese names in their Chinese form with a CJK lang tag, and cited references", async () => {
    const html = renderHtml(await model());
    expect(html).toContain('<span lang="zh-Hans">天津市第一中心医院</span> (Tianjin First Central Hospital)');
    expect(html).toContain('<li id="src-SRC1"><strong>SRC1</strong>. <span lang="zh-Hans">国家卫生健康委员会</span> (National Health Commission). ');
  });

  it("is deterministic and prints a date only from SOURCE_DATE_EPOCH", async () => {
    const m = await model();
    expect(renderHtml(m)).toBe(renderHtml(await model()));
    expect(renderHtml(m)).not.toContain("Build date");
    const dated = renderHtml({ ...m, buildDate: "2026-01-02T03:04:05Z" });
    expect(dated).toContain("<dt>Build date</dt><dd>2026-01-02T03:04:05Z (SOURCE_DATE_EPOCH)</dd>");
  });
});

describe("summary of flagged findings", () => {
  it("lists each flagged finding with its statement, numbers linked, and its caveat count", async () => {
    const m = await model();
    const html = renderHtml(m);
    const peer = m.audit.findings.find((f) => f.verdict === "flag")!;
    expect(html).toContain(`<li><a href="#${peer.id}">poly2 regularity of <span lang="zh-Hans">中国</span> (China) against peers</a>: The target follows the curve more closely than all <a class="num" href="#${peer.id}">3</a> peer series (rank p = <a class="num" href="#${peer.id}">0.25</a>).</li>`);
    const none = renderHtml({ ...m, audit: { ...m.audit, findings: m.audit.findings.filter((f) => f.verdict !== "flag") } });
    expect(none).toContain("<p>No finding is inconsistent with its stated reference.</p>");
  });
});
