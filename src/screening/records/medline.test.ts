import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { parseMedline } from "./medline.js";
import { parsePubmedXml } from "./pubmed-xml.js";
import { type ScreeningRecord } from "./record.js";

const fx = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screening/s1/${name}`, import.meta.url), "utf8");

function errorOf(f: () => unknown): OrganAuditError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OrganAuditError);
    return e as OrganAuditError;
  }
  throw new Error("expected an OrganAuditError");
}

describe("parseMedline and parsePubmedXml (invented records)", () => {
  const check = (recs: ScreeningRecord[]): void => {
    expect(recs).toHaveLength(2);
    expect(recs[0]!.pmid).toBe("90000001");
    expect(recs[0]!.title).toBe("Invented record: deceased donor organ procurement after brain death in two transplant centres.");
    expect(recs[0]!.year).toBe(2019);
    expect(recs[0]!.doi).toBe("10.9999/invented.2019.001");
    expect(recs[0]!.journal).toBe("Journal of Invented Transplantation");
    expect(recs[0]!.keywords).toEqual(expect.arrayContaining(["brain death", "Tissue and Organ Procurement"]));
    expect(recs[1]!.language).toBe("zh");
    expect(recs[1]!.year).toBe(2020);
  };
  it("MEDLINE: continuation lines, FAU preferred, DOI from LID/AID", () => {
    const recs = parseMedline(fx("medline-invented.nbib"), "m.nbib", "m");
    check(recs);
    expect(recs[0]!.abstract).toBe("This is an invented abstract used only to test the MEDLINE importer. It spans two lines.");
    expect(recs[0]!.authors).toEqual(["Zhang, San", "Li, Si"]);
    expect(recs[1]!.doi).toBe("10.9999/invented.2020.002");
    expect(recs[0]!.id).toBe("m:90000001");
  });
  it("PubMed XML: entities, inline markup, labelled abstract sections, CDATA, MedlineDate", () => {
    const recs = parsePubmedXml(fx("pubmed-invented.xml"), "p.xml", "p");
    check(recs);
    expect(recs[0]!.abstract).toBe("BACKGROUND: Invented background & aims. RESULTS: Invented results <5%.");
    expect(recs[0]!.authors).toEqual(["Zhang, S", "Invented Transplant Group"]);
    expect(recs[1]!.abstract).toBe("虚构的中文摘要 <CDATA> 用于测试。");
  });
  it("XML errors name the line", () => {
    const e = errorOf(() => parsePubmedXml("<PubmedArticleSet>\n<PubmedArticle>\n</PubmedArticleSet>", "b.xml"));
    expect(e.location).toEqual({ file: "b.xml", line: 3 });
    expect(e.message).toContain("does not match <PubmedArticle>");
    expect(errorOf(() => parsePubmedXml("<a>&bogus;</a>", "b.xml")).message).toContain("unknown entity");
    expect(errorOf(() => parsePubmedXml("<foo/>", "b.xml")).message).toContain("expected <PubmedArticleSet>");
  });
});

