import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgAvailable } from "../../../test/helpers/pg.js";
import { startTestServer, type TestServer } from "../../../test/helpers/server.js";
import { ROUTE_MODULES } from "../app.js";
import { screeningRoutes } from "./screening.js";

/** Until the lead wires the module into ROUTE_MODULES, the tests add it as an extra route module. */
const extraRoutes = [screeningRoutes].filter((m) => !ROUTE_MODULES.includes(m));
const S1 = "test/fixtures/screening/s1";
const S2 = "test/fixtures/screening/s2";
const LIMIT = 64 * 1024;
const MEDLINE = readFileSync(`${S1}/medline-invented.nbib`);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each([
  ["sqlite", true],
  ["postgres", pgAvailable],
] as const)("screening API on %s", (dialect, enabled) => {
  let s: TestServer;
  const h = {} as Record<"viewer" | "analyst" | "reviewer" | "admin", Record<string, string>>;
  let pid = "";
  let ids: string[] = [];

  const upload = (project: string, filename: string, body: Buffer | string, headers: Record<string, string>, type = "text/plain") =>
    s.app.inject({
      method: "POST",
      url: `/api/screening/projects/${encodeURIComponent(project)}/imports?${new URLSearchParams({ filename }).toString()}`,
      headers: { ...headers, "content-type": type },
      payload: body,
    });

  const screeningEntries = async (): Promise<Json[]> =>
    (await s.ctx.archive.log.entries()).filter((e) => e.action === "screening") as unknown as Json[];

  beforeAll(async () => {
    if (!enabled) return;
    s = await startTestServer({ dialect, context: { limits: { maxUploadBytes: LIMIT } }, build: { extraRoutes } });
    for (const role of ["viewer", "analyst", "reviewer", "admin"] as const) h[role] = (await s.login(role)).headers;
  });
  afterAll(async () => {
    await s?.close();
  });

  it.runIf(enabled)("projects: admin creates (409 on a used name), others may not; everyone signed in lists", async () => {
    const anon = await s.app.inject({ method: "GET", url: "/api/screening/projects" });
    expect(anon.statusCode).toBe(401);
    const byAnalyst = await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.analyst, payload: { name: "x" } });
    expect(byAnalyst.statusCode).toBe(403);
    const r = await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "肾移植 review" } });
    expect(r.statusCode).toBe(201);
    const p = r.json() as Json;
    expect(p).toMatchObject({ name: "肾移植 review", records: 0, decided: 0, conflicts: 0 });
    pid = p.id as string;
    const again = await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "肾移植 review" } });
    expect(again.statusCode).toBe(409);
    expect((again.json() as Json).error.code).toBe("SC_STORE_EXISTS");
    const bad = await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "x", extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const list = await s.app.inject({ method: "GET", url: "/api/screening/projects?limit=10", headers: h.viewer });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, offset: 0, limit: 10, items: [{ id: pid }] });
    const missing = await s.app.inject({ method: "GET", url: "/api/screening/projects/nope", headers: h.viewer });
    expect(missing.statusCode).toBe(404);
    expect((await screeningEntries()).map((e) => [e.actor, e.data.op])).toEqual([["admin", "create-project"]]);
  });

  it.runIf(enabled)("imports: refusals store nothing (403, 415, 413, malformed, path in the name, empty)", async () => {
    expect((await upload(pid, "a.nbib", MEDLINE, h.viewer)).statusCode).toBe(403);
    expect((await upload("nope", "a.nbib", MEDLINE, h.analyst)).statusCode).toBe(404);
    const wrongType = await upload(pid, "a.nbib", MEDLINE, h.analyst, "image/png");
    expect(wrongType.statusCode).toBe(415);
    expect((wrongType.json() as Json).error.code).toBe("S_UNSUPPORTED_MEDIA_TYPE");
    const big = await upload(pid, "big.ris", Buffer.alloc(LIMIT + 1, 0x41), h.analyst);
    expect(big.statusCode).toBe(413);
    expect((big.json() as Json).error.code).toBe("S_SC_UPLOAD_TOO_LARGE");
    // malformed RIS: a field before the first "TY  -": 400 naming file, line and field
    const bad = await upload(pid, "bad.ris", "TY  - JOUR\nTI  - fine\nER  - \nTI  - stray\nTY  - JOUR\nER  - \n", h.analyst, "application/x-research-info-systems");
    expect(bad.statusCode).toBe(400);
    const be = (bad.json() as Json).error;
    expect(be.code).toBe("SC_IMPORT_PARSE");
    expect(be.location).toEqual({ file: "bad.ris", line: 4 });
    expect(be.message).toMatch(/^bad\.ris:4: .*field TI/);
    // a path as file name is refused (never used as a path: the bytes are parsed in memory)
    for (const name of ["../../x.ris", "/etc/passwd", "a\\..\\b.ris", ".."]) {
      const t = await upload(pid, name, "TY  - JOUR\nTI  - t\nER  - \n", h.analyst);
      expect(t.statusCode).toBe(400);
      expect((t.json() as Json).error.code).toBe("S_SC_UPLOAD_NAME");
    }
    const empty = await upload(pid, "e.ris", "", h.analyst);
    expect(empty.statusCode).toBe(400);
    const unknownFormat = await upload(pid, "x.bin", "hello", h.analyst, "application/octet-stream");
    expect(unknownFormat.statusCode).toBe(400);
    expect((unknownFormat.json() as Json).error.code).toBe("SC_IMPORT_FORMAT");
    const detail = await s.app.inject({ method: "GET", url: `/api/screening/projects/${pid}`, headers: h.viewer });
    expect(detail.json()).toMatchObject({ imports: [], project: { records: 0 } });
    expect((await screeningEntries()).filter((e) => e.data.op === "import")).toEqual([]);
  });

  it.runIf(enabled)("imports: the size limit holds while streaming (no Content-Length); no Content-Type is refused", async () => {
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(4096, 0x41));
    const r = await s.app.inject({
      method: "POST",
      url: `/api/screening/projects/${pid}/imports?filename=s.ris`,
      headers: { ...h.analyst, "content-type": "application/x-research-info-systems", "transfer-encoding": "chunked" },
      payload: Readable.from(chunks),
    });
    expect(r.statusCode).toBe(413);
    expect((r.json() as Json).error.code).toBe("S_SC_UPLOAD_TOO_LARGE");
    const none = await s.app.inject({ method: "POST", url: `/api/screening/projects/${pid}/imports?filename=a.ris`, headers: h.analyst, payload: "TY  - JOUR\nER  - \n" });
    expect(none.statusCode).toBe(415);
    const noName = await s.app.inject({ method: "POST", url: `/api/screening/projects/${pid}/imports`, headers: { ...h.analyst, "content-type": "text/plain" }, payload: "x" });
    expect(noName.statusCode).toBe(400);
    expect((await s.ctx.screening.project(pid).then((p) => p.imports()))).toEqual([]);
  });

  it.runIf(enabled)("imports: a Chinese file name, a GB18030 CNKI export and ?format= work as in the CLI", async () => {
    const made = (await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "cnki" } })).json() as Json;
    const text = readFileSync(`${S1}/cnki-estudy-invented.txt`, "utf8");
    const bytes = iconv.encode(text, "gb18030");
    const r = await upload(made.id as string, "知网导出.txt", bytes, h.analyst, "text/plain");
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ file: "知网导出.txt", format: "cnki", encoding: "gb18030", records: 2 });
    const recs = (await s.app.inject({ method: "GET", url: `/api/screening/projects/${made.id as string}/records`, headers: h.viewer })).json() as Json;
    expect((recs.items as Json[]).every((x) => (x.id as string).startsWith("知网导出:"))).toBe(true);
    expect(recs.items[0].language).toBe("zh");
  });

  it.runIf(enabled)("imports: a MEDLINE file lands completely; the same bytes again are refused", async () => {
    const r = await upload(pid, "medline-invented.nbib", MEDLINE, h.analyst);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ file: "medline-invented.nbib", format: "medline", records: 2, bytes: MEDLINE.length, encoding: "utf-8" });
    const again = await upload(pid, "copy.nbib", MEDLINE, h.analyst);
    expect(again.statusCode).toBe(400);
    expect((again.json() as Json).error.message).toContain("already imported");
    const recs = await s.app.inject({ method: "GET", url: `/api/screening/projects/${pid}/records`, headers: h.viewer });
    const body = recs.json() as Json;
    expect(body.total).toBe(2);
    ids = (body.items as Json[]).map((x) => x.id as string);
    expect(ids).toEqual(["medline-invented:90000001", "medline-invented:90000002"]);
    expect(body.items[0]).toMatchObject({ year: 2019, doi: "10.9999/invented.2019.001", hasFullText: false, source: { file: "medline-invented.nbib", format: "medline", line: 1 } });
    const entries = (await screeningEntries()).filter((e) => e.data.op === "import" && e.data.project === pid);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: "analyst", data: { project: pid, file: "medline-invented.nbib", records: 2 } });
  });

  it.runIf(enabled)("rules: a syntax error changes nothing; rules give highlights in title and abstract", async () => {
    const url = `/api/screening/projects/${pid}/rules`;
    expect((await s.app.inject({ method: "PUT", url, headers: h.viewer, payload: { text: "" } })).statusCode).toBe(403);
    const bad = await s.app.inject({ method: "PUT", url, headers: h.analyst, payload: { text: 'rule a in title:\n  "x" AND\n' } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as Json).error).toMatchObject({ code: "SC_RULE_SYNTAX", location: { file: "rules" } });
    expect((await s.app.inject({ method: "GET", url, headers: h.viewer })).json()).toEqual({ text: null, rules: [] });
    const text = 'list donor = "donor*", "procurement"\nrule donor in title, abstract: @donor\nrule zh in title: "器官捐献"\n';
    const ok = await s.app.inject({ method: "PUT", url, headers: h.analyst, payload: { text } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ text, rules: ["donor", "zh"] });
  });

  it.runIf(enabled)("next: in import order, with highlights (UTF-16 offsets) and the reviewer's own progress", async () => {
    const url = `/api/screening/projects/${pid}/next?stage=title-abstract`;
    expect((await s.app.inject({ method: "GET", url, headers: h.analyst })).statusCode).toBe(403);
    const r = await s.app.inject({ method: "GET", url, headers: h.reviewer });
    expect(r.statusCode).toBe(200);
    const n = r.json() as Json;
    expect(n).toMatchObject({ stage: "title-abstract", order: "import", progress: { decided: 0, total: 2, remaining: 2 }, record: { id: ids[0] } });
    const hl = n.highlights as Json[];
    expect(hl.map((x) => [x.field, x.rule])).toEqual([
      ["title", "donor"],
      ["title", "donor"],
    ]);
    for (const x of hl) expect((n.record.title as string).slice(x.start, x.end).toLowerCase()).toBe((x.text as string).toLowerCase());
    expect(hl.map((x) => x.text)).toEqual(["donor", "procurement"]);
    const bad = await s.app.inject({ method: "GET", url: `/api/screening/projects/${pid}/next?stage=abstract`, headers: h.reviewer });
    expect(bad.statusCode).toBe(400);
  });

  it.runIf(enabled)("decisions: the reviewer is the signed-in user; a body naming one is refused; viewers get 403", async () => {
    const url = `/api/screening/projects/${pid}/decisions`;
    const asViewer = await s.app.inject({ method: "POST", url, headers: h.viewer, payload: { recordId: ids[0], decision: "include" } });
    expect(asViewer.statusCode).toBe(403);
    const asAnalyst = await s.app.inject({ method: "POST", url, headers: h.analyst, payload: { recordId: ids[0], decision: "include" } });
    expect(asAnalyst.statusCode).toBe(403);
    const impersonate = await s.app.inject({ method: "POST", url, headers: h.reviewer, payload: { recordId: ids[0], decision: "include", reviewer: "admin" } });
    expect(impersonate.statusCode).toBe(400);
    const unknown = await s.app.inject({ method: "POST", url, headers: h.reviewer, payload: { recordId: "nope", decision: "include" } });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as Json).error.code).toBe("SC_REV_UNKNOWN_RECORD");
    const noReason = await s.app.inject({ method: "POST", url, headers: h.reviewer, payload: { recordId: ids[0], stage: "full-text", decision: "exclude" } });
    expect(noReason.statusCode).toBe(400);
    expect((noReason.json() as Json).error.code).toBe("SC_REV_REASON_REQUIRED");
    const badValue = await s.app.inject({ method: "POST", url, headers: h.reviewer, payload: { recordId: ids[0], decision: "perhaps" } });
    expect(badValue.statusCode).toBe(400);
    expect(await s.ctx.screening.project(pid).then((p) => p.decisions())).toEqual([]);

    const ok = await s.app.inject({ method: "POST", url, headers: h.reviewer, payload: { recordId: ids[0], decision: "include", note: "  donor paper " } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ seq: 1, recordId: ids[0], stage: "title-abstract", reviewer: "reviewer", decision: "include", note: "donor paper", reasonCode: null, resolution: false });
    const byAdmin = await s.app.inject({ method: "POST", url, headers: h.admin, payload: { recordId: ids[0], decision: "exclude", reasonCode: "wrong-population" } });
    expect(byAdmin.json()).toMatchObject({ seq: 2, reviewer: "admin", decision: "exclude" });
    const entries = (await screeningEntries()).filter((e) => e.data.seq !== undefined);
    expect(entries.map((e) => [e.actor, e.data])).toEqual([
      ["reviewer", { project: pid, recordId: ids[0], stage: "title-abstract", decision: "include", seq: 1 }],
      ["admin", { project: pid, recordId: ids[0], stage: "title-abstract", decision: "exclude", seq: 2 }],
    ]);
    const next = (await s.app.inject({ method: "GET", url: `/api/screening/projects/${pid}/next`, headers: h.reviewer })).json() as Json;
    expect(next).toMatchObject({ record: { id: ids[1] }, progress: { decided: 1, total: 2, remaining: 1 } });
  });

  it.runIf(enabled)("conflicts, agreement, PRISMA and the project list from the decision log", async () => {
    const base = `/api/screening/projects/${pid}`;
    expect((await s.app.inject({ method: "GET", url: `${base}/conflicts`, headers: h.viewer })).statusCode).toBe(403);
    const c = (await s.app.inject({ method: "GET", url: `${base}/conflicts?stage=title-abstract`, headers: h.reviewer })).json() as Json;
    expect(c).toMatchObject({ stage: "title-abstract", total: 1, offset: 0, limit: 50, items: [{ recordId: ids[0], status: "conflict" }] });
    expect((c.items[0].reviews as Json[]).map((r) => r.reviewer)).toEqual(["reviewer", "admin"]);

    const a = (await s.app.inject({ method: "GET", url: `${base}/agreement`, headers: h.viewer })).json() as Json;
    expect(a.reviewers).toEqual(["admin", "reviewer"]);
    expect(a.conflicts).toEqual([ids[0]]);
    expect(a.findings[0]).toMatchObject({ method: "screening.agreement", result: { n: 1, cohenKappa: null } });
    expect((a.findings[0].caveats as Json[]).map((x) => x.code)).toContain("C_SC_REV_FEW_PAIRS");
    const pair = await s.app.inject({ method: "GET", url: `${base}/agreement?reviewers=admin,admin`, headers: h.viewer });
    expect(pair.statusCode).toBe(400);

    const pr = (await s.app.inject({ method: "GET", url: `${base}/prisma?reviewers=1`, headers: h.viewer })).json() as Json;
    expect(pr.findings[0]).toMatchObject({ method: "screening.prisma-flow", result: { identifiedTotal: 2, duplicatesRemoved: 0 } });
    expect((pr.findings[0].result.identified as Json[])[0]).toEqual({ source: "medline-invented.nbib", n: 2 });
    expect(pr.svg).toMatch(/^<svg/);

    const list = (await s.app.inject({ method: "GET", url: "/api/screening/projects", headers: h.viewer })).json() as Json;
    expect((list.items as Json[]).find((x) => x.id === pid)).toMatchObject({ records: 2, decided: 1, conflicts: 1 });
  });

  it.runIf(enabled)("ranking: stored by an analyst, then …/next offers records by predicted relevance", async () => {
    const made = (await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "rank" } })).json() as Json;
    const base = `/api/screening/projects/${made.id as string}`;
    const csv = readFileSync(`${S2}/rank-invented.csv`);
    expect((await upload(made.id as string, "rank-invented.csv", csv, h.analyst, "text/csv")).statusCode).toBe(201);
    const early = await s.app.inject({ method: "POST", url: `${base}/ranking`, headers: h.analyst, payload: {} });
    expect(early.statusCode).toBe(400);
    expect((early.json() as Json).error.code).toBe("SC_RANK_NEED_BOTH");
    // the labelled half of the file, as the CLI test uses it: 1-3 included, 4-6 excluded
    for (const [k, decision] of [[1, "include"], [2, "include"], [3, "include"], [4, "exclude"], [5, "exclude"], [6, "exclude"]] as const) {
      const r = await s.app.inject({ method: "POST", url: `${base}/decisions`, headers: h.reviewer, payload: { recordId: `rank-invented:${k}`, decision } });
      expect(r.statusCode).toBe(201);
    }
    expect((await s.app.inject({ method: "POST", url: `${base}/ranking`, headers: h.viewer, payload: {} })).statusCode).toBe(403);
    const r = await s.app.inject({ method: "POST", url: `${base}/ranking`, headers: h.analyst, payload: { stage: "title-abstract" } });
    expect(r.statusCode).toBe(200);
    const rk = r.json() as Json;
    expect(rk).toMatchObject({ model: "nb", records: 6, nIncluded: 3, nExcluded: 3 });
    expect(new Set((rk.top as string[]).slice(0, 3))).toEqual(new Set(["rank-invented:7", "rank-invented:8", "rank-invented:11"]));
    const next = (await s.app.inject({ method: "GET", url: `${base}/next`, headers: h.admin })).json() as Json;
    expect(next).toMatchObject({ order: "ranking", record: { id: rk.top[0] }, progress: { decided: 0, total: 12 } });
    // the reviewer decided 1-6 already: the ranked ones come first for them too
    const mine = (await s.app.inject({ method: "GET", url: `${base}/next`, headers: h.reviewer })).json() as Json;
    expect(mine).toMatchObject({ record: { id: rk.top[0] }, progress: { decided: 6, remaining: 6 } });
    const detail = (await s.app.inject({ method: "GET", url: base, headers: h.viewer })).json() as Json;
    expect(detail.rankings).toEqual([expect.objectContaining({ stage: "title-abstract", model: "nb", records: 6 })]);
  });

  it.runIf(enabled)("parallel decisions through the API get distinct seq; an empty project has no next record", async () => {
    const made = (await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "parallel" } })).json() as Json;
    const base = `/api/screening/projects/${made.id as string}`;
    const none = (await s.app.inject({ method: "GET", url: `${base}/next`, headers: h.reviewer })).json() as Json;
    expect(none).toEqual({ stage: "title-abstract", record: null, highlights: [], progress: { decided: 0, total: 0, remaining: 0 }, order: "import" });
    expect((await upload(made.id as string, "m.nbib", MEDLINE, h.analyst)).statusCode).toBe(201);
    const rs = await Promise.all(
      Array.from({ length: 16 }, (_, k) =>
        s.app.inject({ method: "POST", url: `${base}/decisions`, headers: k % 2 ? h.reviewer : h.admin, payload: { recordId: "m:90000001", decision: k % 3 ? "include" : "maybe" } }),
      ),
    );
    expect(rs.map((r) => r.statusCode)).toEqual(Array(16).fill(201));
    expect(rs.map((r) => (r.json() as Json).seq as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, k) => k + 1));
    const done = (await s.app.inject({ method: "GET", url: `${base}/next`, headers: h.reviewer })).json() as Json;
    expect(done).toMatchObject({ record: { id: "m:90000002" }, progress: { decided: 1, total: 2, remaining: 1 } });
  });

  it.runIf(enabled)("a hostile file name or diagram title is text in the PRISMA SVG, never markup", async () => {
    const made = (await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "hostile" } })).json() as Json;
    const base = `/api/screening/projects/${made.id as string}`;
    const name = "<img src=x onerror=alert(1)>.ris";
    expect((await upload(made.id as string, name, "TY  - JOUR\nTI  - t\nER  - \n", h.analyst)).statusCode).toBe(201);
    const pr = (await s.app.inject({ method: "GET", url: `${base}/prisma?title=${encodeURIComponent("<script>alert(1)</script>")}`, headers: h.viewer })).json() as Json;
    expect(pr.svg).not.toMatch(/<img|<script/i);
    expect(pr.svg).toContain("&lt;img src=x onerror=alert(1)&gt;.ris");
    expect(pr.svg).toContain("&lt;script&gt;");
  });

  it.runIf(enabled)("highlights: offsets are JavaScript string indices even after characters outside the BMP", async () => {
    const made = (await s.app.inject({ method: "POST", url: "/api/screening/projects", headers: h.admin, payload: { name: "astral" } })).json() as Json;
    const base = `/api/screening/projects/${made.id as string}`;
    const ris = "TY  - JOUR\nTI  - 𠀀𠀁 公民逝世后器官捐献 and Organ Donors\nAB  - 𠀂 器官捐献（虚构）\nER  - \n";
    expect((await upload(made.id as string, "astral.ris", ris, h.analyst, "application/x-research-info-systems")).statusCode).toBe(201);
    const put = await s.app.inject({ method: "PUT", url: `${base}/rules`, headers: h.analyst, payload: { text: 'rule zh in title, abstract: "器官捐献"\nrule en: "organ donor*"\nrule ft in fulltext: "器官"\n' } });
    expect(put.statusCode).toBe(200);
    const n = (await s.app.inject({ method: "GET", url: `${base}/next`, headers: h.reviewer })).json() as Json;
    const hl = n.highlights as Json[];
    expect(hl.map((x) => [x.field, x.rule])).toEqual([
      ["title", "zh"],
      ["abstract", "zh"],
      ["title", "en"],
    ]);
    for (const x of hl) {
      const text = (x.field === "title" ? n.record.title : n.record.abstract) as string;
      expect(text.slice(x.start, x.end).toLowerCase()).toBe((x.text as string).toLowerCase());
    }
    expect(hl[0]).toMatchObject({ start: 10, end: 14, polarity: "positive" }); // 𠀀 and 𠀁 are two code units each
  });

  it.runIf(enabled)("the OpenAPI document is valid OpenAPI 3.1 and lists the screening operations", async () => {
    const { Validator } = await import("@seriousme/openapi-schema-validator");
    const doc = (await s.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as Json;
    const res = await new Validator().validate(doc as never);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    const ops = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((m) => Object.values(m).map((o) => o.operationId as string));
    for (const id of ["listScreeningProjects", "createScreeningProject", "importScreeningRecords", "nextScreeningRecord", "addScreeningDecision", "listScreeningConflicts", "screeningAgreement", "screeningPrisma"])
      expect(ops).toContain(id);
  });
});
