import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { claimsRoutes } from "./claims.js";
import { evidenceRoutes } from "./evidence.js";

const extraRoutes = [evidenceRoutes, claimsRoutes].filter((m) => !ROUTE_MODULES.includes(m));

type Json = Record<string, unknown>;
interface MapEntry {
  claim: { id: string; statement: string };
  items: { id: string; stance: string; linkId: string }[];
  sources: { id: string; stance: string }[];
  findings: { currentId: string | null; verdict: string | null; bearing: string; selectorLabel: string }[];
  events: { id: string; date: string }[];
  entities: { id: string }[];
  summary: { evidence: Record<string, number>; findings: Record<string, number> };
}

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("claims, entities and timeline API on %s", (dialect, enabled) => {
  let s: TestServer;
  let viewer: Record<string, string>;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, seed: { starter: true }, build: { extraRoutes } });
    viewer = (await s.login("viewer")).headers;
    analyst = (await s.login("analyst")).headers;
  }, 120_000);
  afterAll(async () => {
    if (enabled) await s.close();
  });

  it.runIf(enabled)(
    "lists the starter case's claims with the caveat that links are not proof",
    async () => {
      const r = await s.app.inject({ method: "GET", url: "/api/claims", headers: viewer });
      expect(r.statusCode, r.body).toBe(200);
      const b = r.json() as {
        items: { claim: { id: string; statement: string }; summary: Json }[];
        total: number;
        caveats: { code: string }[];
      };
      expect(b.items.map((x) => x.claim.id)).toEqual(["RB2020-C1", "RB2020-C2", "RB2020-C3", "RB2020-C4", "RB2020-C5"]);
      expect(b.total).toBe(5);
      for (const x of b.items) expect(x.claim.statement).toMatch(/^The investigation claims/);
      expect(b.caveats.map((c) => c.code)).toEqual(["C_EV_CLAIM_MAP"]);
      const paged = (
        await s.app.inject({ method: "GET", url: "/api/claims?offset=3&limit=1", headers: viewer })
      ).json() as { items: { claim: { id: string } }[]; total: number };
      expect(paged.items.map((x) => x.claim.id)).toEqual(["RB2020-C4"]);
      expect(paged.total).toBe(5);
      expect((await s.app.inject({ method: "GET", url: "/api/claims" })).statusCode).toBe(401);
    },
    120_000,
  );

  it.runIf(enabled)(
    "shows a claim map with findings resolved against the server's standard audit",
    async () => {
      const r = await s.app.inject({ method: "GET", url: "/api/claims/RB2020-C2", headers: viewer });
      expect(r.statusCode, r.body).toBe(200);
      const m = (r.json() as { map: MapEntry }).map;
      expect(m.claim.id).toBe("RB2020-C2");
      expect(m.findings.length).toBeGreaterThan(3);
      // resolved against the audit: current ids and verdicts, never "not-computed"
      expect(m.findings.every((f) => f.bearing !== "not-computed")).toBe(true);
      const audit = await s.ctx.audit();
      const ids = new Set(audit.findings.map((f) => f.id));
      const resolved = m.findings.filter((f) => f.currentId !== null);
      expect(resolved.length).toBeGreaterThan(0);
      for (const f of resolved) expect(ids.has(f.currentId!)).toBe(true);
      expect(m.sources.length).toBeGreaterThan(0);
      expect(m.entities.map((e) => e.id)).toContain("ent-cotdf");
      const dates = m.events.map((e) => e.date);
      expect([...dates].sort()).toEqual(dates);
      const missing = await s.app.inject({ method: "GET", url: "/api/claims/RB2020-C9", headers: viewer });
      expect(missing.statusCode).toBe(404);
      expect((missing.json() as { error: { code: string } }).error.code).toBe("S_NOT_FOUND");
    },
    120_000,
  );

  it.runIf(enabled)(
    "finds entities by simplified or traditional Chinese, English and pinyin with or without tones",
    async () => {
      for (const q of ["黄洁夫", "黃潔夫", "Huang Jiefu", "huáng jiéfū", "huangjiefu"]) {
        const r = await s.app.inject({
          method: "GET",
          url: `/api/entities?q=${encodeURIComponent(q)}`,
          headers: viewer,
        });
        expect(r.statusCode).toBe(200);
        expect((r.json() as { items: { id: string }[] }).items[0]?.id, q).toBe("ent-huang-jiefu");
      }
      const foundation = (
        await s.app.inject({
          method: "GET",
          url: `/api/entities?q=${encodeURIComponent("器官移植發展")}`,
          headers: viewer,
        })
      ).json() as { items: { id: string }[] };
      expect(foundation.items.map((e) => e.id)).toContain("ent-cotdf");
      const all = (
        await s.app.inject({ method: "GET", url: "/api/entities?kind=person&limit=500", headers: viewer })
      ).json() as { items: { kind: string }[]; total: number };
      expect(all.total).toBeGreaterThan(0);
      expect(all.items.every((e) => e.kind === "person")).toBe(true);
      expect(
        (await s.app.inject({ method: "GET", url: "/api/entities?kind=witness", headers: viewer })).statusCode,
      ).toBe(400);
      const none = (await s.app.inject({ method: "GET", url: "/api/entities?q=zzzzqqq", headers: viewer })).json() as {
        total: number;
      };
      expect(none.total).toBe(0);
    },
  );

  it.runIf(enabled)("shows an entity with its sources and the claims and events linked through them", async () => {
    const r = await s.app.inject({ method: "GET", url: "/api/entities/ent-huang-jiefu", headers: viewer });
    expect(r.statusCode, r.body).toBe(200);
    const e = r.json() as {
      entity: { name: string; aliases: { text: string }[] };
      claims: { id: string }[];
      events: { id: string }[];
      sources: { id: string; title: string }[];
    };
    expect(e.entity.name).toBe("Huang Jiefu");
    expect(e.entity.aliases.map((a) => a.text)).toContain("黃潔夫");
    expect(e.claims.map((c) => c.id).sort()).toEqual(["RB2020-C1", "RB2020-C5"]);
    expect(e.events.length).toBeGreaterThan(0);
    expect(e.sources.length).toBeGreaterThan(0);
    expect((await s.app.inject({ method: "GET", url: "/api/entities/ent-nope", headers: viewer })).statusCode).toBe(
      404,
    );
  });

  it.runIf(enabled)("lists archive items that name an entity, in traditional or simplified script", async () => {
    const up = await s.app.inject({
      method: "POST",
      url: "/api/evidence/items?filename=foundation.txt&type=media-report",
      headers: { ...analyst, "content-type": "text/plain" },
      payload: "報道：中國器官移植發展基金會發佈年度報告。",
    });
    expect(up.statusCode, up.body).toBe(200);
    const id = (up.json() as { id: string }).id;
    const e = (await s.app.inject({ method: "GET", url: "/api/entities/ent-cotdf", headers: viewer })).json() as {
      mentions: { id: string; snippet: string }[];
    };
    const m = e.mentions.find((x) => x.id === id);
    expect(m).toBeDefined();
    expect(m!.snippet).toContain("«中國器官移植發展基金會»");
    const other = (await s.app.inject({ method: "GET", url: "/api/entities/ent-spc", headers: viewer })).json() as {
      mentions: { id: string }[];
    };
    expect(other.mentions.map((x) => x.id)).not.toContain(id);
  });

  it.runIf(enabled)("lists the timeline in date order with bounds of year precision", async () => {
    const all = (await s.app.inject({ method: "GET", url: "/api/timeline", headers: viewer })).json() as {
      items: { id: string; date: string; claims: { id: string }[] }[];
      total: number;
    };
    expect(all.total).toBeGreaterThan(10);
    const dates = all.items.map((e) => e.date);
    expect([...dates].sort()).toEqual(dates);
    expect(all.items.some((e) => e.claims.length > 0)).toBe(true);
    const y2015 = (
      await s.app.inject({ method: "GET", url: "/api/timeline?from=2015&to=2015", headers: viewer })
    ).json() as { items: { date: string }[] };
    expect(y2015.items.length).toBeGreaterThan(0);
    expect(y2015.items.every((e) => e.date.startsWith("2015"))).toBe(true);
    const c4 = (
      await s.app.inject({ method: "GET", url: "/api/timeline?claim=RB2020-C4", headers: viewer })
    ).json() as { items: { claims: { id: string }[] }[] };
    expect(c4.items.length).toBeGreaterThan(0);
    expect(c4.items.every((e) => e.claims.some((c) => c.id === "RB2020-C4"))).toBe(true);
    expect(
      (await s.app.inject({ method: "GET", url: "/api/timeline?from=2015-13-99x", headers: viewer })).statusCode,
    ).toBe(400);
  });

  it.runIf(enabled)(
    "links an item and a finding to a claim as the analyst, recorded in the custody log; viewers may not",
    async () => {
      const up = await s.app.inject({
        method: "POST",
        url: "/api/evidence/items?filename=notice.txt&type=official-statement",
        headers: { ...analyst, "content-type": "text/plain" },
        payload: "官方声明：2015年起只使用公民自愿捐献器官。",
      });
      expect(up.statusCode, up.body).toBe(200);
      const itemId = (up.json() as { id: string }).id;

      const denied = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C5/links",
        headers: viewer,
        payload: { itemId, stance: "context" },
      });
      expect(denied.statusCode).toBe(403);

      const before = await s.ctx.archive.log.size();
      const r = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C5/links",
        headers: analyst,
        payload: { itemId, stance: "supports", note: "official statement of the switch" },
      });
      expect(r.statusCode, r.body).toBe(200);
      const link = (r.json() as { link: { id: string; stance: string }; replaced: unknown }).link;
      expect(link.stance).toBe("supports");
      expect((r.json() as { replaced: unknown }).replaced).toBeNull();
      const entries = await s.ctx.archive.log.entries(before);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        actor: "analyst",
        action: "link",
        itemId,
        data: { claimId: "RB2020-C5", kind: "item", stance: "supports" },
      });

      // relinking replaces the stance and the log keeps the previous one
      const again = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C5/links",
        headers: analyst,
        payload: { itemId, stance: "contradicts" },
      });
      expect((again.json() as { replaced: { stance: string } }).replaced.stance).toBe("supports");
      const map = (
        (await s.app.inject({ method: "GET", url: "/api/claims/RB2020-C5", headers: viewer })).json() as {
          map: MapEntry;
        }
      ).map;
      expect(map.items.find((x) => x.id === itemId)?.stance).toBe("contradicts");

      // a finding by selector: an ambiguous selector is refused with the candidates, a precise one is linked
      const ambiguous = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C2/links",
        headers: analyst,
        payload: { findingSelector: { method: "forensics.fit" }, stance: "context" },
      });
      expect(ambiguous.statusCode).toBe(400);
      expect((ambiguous.json() as { error: { code: string } }).error.code).toBe("EV_CLAIM_SELECTOR");
      const audit = await s.ctx.audit();
      const counts = new Map<string, number>();
      for (const f of audit.findings) counts.set(f.method, (counts.get(f.method) ?? 0) + 1);
      const unique = audit.findings.find((f) => counts.get(f.method) === 1)!;
      const fl = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C4/links",
        headers: analyst,
        payload: { findingSelector: { method: unique.method }, stance: "context", note: "test link" },
      });
      expect(fl.statusCode, fl.body).toBe(200);
      expect((fl.json() as { finding: { id: string } }).finding.id).toBe(unique.id);
      const none = await s.app.inject({
        method: "POST",
        url: "/api/claims/RB2020-C4/links",
        headers: analyst,
        payload: { findingSelector: { method: "no.such.method" }, stance: "context" },
      });
      expect(none.statusCode).toBe(400);

      // bad input changes nothing
      const size = await s.ctx.archive.log.size();
      for (const payload of [
        { stance: "supports" },
        { itemId, findingSelector: { method: unique.method }, stance: "supports" },
        { itemId, stance: "proves" },
        { itemId: "item-missing", stance: "supports" },
        { itemId, stance: "supports", extra: 1 },
      ]) {
        const bad = await s.app.inject({
          method: "POST",
          url: "/api/claims/RB2020-C5/links",
          headers: analyst,
          payload,
        });
        expect([400, 404], JSON.stringify(payload)).toContain(bad.statusCode);
      }
      expect(
        (
          await s.app.inject({
            method: "POST",
            url: "/api/claims/RB2020-C9/links",
            headers: analyst,
            payload: { itemId, stance: "supports" },
          })
        ).statusCode,
      ).toBe(404);
      expect(await s.ctx.archive.log.size()).toBe(size);
    },
    120_000,
  );
});
