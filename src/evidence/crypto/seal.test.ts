import { describe, it, expect } from "vitest";
import { randomBytes } from "node:crypto";
import { seal, unseal } from "./seal.js";

describe("AES-256-GCM sealing", () => {
  const key = randomBytes(32);
  it("round-trips and never contains the plaintext", () => {
    const s = seal(key, Buffer.from("证人 Zhang San, +86 138 0000 0000"), "items/x/sensitive");
    expect(s.startsWith("gcm1:")).toBe(true);
    expect(s).not.toContain("Zhang");
    expect(unseal(key, s, "items/x/sensitive").toString()).toBe("证人 Zhang San, +86 138 0000 0000");
  });
  it("rejects a wrong key, a wrong aad and any flipped byte", () => {
    const s = seal(key, Buffer.from("secret"), "a");
    expect(() => unseal(randomBytes(32), s, "a")).toThrow();
    expect(() => unseal(key, s, "b")).toThrow();
    const raw = Buffer.from(s.slice(5), "base64");
    for (let i = 0; i < raw.length; i++) {
      const t = Buffer.from(raw);
      t[i] = t[i]! ^ 1;
      expect(() => unseal(key, "gcm1:" + t.toString("base64"), "a")).toThrow();
    }
  });
});
