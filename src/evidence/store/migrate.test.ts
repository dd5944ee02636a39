import { describe, it, expect } from "vitest";
import { isMissingModule } from "./migrate.js";

describe("optional migration modules", () => {
  it("treats an absent module as absent, but a module with a broken import as an error", async () => {
    const absent = "../../../test/fixtures/evidence/core/modules/no-such-module.js";
    const e1 = await import(absent).catch((e: unknown) => e);
    expect(isMissingModule(e1, absent)).toBe(true);
    const broken = "../../../test/fixtures/evidence/core/modules/bad-import.js";
    const e2 = await import(broken).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(Error);
    expect(isMissingModule(e2, broken)).toBe(false);
  });
});
