import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { parseRis } from "./ris.js";

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

describe("parseRis on the van de Schoot (2017) ASReview file", () => {
  const recs = parseRis(fx("van_de_Schoot_2017_included-3.ris"), "vds.ris", "vds");
  it("reads all 8 records (8 TY/ER pairs in the file)", () => {
    expect(recs).toHaveLength(8);
    expect(recs.every((r) => r.title !== "" && r.language === "en")).toBe(true);
  });
  it("joins multi-line KW fields into one keyword per line and takes the DOI from UR when DO is absent", () => {
    const r = recs[0]!;
    expect(r.id).toBe("vds:1506");
    expect(r.title).toBe("Psychopathology and Resilience Following Traumatic Injury: A Latent Growth Mixture Model Analysis");
    expect(r.authors).toEqual(["deRoon-Cassini, T. A.", "Mancini, A. D.", "Rusch, M. D.", "Bonanno, G. A."]);
    expect(r.year).toBe(2010);
    expect(r.journal).toBe("Rehabilitation Psychology");
    expect(r.keywords[0]).toBe("acute stress disorder");
    expect(r.keywords).toContain("Posttraumatic Stress Diagnostic Scale");
    expect(r.keywords).toHaveLength(30); // counted in the file: 1 on the KW line + 29 continuation lines
    expect(r.doi).toBe("10.1037/a0018601");
    expect(r.source).toEqual({ file: "vds.ris", format: "ris", line: 1, sourceId: "1506" });
  });
  it("rejects a truncated file (no ER) and text outside records, naming the line", () => {
    const text = fx("van_de_Schoot_2017_included-3.ris");
    const cut = text.slice(0, text.lastIndexOf("ER  -"));
    const e = errorOf(() => parseRis(cut, "cut.ris"));
    expect(e.code).toBe("SC_IMPORT_PARSE");
    expect(e.message).toContain("no end tag");
    const e2 = errorOf(() => parseRis("garbage\nTY  - JOUR\nER  - \n", "g.ris"));
    expect(e2.location).toEqual({ file: "g.ris", line: 1 });
    const e3 = errorOf(() => parseRis("TY  - JOUR\nTI  - a\nTY  - JOUR\nER  - \n", "n.ris"));
    expect(e3.location?.line).toBe(3);
    expect(errorOf(() => parseRis("\n\n", "e.ris")).code).toBe("SC_IMPORT_EMPTY");
  });
});

