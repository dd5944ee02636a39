import { describe, it, expect } from "vitest";
import { fileURLToPath } from "node:url";
import { readWaitData, countryContext, daysPerUnit, organOfClaim, waitClaimsFromTable } from "./wait-claims.js";
import { readCsvFile } from "./user-csv.js";
import { yearsOfPeriod } from "../models/waittime.js";

const dir = (v: string): string => fileURLToPath(new URL(`../../test/fixtures/models-other/${v}/`, import.meta.url));

describe("wait-claims adapters", () => {
  for (const variant of ["shared", "curated"] as const) {
    it(`reads claims, ABO, donors and comparators (${variant} copy)`, () => {
      const d = readWaitData(dir(variant));
      // 36 rows: 2 are not waits (ratio, patients) and 2 Chinese rows (CD2017, HUXIU2026) have no value
      expect(d.claims).toHaveLength(32);
      const tj = d.claims[0]!;
      expect(tj).toMatchObject({ country: "China", organ: "liver", period: "2003-2006", waitDaysLow: 14, waitDaysHigh: 14, statistic: "mean", statisticStated: true, sourceId: "STOPOH", line: 2 });
      const chaoyang = d.claims.find((c) => c.sourceId === "U2017_20")!;
      expect(chaoyang).toMatchObject({ waitDaysLow: 7, waitDaysHigh: 14, statistic: "median", statisticStated: false });
      // SUN2022 national phenotypes; US MBC phenotypes summed over Rh (O 38+7, A 34+6, B 9+2, AB 3+1)
      expect(d.abo.get("China")!.frequencies).toEqual({ A: 28.72, B: 28.17, O: 34.2, AB: 8.91 });
      expect(d.abo.get("United States")!.frequencies).toEqual({ A: 40, B: 11, O: 45, AB: 4 });
      // official full-year national deceased donors: 2016 = 4,080 (CD2017); 2010: largest of 34 and 63
      expect(d.chinaDonors.get(2016)!.value).toBe(4080);
      expect(d.chinaDonors.get(2010)!.value).toBe(63);
      expect(d.chinaDonors.has(2005)).toBe(false);
      const us = countryContext(d, { country: "United States", organ: "liver", period: "2013" }, [2013]);
      // GODT 2013 USA: 8,269 donors, 6,203 deceased-donor liver transplants
      expect(us.donorsByYear.get(2013)!.value).toBe(8269);
      expect(us.usable!).toBeCloseTo(6203 / 8269, 12);
      const cn = countryContext(d, { country: "China", organ: "kidney", period: "2016" }, [2016]);
      expect(cn.usable!).toBeCloseTo(7224 / 4080, 12);
      expect(cn.voluntaryStartYear).toBe(2010);
      const it = countryContext(d, { country: "Italy", organ: "liver", period: "2018" }, yearsOfPeriod("2018"));
      expect(it.frequencies).toBeNull();
    });
  }
  it("units and organs", () => {
    expect(daysPerUnit("weeks")).toBe(7);
    expect(daysPerUnit("years (more than)")).toBe(365.25);
    expect(daysPerUnit("percent")).toBeNull();
    expect(organOfClaim("unspecified (liver per EPOCH2016_TJ)")).toBe("liver");
    expect(organOfClaim("kidney (adults)")).toBe("kidney");
  });
  it("a non-numeric wait names file, line and field", () => {
    const f = fileURLToPath(new URL("../../test/fixtures/models-other/wait_bad.csv", import.meta.url));
    expect(() => waitClaimsFromTable(readCsvFile(f).table)).toThrow(/wait_bad\.csv:2, field "value"/);
  });
});
