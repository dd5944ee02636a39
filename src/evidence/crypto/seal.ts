import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM sealing of sensitive values (witness names, contacts, identifiers). The sealed form is
 * the text "gcm1:" + base64(iv(12) || ciphertext || tag(16)). `aad` binds the ciphertext to its place
 * (e.g. "items/<id>/sensitive") so that a sealed value cannot be moved to another record unnoticed.
 */
const PREFIX = "gcm1:";

export function seal(key: Buffer, plaintext: Uint8Array, aad: string): string {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return PREFIX + Buffer.concat([iv, ct, c.getAuthTag()]).toString("base64");
}

/** Open a sealed value; throws if the key is wrong or the ciphertext, tag or aad were changed. */
export function unseal(key: Buffer, sealed: string, aad: string): Buffer {
  if (!sealed.startsWith(PREFIX)) throw new Error("not a sealed value");
  const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
  if (raw.length < 28) throw new Error("sealed value is truncated");
  const iv = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const ct = raw.subarray(12, raw.length - 16);
  const d = createDecipheriv("aes-256-gcm", key, iv);
  d.setAAD(Buffer.from(aad, "utf8"));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}
