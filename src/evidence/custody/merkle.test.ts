import { describe, it, expect } from "vitest";
import {
  EMPTY_ROOT,
  MerkleFrontier,
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  rootOfRange,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.js";

// Test data and roots of the Certificate Transparency reference implementation
// (certificate-transparency/cpp merkletree/merkle_tree_test.cc, RFC 6962 hashing). The roots and the
// proofs below were recomputed independently in python with a direct transcription of RFC 9162 §2.1:
//   H=lambda b: hashlib.sha256(b).digest()
//   def mth(D): n=len(D); ... return H(b'\x01'+mth(D[:k])+mth(D[k:]))   (k = largest power of 2 < n)
//   def path(m,D) / def sub(m,D,b)  as in RFC 9162 §2.1.3.1 / §2.1.4.1
const DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(
  (h) => Buffer.from(h, "hex"),
);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const leaves = DATA.map((d) => leafHash(d));

describe("RFC 6962 Merkle tree hash", () => {
  it("empty tree is SHA-256 of the empty string", () => {
    expect(toHex(EMPTY_ROOT)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
  it("matches the CT reference roots for sizes 1..8, recursively and incrementally", () => {
    const f = new MerkleFrontier();
    for (let n = 1; n <= 8; n++) {
      expect(toHex(rootOfRange(leaves, 0, n))).toBe(ROOTS[n - 1]);
      f.append(leaves[n - 1]!);
      expect(toHex(f.root())).toBe(ROOTS[n - 1]);
    }
  });
  it("audit paths equal the reference and verify", () => {
    expect(inclusionProof(leaves, 0, 8).map(toHex)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(inclusionProof(leaves, 5, 8).map(toHex)).toEqual([
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    for (let n = 1; n <= 8; n++) {
      for (let m = 0; m < n; m++) {
        const p = inclusionProof(leaves, m, n);
        expect(verifyInclusion(leaves[m]!, m, n, p, fromHex(ROOTS[n - 1]!))).toBe(true);
        // wrong index or wrong leaf fails
        if (n > 1) expect(verifyInclusion(leaves[m]!, (m + 1) % n, n, p, fromHex(ROOTS[n - 1]!))).toBe(false);
        expect(verifyInclusion(leaves[(m + 1) % 8]!, m, n, p, fromHex(ROOTS[n - 1]!))).toBe(false);
      }
    }
  });
  it("consistency proofs equal the reference and verify for every pair of sizes", () => {
    expect(consistencyProof(leaves, 3, 7).map(toHex)).toEqual([
      "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
      "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
    ]);
    expect(consistencyProof(leaves, 4, 8).map(toHex)).toEqual([
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(consistencyProof(leaves, 6, 8).map(toHex)).toEqual([
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    for (let n = 1; n <= 8; n++) {
      for (let m = 1; m <= n; m++) {
        const p = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, fromHex(ROOTS[m - 1]!), fromHex(ROOTS[n - 1]!), p)).toBe(true);
        if (m < n) {
          // a rewritten history (different old root) is rejected
          expect(verifyConsistency(m, n, leafHash(Buffer.from("forged")), fromHex(ROOTS[n - 1]!), p)).toBe(false);
          expect(verifyConsistency(m, n, fromHex(ROOTS[m - 1]!), leafHash(Buffer.from("x")), p)).toBe(false);
        }
      }
    }
  });
  it("frontier agrees with the recursive root on 1..300 leaves", () => {
    const many = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`entry-${i}`)));
    const f = new MerkleFrontier();
    many.forEach((l, i) => {
      f.append(l);
      if (i % 17 === 0 || i === 299) expect(f.root().equals(rootOfRange(many, 0, i + 1))).toBe(true);
    });
    expect(f.size).toBe(300);
  });
});
