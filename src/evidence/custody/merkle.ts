import { createHash } from "node:crypto";

/**
 * Merkle tree hashing and proofs of RFC 6962 / RFC 9162 §2.1 (pure: no I/O).
 *   leaf hash = SHA-256(0x00 || entry bytes)
 *   node hash = SHA-256(0x01 || left || right)
 *   MTH({})   = SHA-256("")
 * Hashes are 32-byte Buffers; helpers convert to and from lower-case hex.
 */

export type Hash = Buffer;

export function sha256(...parts: Uint8Array[]): Hash {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(entry: Uint8Array): Hash {
  return sha256(LEAF_PREFIX, entry);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return sha256(NODE_PREFIX, left, right);
}

export const EMPTY_ROOT: Hash = sha256();

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of the leaf hashes leaves[start, end). */
export function rootOfRange(leaves: readonly Hash[], start = 0, end = leaves.length): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[start] as Hash;
  const k = splitPoint(n);
  return nodeHash(rootOfRange(leaves, start, start + k), rootOfRange(leaves, start + k, end));
}

/** Audit path PATH(m, D[n]) for leaf index m in a tree of the first n leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(leaves: readonly Hash[], index: number, treeSize = leaves.length): Hash[] {
  if (!(index >= 0 && index < treeSize && treeSize <= leaves.length)) {
    throw new RangeError(`inclusionProof: index ${index} out of range for tree size ${treeSize}`);
  }
  const path = (m: number, start: number, end: number): Hash[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...path(m, start, start + k), rootOfRange(leaves, start + k, end)];
    return [...path(m - k, start + k, end), rootOfRange(leaves, start, start + k)];
  };
  return path(index, 0, treeSize);
}

/** Consistency proof PROOF(m, D[n]) between tree sizes m < n (RFC 9162 §2.1.4.1). */
export function consistencyProof(leaves: readonly Hash[], oldSize: number, newSize = leaves.length): Hash[] {
  if (!(oldSize > 0 && oldSize <= newSize && newSize <= leaves.length)) {
    throw new RangeError(`consistencyProof: sizes ${oldSize} -> ${newSize} out of range`);
  }
  if (oldSize === newSize) return [];
  const sub = (m: number, start: number, end: number, complete: boolean): Hash[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [rootOfRange(leaves, start, end)];
    const k = splitPoint(n);
    if (m <= k) return [...sub(m, start, start + k, complete), rootOfRange(leaves, start + k, end)];
    return [...sub(m - k, start + k, end, false), rootOfRange(leaves, start, start + k)];
  };
  return sub(oldSize, 0, newSize, true);
}

/** Verify an inclusion proof (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(treeSize) && index >= 0 && index < treeSize)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Verify a consistency proof between (oldSize, oldRoot) and (newSize, newRoot) (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize))) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0; // the empty tree is consistent with every tree
  if (oldSize > newSize || proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

/**
 * Compact range of a growing tree: the roots of the perfect subtrees of the binary decomposition of
 * its size. Appending is O(log n) and the root is O(log n), so a log of millions of entries can be
 * extended without rereading it.
 */
export class MerkleFrontier {
  private stack: { size: number; hash: Hash }[] = [];
  private n = 0;

  static fromLeaves(leaves: Iterable<Hash>): MerkleFrontier {
    const f = new MerkleFrontier();
    for (const l of leaves) f.append(l);
    return f;
  }

  get size(): number {
    return this.n;
  }

  append(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top || top.size !== node.size) break;
      this.stack.pop();
      node = { size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
    }
    this.stack.push(node);
    this.n += 1;
  }

  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = (this.stack[this.stack.length - 1] as { hash: Hash }).hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash((this.stack[i] as { hash: Hash }).hash, r);
    return r;
  }

  clone(): MerkleFrontier {
    const f = new MerkleFrontier();
    f.stack = this.stack.map((s) => ({ ...s }));
    f.n = this.n;
    return f;
  }
}

export const toHex = (h: Hash): string => h.toString("hex");
export function fromHex(s: string): Hash {
  if (!/^[0-9a-f]{64}$/.test(s)) throw new TypeError(`not a SHA-256 hex digest: ${s.slice(0, 80)}`);
  return Buffer.from(s, "hex");
}
