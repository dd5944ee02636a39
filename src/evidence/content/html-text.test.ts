import { describe, it, expect } from "vitest";
import { htmlToText } from "./html-text.js";

describe("htmlToText", () => {
  it("drops scripts, styles and noscript, keeps blocks on their own lines, and never runs scripts", () => {
    const html = `<html lang="zh-CN"><head><title> 医院 简介 </title><style>p{color:red}</style></head>
      <body><script>document.body.innerHTML = "被脚本替换"; globalThis.__ran = 1;</script>
      <h1>器官移植中心</h1><p>成立于<b>2001</b>年。</p><noscript>启用脚本</noscript><div>肝移植&nbsp;312例</div></body></html>`;
    const r = htmlToText(html);
    expect(r.text).toBe("器官移植中心\n成立于2001年。\n肝移植 312例");
    expect(r.title).toBe("医院 简介");
    expect(r.lang).toBe("zh-CN");
    expect((globalThis as Record<string, unknown>).__ran).toBeUndefined();
  });
  it("returns empty text and null title for an empty document", () => {
    expect(htmlToText("")).toEqual({ text: "", title: null, lang: null });
  });
});
