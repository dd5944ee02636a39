import { describe, it, expect } from "vitest";
import { isAllowedBundleName, isTraversalName } from "./format.js";

describe("bundle entry names", () => {
  it("allows only the manifest, the log slice, sensitive file and hash-named blobs", () => {
    expect(isAllowedBundleName("manifest.json")).toBe(true);
    expect(isAllowedBundleName("log/entries.jsonl")).toBe(true);
    expect(isAllowedBundleName(`blobs/sha256/${"a".repeat(64)}`)).toBe(true);
    expect(isAllowedBundleName(`blobs/sha256/${"A".repeat(64)}`)).toBe(false);
    expect(isAllowedBundleName("blobs/sha256/../../x")).toBe(false);
    expect(isAllowedBundleName("notes.txt")).toBe(false);
  });
  it("recognises traversal attempts", () => {
    for (const n of ["../../evil.txt", "/tmp/evil.txt", "blobs\\..\\x", "C:/x", "a/./b", "a/../../b"]) expect(isTraversalName(n)).toBe(true);
    for (const n of ["manifest.json", "blobs/sha256/abc", "a..b/c"]) expect(isTraversalName(n)).toBe(false);
  });
});
