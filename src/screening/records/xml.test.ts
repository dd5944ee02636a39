import { describe, expect, it } from "vitest";
import { at, childrenNamed, parseXml, textOf, XmlSyntaxError } from "./xml.js";

function syntaxLine(src: string): { line: number; message: string } {
  try {
    parseXml(src);
  } catch (e) {
    expect(e).toBeInstanceOf(XmlSyntaxError);
    return { line: (e as XmlSyntaxError).line, message: (e as Error).message };
  }
  throw new Error("expected an XmlSyntaxError");
}

describe("parseXml", () => {
  it("reads elements, attributes, entities, character references, CDATA; skips comments, PIs and DOCTYPE", () => {
    const root = parseXml(`<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "y">]>\n<!-- c -->\n<a k="1 &amp; 2" j='q'><b>x &lt; y &#20379;&#x4F53;</b><![CDATA[<raw>]]><b/><?pi ?></a>\n`);
    expect(root.name).toBe("a");
    expect(root.attrs).toEqual({ k: "1 & 2", j: "q" });
    expect(childrenNamed(root, "b")).toHaveLength(2);
    expect(textOf(at(root, "b"))).toBe("x < y 供体");
    expect(textOf(root)).toBe("x < y 供体<raw>");
  });
  it.each([
    ["<a>\n<b>\n</a>", 3, "does not match <b>"],
    ["<a>\n<b>", 2, "not closed"],
    ["<a>&nbsp;</a>", 1, "unknown entity"], // declared entities are never expanded
    ["<a>& b</a>", 1, "must start an entity"],
    ["<a>&#x110000;</a>", 1, "invalid character reference"],
    ["<a></a>\n<b/>", 2, "after the root"],
    ["", 1, "no root element"],
    ['<a k="1></a>', 1, "attribute"],
  ] as const)("%j: error on line %i", (src, line, text) => {
    const e = syntaxLine(src);
    expect(e.line).toBe(line);
    expect(e.message).toContain(text);
  });
});
