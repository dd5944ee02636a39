import { describe, it, expect } from "vitest";
import { guessLanguage } from "./language.js";

describe("guessLanguage", () => {
  it("tells simplified, traditional, English, mixed and undetermined text apart", () => {
    expect(guessLanguage("江川市第三人民医院器官移植中心成立于2001年，是省卫生健康委员会批准的定点单位。")).toBe("zh-Hans");
    expect(guessLanguage("本院器官移植發展歷程：一九九九年開始進行活體肝臟移植，至今累計完成四百餘例。")).toBe("zh-Hant");
    expect(guessLanguage("The centre reported 1,024 liver transplants in 2007.")).toBe("en");
    expect(
      guessLanguage("The centre reported 1,024 liver transplants in 2007 and announced an average waiting time of 7 days. 中心表示，2007年共完成肝移植1024例，平均等待时间七天。"),
    ).toBe("mixed");
    expect(guessLanguage("2007 — 1,024 / 312")).toBe("und");
  });
});
