import { describe, it, expect } from "vitest";
import { BUNDLE_FORMAT, isAllowedBundleName, isTraversalName, manifestSchema } from "./format.js";

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

describe("claims rows in the manifest", () => {
  const base = {
    format: BUNDLE_FORMAT,
    version: 1,
    archiveId: "a",
    publicKey: "k",
    keyId: "i",
    createdAt: "2026-11-28T00:00:00Z",
    createdBy: "t",
    includesSensitive: false,
    treeHead: { v: 1, archiveId: "a", treeSize: 1, rootHash: "0".repeat(64), timestamp: "t", keyId: "i", signature: "s" },
    items: [],
    proofs: [],
    omitted: [],
  };
  const parse = (claims: unknown): boolean => manifestSchema.safeParse({ ...base, claims }).success;
  it("accepts bundles without claims and the five claims tables with scalar rows", () => {
    expect(manifestSchema.safeParse(base).success).toBe(true);
    expect(parse({ case_claim: [{ id: "C1", title: "t", position: 3, case_id: null }], case_link: [] })).toBe(true);
  });
  it("refuses other tables, rows without a text id, nested values and odd column names", () => {
    expect(parse({ items: [{ id: "x" }] })).toBe(false);
    expect(parse({ schema_migrations: [{ id: "x" }] })).toBe(false);
    expect(parse({ case_claim: [{ title: "no id" }] })).toBe(false);
    expect(parse({ case_claim: [{ id: "" }] })).toBe(false);
    expect(parse({ case_claim: [{ id: 5 }] })).toBe(false);
    expect(parse({ case_claim: [{ id: "C1", title: { nested: true } }] })).toBe(false);
    expect(parse({ case_claim: [{ id: "C1", "title; drop table items": "x" }] })).toBe(false);
    expect(parse({ case_claim: [{ id: "C1", Title: "x" }] })).toBe(false);
  });
});
