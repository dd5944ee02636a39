import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../../core/canonical.js";
import { sha256Hex } from "../../core/hash.js";

/**
 * Signed tree head (pure apart from node:crypto): the archive's statement "my custody log had
 * `treeSize` entries with Merkle root `rootHash` at `timestamp`", signed with Ed25519.
 * The signed bytes are the canonical JSON of the head without its signature.
 */
export interface TreeHead {
  v: 1;
  archiveId: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  keyId: string;
}

export interface SignedTreeHead extends TreeHead {
  /** base64 Ed25519 signature over treeHeadBytes(head) */
  signature: string;
}

export const signedTreeHeadSchema = z.object({
  v: z.literal(1),
  archiveId: z.string(),
  treeSize: z.number().int().positive(),
  rootHash: z.string().regex(/^[0-9a-f]{64}$/),
  timestamp: z.string(),
  keyId: z.string(),
  signature: z.string(),
});

export function treeHeadBytes(h: TreeHead): Buffer {
  const { v, archiveId, treeSize, rootHash, timestamp, keyId } = h;
  return Buffer.from(canonicalJson({ v, archiveId, treeSize, rootHash, timestamp, keyId }), "utf8");
}

/** Key id: first 16 hex digits of SHA-256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" })).slice(0, 16);
}

export function publicKeyToBase64(publicKey: KeyObject): string {
  return publicKey.export({ type: "spki", format: "der" }).toString("base64");
}

export function publicKeyFromBase64(b64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(b64, "base64"), format: "der", type: "spki" });
}

export function signTreeHead(h: TreeHead, privateKey: KeyObject): SignedTreeHead {
  return { ...h, signature: sign(null, treeHeadBytes(h), privateKey).toString("base64") };
}

export function verifyTreeHead(h: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, treeHeadBytes(h), publicKey, Buffer.from(h.signature, "base64"));
  } catch {
    return false;
  }
}
