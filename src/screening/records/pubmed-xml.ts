/**
 * PubMed XML (efetch / "Save as XML": <PubmedArticleSet>) importer (pure). Malformed XML or a
 * <PubmedArticle> without a PMID is an error naming the line; nothing is imported.
 */
import { OrganAuditError } from "../../core/errors.js";
import { makeRecord, normaliseDoi, parseYear, type ScreeningRecord } from "./record.js";
import { at, childrenNamed, parseXml, textOf, XmlSyntaxError, type XmlElement } from "./xml.js";

function fail(file: string, line: number, detail: string): OrganAuditError {
  return new OrganAuditError("SC_IMPORT_PARSE", { format: "PubMed XML", detail }, { file, line });
}

export function parsePubmedXml(text: string, file: string, stem = file): ScreeningRecord[] {
  let root: XmlElement;
  try {
    root = parseXml(text.replace(/^\ufeff/, ""));
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw fail(file, e.line, `not well-formed XML: ${e.message}`);
    throw e;
  }
  if (root.name !== "PubmedArticleSet") throw fail(file, root.line, `root element is <${root.name}>, expected <PubmedArticleSet>`);
  const arts = childrenNamed(root, "PubmedArticle");
  if (arts.length === 0) throw new OrganAuditError("SC_IMPORT_EMPTY", { format: "PubMed XML" }, { file });
  return arts.map((a) => {
    const mc = at(a, "MedlineCitation");
    const pmid = textOf(at(mc, "PMID"));
    if (!/^\d+$/.test(pmid)) throw fail(file, a.line, `<PubmedArticle> without a numeric <PMID> (found "${pmid}")`);
    const art = at(mc, "Article");
    const abs = at(art, "Abstract");
    const abstract = abs
      ? childrenNamed(abs, "AbstractText")
          .map((t) => (t.attrs.Label ? `${t.attrs.Label}: ${textOf(t)}` : textOf(t)))
          .join(" ")
      : "";
    const authors = childrenNamed(at(art, "AuthorList") ?? { name: "", attrs: {}, children: [], line: 0 }, "Author").map((au) => {
      const coll = textOf(at(au, "CollectiveName"));
      if (coll) return coll;
      const last = textOf(at(au, "LastName"));
      const ini = textOf(at(au, "Initials")) || textOf(at(au, "ForeName"));
      return ini ? `${last}, ${ini}` : last;
    });
    const pd = at(art, "Journal/JournalIssue/PubDate");
    const year = parseYear(textOf(at(pd, "Year")) || textOf(at(pd, "MedlineDate")) || textOf(at(art, "ArticleDate/Year")));
    const ids = childrenNamed(at(a, "PubmedData/ArticleIdList") ?? { name: "", attrs: {}, children: [], line: 0 }, "ArticleId");
    const doiEl = ids.find((x) => x.attrs.IdType === "doi") ?? (art ? childrenNamed(art, "ELocationID").find((x) => x.attrs.EIdType === "doi") : undefined);
    const kws = [
      ...(mc ? childrenNamed(mc, "KeywordList").flatMap((kl) => childrenNamed(kl, "Keyword").map(textOf)) : []),
      ...childrenNamed(at(mc, "MeshHeadingList") ?? { name: "", attrs: {}, children: [], line: 0 }, "MeshHeading").map((h) => textOf(at(h, "DescriptorName"))),
    ].filter((k) => k !== "");
    return makeRecord({
      id: `${stem}:${pmid}`,
      source: { file, format: "pubmed-xml", line: a.line, sourceId: pmid },
      pmid,
      title: textOf(at(art, "ArticleTitle")) || textOf(at(art, "VernacularTitle")),
      abstract,
      authors,
      year,
      doi: normaliseDoi(textOf(doiEl)),
      journal: textOf(at(art, "Journal/Title")) || null,
      keywords: kws,
    });
  });
}
