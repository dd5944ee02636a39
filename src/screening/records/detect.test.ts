import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect.js";


describe("detectFormat", () => {
  it.each([
    ["a.ris", "TY  - JOUR\n", "ris"],
    ["a.txt", "PMID- 1\n", "medline"],
    ["a.xml", '<?xml version="1.0"?><PubmedArticleSet/>', "pubmed-xml"],
    ["a.txt", "DataType: 1\nTitle-题名: x", "cnki"],
    ["a.txt", "%0 Journal Article\n", "cnki"],
    ["a.txt", "RT Journal Article\nA1 张三", "cnki"],
    ["a.csv", "title,abstract\n", "csv"],
    ["a.tsv", "title\tabstract\n", "tsv"],
    ["paper.txt", "正文", "txt"],
    ["x.bin", "%PDF-1.7", "pdf"],
    ["x.bin", "??", null],
  ] as const)("%s %j → %s", (name, head, fmt) => {
    expect(detectFormat(name, head)).toBe(fmt);
  });
});

