import { describe, expect, it } from "vitest";
import { clearedSessionCookie, readCookie, sessionCookie, tokenHash } from "./sessions.js";

describe("session cookies", () => {
  it("reads one cookie among others, exactly by name", () => {
    expect(readCookie("a=1; oa_session=tok; b=2", "oa_session")).toBe("tok");
    expect(readCookie("xoa_session=evil; oa_session=good", "oa_session")).toBe("good");
    expect(readCookie("oa_session_x=1", "oa_session")).toBeUndefined();
    expect(readCookie("garbage", "oa_session")).toBeUndefined();
    expect(readCookie(undefined, "oa_session")).toBeUndefined();
    expect(readCookie("oa_session=a=b", "oa_session")).toBe("a=b");
  });

  it("writes HttpOnly SameSite=Strict cookies, Secure on request, and a clearing cookie", () => {
    expect(sessionCookie("T", 3600.7, false)).toBe("oa_session=T; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
    expect(sessionCookie("T", 60, true)).toBe("oa_session=T; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
    expect(clearedSessionCookie(false)).toBe("oa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  });

  it("stores SHA-256 of the token (known vector)", () => {
    // printf 'abc' | sha256sum
    expect(tokenHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
