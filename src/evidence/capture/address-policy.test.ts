import { describe, expect, it } from "vitest";
import { checkPublicUrl, isNonPublicAddress, publicCaptureGuard, publicOnlyLookup } from "./address-policy.js";

describe("isNonPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:7f00:1",
    "64:ff9b::a00:1",
    "not-an-address",
  ])("refuses %s", (a) => {
    expect(isNonPublicAddress(a)).toBe(true);
  });
  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "allows %s",
    (a) => {
      expect(isNonPublicAddress(a)).toBe(false);
    },
  );
});

describe("checkPublicUrl", () => {
  const dns =
    (map: Record<string, string[]>) =>
    async (h: string): Promise<string[]> => {
      const r = map[h];
      if (!r) throw new Error("ENOTFOUND");
      return r;
    };
  it("checks every address a name resolves to", async () => {
    expect(await checkPublicUrl("https://example.org/a", dns({ "example.org": ["93.184.215.14"] }))).toEqual({
      ok: true,
    });
    expect(await checkPublicUrl("http://mixed.test/", dns({ "mixed.test": ["93.184.215.14", "10.0.0.5"] }))).toEqual({
      ok: false,
      refused: "10.0.0.5",
      reason: "private",
    });
    expect(await checkPublicUrl("http://gone.test/", dns({}))).toEqual({
      ok: false,
      refused: "gone.test",
      reason: "unresolvable",
    });
    expect(await checkPublicUrl("http://empty.test/", dns({ "empty.test": [] }))).toMatchObject({
      ok: false,
      reason: "unresolvable",
    });
  });
  it("checks literal addresses without DNS, including bracketed IPv6", async () => {
    const never = async (): Promise<string[]> => {
      throw new Error("no DNS expected");
    };
    expect(await checkPublicUrl("http://127.0.0.1:8080/", never)).toMatchObject({ ok: false, refused: "127.0.0.1" });
    expect(await checkPublicUrl("http://[::1]/", never)).toMatchObject({ ok: false, refused: "::1" });
    expect(await checkPublicUrl("http://[::ffff:169.254.169.254]/", never)).toMatchObject({ ok: false });
    expect(await checkPublicUrl("http://2130706433/", never)).toMatchObject({ ok: false }); // decimal form of 127.0.0.1, normalised by URL
    expect(await checkPublicUrl("http://0x7f.1/", never)).toMatchObject({ ok: false });
    expect(await checkPublicUrl("http://8.8.8.8/", never)).toEqual({ ok: true });
  });
  it("refuses other schemes", async () => {
    await expect(checkPublicUrl("file:///etc/passwd")).rejects.toMatchObject({ code: "EV_CAPTURE_URL" });
    await expect(checkPublicUrl("gopher://127.0.0.1/")).rejects.toMatchObject({ code: "EV_CAPTURE_URL" });
  });
});

describe("publicOnlyLookup and publicCaptureGuard", () => {
  const lookupOnce = (l: ReturnType<typeof publicOnlyLookup>, host: string, family?: number) =>
    new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((r) => l(host, family ? { family } : {}, (err, address) => r({ err, address })));
  it("answers only public addresses of the wanted family, and refuses everything else with the capture error", async () => {
    const l = publicOnlyLookup({ resolve: async (h) => (h === "v4only.test" ? ["93.184.215.14"] : h === "bad.test" ? ["10.0.0.1"] : Promise.reject(new Error("ENOTFOUND"))) });
    expect(await lookupOnce(l, "v4only.test")).toEqual({ err: null, address: "93.184.215.14" });
    expect((await lookupOnce(l, "v4only.test", 6)).err?.code).toBe("S_EV_CAPTURE_REFUSED");
    expect((await lookupOnce(l, "bad.test")).err?.message).toContain("10.0.0.1");
    expect((await lookupOnce(l, "gone.test")).err?.message).toContain("does not resolve");
    expect((await lookupOnce(l, "169.254.169.254")).err?.code).toBe("S_EV_CAPTURE_REFUSED");
    expect(await lookupOnce(l, "8.8.8.8")).toEqual({ err: null, address: "8.8.8.8" });
  });
  it("the guard's checkUrl throws the capture error with the url field; allowRequest answers false", async () => {
    const g = publicCaptureGuard({ resolve: async () => ["192.168.1.1"] });
    await expect(g.checkUrl("http://router.test/")).rejects.toMatchObject({ code: "S_EV_CAPTURE_REFUSED", location: { field: "url" } });
    expect(await g.allowRequest("http://router.test/x.png")).toBe(false);
    expect(await g.allowRequest("file:///etc/passwd")).toBe(false);
    expect(await publicCaptureGuard({ resolve: async () => ["93.184.215.14"] }).allowRequest("https://example.test/a.css")).toBe(true);
  });
});
