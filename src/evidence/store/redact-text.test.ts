import { describe, it, expect } from "vitest";
import { redactText } from "./redact-text.js";

describe("redactText", () => {
  it("replaces longer terms first and counts replacements", () => {
    const r = redactText("证人张三丰说，张三丰的电话是13800000000；张三也在场。", ["张三", "张三丰", "13800000000"]);
    expect(r.text).toBe("证人[REDACTED]说，[REDACTED]的电话是[REDACTED]；[REDACTED]也在场。");
    // 张三丰 twice, the phone number once, 张三 once (counted by hand)
    expect(r.replaced).toBe(4);
  });
  it("ignores empty terms and leaves text without matches unchanged", () => {
    expect(redactText("no names here", ["", "Zhang"])).toEqual({ text: "no names here", replaced: 0 });
  });
});
