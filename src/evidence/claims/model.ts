import { z } from "zod";

/**
 * Claims, entities and timeline events of an investigation case: the data model and the zod schemas
 * of the versioned case file set (data/case/<case>/case.json, entities.json, claims.json).
 * Pure: no I/O, so it can run in a browser.
 */

/** How a piece of evidence bears on a claim, as annotated by the investigator. */
export const STANCES = ["supports", "contradicts", "context"] as const;
export type Stance = (typeof STANCES)[number];

export const ENTITY_KINDS = ["hospital", "person", "facility", "organisation"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Alias languages: simplified and traditional Chinese, English, Hanyu Pinyin. */
export const ALIAS_LANGS = ["zh-Hans", "zh-Hant", "en", "pinyin"] as const;
export type AliasLang = (typeof ALIAS_LANGS)[number];

/** What a claim can be linked to. */
export const LINK_KINDS = ["item", "source", "finding", "event", "entity"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** Precision of an event date (as in data/timeline_events.csv). */
export const DATE_PRECISIONS = ["day", "month", "year"] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/, "ids are 1-80 characters: letters, digits, . _ : -");
const text = z.string().trim().min(1);
const sourceId = z.string().regex(/^[A-Z0-9][A-Z0-9_]*$/, "source ids are upper-case as in data/sources.csv");

/**
 * Selects one finding of the standard audit by what it computes rather than by its id, so that the
 * link survives re-runs that change the id (new data, new tool version). `parameters` must match a
 * subset of the finding's provenance parameters; `titleIncludes` and `inputIncludes` are substrings of
 * the finding's title and of one of its input names.
 */
export const findingSelectorSchema = z.strictObject({
  method: z.string().min(1),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  titleIncludes: z.string().min(1).optional(),
  inputIncludes: z.string().min(1).optional(),
});
export type FindingSelector = z.infer<typeof findingSelectorSchema>;

/** The verdict a claim predicts for a test; findings that are estimates have no expectation. */
export const EXPECTS = ["flag", "pass"] as const;
export type Expect = (typeof EXPECTS)[number];

export const aliasSchema = z.strictObject({ text, lang: z.enum(ALIAS_LANGS) });
export type Alias = z.infer<typeof aliasSchema>;

export const entitySchema = z.strictObject({
  id,
  kind: z.enum(ENTITY_KINDS),
  name: text,
  aliases: z.array(aliasSchema).default([]),
  /** why the entity is in the case; for persons: the public office that makes them relevant */
  note: z.string().default(""),
  sourceIds: z.array(sourceId).default([]),
});
export type Entity = z.infer<typeof entitySchema>;

const sourceLinkSchema = z.strictObject({ sourceId, stance: z.enum(STANCES), note: z.string().default("") });
const findingLinkSchema = z.strictObject({
  selector: findingSelectorSchema,
  stance: z.enum(STANCES).default("context"),
  expect: z.enum(EXPECTS).optional(),
  note: z.string().default(""),
});

export const claimSchema = z.strictObject({
  id,
  title: text,
  /** neutral wording: "The investigation claims that ..."; never asserted as fact */
  statement: text.refine((s) => /^The investigation claims\b/.test(s), {
    message: 'a claim statement starts with "The investigation claims" (claims are attributed, never asserted as fact)',
  }),
  /** what would weaken the claim, stated by the case author */
  counterpoints: z.string().default(""),
  sources: z.array(sourceLinkSchema).default([]),
  findings: z.array(findingLinkSchema).default([]),
  /** row ids of data/timeline_events.csv */
  events: z.array(z.string().regex(/^tle-\d{4}$/)).default([]),
  entities: z.array(id).default([]),
});
export type ClaimSpec = z.infer<typeof claimSchema>;

export const CASE_SCHEMA = "organ-audit/case@1";

export const caseManifestSchema = z.strictObject({
  schema: z.literal(CASE_SCHEMA),
  id,
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "semantic version x.y.z"),
  title: text,
  description: text,
  /** citation of the work whose claims the case summarises (a data/sources.csv id) */
  basedOn: z.array(sourceId).min(1),
  wording: text,
  /** where the timeline comes from: a table of the data package, default rows only */
  timeline: z.strictObject({ table: z.literal("timeline_events"), status: z.literal("default") }),
  files: z.strictObject({ entities: z.string(), claims: z.string() }),
});
export type CaseManifest = z.infer<typeof caseManifestSchema>;

export const entitiesFileSchema = z.strictObject({ entities: z.array(entitySchema) });
export const claimsFileSchema = z.strictObject({ claims: z.array(claimSchema).min(1) });

/** A timeline event as stored in the archive. */
export interface TimelineEvent {
  id: string;
  date: string;
  precision: DatePrecision;
  titleEn: string;
  titleZh: string | null;
  category: string;
  sourceIds: string[];
  /** where it came from, e.g. data/timeline_events.csv#tle-0002 */
  origin: string;
}

/** A validated case, ready to load: manifest, entities, claims and the events they use. */
export interface CaseFile {
  manifest: CaseManifest;
  entities: Entity[];
  claims: ClaimSpec[];
  events: TimelineEvent[];
}

export function isStance(v: string): v is Stance {
  return (STANCES as readonly string[]).includes(v);
}
