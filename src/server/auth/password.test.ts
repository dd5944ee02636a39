import { describe, expect, it } from "vitest";
import { hashPassword, randomPassword, verifyPassword } from "./password.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe("scrypt password hashes", () => {
  it("stores scrypt$N$r$p$salt$hash with a fresh salt and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery", FAST);
    const b = await hashPassword("correct horse battery", FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b); // per-user salt
    expect(a).not.toContain("correct");
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("uses the default cost N=2^15 and normalises Unicode (NFC) so a composed and a decomposed é match", async () => {
    const h = await hashPassword("caf\u00e9-密码-passphrase");
    expect(h.startsWith("scrypt$32768$8$1$")).toBe(true);
    expect(await verifyPassword("cafe\u0301-密码-passphrase", h)).toBe(true);
  });

  it("rejects malformed or tampered stored hashes without throwing", async () => {
    const h = await hashPassword("secret-secret", FAST);
    const parts = h.split("$");
    expect(await verifyPassword("secret-secret", "plain")).toBe(false);
    expect(await verifyPassword("secret-secret", parts.slice(0, 5).join("$"))).toBe(false);
    expect(await verifyPassword("secret-secret", [...parts.slice(0, 5), "AAAA"].join("$"))).toBe(false); // short key
    expect(await verifyPassword("secret-secret", ["scrypt", String(2 ** 24), ...parts.slice(2)].join("$"))).toBe(false); // absurd cost
  });

  it("random passwords are 24 url-safe characters and differ", () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomPassword()).not.toBe(a);
  });
});
