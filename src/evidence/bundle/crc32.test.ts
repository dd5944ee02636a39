import { describe, it, expect } from "vitest";
import { crc32 } from "./crc32.js";

// Reference values: python3 -c "import zlib; print(zlib.crc32(b'123456789'), zlib.crc32('器官移植'.encode()), zlib.crc32(b''))"
//   -> 3421780262 (0xCBF43926, the standard check value) 1464841575 0
describe("crc32", () => {
  it("matches zlib", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(3421780262);
    expect(crc32(Buffer.from("器官移植"))).toBe(1464841575);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
  it("is incremental", () => {
    expect(crc32(Buffer.from("56789"), crc32(Buffer.from("1234")))).toBe(3421780262);
  });
});
