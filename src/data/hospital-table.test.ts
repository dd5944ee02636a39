import { describe, it, expect } from "vitest";
import { fileURLToPath } from "node:url";
import { readUserHospitalTable, readShippedHospitalUnits, resolveDataFile, periodsClose } from "./hospital-table.js";
import { annualCapacity } from "../models/capacity.js";

const fx = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/models-other/${name}`, import.meta.url));

describe("user hospital table", () => {
  it("reads units with ranges, defaults and claims", () => {
    const { units, input } = readUserHospitalTable(fx("hospitals_user.csv"));
    expect(units).toHaveLength(3);
    expect(input.n).toBe(3);
    expect(input.sha256).toMatch(/^[0-9a-f]{64}$/);
    const [c9, renji, range] = units;
    expect(annualCapacity(c9!.beds, c9!.occupancy.low, c9!.stayDays.low)).toBeCloseTo(1216.6667, 4);
    expect(annualCapacity(renji!.beds, renji!.occupancy.low, renji!.stayDays.low)).toBe(5110);
    expect(renji!.claims[0]!.value).toBe(5000);
    expect(range!.stayDays).toMatchObject({ low: 20, high: 40, assumed: false });
    expect(range!.occupancy.assumed).toBe(true);
    expect(range!.transplantShare).toMatchObject({ low: 1, high: 1 });
  });
  it("a non-numeric cell names file, line and field", () => {
    expect(() => readUserHospitalTable(fx("hospitals_bad_beds.csv"))).toThrow(/hospitals_bad_beds\.csv:3, field "beds"/);
  });
  it("a reversed range names the field", () => {
    expect(() => readUserHospitalTable(fx("hospitals_bad_range.csv"))).toThrow(/hospitals_bad_range\.csv:2, field "stay_days_low"/);
  });
  it("turnover replaces occupancy and stay; surgeons are read; giving both is an error naming the field", () => {
    const { units } = readUserHospitalTable(fx("hospitals_turnover.csv"));
    expect(units[0]!.turnover).toMatchObject({ low: 10, high: 20, assumed: false });
    expect(units[0]!.surgeons!.value).toBe(6);
    expect(units[1]!.turnover).toBeUndefined();
    expect(() => readUserHospitalTable(fx("hospitals_turnover_conflict.csv"))).toThrow(/hospitals_turnover_conflict\.csv:2, field "stay_days"/);
  });
  it("a missing required column is named", () => {
    expect(() => readUserHospitalTable(fx("too_short.csv"))).toThrow(/column "hospital" not found/);
  });
});

describe("shipped hospital table", () => {
  it("resolves a directory argument", () => {
    expect(resolveDataFile("x.csv", "/tmp/d")).toBe("/tmp/d/x.csv");
  });
  for (const variant of ["shared", "curated"] as const) {
    it(`builds units from transplant_beds rows only, with reported utilisation and stays (${variant} copy)`, () => {
      const dir = fileURLToPath(new URL(`../../test/fixtures/models-other/${variant}/`, import.meta.url));
      const { units, input } = readShippedHospitalUnits(dir);
      expect(units).toHaveLength(27);
      expect(input.name).toBe("data/china_hospital_capacity.csv");
      // no planned beds (Tianjin 500 planned in 2002-11 is excluded)
      expect(units.some((u) => u.period === "2002-11")).toBe(false);
      const tj = units.filter((u) => u.hospital.startsWith("Tianjin First Central"));
      expect(tj.map((u) => u.beds)).toEqual([120, 500, 700]);
      // utilisation 90% (WOIPFG2020_TJ) to 131.1% (U2017_15)
      expect(tj[0]!.occupancy.low).toBeCloseTo(0.9, 12);
      expect(tj[0]!.occupancy.high).toBeCloseTo(1.311, 12);
      expect(tj[0]!.claims.map((c) => c.value)).toEqual([647]);
      // Renji's 5-day stay is a whole-urology figure ("not transplant-specific"): not used, default kept
      const renji = units.find((u) => u.hospital.startsWith("Renji") && u.organ === "kidney")!;
      expect(renji.stayDays.assumed).toBe(true);
      expect(renji.stayDays.basis).toContain("not used");
      // Zhengzhou No. 7: 130% utilisation and COHRC's assumed 20-day stay -> COHRC's own 1,091
      const zz7 = units.find((u) => u.hospital.startsWith("Zhengzhou No. 7"))!;
      expect(zz7.stayDays).toMatchObject({ low: 20, high: 20, assumed: true });
      expect(annualCapacity(zz7.beds, zz7.occupancy.low, zz7.stayDays.low)).toBeCloseTo((46 * 1.3 * 365) / 20, 9);
      expect(Math.round(annualCapacity(zz7.beds, zz7.occupancy.low, zz7.stayDays.low))).toBe(1091);
      // surgeons of the same hospital and organ are attached (Renji liver: 24, GANJING_RENJI)
      const renjiLiver = units.find((u) => u.hospital.startsWith("Renji") && u.organ === "liver")!;
      expect(renjiLiver.surgeons!.value).toBe(24);
    });
  }
  it("the default location reads whichever shipped copy exists", () => {
    expect(readShippedHospitalUnits().units.length).toBeGreaterThan(10);
  });
  it("claims are compared only with bed counts within 2 years (or undated)", () => {
    expect(periodsClose("2006-09", "2005")).toBe(true);
    expect(periodsClose("2006-09", "1998")).toBe(false);
    expect(periodsClose("undated (COHRC compilation)", "1998")).toBe(true);
  });
});
