import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../data/package.js";
import { buildDateOf, buildReport, displayPath, gitCommit, resolveRecordedPath } from "./build.js";

describe("build helpers", () => {
  it("SOURCE_DATE_EPOCH gives an ISO date; unset gives none; junk is a usage error", () => {
    // python: datetime.datetime.fromtimestamp(0, datetime.UTC) -> 1970-01-01 00:00:00+00:00
    expect(buildDateOf("0")).toBe("1970-01-01T00:00:00Z");
    expect(buildDateOf("1700000000")).toBe("2023-11-14T22:13:20Z");
    expect(buildDateOf(null)).toBeNull();
    expect(buildDateOf("")).toBeNull();
    expect(() => buildDateOf("yesterday")).toThrow(/SOURCE_DATE_EPOCH must be a whole number/);
  });

  it("paths inside the package are recorded relative to it, others absolute", () => {
    const root = packageRoot();
    expect(displayPath(join(root, "data", "sources.csv"))).toBe("data/sources.csv");
    expect(displayPath("/etc/hostname")).toBe("/etc/hostname");
    expect(resolveRecordedPath("data/sources.csv")).toBe(join(root, "data", "sources.csv"));
    expect(resolveRecordedPath("/etc/hostname")).toBe("/etc/hostname");
  });

  it("the commit is a hex hash or 'unknown' outside a repository", () => {
    expect(gitCommit()).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(gitCommit("/")).toBe("unknown");
  });
});

describe("report on the shipped data with the standard audit", () => {
  it("builds in seconds and twice gives identical bytes", async () => {
    const t0 = Date.now();
    const a = await buildReport({ commit: "unknown", sourceDateEpoch: null });
    const seconds = (Date.now() - t0) / 1000;
    const b = await buildReport({ commit: "unknown", sourceDateEpoch: null });
    expect(a.html).toBe(b.html);
    expect(a.manifestText).toBe(b.manifestText);
    expect(seconds).toBeLessThan(30);
    expect(a.audit.findings.length).toBeGreaterThan(0);
    expect(a.html).not.toMatch(/\bNaN\b|\bInfinity\b|>undefined<|= undefined\b|\[object Object\]/);
    for (const f of a.audit.findings) expect(a.html).toContain(`id="${f.id}"`);
  }, 120_000);
});
