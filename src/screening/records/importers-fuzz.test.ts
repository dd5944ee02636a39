import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OrganAuditError } from "../../core/errors.js";
import { createRng } from "../../stats/rng.js";
import { parseCnki } from "./cnki.js";
import { parseCsvRecords } from "./csv-records.js";
import { parseMedline } from "./medline.js";
import { parsePubmedXml } from "./pubmed-xml.js";
import { type ScreeningRecord } from "./record.js";
import { parseRis } from "./ris.js";

const fx = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screening/s1/${name}`, import.meta.url), "utf8");

describe("importers survive malformed input (seeded fuzzing): a full import or an OrganAuditError, nothing else", () => {
  const cases: [string, (t: string) => ScreeningRecord[]][] = [
    ["van_de_Schoot_2017_included-3.ris", (t) => parseRis(t, "f.ris")],
    ["asreview-invented.csv", (t) => parseCsvRecords(t, "f.csv")],
    ["asreview-invented.tsv", (t) => parseCsvRecords(t, "f.tsv", { delimiter: "\t" })],
    ["medline-invented.nbib", (t) => parseMedline(t, "f.nbib")],
    ["pubmed-invented.xml", (t) => parsePubmedXml(t, "f.xml")],
    ["cnki-estudy-invented.txt", (t) => parseCnki(t, "f.txt")],
    ["cnki-endnote-invented.txt", (t) => parseCnki(t, "f.txt")],
    ["cnki-refworks-invented.txt", (t) => parseCnki(t, "f.txt")],
    ["wanfang-noteexpress-invented.txt", (t) => parseCnki(t, "f.txt")],
  ];
  const GARBAGE = ["\u0000", "<", ">", '"', "&", "\n", "\r", "TY  - ", "ER  - ", "%0 ", "PMID- ", "{", "}", "：", "供", "\ufffd", "]]>"];
  it.each(cases)("%s", (name, parse) => {
    const text = fx(name);
    const rng = createRng(20261128);
    let ok = 0;
    let failed = 0;
    for (let k = 0; k < 300; k++) {
      const chars = Array.from(text);
      const kind = k % 4;
      let mutated: string;
      const pos = rng.int(chars.length);
      if (kind === 0) mutated = chars.slice(0, pos).join(""); // truncation
      else if (kind === 1) mutated = [...chars.slice(0, pos), ...chars.slice(pos + 1 + rng.int(40))].join(""); // deletion
      else if (kind === 2) mutated = [...chars.slice(0, pos), GARBAGE[rng.int(GARBAGE.length)]!, ...chars.slice(pos)].join(""); // insertion
      else {
        const lines = text.split("\n");
        const a = rng.int(lines.length);
        const b = rng.int(lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!]; // swapped lines
        mutated = lines.join("\n");
      }
      try {
        const recs = parse(mutated);
        expect(recs.length).toBeGreaterThan(0);
        for (const r of recs) {
          expect(typeof r.title).toBe("string");
          expect(Array.isArray(r.authors)).toBe(true);
          expect(r.year === null || Number.isInteger(r.year)).toBe(true);
        }
        ok++;
      } catch (e) {
        if (!(e instanceof OrganAuditError)) throw new Error(`mutation ${k} of ${name} threw ${String(e)}`, { cause: e });
        expect(e.message.length).toBeGreaterThan(10);
        failed++;
      }
    }
    expect(ok + failed).toBe(300);
  });
});
