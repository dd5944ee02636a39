import type { FastifyInstance } from "fastify";
import { isOrganAuditError, OrganAuditError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import { message } from "../../core/messages.js";
import { matchEntities } from "../../evidence/claims/alias.js";
import type { ClaimMapEntry } from "../../evidence/claims/claim-map.js";
import { linkFinding } from "../../evidence/claims/link-finding.js";
import { archiveClaimMap, packageSources } from "../../evidence/claims/map-loader.js";
import {
  ENTITY_KINDS,
  STANCES,
  type EntityKind,
  type Expect,
  type FindingSelector,
  type Stance,
} from "../../evidence/claims/model.js";
import { getClaim, linkClaim, linkedItems, listEntities, listEvents, listLinks } from "../../evidence/claims/store.js";
import type { ServerContext } from "../context.js";
import { errorResponses, idParams, notFoundResponses, pageQueryProperties, pageSchema } from "../schemas.js";
import { searchEvidence, snippetSpans } from "./evidence.js";

/**
 * Claims, entities and timeline routes (adapter; thin handlers over src/evidence/claims): the claim map
 * with findings re-resolved against the server's standard audit, entity look-up in Chinese, English
 * or pinyin, the timeline, and links from claims to items or findings (recorded in the custody log
 * with the user's name).
 */

/** dates of day, month or year precision (the timeline's own format) */
const dateBound = { type: "string", pattern: "^\\d{4}(-\\d{2}(-\\d{2})?)?$" } as const;
const open = { type: "object", additionalProperties: true } as const;

const claimSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    caseId: { type: ["string", "null"] },
    title: { type: "string" },
    statement: { type: "string" },
    counterpoints: { type: "string" },
  },
} as const;
const summarySchema = {
  type: "object",
  properties: {
    evidence: { type: "object", additionalProperties: { type: "integer" } },
    findings: { type: "object", additionalProperties: { type: "integer" } },
  },
} as const;
const caveatSchema = { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } } as const;
const claimMapEntrySchema = {
  type: "object",
  required: ["claim", "items", "sources", "findings", "events", "entities", "summary"],
  properties: {
    claim: claimSchema,
    items: { type: "array", items: open },
    sources: { type: "array", items: open },
    findings: { type: "array", items: open },
    events: { type: "array", items: open },
    entities: { type: "array", items: open },
    summary: summarySchema,
  },
} as const;
const entitySchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    kind: { type: "string" },
    name: { type: "string" },
    aliases: {
      type: "array",
      items: { type: "object", properties: { text: { type: "string" }, lang: { type: "string" } } },
    },
    note: { type: "string" },
    sourceIds: { type: "array", items: { type: "string" } },
    caseId: { type: ["string", "null"] },
  },
} as const;
const eventSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    date: { type: "string" },
    precision: { type: "string" },
    titleEn: { type: "string" },
    titleZh: { type: ["string", "null"] },
    category: { type: "string" },
    sourceIds: { type: "array", items: { type: "string" } },
    origin: { type: "string" },
    claims: {
      type: "array",
      items: { type: "object", properties: { id: { type: "string" }, title: { type: "string" } } },
    },
  },
} as const;
const linkSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    claimId: { type: "string" },
    kind: { type: "string" },
    ref: { type: "string" },
    stance: { type: "string" },
    note: { type: "string" },
    selector: { anyOf: [open, { type: "null" }] },
    expect: { type: ["string", "null"] },
    resolvedVerdict: { type: ["string", "null"] },
  },
} as const;

const CAVEAT = { code: "C_EV_CLAIM_MAP", message: message("C_EV_CLAIM_MAP", {}) };

function notFound(what: string): OrganAuditError {
  return new OrganAuditError("S_NOT_FOUND", { what });
}

export async function claimsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const a = ctx.archive;
  const findings = async (): Promise<Finding[]> => (await ctx.audit()).findings;
  const mapOf = async (claimId?: string): Promise<ClaimMapEntry[]> =>
    archiveClaimMap(a, {
      findings: await findings(),
      ...(claimId ? { claimId } : {}),
      ...(ctx.dataDir ? { dataDir: ctx.dataDir } : {}),
    });

  app.get<{ Querystring: { offset: number; limit: number } }>(
    "/claims",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listClaims",
        tags: ["claims"],
        summary: "Claims of the investigation with counts of linked evidence by stance and of findings by bearing",
        querystring: { type: "object", properties: pageQueryProperties },
        response: {
          200: pageSchema(
            { type: "object", properties: { claim: claimSchema, summary: summarySchema } },
            { caveats: { type: "array", items: caveatSchema } },
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { offset, limit } = request.query;
      const map = await mapOf();
      return {
        items: map.slice(offset, offset + limit).map((m) => ({ claim: m.claim, summary: m.summary })),
        total: map.length,
        offset,
        limit,
        caveats: [CAVEAT],
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/claims/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getClaimMap",
        tags: ["claims"],
        summary:
          "The claim map of one claim: supporting, contradicting and context evidence, findings with their current verdicts, events, entities",
        params: idParams,
        response: {
          200: {
            type: "object",
            required: ["map", "caveats"],
            properties: { map: claimMapEntrySchema, caveats: { type: "array", items: caveatSchema } },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      if (!(await getClaim(a, id))) throw notFound(`claim ${id}`);
      const [m] = await mapOf(id);
      if (!m) throw notFound(`claim ${id}`);
      return { map: m, caveats: [CAVEAT] };
    },
  );

  app.post<{
    Params: { id: string };
    Body: {
      itemId?: string;
      findingSelector?: FindingSelector;
      stance: Stance;
      note?: string;
      expect?: Expect;
      allowUnresolved?: boolean;
    };
  }>(
    "/claims/:id/links",
    {
      config: { access: "analyst" },
      schema: {
        operationId: "linkClaim",
        tags: ["claims"],
        summary:
          "Link an archive item or a finding (by selector) to a claim with a stance; recorded in the custody log",
        params: idParams,
        body: {
          type: "object",
          required: ["stance"],
          additionalProperties: false,
          properties: {
            itemId: { type: "string", minLength: 1, maxLength: 200 },
            findingSelector: {
              type: "object",
              required: ["method"],
              additionalProperties: false,
              properties: {
                method: { type: "string", minLength: 1, maxLength: 200 },
                parameters: {
                  type: "object",
                  additionalProperties: {
                    anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }],
                  },
                },
                titleIncludes: { type: "string", minLength: 1, maxLength: 500 },
                inputIncludes: { type: "string", minLength: 1, maxLength: 500 },
              },
            },
            stance: { type: "string", enum: [...STANCES] },
            note: { type: "string", maxLength: 2000 },
            expect: { type: "string", enum: ["flag", "pass"] },
            allowUnresolved: { type: "boolean", default: false },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["link", "replaced"],
            properties: {
              link: linkSchema,
              replaced: { anyOf: [linkSchema, { type: "null" }] },
              finding: {
                anyOf: [
                  {
                    type: "object",
                    properties: {
                      id: { type: "string" },
                      verdict: { type: "string" },
                      title: { type: "string" },
                      statement: { type: "string" },
                    },
                  },
                  { type: "null" },
                ],
              },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const claimId = request.params.id;
      const b = request.body;
      if ((b.itemId === undefined) === (b.findingSelector === undefined)) {
        throw new OrganAuditError("S_BAD_REQUEST", { detail: "give exactly one of itemId and findingSelector" });
      }
      if (!(await getClaim(a, claimId))) throw notFound(`claim ${claimId}`);
      const who = { actor: request.user.name };
      if (b.itemId !== undefined) {
        if (b.expect !== undefined)
          throw new OrganAuditError("S_BAD_REQUEST", { detail: "expect applies to finding links only" });
        const r = await linkClaim(
          a,
          { claimId, kind: "item", ref: b.itemId, stance: b.stance, ...(b.note ? { note: b.note } : {}) },
          who,
        );
        return { ...r, finding: null };
      }
      return linkFinding(
        a,
        {
          claimId,
          selector: b.findingSelector as FindingSelector,
          stance: b.stance,
          expect: b.expect ?? null,
          ...(b.note ? { note: b.note } : {}),
          allowUnresolved: b.allowUnresolved ?? false,
        },
        await findings(),
        who,
      );
    },
  );

  app.get<{ Querystring: { q?: string; kind?: EntityKind; offset: number; limit: number } }>(
    "/entities",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "listEntities",
        tags: ["claims"],
        summary:
          "Entities (hospitals, public persons, facilities, organisations); ?q= matches simplified or traditional Chinese, English, or pinyin with or without tones",
        querystring: {
          type: "object",
          properties: {
            q: { type: "string", maxLength: 200 },
            kind: { type: "string", enum: [...ENTITY_KINDS] },
            ...pageQueryProperties,
          },
        },
        response: {
          200: pageSchema(entitySchema),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { q, kind, offset, limit } = request.query;
      let list = await listEntities(a, kind);
      if (q !== undefined && q.trim() !== "") list = matchEntities(list, q);
      return { items: list.slice(offset, offset + limit), total: list.length, offset, limit };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/entities/:id",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getEntity",
        tags: ["claims"],
        summary:
          "An entity with its sources, the claims that name it, the items and events linked to those claims, and the archive items whose text names it",
        params: idParams,
        response: {
          200: {
            type: "object",
            required: ["entity", "sources", "claims", "items", "events", "mentions"],
            properties: {
              entity: entitySchema,
              sources: { type: "array", items: open },
              claims: {
                type: "array",
                items: {
                  type: "object",
                  properties: { id: { type: "string" }, title: { type: "string" }, note: { type: "string" } },
                },
              },
              items: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    sha256: { type: "string" },
                    label: { type: "string" },
                    evidenceType: { type: ["string", "null"] },
                    claimId: { type: "string" },
                    stance: { type: "string" },
                  },
                },
              },
              events: { type: "array", items: eventSchema },
              mentions: {
                type: "array",
                description:
                  "archive items whose text contains the entity's name or a Chinese or English alias (full-text search, at most 50)",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    title: { type: ["string", "null"] },
                    evidenceType: { type: ["string", "null"] },
                    capturedAt: { type: ["string", "null"] },
                    matched: { type: "string" },
                    snippet: { type: "string" },
                  },
                },
              },
            },
          },
          ...notFoundResponses,
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const entity = (await listEntities(a)).find((e) => e.id === id);
      if (!entity) throw notFound(`entity ${id}`);
      const links = await listLinks(a);
      const naming = links.filter((l) => l.kind === "entity" && l.ref === id);
      const claimIds = new Set(naming.map((l) => l.claimId));
      const claims = [];
      for (const l of naming) {
        const c = await getClaim(a, l.claimId);
        if (c) claims.push({ id: c.id, title: c.title, note: l.note });
      }
      const claimLinks = links.filter((l) => claimIds.has(l.claimId));
      const summaries = await linkedItems(a, claimLinks);
      const items = claimLinks
        .filter((l) => l.kind === "item" && summaries.has(l.ref))
        .map((l) => ({ ...summaries.get(l.ref)!, claimId: l.claimId, stance: l.stance }));
      const eventIds = new Set(claimLinks.filter((l) => l.kind === "event").map((l) => l.ref));
      const events = (await listEvents(a)).filter((e) => eventIds.has(e.id));
      const sources = packageSources(ctx.dataDir);
      // items that name the entity: one phrase search per name (pinyin aliases are left out: too ambiguous in running text)
      const mentions: {
        id: string;
        title: string | null;
        evidenceType: string | null;
        capturedAt: string | null;
        matched: string;
        snippet: string;
      }[] = [];
      const names = [
        ...new Set([entity.name, ...entity.aliases.filter((x) => x.lang !== "pinyin").map((x) => x.text)]),
      ].filter((n) => n.trim().length >= 2 && !n.includes('"'));
      for (const n of names) {
        if (mentions.length >= 50) break;
        // a name the query language cannot search (e.g. only punctuation) is skipped; other errors are errors
        const r = await searchEvidence(ctx, `"${n}"`, { limit: 50, snippet: { open: "", close: "" } }).catch(
          (e: unknown) => {
            if (isOrganAuditError(e)) return null;
            throw e;
          },
        );
        for (const x of r?.results ?? []) {
          if (mentions.length >= 50 || mentions.some((m) => m.id === x.id)) continue;
          const snippet = snippetSpans(x.snippet, x.highlights)
            .map((p) => (p.match ? `«${p.text}»` : p.text))
            .join("");
          mentions.push({
            id: x.id,
            title: x.title,
            evidenceType: x.evidenceType,
            capturedAt: x.capturedAt,
            matched: n,
            snippet,
          });
        }
      }
      return {
        mentions,
        entity,
        sources: entity.sourceIds.map((s) => sources.get(s) ?? { id: s, title: "(source not in the data package)" }),
        claims,
        items,
        events,
      };
    },
  );

  app.get<{
    Querystring: { from?: string; to?: string; category?: string; claim?: string; offset: number; limit: number };
  }>(
    "/timeline",
    {
      config: { access: "viewer" },
      schema: {
        operationId: "getTimeline",
        tags: ["claims"],
        summary:
          "Timeline events in date order (year- and month-precision dates sort before the days they contain), with the claims each bears on",
        querystring: {
          type: "object",
          properties: {
            from: dateBound,
            to: dateBound,
            category: { type: "string", maxLength: 100 },
            claim: { type: "string", maxLength: 200 },
            offset: pageQueryProperties.offset,
            limit: { ...pageQueryProperties.limit, default: 500 },
          },
        },
        response: {
          200: pageSchema(eventSchema),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { from, to, category, claim, offset, limit } = request.query;
      const events = await listEvents(a, {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(category ? { category } : {}),
      });
      const links = (await listLinks(a)).filter((l) => l.kind === "event");
      const titles = new Map<string, string>();
      for (const l of links)
        if (!titles.has(l.claimId)) titles.set(l.claimId, (await getClaim(a, l.claimId))?.title ?? l.claimId);
      const withClaims = events.map((e) => ({
        ...e,
        claims: links
          .filter((l) => l.ref === e.id)
          .map((l) => ({ id: l.claimId, title: titles.get(l.claimId) ?? l.claimId })),
      }));
      const filtered = claim ? withClaims.filter((e) => e.claims.some((c) => c.id === claim)) : withClaims;
      return { items: filtered.slice(offset, offset + limit), total: filtered.length, offset, limit };
    },
  );
}
