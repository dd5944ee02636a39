import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyFromBase64, verifyTreeHead, type SignedTreeHead } from "../../evidence/custody/sth.js";
import { paths } from "../../evidence/store/layout.js";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { claimsRoutes } from "./claims.js";
import { evidenceRoutes, RAW_CSP, snippetSpans, WITNESS_HEADER } from "./evidence.js";

/** Until the lead wires the modules into ROUTE_MODULES, the tests add them as extra routes. */
const extraRoutes = [evidenceRoutes, claimsRoutes].filter((m) => !ROUTE_MODULES.includes(m));
const HOSTILE = readFileSync(join(import.meta.dirname, "../../../test/fixtures/server/hostile.html"));
const LIMIT = 64 * 1024;

type Json = Record<string, unknown>;

function uploadUrl(q: Record<string, string>): string {
  return `/api/evidence/items?${new URLSearchParams(q).toString()}`;
}

function tmpUploads(s: TestServer): string[] {
  return readdirSync(paths(s.ctx.archive.dir).tmp).filter((f) => f.includes("upload"));
}

async function itemCount(s: TestServer): Promise<number> {
  return (await s.ctx.archive.listItems()).length;
}

describe("snippetSpans", () => {
  it("splits a snippet at its highlight ranges", () => {
    expect(snippetSpans("abc器官def", [[3, 5]])).toEqual([
      { text: "abc", match: false },
      { text: "器官", match: true },
      { text: "def", match: false },
    ]);
    expect(snippetSpans("xy", [])).toEqual([{ text: "xy", match: false }]);
    expect(
      snippetSpans("xy", [
        [0, 2],
        [1, 2],
      ]),
    ).toEqual([{ text: "xy", match: true }]);
  });
});

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("evidence API on %s", (dialect, enabled) => {
  let s: TestServer;
  let analyst: Record<string, string>;
  let viewer: Record<string, string>;
  let admin: Record<string, string>;
  let reviewer: Record<string, string>;
  let hostileId = "";

  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, context: { limits: { maxUploadBytes: LIMIT } }, build: { extraRoutes } });
    analyst = (await s.login("analyst")).headers;
    viewer = (await s.login("viewer")).headers;
    admin = (await s.login("admin")).headers;
    reviewer = (await s.login("reviewer")).headers;
  }, 60_000);
  afterAll(async () => {
    if (enabled) await s.close();
  });

  it.runIf(enabled)(
    "uploads a page, finds it with a simplified query in traditional text, and shows the item verified",
    async () => {
      const up = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "hostile.html", type: "hospital-web-page", tags: "hospital,liver" }),
        headers: { ...analyst, "content-type": "text/html" },
        payload: HOSTILE,
      });
      expect(up.statusCode, up.body).toBe(200);
      const r = up.json() as Json;
      expect(r.existing).toBe(false);
      expect(r.size).toBe(HOSTILE.length);
      hostileId = r.id as string;

      const q = await s.app.inject({
        method: "GET",
        url: `/api/evidence/search?q=${encodeURIComponent("器官移植")}`,
        headers: viewer,
      });
      expect(q.statusCode, q.body).toBe(200);
      const res = q.json() as {
        results: { id: string; snippet: string; spans: { text: string; match: boolean }[]; title: string }[];
        total: number;
      };
      expect(res.results.map((x) => x.id)).toContain(hostileId);
      const hit = res.results.find((x) => x.id === hostileId)!;
      expect(hit.snippet).toContain("«器官移植»");
      expect(hit.spans.some((p) => p.match && p.text === "器官移植")).toBe(true);
      expect(hit.snippet).not.toMatch(/[<>]/);
      // the response says how results were ordered (relevance ranking differs between the backends)
      const ranked = q.json() as { ranking: { method: string; description: string }; textsMatched: { texts: number; relation: string } };
      expect(ranked.ranking.method).toBe(dialect === "sqlite" ? "bm25" : "occurrences");
      expect(ranked.ranking.description.length).toBeGreaterThan(10);
      expect(ranked.textsMatched.relation).toBe("eq");
      expect(ranked.textsMatched.texts).toBeGreaterThanOrEqual(1);
      // a second simplified query for a traditional phrase
      const q2 = await s.app.inject({
        method: "GET",
        url: `/api/evidence/search?q=${encodeURIComponent("等待时间")}&type=hospital-web-page&tag=liver`,
        headers: viewer,
      });
      expect((q2.json() as { results: { id: string }[] }).results.map((x) => x.id)).toEqual([hostileId]);

      const view = await s.app.inject({ method: "GET", url: `/api/evidence/items/${hostileId}`, headers: viewer });
      expect(view.statusCode, view.body).toBe(200);
      const v = view.json() as {
        item: Json;
        derived: Json[];
        custody: Json[];
        verification: { ok: boolean; entries: { included: boolean; action: string }[]; blobs: { ok: boolean }[] };
      };
      expect(v.item.addedBy).toBe("analyst");
      expect(v.item.filename).toBe("hostile.html");
      expect(v.derived.map((d) => d.kind)).toContain("text");
      expect(v.custody.some((e) => e.action === "add" && e.actor === "analyst")).toBe(true);
      expect(v.verification.ok).toBe(true);
      expect(v.verification.blobs.length).toBeGreaterThanOrEqual(2);
      expect(v.verification.entries.length).toBeGreaterThanOrEqual(2);
      expect(v.verification.entries.every((e) => e.included)).toBe(true);
      // and the whole archive verifies (reviewer)
      const full = await s.app.inject({ method: "POST", url: "/api/evidence/verify", headers: reviewer });
      expect(full.statusCode).toBe(200);
      expect(full.json(), full.body).toMatchObject({ ok: true, failures: [] });
    },
  );

  it.runIf(enabled)("serves the hostile page's text without markup, as JSON", async () => {
    const t = await s.app.inject({ method: "GET", url: `/api/evidence/items/${hostileId}/text`, headers: viewer });
    expect(t.statusCode).toBe(200);
    expect(t.headers["content-type"]).toMatch(/^application\/json/);
    const text = (t.json() as { text: string }).text;
    expect(text).toContain("器官移植中心簡介");
    expect(text).toContain("肝臟移植等待時間");
    for (const bad of ["<script", "<img", "onerror", "onload", "javascript:", "<iframe", "http-equiv", "__pwned", "<"])
      expect(text).not.toContain(bad);
  });

  it.runIf(enabled)("serves the original HTML as text/plain, or as HTML only under a sandboxing CSP", async () => {
    const raw = await s.app.inject({ method: "GET", url: `/api/evidence/items/${hostileId}/raw`, headers: viewer });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(raw.headers["content-security-policy"]).toBe(RAW_CSP);
    expect(raw.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(raw.headers["content-disposition"])).toMatch(/^attachment; filename="hostile.html"/);
    expect(Buffer.compare(raw.rawPayload, HOSTILE)).toBe(0);

    const sb = await s.app.inject({
      method: "GET",
      url: `/api/evidence/items/${hostileId}/raw?view=sandbox`,
      headers: viewer,
    });
    expect(sb.statusCode).toBe(200);
    expect(sb.headers["content-type"]).toMatch(/^text\/html/);
    const csp = String(sb.headers["content-security-policy"]);
    expect(csp.startsWith("sandbox;")).toBe(true);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("allow-scripts");
    expect(csp).not.toContain("allow-same-origin");
    expect(sb.headers["x-content-type-options"]).toBe("nosniff");

    const unauth = await s.app.inject({ method: "GET", url: `/api/evidence/items/${hostileId}/raw` });
    expect(unauth.statusCode).toBe(401);
  });

  it.runIf(enabled)(
    "refuses path-traversal names, wrong content types, empty bodies and viewers; stores nothing",
    async () => {
      const before = await itemCount(s);
      for (const name of ["../../etc/passwd", "..\\..\\boot.ini", "a/b.html", "..", "x\u0000.html", "C:evil.html"]) {
        const r = await s.app.inject({
          method: "POST",
          url: uploadUrl({ filename: name, type: "other" }),
          headers: { ...analyst, "content-type": "text/plain" },
          payload: "hello",
        });
        expect(r.statusCode, name).toBe(400);
        expect((r.json() as { error: { code: string } }).error.code).toBe("S_EV_UPLOAD_NAME");
      }
      for (const type of [
        "application/x-msdownload",
        "text/xml",
        "application/json",
        "multipart/form-data; boundary=x",
      ]) {
        const r = await s.app.inject({
          method: "POST",
          url: uploadUrl({ filename: "x.bin", type: "other" }),
          headers: { ...analyst, "content-type": type },
          payload: "hello",
        });
        expect(r.statusCode, type).toBe(415);
        expect((r.json() as { error: { code: string } }).error.code).toBe("S_UNSUPPORTED_MEDIA_TYPE");
      }
      const empty = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "empty.txt", type: "other" }),
        headers: { ...analyst, "content-type": "text/plain" },
        payload: "",
      });
      expect(empty.statusCode).toBe(400);
      expect((empty.json() as { error: { code: string } }).error.code).toBe("S_EV_UPLOAD_EMPTY");
      const byViewer = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "v.txt", type: "other" }),
        headers: { ...viewer, "content-type": "text/plain" },
        payload: "hello",
      });
      expect(byViewer.statusCode).toBe(403);
      const anon = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "v.txt", type: "other" }),
        headers: { "content-type": "text/plain" },
        payload: "hello",
      });
      expect(anon.statusCode).toBe(401);
      const badType = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "v.txt", type: "not-a-type" }),
        headers: { ...analyst, "content-type": "text/plain" },
        payload: "hello",
      });
      expect(badType.statusCode).toBe(400);
      expect(await itemCount(s)).toBe(before);
      expect(tmpUploads(s)).toEqual([]);
    },
  );

  it.runIf(enabled)("refuses an unreadable PDF with nothing stored and no server path in the answer", async () => {
    const before = await itemCount(s);
    const r = await s.app.inject({
      method: "POST",
      url: uploadUrl({ filename: "broken.pdf", type: "medical-paper" }),
      headers: { ...analyst, "content-type": "application/pdf" },
      payload: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> trunc"),
    });
    expect(r.statusCode, r.body).toBe(400);
    expect((r.json() as { error: { code: string } }).error.code).toBe("EV_CONTENT_PDF");
    expect(r.body).not.toContain(s.dir);
    expect(r.body).not.toContain(".part");
    expect(await itemCount(s)).toBe(before);
    expect(tmpUploads(s)).toEqual([]);
  });

  it.runIf(enabled)(
    "refuses an oversized body with 413 whether declared or streamed: nothing stored, no temp file left",
    async () => {
      const before = await itemCount(s);
      const blobsBefore = s.ctx.archive.blobs.list().length;
      const big = Buffer.alloc(LIMIT + 1, 0x61);
      const declared = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "big.txt", type: "other" }),
        headers: { ...analyst, "content-type": "text/plain" },
        payload: big,
      });
      expect(declared.statusCode).toBe(413);
      expect((declared.json() as { error: { code: string } }).error.code).toBe("S_EV_UPLOAD_TOO_LARGE");
      // chunked, no content-length: the limit is enforced while streaming
      const chunks = Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 0x62));
      const streamed = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "big2.txt", type: "other" }),
        headers: { ...analyst, "content-type": "application/octet-stream", "transfer-encoding": "chunked" },
        payload: Readable.from(chunks),
      });
      expect(streamed.statusCode, streamed.body).toBe(413);
      expect((streamed.json() as { error: { code: string } }).error.code).toBe("S_EV_UPLOAD_TOO_LARGE");
      expect(await itemCount(s)).toBe(before);
      expect(s.ctx.archive.blobs.list().length).toBe(blobsBefore);
      expect(tmpUploads(s)).toEqual([]);
      // exactly at the limit is accepted
      const ok = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "limit.txt", type: "other" }),
        headers: { ...analyst, "content-type": "text/plain" },
        payload: Buffer.alloc(LIMIT, 0x63),
      });
      expect(ok.statusCode, ok.body).toBe(200);
    },
  );

  it.runIf(enabled)(
    "says an item is not verified when one of its blobs was changed on disk, naming the blob",
    async () => {
      const up = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "note.txt", type: "other" }),
        headers: { ...analyst, "content-type": "text/plain" },
        payload: "原始证据文本 original evidence text",
      });
      expect(up.statusCode).toBe(200);
      const { id, sha256 } = up.json() as { id: string; sha256: string };
      const good = (
        await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}`, headers: viewer })
      ).json() as { verification: { ok: boolean } };
      expect(good.verification.ok).toBe(true);
      writeFileSync(s.ctx.archive.blobs.path(sha256), "tampered bytes");
      const bad = (await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}`, headers: viewer })).json() as {
        verification: {
          ok: boolean;
          failures: { kind: string; sha256?: string; message: string }[];
          blobs: { role: string; ok: boolean; problem?: string }[];
        };
      };
      expect(bad.verification.ok).toBe(false);
      const f = bad.verification.failures.find((x) => x.kind === "blob");
      expect(f?.sha256).toBe(sha256);
      expect(f?.message).toContain(sha256);
      expect(bad.verification.blobs.find((b) => b.role === "original")).toMatchObject({
        ok: false,
        problem: "changed",
      });
      // the other items are unaffected
      const other = (
        await s.app.inject({ method: "GET", url: `/api/evidence/items/${hostileId}`, headers: viewer })
      ).json() as { verification: { ok: boolean } };
      expect(other.verification.ok).toBe(true);
      // the full verify (reviewer) names it too; analysts may not run it
      expect((await s.app.inject({ method: "POST", url: "/api/evidence/verify", headers: analyst })).statusCode).toBe(
        403,
      );
      const full = await s.app.inject({ method: "POST", url: "/api/evidence/verify", headers: reviewer });
      expect(full.statusCode).toBe(200);
      const rep = full.json() as { ok: boolean; failures: { itemId?: string; kind: string }[] };
      expect(rep.ok).toBe(false);
      expect(rep.failures.some((x) => x.itemId === id && x.kind === "blob")).toBe(true);
    },
  );

  it.runIf(enabled)(
    "hides witness fields from analysts, reveals them to an admin on request, and logs the reveal",
    async () => {
      const added = await s.ctx.archive.addItem({
        bytes: Buffer.from("testimony transcript"),
        filename: "testimony.txt",
        evidenceType: "testimony",
        addedBy: "admin",
        sensitive: { name: "Witness Zhang Wei", phone: "+86 555 0100" },
      });
      const id = added.id;
      const secret = /Zhang Wei|555 0100/;
      for (const h of [analyst, viewer, admin]) {
        const r = await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}`, headers: h });
        expect(r.statusCode).toBe(200);
        expect(r.body).not.toMatch(secret);
        expect((r.json() as { item: { sensitive: unknown } }).item.sensitive).toBe("sealed");
      }
      const list = await s.app.inject({ method: "GET", url: "/api/evidence/items?type=testimony", headers: admin });
      expect(list.body).not.toMatch(secret);
      expect(
        (list.json() as { items: { id: string; sensitive: unknown }[] }).items.find((x) => x.id === id)?.sensitive,
      ).toBe("sealed");

      const denied = await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}?reveal=1`, headers: analyst });
      expect(denied.statusCode, denied.body).toBe(403);
      expect(denied.body).not.toMatch(secret);
      const sizeBefore = await s.ctx.archive.log.size();
      const revealed = await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}?reveal=1`, headers: admin });
      expect(revealed.statusCode).toBe(200);
      expect((revealed.json() as { item: { sensitive: Record<string, string> } }).item.sensitive).toEqual({
        name: "Witness Zhang Wei",
        phone: "+86 555 0100",
      });
      const log = (await s.ctx.archive.log.entries(sizeBefore)).filter((e) => e.itemId === id);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ actor: "admin", action: "record", data: { kind: "reveal-sensitive" } });
      expect(JSON.stringify(log[0])).not.toMatch(secret);

      // restricted originals: admin only
      expect(
        (await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}/raw`, headers: reviewer })).statusCode,
      ).toBe(403);
      const raw = await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}/raw`, headers: admin });
      expect(raw.statusCode).toBe(200);
      expect(raw.body).toBe("testimony transcript");
    },
  );

  it.runIf(enabled)(
    "lists items with filters and pages, the custody log and a tree head whose signature verifies",
    async () => {
      const all = (
        await s.app.inject({ method: "GET", url: "/api/evidence/items?limit=2", headers: viewer })
      ).json() as { items: Json[]; total: number; limit: number };
      expect(all.items).toHaveLength(2);
      expect(all.total).toBe(await itemCount(s));
      const byTag = (
        await s.app.inject({ method: "GET", url: "/api/evidence/items?tag=liver", headers: viewer })
      ).json() as { items: { id: string }[]; total: number };
      expect(byTag.items.map((x) => x.id)).toEqual([hostileId]);
      const today = new Date().toISOString().slice(0, 10);
      const byDate = (
        await s.app.inject({ method: "GET", url: `/api/evidence/items?from=${today}&to=${today}`, headers: viewer })
      ).json() as { total: number };
      expect(byDate.total).toBe(all.total);
      const past = (
        await s.app.inject({ method: "GET", url: "/api/evidence/items?to=2000-01-01", headers: viewer })
      ).json() as { total: number };
      expect(past.total).toBe(0);
      expect(
        (await s.app.inject({ method: "GET", url: "/api/evidence/items?from=yesterday", headers: viewer })).statusCode,
      ).toBe(400);
      expect(
        (await s.app.inject({ method: "GET", url: "/api/evidence/items?limit=501", headers: viewer })).statusCode,
      ).toBe(400);

      const log = (
        await s.app.inject({ method: "GET", url: "/api/evidence/log?offset=0&limit=3", headers: viewer })
      ).json() as { items: { seq: number; action: string }[]; total: number };
      expect(log.items.map((e) => e.seq)).toEqual([0, 1, 2]);
      expect(log.items[0]!.action).toBe("init");
      expect(log.total).toBe(await s.ctx.archive.log.size());

      const th = (await s.app.inject({ method: "GET", url: "/api/evidence/tree-head", headers: viewer })).json() as {
        publicKey: string;
        treeHead: SignedTreeHead;
      };
      expect(th.treeHead.treeSize).toBe(log.total);
      expect(verifyTreeHead(th.treeHead, publicKeyFromBase64(th.publicKey))).toBe(true);
      expect(
        verifyTreeHead({ ...th.treeHead, treeSize: th.treeHead.treeSize + 1 }, publicKeyFromBase64(th.publicKey)),
      ).toBe(false);
    },
  );

  it.runIf(enabled)("returns 404 with the standard error body for unknown items", async () => {
    for (const path of ["", "/text", "/raw"]) {
      const r = await s.app.inject({ method: "GET", url: `/api/evidence/items/item-nope${path}`, headers: viewer });
      expect(r.statusCode).toBe(404);
      expect((r.json() as { error: { code: string } }).error.code).toBe("S_NOT_FOUND");
    }
    const empty = await s.app.inject({ method: "GET", url: "/api/evidence/search?q=", headers: viewer });
    expect(empty.statusCode).toBe(400);
  });

  it.runIf(enabled)("serves a redaction, never the sealed original text, and refuses bad search filters", async () => {
    const r = await s.ctx.archive.addItem({
      bytes: Buffer.from("call recording placeholder"),
      filename: "call.txt",
      evidenceType: "telephone-recording",
      addedBy: "analyst",
      derived: [{ kind: "transcript", text: "Doctor Wang said the kidney can be ready in a week.", method: "manual" }],
    });
    const transcript = r.derived[0]!.id;
    const red = await s.ctx.archive.redact(transcript, { terms: ["Doctor Wang"], actor: "admin", reason: "test" });
    const t = (
      await s.app.inject({ method: "GET", url: `/api/evidence/items/${r.id}/text`, headers: viewer })
    ).json() as { derivedId: string; kind: string; text: string };
    expect(t).toMatchObject({ derivedId: red.redactedId, kind: "redacted" });
    expect(t.text).toContain("[REDACTED] said the kidney");
    expect(t.text).not.toContain("Wang");
    for (const h of [viewer, admin]) {
      for (const url of [
        `/api/evidence/items/${r.id}/text?derived=${red.sealedId}`,
        `/api/evidence/items/${r.id}/derived/${red.sealedId}/raw`,
      ]) {
        const sealed = await s.app.inject({ method: "GET", url, headers: h });
        expect(sealed.statusCode, url).toBe(404);
        expect(sealed.body).not.toContain("Wang");
      }
    }
    const redRaw = await s.app.inject({
      method: "GET",
      url: `/api/evidence/items/${r.id}/derived/${red.redactedId}/raw`,
      headers: viewer,
    });
    expect(redRaw.statusCode).toBe(200);
    expect(redRaw.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(redRaw.headers["content-security-policy"]).toBe(RAW_CSP);
    expect(redRaw.body).toBe(t.text);
    expect(
      (
        await s.app.inject({
          method: "GET",
          url: `/api/evidence/items/${hostileId}/derived/${red.redactedId}/raw`,
          headers: viewer,
        })
      ).statusCode,
    ).toBe(404);
    for (const q of ["type=no-such-type", "from=2020-1-1", "to=tomorrow", "limit=0", "offset=-1"]) {
      const bad = await s.app.inject({ method: "GET", url: `/api/evidence/search?q=kidney&${q}`, headers: viewer });
      expect(bad.statusCode, q).toBe(400);
    }
    const ok = (
      await s.app.inject({
        method: "GET",
        url: "/api/evidence/search?q=kidney&type=telephone-recording&type=testimony&from=2000-01-01",
        headers: viewer,
      })
    ).json() as { results: { id: string; snippet: string }[] };
    expect(ok.results.map((x) => x.id)).toEqual([r.id]);
    expect(ok.results[0]!.snippet).not.toContain("Wang");
  });

  it.runIf(enabled)(
    "records a re-upload of the same bytes under another name as a duplicate, and the same name as existing",
    async () => {
      const send = (filename: string) =>
        s.app.inject({
          method: "POST",
          url: uploadUrl({ filename, type: "other" }),
          headers: { ...analyst, "content-type": "application/octet-stream" },
          payload: Buffer.from([0, 1, 2, 3, 250]),
        });
      const first = (await send("bytes.bin")).json() as { id: string; existing: boolean; noText?: string };
      expect(first.existing).toBe(false);
      expect(first.noText).toBeDefined();
      const same = (await send("bytes.bin")).json() as { id: string; existing: boolean };
      expect(same).toMatchObject({ id: first.id, existing: true });
      const dup = (await send("copy.bin")).json() as { id: string; existing: boolean; duplicateOf: string };
      expect(dup.existing).toBe(false);
      expect(dup.duplicateOf).toBe(first.id);
      const raw = await s.app.inject({ method: "GET", url: `/api/evidence/items/${first.id}/raw`, headers: viewer });
      expect(raw.headers["content-type"]).toBe("application/octet-stream");
      expect(String(raw.headers["content-disposition"])).toMatch(/^attachment/);
      expect([...raw.rawPayload]).toEqual([0, 1, 2, 3, 250]);
    },
  );

  it.runIf(enabled)(
    "refuses to capture loopback and private addresses (SSRF) and non-http URLs; stores nothing",
    async () => {
      const before = await itemCount(s);
      for (const url of [
        "http://127.0.0.1:9/",
        "http://localhost:9/x",
        "http://[::1]:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://0.0.0.0:9/",
      ]) {
        const r = await s.app.inject({
          method: "POST",
          url: "/api/evidence/capture",
          headers: analyst,
          payload: { url },
        });
        expect(r.statusCode, url).toBe(400);
        expect((r.json() as { error: { code: string } }).error.code, url).toBe("S_EV_CAPTURE_REFUSED");
      }
      const file = await s.app.inject({
        method: "POST",
        url: "/api/evidence/capture",
        headers: analyst,
        payload: { url: "file:///etc/passwd" },
      });
      expect(file.statusCode).toBe(400);
      expect((file.json() as { error: { code: string } }).error.code).toBe("EV_CAPTURE_URL");
      expect(
        (
          await s.app.inject({
            method: "POST",
            url: "/api/evidence/capture",
            headers: viewer,
            payload: { url: "http://example.org/" },
          })
        ).statusCode,
      ).toBe(403);
      expect(await itemCount(s)).toBe(before);
    },
  );
});

describe("evidence capture with private addresses allowed (local test server)", () => {
  let s: TestServer;
  let web: Server;
  let base = "";
  const held: (() => void)[] = [];
  beforeAll(async () => {
    web = createServer((req, res) => {
      if (req.url?.startsWith("/slow")) {
        held.push(() => {
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
          res.end(`slow page ${req.url}`);
        });
        return;
      }
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "/page" });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        "<html lang='zh-Hans'><head><title>移植中心</title></head><body><p>中国器官移植发展基金会 通知</p></body></html>",
      );
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    s = await startTestServer({ dialect: "sqlite", context: { captureAllowPrivate: true }, build: { extraRoutes } });
  }, 60_000);
  afterAll(async () => {
    await s.close();
    await new Promise<void>((r) => web.close(() => r()));
  });

  it("captures a page with the user as actor, and the page is searchable", async () => {
    const { headers } = await s.login("analyst");
    const r = await s.app.inject({
      method: "POST",
      url: "/api/evidence/capture",
      headers,
      payload: { url: `${base}/redirect`, tags: ["capture-test"] },
    });
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json() as { id: string; finalUrl: string; redirects: number; warcId: string };
    expect(c.finalUrl).toBe(`${base}/page`);
    expect(c.redirects).toBe(1);
    const item = (await s.app.inject({ method: "GET", url: `/api/evidence/items/${c.id}`, headers })).json() as {
      item: { addedBy: string; url: string };
      custody: { actor: string }[];
      verification: { ok: boolean };
    };
    expect(item.item.addedBy).toBe("analyst");
    expect(item.custody.every((e) => e.actor === "analyst")).toBe(true);
    expect(item.verification.ok).toBe(true);
    const q = (
      await s.app.inject({
        method: "GET",
        url: `/api/evidence/search?q=${encodeURIComponent("器官移植發展")}`,
        headers,
      })
    ).json() as { results: { id: string }[] };
    expect(q.results.map((x) => x.id)).toContain(c.id);
    const warc = await s.app.inject({
      method: "GET",
      url: `/api/evidence/items/${c.id}/derived/${c.warcId}/raw`,
      headers,
    });
    expect(warc.statusCode).toBe(200);
    expect(warc.headers["content-type"]).toBe("application/warc");
    expect(String(warc.headers["content-disposition"])).toMatch(/^attachment; filename=".*-warc\.warc\.gz"/);
    expect(warc.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("runs at most two captures at once (429 for a third), and the others complete", async () => {
    const { headers } = await s.login("analyst");
    const first = s.app.inject({ method: "POST", url: "/api/evidence/capture", headers, payload: { url: `${base}/slow1`, type: "other" } });
    const second = s.app.inject({ method: "POST", url: "/api/evidence/capture", headers, payload: { url: `${base}/slow2`, type: "other" } });
    for (let i = 0; i < 100 && held.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(held).toHaveLength(2);
    const third = await s.app.inject({ method: "POST", url: "/api/evidence/capture", headers, payload: { url: `${base}/page` } });
    expect(third.statusCode).toBe(429);
    expect((third.json() as { error: { code: string } }).error.code).toBe("S_EV_CAPTURE_BUSY");
    for (const release of held.splice(0)) release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    const again = await s.app.inject({ method: "POST", url: "/api/evidence/capture", headers, payload: { url: `${base}/page` } });
    expect(again.statusCode).toBe(200);
  });
});

describe("witness fields sent with an upload", () => {
  let s: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({
      dialect: "sqlite",
      build: { extraRoutes, logger: { level: "trace", stream: { write: (m: string) => lines.push(m) } } },
    });
  }, 60_000);
  afterAll(async () => {
    await s.close();
  });

  it("seals them, restricts the item, reveals them to an admin only, and never logs them", async () => {
    const analyst = (await s.login("analyst")).headers;
    const admin = (await s.login("admin")).headers;
    const fields = { name: "Witness Li Ming", contact: "+86 555 0199" };
    const header = Buffer.from(JSON.stringify(fields), "utf8").toString("base64url");
    const up = await s.app.inject({
      method: "POST",
      url: uploadUrl({ filename: "interview.txt", type: "testimony" }),
      headers: { ...analyst, "content-type": "text/plain", [WITNESS_HEADER]: header },
      payload: "interview notes: the blood test was in 2005",
    });
    expect(up.statusCode, up.body).toBe(200);
    const id = (up.json() as { id: string }).id;
    const seen = (await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}`, headers: analyst })).json() as {
      item: { sensitive: unknown; restricted: boolean };
    };
    expect(seen.item).toMatchObject({ sensitive: "sealed", restricted: true });
    const rev = (
      await s.app.inject({ method: "GET", url: `/api/evidence/items/${id}?reveal=true`, headers: admin })
    ).json() as { item: { sensitive: unknown } };
    expect(rev.item.sensitive).toEqual(fields);
    const secret = /Li Ming|555 0199/;
    const dbText = JSON.stringify(
      await s.ctx.archive.db.selectFrom("items").selectAll().where("id", "=", id).execute(),
    );
    expect(dbText).not.toMatch(secret);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toMatch(secret);
    expect(lines.join("\n")).not.toContain(header);
  });

  it("refuses a malformed header with nothing stored", async () => {
    const analyst = (await s.login("analyst")).headers;
    const before = await itemCount(s);
    for (const h of [
      "not base64!",
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from('{"name": 5}').toString("base64url"),
      Buffer.from("{}").toString("base64url"),
      Buffer.from('{"../x": "y"}').toString("base64url"),
    ]) {
      const r = await s.app.inject({
        method: "POST",
        url: uploadUrl({ filename: "w.txt", type: "testimony" }),
        headers: { ...analyst, "content-type": "text/plain", [WITNESS_HEADER]: h },
        payload: "x",
      });
      expect(r.statusCode, h).toBe(400);
      expect((r.json() as { error: { code: string } }).error.code).toBe("S_EV_WITNESS_HEADER");
    }
    expect(await itemCount(s)).toBe(before);
  });
});


describe("uploads over a real HTTP connection", () => {
  let s: TestServer;
  let port = 0;
  beforeAll(async () => {
    s = await startTestServer({ dialect: "sqlite", context: { limits: { maxUploadBytes: LIMIT } }, build: { extraRoutes } });
    await s.app.listen({ port: 0, host: "127.0.0.1" });
    port = (s.app.server.address() as AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await s.close();
  });

  /** POST a body in chunks without Content-Length; resolves with the status the client received. */
  function post(path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      let i = 0;
      const next = (): void => {
        if (i >= chunks.length) {
          req.end();
          return;
        }
        if (req.write(chunks[i++]!)) setImmediate(next);
        else req.once("drain", next);
      };
      next();
    });
  }

  it("answers 413 to a client still sending, stores nothing, and keeps serving", async () => {
    const { headers } = await s.login("analyst");
    const before = await itemCount(s);
    const r = await post(uploadUrl({ filename: "big.bin", type: "other" }), { ...headers, "content-type": "application/octet-stream" }, Array.from({ length: 16 }, () => Buffer.alloc(16 * 1024, 0x41))).catch(
      (e: unknown) => ({ status: -1, body: String(e) }),
    );
    expect(r.status, r.body).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: "S_EV_UPLOAD_TOO_LARGE" } });
    expect(await itemCount(s)).toBe(before);
    expect(tmpUploads(s)).toEqual([]);
    const ok = await post(uploadUrl({ filename: "small.txt", type: "other" }), { ...headers, "content-type": "text/plain" }, [Buffer.from("小文件 "), Buffer.from("small file")]);
    expect(ok.status, ok.body).toBe(200);
    expect(await itemCount(s)).toBe(before + 1);
  });
});
