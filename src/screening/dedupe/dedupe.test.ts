import { describe, expect, it } from "vitest";
import { makeRecord, type ScreeningRecord } from "../records/record.js";
import { dedupeRecords, dice } from "./dedupe.js";
import { normaliseTitle } from "./normalise-title.js";

let k = 0;
const rec = (title: string, over: Partial<ScreeningRecord> = {}): ScreeningRecord =>
  makeRecord({ id: `r${++k}`, source: { file: "t", format: "csv", line: k }, title, ...over });

describe("normaliseTitle", () => {
  it("folds width, case, punctuation and traditional characters", () => {
    expect(normaliseTitle("Organ Procurement in China.")).toBe("organprocurementinchina");
    expect(normaliseTitle("腎臟移植供體與器官捐獻（ＡＢＣ）")).toBe("肾脏移植供体与器官捐献abc");
  });
});

describe("dedupeRecords", () => {
  k = 0;
  const rs = [
    rec("Organ procurement in China", { doi: "10.9999/x", year: 2019, abstract: "short" }), // r1
    rec("ORGAN PROCUREMENT IN CHINA: a different title but same DOI", { doi: "https://doi.org/10.9999/X", year: 2019 }), // r2 doi dup of r1
    rec("Organ Procurement in China.", { year: 2019, abstract: "a much longer abstract than r1 has" }), // r3 title dup
    rec("腎臟移植供體與器官捐獻", { year: 2005 }), // r4
    rec("肾脏移植供体与器官捐献", { year: 2005 }), // r5 title dup of r4 (traditional → simplified)
    rec("Organ procurement in Chna", { year: 2019 }), // r6 fuzzy: Dice 20*2/42 = 0.952 (python, bigram sets)
    rec("Organ procurement in China", { doi: "10.9999/other", year: 2019 }), // r7 same title, other DOI: kept apart
    rec("Organ procurement in China", { year: 2010 }), // r8 year too far: kept apart
    rec("Letter", { year: 2019 }), // r9
    rec("Letter", { year: 2019 }), // r10 too short to compare: kept apart
    rec("脑死亡供体心脏移植的临床经验", { year: 2003 }), // r11
    rec("脑死亡供体心脏移植临床经验", { year: 2003 }), // r12 Dice 0.88 (python) < 0.9: kept apart by default
  ];
  const res = dedupeRecords(rs);

  it("merges by DOI, normalised title and fuzzy title, reporting each reason", () => {
    expect(res.removed).toBe(4);
    expect(res.byReason).toEqual({ doi: 1, pmid: 0, title: 2, fuzzy: 1 });
    expect(res.groups).toEqual([
      {
        kept: "r1",
        removed: [
          { id: "r2", reason: "doi", of: "r1", similarity: 1 },
          { id: "r3", reason: "title", of: "r1", similarity: 1 },
          { id: "r6", reason: "fuzzy", of: "r1", similarity: 0.952381 },
        ],
      },
      { kept: "r4", removed: [{ id: "r5", reason: "title", of: "r4", similarity: 1 }] },
    ]);
    expect(res.records.map((r) => r.id)).toEqual(["r1", "r4", "r7", "r8", "r9", "r10", "r11", "r12"]);
  });

  it("fills the kept record's empty fields from its duplicates", () => {
    const r1 = res.records[0]!;
    expect(r1.abstract).toBe("short"); // r1 kept (has a DOI), its own abstract stays
    const lone = dedupeRecords([rec("Organ procurement in China", { year: 2019 }), rec("Organ procurement in China", { doi: "10.1234/a", journal: "J" })]);
    expect(lone.records).toHaveLength(1);
    expect(lone.records[0]!.doi).toBe("10.1234/a");
    expect(lone.records[0]!.year).toBe(2019);
    expect(lone.records[0]!.journal).toBe("J");
  });

  it("a lower threshold merges the 0.88 pair", () => {
    const r = dedupeRecords(rs.slice(10), { fuzzyThreshold: 0.85 });
    expect(r.removed).toBe(1);
    expect(r.groups[0]!.removed[0]!.similarity).toBe(0.88);
  });

  it("keeps apart what titles alone would merge (cases from the Cohen 2006 ASReview sets)", () => {
    const absA = "This study evaluated the efficacy and safety of guanfacine in children with tic disorders and ADHD over eight weeks.";
    const absB = "This study evaluated the efficacy and safety of lofexidine in children with tic disorders and ADHD over eight weeks.";
    const t1 = "A placebo-controlled study of guanfacine in the treatment of children with tic disorders and ADHD";
    const t2 = "A placebo-controlled study of lofexidine in the treatment of children with tic disorders and ADHD";
    // titles: bigram Dice ≥ 0.9; abstracts differ in two words: word sets of 18 and 18 sharing 16,
    // Dice = 32/36 = 0.889 < 0.95 (python: set(re.findall(r"\w+", a.lower())) on both)
    const r = dedupeRecords([rec(t1, { abstract: absA }), rec(t2, { abstract: absB.replace("eight", "twelve") })]);
    expect(r.removed).toBe(0);
    // without abstracts the titles alone would merge them: the guard is what keeps them apart
    expect(dedupeRecords([rec(t1), rec(t2)]).removed).toBe(1);
    // a comment on an article: title contained, 20 % longer
    const art = "Double-blind comparison of olanzapine versus risperidone in the treatment of schizophrenia";
    expect(dedupeRecords([rec(art), rec(`Comments on article by Tran, "${art}"`)]).removed).toBe(0);
    // different PubMed ids are different records, even with equal titles
    expect(dedupeRecords([rec(art, { pmid: "9315992" }), rec(art, { pmid: "9555605" })]).removed).toBe(0);
    expect(dedupeRecords([rec(art, { pmid: "9315992" }), rec(art)]).removed).toBe(1);
    // the same PubMed id in two exports is one record, whatever the titles say
    const same = dedupeRecords([rec(art, { pmid: "9315992" }), rec("Olanzapine vs risperidone (record from another export)", { pmid: "9315992" })]);
    expect(same.groups[0]!.removed[0]!.reason).toBe("pmid");
  });

  it("dice on sets", () => {
    expect(dice(new Set(["ab", "bc"]), new Set(["bc", "cd"]))).toBe(0.5);
    expect(dice(new Set(), new Set())).toBe(0);
  });
});
