import { describe, it, expect } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { keyIdOf, publicKeyFromBase64, publicKeyToBase64, signTreeHead, treeHeadBytes, verifyTreeHead } from "./sth.js";
import { entryBytes, rowDigest } from "./entry.js";

describe("signed tree heads", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const head = { v: 1 as const, archiveId: "arc-test", treeSize: 3, rootHash: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77", timestamp: "2026-11-28T00:00:00.000Z", keyId: keyIdOf(publicKey) };
  it("signs canonical bytes and verifies; any changed field fails", () => {
    expect(treeHeadBytes(head).toString()).toBe(
      `{"archiveId":"arc-test","keyId":"${head.keyId}","rootHash":"${head.rootHash}","timestamp":"2026-11-28T00:00:00.000Z","treeSize":3,"v":1}`,
    );
    const sth = signTreeHead(head, privateKey);
    expect(verifyTreeHead(sth, publicKey)).toBe(true);
    expect(verifyTreeHead(sth, publicKeyFromBase64(publicKeyToBase64(publicKey)))).toBe(true);
    expect(verifyTreeHead({ ...sth, treeSize: 4 }, publicKey)).toBe(false);
    expect(verifyTreeHead({ ...sth, rootHash: "0".repeat(64) }, publicKey)).toBe(false);
    expect(verifyTreeHead({ ...sth, signature: "AAAA" }, publicKey)).toBe(false);
    expect(verifyTreeHead(sth, generateKeyPairSync("ed25519").publicKey)).toBe(false);
  });
});

describe("log entries and row digests", () => {
  it("entries serialise canonically (sorted keys, no whitespace)", () => {
    const b = entryBytes({ v: 1, seq: 0, time: "t", actor: "a", action: "init", data: { z: 1, a: "器官" } });
    expect(b.toString("utf8")).toBe('{"action":"init","actor":"a","data":{"a":"器官","z":1},"seq":0,"time":"t","v":1}');
  });
  it("row digests ignore excluded columns and key order, and see every other change", () => {
    // python3 -c "import hashlib;print(hashlib.sha256(b'{\"row\":{\"id\":\"x\",\"n\":1},\"table\":\"t\"}').hexdigest())"
    expect(rowDigest("t", { n: 1, id: "x" })).toBe("d2024c241e125e1a34330eebf943df51be8bdf34a3ec9412b81ca42884f3acc7");
    expect(rowDigest("t", { id: "x", n: 1, secret: "a" }, ["secret"])).toBe(rowDigest("t", { id: "x", n: 1, secret: "b" }, ["secret"]));
    expect(rowDigest("t", { id: "x", n: 1 })).not.toBe(rowDigest("t", { id: "x", n: 2 }));
    expect(rowDigest("t", { id: "x", n: 1 })).not.toBe(rowDigest("u", { id: "x", n: 1 }));
  });
});
