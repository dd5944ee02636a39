import { describe, expect, it } from "vitest";
import { plainFileName } from "./safe-name.js";

describe("plainFileName", () => {
  it("keeps plain names, including Chinese ones", () => {
    expect(plainFileName("report.pdf")).toBe("report.pdf");
    expect(plainFileName("  器官移植 通知.html ")).toBe("器官移植 通知.html");
    expect(plainFileName(".hidden")).toBe(".hidden");
  });
  it.each([
    "../etc/passwd",
    "..",
    ".",
    "a/b.txt",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "a\\b.txt",
    "C:evil.txt",
    "x..y",
    "bad\u0000name.txt",
    "line\nbreak.txt",
    "invoice\u202etxt.exe",
    "",
    "   ",
    "a".repeat(256),
  ])("refuses %j", (name) => {
    expect(plainFileName(name)).toBeNull();
  });
  it("counts the 255-byte limit in UTF-8 bytes", () => {
    expect(plainFileName("器".repeat(85))).not.toBeNull(); // 255 bytes
    expect(plainFileName("器".repeat(86))).toBeNull(); // 258 bytes
  });
});
