/**
 * Evidence-type taxonomy (pure). Each item of the archive has exactly one type; the list is documented
 * in docs/EVIDENCE.md. Codes are stable: add new ones, never rename.
 */
export const EVIDENCE_TYPES = {
  "official-statistic": "official statistic (registry figures, yearbooks, statements of numbers)",
  "hospital-web-page": "hospital or transplant-centre web page",
  "medical-paper": "medical or scientific paper, thesis or conference abstract",
  "policy-document": "law, regulation, policy document or official notice",
  "official-statement": "statement, speech or interview of an official",
  "telephone-recording": "recorded telephone call or its transcript",
  testimony: "testimony of a witness (interview, affidavit, hearing)",
  "medical-examination-account": "account of a blood test or physical examination in detention",
  "media-report": "news or media report",
  "ngo-report": "report of a non-governmental or research organisation",
  "court-document": "court or tribunal document",
  dataset: "data set or spreadsheet",
  image: "photograph, screenshot or scanned image without a more specific type",
  other: "anything else (state what in a tag or note)",
} as const;

export type EvidenceType = keyof typeof EVIDENCE_TYPES;
export const evidenceTypeCodes = Object.keys(EVIDENCE_TYPES) as EvidenceType[];

export function isEvidenceType(s: string): s is EvidenceType {
  return Object.prototype.hasOwnProperty.call(EVIDENCE_TYPES, s);
}

/** Kinds of derived records stored beside an item (the original is never modified). */
export const DERIVED_KINDS = ["text", "ocr", "translation", "transcript", "warc", "screenshot", "pdf", "redacted"] as const;
export type DerivedKind = (typeof DERIVED_KINDS)[number];
export function isDerivedKind(s: string): s is DerivedKind {
  return (DERIVED_KINDS as readonly string[]).includes(s);
}

/** Actions recorded in the custody log. */
export const CUSTODY_ACTIONS = [
  "init",
  "add",
  "derive",
  "annotate",
  "link",
  "redact",
  "export",
  "import",
  "delete-request",
  "record",
  // server: account changes (user added, role granted/revoked, password changed) and screening decisions
  "account",
  "screening",
] as const;
export type CustodyAction = (typeof CUSTODY_ACTIONS)[number];
