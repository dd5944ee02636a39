#!/usr/bin/env python3
"""Curate the shared working data (/work/shared/data) into the Frictionless Data Package in data/.

Re-runnable and deterministic: running it again reproduces data/ byte for byte.

    python3 scripts/curate/curate.py [--shared /work/shared/data] [--out data]

Rules (see data/README.md, which this script also writes):
  * values are copied as the shared text states them (never reformatted, never invented);
  * row_id NNNN of a table = line NNNN+1 of the shared file (header is line 1); rows moved between
    tables or added later continue the numbering of the destination table;
  * every decision about a row (status, renamed measure, correction, flag) is listed below by the
    shared line number it applies to and lands in the README changelog.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CHANGELOG: list[tuple[str, int | None, str, str]] = []  # (file, shared line, row_id, text)
CHECKS: list[str] = []


def log(table: str, line: int | None, row_id: str, text: str) -> None:
    CHANGELOG.append((table, line, row_id, text))


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------

def read_shared(shared: str, name: str) -> list[tuple[int, dict[str, str]]]:
    path = os.path.join(shared, name + ".csv")
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    rows = list(csv.DictReader(io.StringIO(text)))
    out = []
    for i, r in enumerate(rows):
        for k, v in r.items():
            assert "\n" not in v, (name, i, k)
        out.append((i + 2, r))  # line number in the shared file (header = line 1; no embedded newlines)
    return out


def qualifier_class(q: str) -> str:
    ql = q.strip().lower()
    if ql in ("", "claimed most heart transplants in china in 2014"):
        return "unstated"
    if ql in ("exact", "as reported", "verified count", "independent count", "known", "mean", "median",
              "average", "as cited", "initial group", "found via chinese search engine"):
        return "exact"
    if ql in ("exact (inferred)", "exact (derived by authors)", "derived", "derived by cohrc"):
        return "derived"
    if ql in ("more than", "at least", "over", "more than (peak)", "approx (more than)", "expandable"):
        return "lower_bound"
    if ql in ("under", "at most", "as high as"):
        return "upper_bound"
    if ql in ("expected", "expected (some)", "forecast", "more than (forecast)", "planned", "projection",
              "roughly the same as 2013", "estimated (forecast made during the year)"):
        return "forecast"
    if ql in ("range", "range low", "range high", "more than 1,000 reduced to 160-odd", "expanded from 29 to 70"):
        return "range"
    if ql in ("assumed",):
        return "assumption"
    if ql.startswith("approx") or ql in ("about", "nearly", "estimated", "estimate", "read from bar chart",
                                         "a few hundred", "about one fifth", "more or less unchanged from 2013", "as reported (round number)",
                                         "probably ~10,000 per year before 1997", '"a decade ago" relative to 2016'):
        return "approximate"
    raise SystemExit(f"unmapped qualifier {q!r}")


QCLASS_ENUM = ["exact", "approximate", "lower_bound", "upper_bound", "range", "forecast", "derived", "assumption", "unstated"]


def rid(prefix: str, n: int) -> str:
    return f"{prefix}-{n:04d}"


# --------------------------------------------------------------------------------------------
# gap-fill rows (issue 2, item 4): researched rows in research/gap-fill.csv (header, quote, URL,
# caveats per row). Only the rows named in the build_* functions are added; each is checked
# against the file (source_id, measure, value) so that an edit to the CSV cannot slip in silently.
# Added rows continue the numbering of their destination table and carry the quote in `notes`.
# --------------------------------------------------------------------------------------------

GAPFILL_PATH = os.path.join(ROOT, "research", "gap-fill.csv")
GAPFILL_DATE = "2026-11-28"
_GAPFILL: dict[int, dict[str, str]] = {}


def gapfill(line: int, source_id: str, measure: str, value: str) -> dict[str, str]:
    """Row on line `line` of research/gap-fill.csv (header = line 1), checked against the expected key."""
    if not _GAPFILL:
        with open(GAPFILL_PATH, encoding="utf-8", newline="") as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                for k, v in r.items():
                    assert "\n" not in v, ("gap-fill.csv", i + 2, k)
                _GAPFILL[i + 2] = r
    r = _GAPFILL[line]
    got = (r["source_id"], r["measure"], r["value"])
    if got != (source_id, measure, value):
        raise SystemExit(f"research/gap-fill.csv line {line}: expected {(source_id, measure, value)}, found {got}")
    return r


def gapfill_label(line: int) -> str:
    return f"gap-fill.csv {line}"


# translations for quotes whose research-file note does not already carry one (from research/gap-fill.md)
_RC_TRANSLATION = ("translation (researcher's): 'ANU researchers also found anomalies in the Red Cross dataset, e.g. in March 2016 the number of "
                   "organ transplants per donor was 21.3, which is medically impossible. Data entered afterwards were evidently corrected, with "
                   "transplants per donor always 2.75'")
GAPFILL_TRANSLATION = {
    24: _RC_TRANSLATION,
    26: "translation (researcher's): 'The voluntary organ donation project in China grew from 34 in 2010 to 6,316 in 2018.'",
}


def gapfill_notes(line: int, r: dict[str, str], extra: str = "") -> str:
    parts = [f"added {GAPFILL_DATE} from research/gap-fill.csv line {line}", f'quote: "{r["quote"]}"']
    if line in GAPFILL_TRANSLATION:
        parts.append(GAPFILL_TRANSLATION[line])
    if extra:
        parts.append(extra)
    if r["notes"]:
        parts.append("researcher's note: " + r["notes"])
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# status helpers
# --------------------------------------------------------------------------------------------

class Decisions:
    """Per-line decisions for one shared file: status, reason, curation note."""

    def __init__(self, table: str):
        self.table = table
        self.d: dict[int, dict[str, str]] = {}

    def set(self, line: int, status: str | None = None, reason: str | None = None, note: str | None = None) -> None:
        e = self.d.setdefault(line, {})
        if status is not None:
            e["status"] = status
        if reason is not None:
            e["status_reason"] = reason
        if note is not None:
            e["curation_note"] = (e.get("curation_note", "") + "; " + note).lstrip("; ")

    def apply(self, line: int, row: dict) -> None:
        e = self.d.get(line, {})
        row["status"] = e.get("status", "default")
        row["status_reason"] = e.get("status_reason", "")
        if e.get("curation_note"):
            row["curation_note"] = (row.get("curation_note", "") + "; " + e["curation_note"]).lstrip("; ")
            log(self.table, line, row["row_id"], e["curation_note"])
        if row["status"] != "default" or row["status_reason"]:
            log(self.table, line, row["row_id"], f"status `{row['status']}`: {row['status_reason']}")


def check_groups(table: str, rows: list[dict], key) -> None:
    """Exactly one default per group of rows reporting the same quantity (unless all are excluded)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    for k, g in groups.items():
        live = [r for r in g if r["status"] != "excluded"]
        defaults = [r for r in g if r["status"] == "default"]
        if live and len(defaults) != 1:
            raise SystemExit(f"{table}: group {k} has {len(defaults)} default rows: {[r['row_id'] for r in g]}")
        for r in g:
            if r["status"] != "default" and not r["status_reason"]:
                raise SystemExit(f"{table}: {r['row_id']} is {r['status']} without a reason")
        if len(g) > 1:
            for r in defaults:
                if not r["status_reason"]:
                    raise SystemExit(f"{table}: {r['row_id']} won a conflict without a reason: {[x['row_id'] for x in g]}")


# --------------------------------------------------------------------------------------------
# field builders (Table Schema)
# --------------------------------------------------------------------------------------------

def F(name, type_, title, description, required=False, unit=None, enum=None, pattern=None, minimum=None,
      maximum=None, unique=False, fmt=None):
    f: "OrderedDict[str, object]" = OrderedDict()
    f["name"] = name
    f["type"] = type_
    if fmt:
        f["format"] = fmt
    f["title"] = title
    f["description"] = description
    c: "OrderedDict[str, object]" = OrderedDict()
    if required:
        c["required"] = True
    if unique:
        c["unique"] = True
    if minimum is not None:
        c["minimum"] = minimum
    if maximum is not None:
        c["maximum"] = maximum
    if enum is not None:
        c["enum"] = enum
    if pattern is not None:
        c["pattern"] = pattern
    if c:
        f["constraints"] = c
    if unit:
        f["unit"] = unit
    return f


def row_id_field(prefix: str):
    return F("row_id", "string", "Row id", f"Stable row identifier ({prefix}-NNNN). NNNN = line NNNN+1 of the shared working copy the row came from; rows added later continue the numbering.",
             required=True, unique=True, pattern=f"^{prefix}-[0-9]{{4}}$")


def common_tail(extra_notes_desc: str = "Notes carried over from the shared working copy (paraphrases of the source)."):
    return [
        F("source_id", "string", "Source", "Foreign key to sources.id.", required=True, pattern="^[A-Z0-9_]+$"),
        F("status", "string", "Selection status", "default = the row analyses use for its quantity; alternative = another statement of the same quantity, kept for the record; excluded = never to be used in analyses (reason given).",
          required=True, enum=["default", "alternative", "excluded"]),
        F("status_reason", "string", "Status reason", "Why the row is alternative or excluded, or why a default row won a conflict with other rows for the same quantity. Empty only on uncontested default rows."),
        F("curation_note", "string", "Curation note", "What the curation changed or flagged on this row (corrections with their source, failed arithmetic checks, renamed measures)."),
        F("notes", "string", "Notes", extra_notes_desc),
    ]


QUAL_FIELDS = [
    F("qualifier", "string", "Qualifier (as framed by the source)", "How the source framed the value (exact, approx, more than, expected, ...), verbatim from the shared copy."),
    F("qualifier_class", "string", "Qualifier class", "Normalised qualifier: exact | approximate | lower_bound | upper_bound | range | forecast | derived | assumption | unstated.",
      required=True, enum=QCLASS_ENUM),
]


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------

CDD_UNIT = {
    "deceased_donors": "donors", "deceased_donors_partial_year": "donors", "dbd_donors": "donors",
    "dcd_donors": "donors", "deceased_donors_expected": "donors", "organ_donors_all_types_expected": "donors",
    "organs_donated": "organs", "organs_donated_partial_year": "organs", "organs_procured": "organs",
    "organs_transplanted_from_deceased_donors": "organs", "donors_per_million_population": "per million population",
    "deceased_donors_per_month_average": "donors per month", "transplants_all_organs": "transplants",
}


def row_unit(m: str) -> str:
    return CDD_UNIT[m]


# gap-fill rows for china_deceased_donors: (gap-fill line, source_id, measure, value, qualifier, status, status_reason, curation_note)
CDD_GAPFILL = [
    (2, "XINHUA2014AUG", "deceased_donors", "849", "exact", "alternative",
     "corroborates, not independent: the Xinhua wire original (2014-08-29) of the statement already cited as PD2014 (cdd-0012); same sentence, same 849", ""),
    (3, "XINHUA2014AUG", "deceased_donors", "34", "exact", "alternative",
     "corroborates, not independent: the Xinhua wire original (2014-08-29) of the statement cited as PD2014, same 34 as the NHFPC statement (CNS2016)", ""),
    (9, "LT2015HUANG", "deceased_donors_expected", "1147", "estimated (forecast made during the year)", "default", "",
     "FLAG: a forecast written during 2014, not an outturn: far below the later official ~1,700 for 2014 (cdd-0015, cdd-0013) and below the 'close to 1,300' already reached by 2014-11-03 (cdd-0017)"),
    (10, "PD2017FEB", "deceased_donors", "1795", "exact", "default", "",
     "FLAG: the source words it as '1,795 organ removals'; read as donation cases because the same sentence compares it with 2015's 2,766, a donor count; coincidence: 1,795 is also China's 2016 GODT living-donor kidney transplant count (tvc-0127); consistent with 2,950 donors for Q1-Q3 2016 (cdd-0034)"),
    (11, "PD2017FEB", "deceased_donors", "2766", "exact", "alternative",
     "same value as the NHFPC statement (CNS2016); Xinhua via People's Daily Online (Feb 2017), a later restatement", ""),
    (14, "ECNS2016", "deceased_donors", "2766", "exact", "alternative",
     "same value as the NHFPC statement (CNS2016); People's Daily relay of NHFPC statistics via ecns.cn", ""),
    (15, "ECNS2016", "organs_donated", "7785", "exact", "alternative",
     "one of 7,758/7,785 is a digit transposition and which one cannot be told from the sources held; this is an official relay (NHFPC statistics via People's Daily and ecns.cn, 2016-04-01), so 7,785 is not only a press digest's figure (KGM2016_NTC); the named NHFPC official's own later statement (Guo Yanhong, May 2016, CNS2016) gives 7,758, which stays default (rules 1-2)", ""),
    (18, "XINHUA2019FEB", "deceased_donors", "6300", "more than", "alternative",
     "lower bound ('more than 6,300', Xinhua relaying NHC figures) consistent with the exact NHC annual-report figure 6,302 (NHC2018)", ""),
    (19, "XINHUA2019FEB", "organs_donated", "18000", "nearly", "default", "",
     "FLAG: the full-year 'nearly 18,000' is lower than the 'more than 18,000' already stated for Jan-Nov 2018 by NHC (cdd-0048, CD2018DEC); both approximate, inconsistent as stated; kept as stated"),
    (25, "RZECZPOSPOLITA2019", "deceased_donors", "34", "exact", "alternative",
     "secondary press (Rzeczpospolita) relay of the COTRS figure cited by Robertson, Hinde & Lavee 2019; same 34 as the NHFPC statement (CNS2016) and the Epoch Times HK relay (cdd-0004)", ""),
    (26, "RZECZPOSPOLITA2019", "deceased_donors", "6316", "exact", "alternative",
     "secondary press (Rzeczpospolita) relay of the COTRS figure cited by Robertson, Hinde & Lavee 2019, worded independently of HKET2019 (cdd-0046); differs by 14 from the NHC annual figure 6,302 (NHC2018)", ""),
    (31, "CD2015MAR", "deceased_donors", "380", "about", "default", "", ""),
    (32, "CD2015MAR", "organs_donated", "1000", "nearly", "default", "", ""),
]


def gapfill_china_deceased_donors(T: str, unit_of, n0: int) -> list[dict]:
    out = []
    n = n0
    for line, sid, m, v, qual, status, reason, note in CDD_GAPFILL:
        r = gapfill(line, sid, m, v)
        n += 1
        row = OrderedDict()
        row["row_id"] = rid("cdd", n - 1)
        y, ps, pe = r["year"], r["period_start"], r["period_end"]
        assert ps and pe, line
        row["year"] = y
        row["period_start"] = ps
        row["period_end"] = pe
        full = ps == f"{y}-01-01" and pe == f"{y}-12-31"
        row["period_kind"] = "full_year" if full else "partial_year"
        row["geography"] = r["geography"]
        row["geography_level"] = "national" if r["geography"] == "China" else "provincial"
        row["reporting_body"] = r["reporting_body"]
        notes = [f"added from research/gap-fill.csv (line {line}); qualifier in the research file: '{r['qualifier']}'"]
        if not full and m in ("deceased_donors", "organs_donated"):
            notes.append(f"measure `{m}` entered as `{m}_partial_year` (period {ps} to {pe})")
            m = m + "_partial_year"
        row["measure"] = m
        row["value"] = v
        row["unit"] = unit_of(m)
        row["qualifier"] = qual
        row["qualifier_class"] = qualifier_class(qual)
        row["source_id"] = sid
        row["status"] = status
        row["status_reason"] = reason
        if note:
            notes.append(note)
        row["curation_note"] = "; ".join(notes)
        row["notes"] = gapfill_notes(line, r)
        log(T, gapfill_label(line), row["row_id"], row["curation_note"] + (f"; status `{status}`: {reason}" if reason else ""))
        out.append(row)
    # researched rows deliberately not added
    r4 = gapfill(4, "XINHUA2014AUG", "deceased_donors_partial_year", "659")
    log(T, gapfill_label(4), "-", "NOT ADDED: '659' (XINHUA2014AUG, 2014 partial year): the stored sentence is cut off after 'reached 659 since', so the "
        "period it covers is not visible (the researcher's 'since the beginning of this year' is a guess), and 659 equals RCSC's cumulative total for "
        "2013-02-22 (ccc-0003, CD2013FEB), so it may be a re-used or confused figure")
    assert r4["quote"].endswith("reached 659 since")
    return out


def build_china_deceased_donors(shared):
    T = "china_deceased_donors"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    # 2010 donors: 34 vs 63
    D(2, reason="2010 conflict: official NHFPC statement (Guo Yanhong, May 2016); the COTRS figure cited by Robertson et al. 2019 (HKET2019, RZECZPOSPOLITA2019) and Huang Jiefu's Aug-2014 statement (XINHUA2014AUG) give the same 34; the 63 (CCTV2013) is a blog repost of a 2013 TV item")
    D(4, "alternative", "conflicts with 34 (NHFPC 2016, CNS2016; COTRS per Robertson et al. 2019); secondary: blog repost of a 2013 CCTV item")
    D(5, "alternative", "same value as the NHFPC statement (CNS2016); secondary press summary (Epoch Times HK) of the COTRS figure in Robertson et al. 2019")
    # 2014 donors and organs
    D(16, reason="2014: both statements give ~1,700; this one is attributed to a named official (Huang Jiefu, via Xinhua/China Daily)")
    D(14, "alternative", "same approximate value (~1,700) as Huang Jiefu's statement (ALMAGHRIB2015); unattributed 'official figures'")
    D(15, reason="2014 organs conflict: 'some 4,548' is a specific figure; the other statement is only a lower bound ('more than 5,000', ALMAGHRIB2015) that contradicts it; unresolved")
    D(17, "alternative", "lower bound ('more than 5,000') that conflicts with 'some 4,548' (ASIAONE2015); not resolvable from the sources held")
    # 2015
    D(21, reason="official NHFPC statement (Guo Yanhong, May 2016); COTDF (CD2017), the GODT submission (GODT2018), NHFPC statistics via ecns.cn (ECNS2016) and Xinhua via People's Daily (PD2017FEB) give the same 2,766")
    D(20, "alternative", "same value as the NHFPC statement (CNS2016)")
    D(24, "alternative", "same value as the NHFPC statement (CNS2016); GODT export is a secondary redistribution")
    D(22, reason="2015 organs conflict, UNRESOLVED: 7,758 and 7,785 differ by a digit transposition and which one is right cannot be told from the sources held; 7,785 is not only in a press digest (KGM2016_NTC) but also in an official relay of NHFPC statistics (ECNS2016, People's Daily via ecns.cn, 2016-04-01); 7,758 stays default by rule 1 and 2: it is a named NHFPC official's own statement (Guo Yanhong, May 2016, CNS2016), later than the April 2016 relay")
    D(23, "alternative", "one of 7,758/7,785 is a digit transposition (unresolved); this copy is a secondary press digest of the KGM 2016 update; 7,785 also appears in an official relay (ECNS2016); the named NHFPC official's statement (CNS2016) gives 7,758")
    # 2016
    D(31, reason="COTDF statement; the GODT submission gives the same 4,080")
    D(32, "alternative", "same value as the COTDF statement (CD2017)")
    D(36, "excluded", "not a donor count: 2016 transplant total (all organs) from Robertson et al. 2019 Table 7; the same row is kept in china_transplant_volume_claims (tvc-0016)")
    # 2017: 5,146 vs 5,148
    D(42, reason="2017 conflict: later official NHC statement (Dec 2018), consistent with the NHC/COTDF 2015-2019 total of 24,112 (GT2020 = 2,766+4,080+5,146+6,302+5,818); COTDF's 5,148 (PD_PT2018) differs by 2")
    D(37, "alternative", "differs by 2 from NHC's 5,146 (CNS2018DEC), which the body's own later 2015-2019 total (GT2020, 24,112) uses")
    # 2018: 6,302 vs 6,316
    D(44, reason="2018 conflict: NHC annual-report figure (also ECNS2019; Xinhua's 'more than 6,300', XINHUA2019FEB, is consistent); the 6,316 attributed to COTRS reached us only via press summaries of Robertson et al. 2019 (HKET2019, RZECZPOSPOLITA2019)")
    D(45, "alternative", "same value as NHC2018")
    D(47, "alternative", "secondary: COTRS figure as cited by Robertson et al. 2019, relayed by Epoch Times HK (also by Rzeczpospolita, RZECZPOSPOLITA2019); differs by 14 from the NHC annual figure 6,302 (NHC2018)")
    # 2013: the only national figure now has a second copy (its own wire original)
    D(13, reason="2013: the only national figure held; the Xinhua wire (XINHUA2014AUG) is the original of this same statement (same sentence), so it corroborates but is not an independent source")
    # 2019
    D(50, reason="COTDF development report via Global Times; the 5,830 (XXDWZD) comes from a spam-altered copy")
    for ln in (52, 53, 56, 57, 58):
        D(ln, "excluded", "LOW QUALITY source: spam-altered copy of an industry report (XXDWZD); cross-check only")
    # 2020 / 2021 / 2022
    D(59, reason="GODT submission (exact); Jiang et al. (TTS2022) state only 'more than 5,000' from the same GODT data")
    D(62, "alternative", "rounded lower bound ('more than 5,000') of the GODT figure 5,222 (GODT2022)")
    D(63, reason="official China Organ Transplantation Development Report 2021 (via The Paper); the GODT submission gives the same 5,272")
    D(65, "alternative", "same value as the 2021 development report (PAPER2022)")
    D(68, reason="GODT submission; the HA Convention 2024 abstract (HA2024) restates the same 5,628")
    D(66, "alternative", "same value as the GODT submission (GODT2022); conference abstract restating official figures")

    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("cdd", line - 1)
        row["year"] = r["year"]
        row["period_start"] = r["period_start"]
        row["period_end"] = r["period_end"]
        y = r["year"]
        full = r["period_start"] == f"{y}-01-01" and r["period_end"] == f"{y}-12-31"
        row["period_kind"] = "full_year" if full else "partial_year"
        row["geography"] = r["geography"]
        row["geography_level"] = "national" if r["geography"] == "China" else "provincial"
        row["reporting_body"] = r["reporting_body"]
        m = r["measure"]
        row["curation_note"] = ""
        if not full and m in ("deceased_donors", "organs_donated"):
            m2 = m + "_partial_year"
            row["curation_note"] = f"measure renamed from `{m}` to `{m2}` (period {r['period_start']} to {r['period_end']})"
            log(T, line, row["row_id"], row["curation_note"])
            m = m2
        row["measure"] = m
        row["value"] = r["value"]
        row["unit"] = row_unit(m)
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    rows += gapfill_china_deceased_donors(T, unit_of=lambda m: row_unit(m), n0=len(src) + 1)
    check_groups(T, rows, lambda r: (r["year"], r["period_start"], r["period_end"], r["geography"], r["measure"]))
    # arithmetic checks
    byid = {r["row_id"]: r for r in rows}
    g = [r for r in rows if r["geography"] == "Guangdong" and r["measure"] == "deceased_donors" and r["status"] == "default"]
    s = sum(int(r["value"]) for r in g)
    CHECKS.append(f"china_deceased_donors: Guangdong 2010-2014 donors sum to {s} ({'+'.join(r['value'] for r in g)}); GONGYI2015 gives 'more than 570' cumulative since 2010 (ccc-0016): consistent.")
    tot = sum(int(byid[i]["value"]) for i in ("cdd-0020", "cdd-0030", "cdd-0041", "cdd-0043", "cdd-0049"))
    CHECKS.append(f"china_deceased_donors: default national donors 2015-2019 sum to {tot} (2,766+4,080+5,146+6,302+5,818); GT2020 reports 24,112 for 2015-2019 (ccc-0047): {'equal' if tot == 24112 else 'NOT equal'}.")
    for y, ids in {"2015": ("cdd-0024", "cdd-0025", "cdd-0023"), "2016": ("cdd-0032", "cdd-0033", "cdd-0031"), "2020": ("cdd-0059", "cdd-0060", "cdd-0058")}.items():
        a, b, t = (int(byid[i]["value"]) for i in ids)
        CHECKS.append(f"china_deceased_donors: GODT {y} DBD {a} + DCD {b} = {a + b} vs deceased donors {t}: {'equal' if a + b == t else 'NOT equal'}.")
    fields = [
        row_id_field("cdd"),
        F("year", "integer", "Year", "Calendar year the figure refers to.", required=True, minimum=2000, maximum=2100),
        F("period_start", "date", "Period start", "First day of the period the figure covers.", required=True),
        F("period_end", "date", "Period end", "Last day of the period the figure covers (for partial years, the as-of date stated).", required=True),
        F("period_kind", "string", "Period kind", "full_year = 1 Jan to 31 Dec; partial_year = part of a year (such rows also carry a *_partial_year measure or a per-month/partial measure).", required=True, enum=["full_year", "partial_year"]),
        F("geography", "string", "Geography", "China (national) or a province.", required=True),
        F("geography_level", "string", "Geography level", "national or provincial.", required=True, enum=["national", "provincial"]),
        F("reporting_body", "string", "Reporting body", "Body (and person) the figure is attributed to, and the channel it reached us through.", required=True),
        F("measure", "string", "Measure", "What is counted. deceased_donors = full-year count of deceased (citizen) donors; *_partial_year = count for part of a year; *_expected = forecast; deceased_donors_per_month_average = stated monthly average.", required=True,
          enum=["deceased_donors", "deceased_donors_partial_year", "deceased_donors_expected", "deceased_donors_per_month_average", "organ_donors_all_types_expected", "dbd_donors", "dcd_donors", "organs_donated", "organs_donated_partial_year", "organs_procured", "organs_transplanted_from_deceased_donors", "donors_per_million_population", "transplants_all_organs"]),
        F("value", "number", "Value", "The number as the source states it (unit in column `unit`).", required=True, minimum=0),
        F("unit", "string", "Unit", "Unit of `value` (varies by row: donors, organs, transplants, donors per month, per million population).", required=True),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    res = resource(T, "China: official deceased-donor counts (national and provincial)",
                   "China's official annual (and partial-year) deceased-donor counts, organs donated and donors per million population, one reported number per row, by reporting body. Conflicting official statements are kept side by side; exactly one row per quantity (year, period, geography, measure) is `default`. Select `measure = deceased_donors, status = default` for the full-year reported national series. The 2012 national count is not reported in any source held (see README).",
                   fields, x_series={"x": "year", "y": "value", "measure": "measure", "geography": "geography", "body": "reporting_body"})
    return rows, res


COUNTER_BODY = [
    ("CODAC", "CODAC"), ("Red Cross Society of China", "RCSC"), ("Guangdong Red Cross", "Guangdong Red Cross"),
    ("NHFPC", "NHC/NHFPC"), ("NHC", "NHC/NHFPC"), ("COTDF", "COTDF"), ("Huang Jiefu", "Huang Jiefu"),
    ("Lancet", "Lancet 2014 correspondence"), ("China Radio International", "CRI"), ("China National Radio", "CNR"),
    ("CCTV", "CCTV"), ("China Daily (via Yibada)", "China Daily"), ("twiggandstone", "twiggandstone.com"),
    ("Kunming", "2017 national conference (Kunming)"), ("Guangdong Health Online", "Guangdong Health Online"),
    ("HA Convention", "HA Convention 2024 abstract"), ("Fang Qiang", "Fang Qiang (Chinese Medical News)"),
]


def counter_body(rb: str) -> str:
    for needle, body in COUNTER_BODY:
        if needle in rb:
            return body
    raise SystemExit(f"no counter body for {rb!r}")


CCC_UNIT = {"cumulative_deceased_donors": "donors", "cumulative_organs_donated": "organs", "cumulative_organs_transplanted": "organs",
            "cumulative_registered_volunteers": "registrants", "cumulative_transplants": "transplants",
            "cumulative_deceased_donors_2015_2019": "donors"}

# gap-fill rows for china_cumulative_counters:
# (gap-fill line, source_id, measure, value, as_of_date, date_precision, qualifier, status, status_reason, curation_note)
CCC_GAPFILL = [
    (5, "XINHUA2014AUG", "cumulative_deceased_donors", "2100", "2014-08-14", "day", "more than", "alternative",
     "lower bound ('more than 2,100', Xinhua wire) of the exact 2,107 that Huang Jiefu gave at the same forum (CAIXIN2014, ccc-0011)",
     "as_of_date = the forum date given by CAIXIN2014; the wire says 'as of mid-August'"),
    (6, "CHINESEMEDNEWS2013", "cumulative_deceased_donors", "207", "2012-03-31", "month", "exact", "default", "",
     "'by March 2012': end-of-month placeholder; fits 34 (2010) + 132 (2011) = 166 by end-2011 and >400 by 2012-09-24 (ccc-0001)"),
    (7, "LT2015HUANG", "cumulative_deceased_donors", "2326", "2014-08-31", "month", "exact", "default", "",
     "FLAG: 219 more than the exact 2,107 Huang Jiefu gave for 2014-08-14 (ccc-0011) only about two weeks earlier, at a 2014 pace of roughly 150 donors a month; the abstract says the system 'identified' 2,326 donors, which may be a different definition or end date; kept as stated"),
    (8, "LT2015HUANG", "cumulative_organs_donated", "6416", "2014-08-31", "month", "exact", "default", "",
     "FLAG: 629 more than the 5,787 organs given for 2014-08-14 (ccc-0012); same caveat as the donor figure of this abstract"),
    (12, "ECNS2016", "cumulative_deceased_donors", "6624", "2016-03-20", "day", "exact", "default", "",
     "between 5,384 (2015-11-09, ccc-0017) and 8,866 (2016-09-30, ccc-0022)"),
    (13, "ECNS2016", "cumulative_registered_volunteers", "66000", "2016-03-20", "day", "more than", "default", "",
     "the source's 'voluntary organ donors' are registrants here (6,624 'of whom donated their organs')"),
    (16, "XINHUA2019FEB", "cumulative_deceased_donors", "21000", "2018-12-31", "year", "as reported (round number)", "default",
     "end-2018 conflict: Xinhua's 21,000 (NHC figures, Mar 2019) over NHC's '1.8万余例' (more than 18,000, NHC2018 of Oct 2019, ccc-0041): a figure over a bare lower bound (rule 3); rule 2 does not favour the later NHC2018 because it is not consistent with the body's own totals: the stated annual defaults 2010-2018, without the unreported 2012, already sum to 21,009, and NHC's >26,000 by Oct 2019 (ccc-0044) fits 21,000 plus Jan-Oct 2019",
     "'end of last year' in a wire dated 2019-03-01: end-of-year date as for ccc-0041"),
    (17, "XINHUA2019FEB", "cumulative_organs_donated", "58000", "2018-12-31", "year", "more than", "default",
     "end-2018 organs: same statement as the default 21,000 donors; 'over 58,000' is the tighter of the two lower bounds (NHC2018: more than 52,000, ccc-0042) and fits CODAC's ~46,500 by 2018-03-28 (ccc-0039) plus most of 2018's 'nearly 18,000' organs",
     ""),
    (20, "XINHUA2019FEB", "cumulative_registered_volunteers", "992000", "2019-02-28", "day", "more than", "default", "",
     "wire dated Wuhan, 2019-02-28 ('official figures showed Thursday'); attributed to COTDF (Zhao Hongtao) by the researcher"),
    (21, "XINHUA2019MAR", "cumulative_deceased_donors", "23219", "2019-02-28", "month", "exact", "default", "",
     "FLAG: 2,219 above Xinhua's 21,000 for end-2018 (XINHUA2019FEB) two months earlier, when 2018 ran at about 525 donors a month and H1 2019 totalled 2,757 (cdd-0053); looks high by roughly 900; kept as stated"),
    (22, "XINHUA2019MAR", "cumulative_organs_donated", "64087", "2019-02-28", "month", "exact", "default", "",
     "'from 2010 to the end of February': end-of-month date"),
]


def gapfill_counters(T: str, rows: list[dict], n0: int) -> None:
    """Append the gap-fill counter rows. A row that shares its monotonic key and as_of_date with an existing row of
    higher value is written just before that row: the validator orders same-date rows by file line, and two statements
    of one day are a level conflict (settled by status), not a decrease over time."""
    n = n0
    for line, sid, m, v, d, prec, qual, status, reason, note in CCC_GAPFILL:
        r = gapfill(line, sid, m, v)
        assert r["period_end"] == d, (line, d)
        n += 1
        row = OrderedDict()
        row["row_id"] = rid("ccc", n - 1)
        row["as_of_date"] = d
        row["date_precision"] = prec
        row["geography"] = r["geography"]
        row["reporting_body"] = r["reporting_body"]
        row["counter_body"] = counter_body(r["reporting_body"])
        row["measure"] = m
        row["value"] = v
        row["unit"] = CCC_UNIT[m]
        row["qualifier"] = qual
        row["qualifier_class"] = qualifier_class(qual)
        row["source_id"] = sid
        row["status"] = status
        row["status_reason"] = reason
        notes = [f"added from research/gap-fill.csv (line {line}); qualifier in the research file: '{r['qualifier']}'"]
        if note:
            notes.append(note)
        pos = len(rows)
        for i, x in enumerate(rows):
            if (x["status"] != "excluded" and x["as_of_date"] == d and x["geography"] == row["geography"] and x["counter_body"] == row["counter_body"]
                    and x["measure"] == m and float(x["value"]) > float(v)):
                pos = i
                notes.append(f"written just before {x['row_id']} (same counter and date, higher value), so that the monotonic check does not read a same-day rounding difference as a decrease")
                break
        row["curation_note"] = "; ".join(notes)
        row["notes"] = gapfill_notes(line, r)
        log(T, gapfill_label(line), row["row_id"], row["curation_note"] + (f"; status `{status}`: {reason}" if reason else ""))
        rows.insert(pos, row)


def build_counters(shared, oq_moved: list):
    T = "china_cumulative_counters"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    for ln in (49, 50, 51):
        D(ln, "excluded", "LOW QUALITY source: spam-altered copy of an industry report (XXDWZD); cross-check only")
    D(60, reason="2024 registrants: RCSC data via CCTV; the HA Convention abstract (HA2024) gives 'more than 6.7 million' with no as-of date (it frames its figures 'as of 2022')")
    D(63, "alternative", "same quantity with unknown as-of date; conference abstract restating official figures; CCTV2024 (RCSC data) preferred")
    D(12, reason="2014-08-14: exact figure from Huang Jiefu's OPO-forum statement (Caixin); the Xinhua wire of the same statement (XINHUA2014AUG) rounds it to 'more than 2,100'")
    D(42, "alternative", "conflicts with Xinhua's 21,000 for end-2018 relaying the same body's figures (XINHUA2019FEB, default): '1.8万余例' (more than 18,000) is a bare lower bound about 3,000 below the sum of the stated annual defaults 2010-2018 even without 2012 (34+132+849+1,700+2,766+4,080+5,146+6,302 = 21,009) and leaves about 8,000 for Jan-Oct 2019 under NHC's own '>26,000' by Oct 2019 (ccc-0044), against 5,818 for all of 2019 (cdd-0049); possibly a misprint of 2.1万 (not corrected)")
    D(43, "alternative", "looser lower bound than Xinhua's 'over 58,000' for end-2018 relaying the same body's figures (XINHUA2019FEB, default); same statement as the 'more than 18,000' donors (ccc-0041), which conflicts with the annual series")
    D(38, note="FLAG: lower than the same body's (COTDF) earlier 'approx 293,000' of 2017-07-16 (ccc-0029) and than CODAC readings of 276,082 (2017-05-31) and >360,000 (CNR, 2017-12-10); kept as stated, not excluded; the x-monotonic check reports this decrease")
    moved = {20, 25, 26, 47, 54, 59}
    rows = []
    for line, r in src:
        if line in moved:
            oq_moved.append((line, r))
            log(T, line, "-", f"moved to other_quantitative (measure `{r['measure']}` is not a cumulative counter; it would break the monotonic check)")
            continue
        row = OrderedDict()
        row["row_id"] = rid("ccc", line - 1)
        d, prec = r["as_of_date"], r["date_precision"]
        row["curation_note"] = ""
        if re.fullmatch(r"\d{4}", d):
            row["curation_note"] = f"as_of_date was '{d}' (year only, not an ISO date); set to {d}-12-31 with date_precision=year (placeholder for 'some time in {d}', per the shared file's end-of-period convention)"
            log(T, line, row["row_id"], row["curation_note"])
            d = d + "-12-31"
        row["as_of_date"] = d
        row["date_precision"] = prec
        row["geography"] = r["geography"]
        row["reporting_body"] = r["reporting_body"]
        row["counter_body"] = counter_body(r["reporting_body"])
        row["measure"] = r["measure"]
        row["value"] = r["value"]
        row["unit"] = CCC_UNIT[r["measure"]]
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    gapfill_counters(T, rows, n0=len(src) + 1)
    check_groups(T, rows, lambda r: (r["as_of_date"], r["geography"], r["measure"]))
    # monotonic check (same definition the validator uses)
    key = ("geography", "counter_body", "measure")
    seq: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["status"] != "excluded":
            seq[tuple(r[k] for k in key)].append(r)
    viol = []
    for k, lst in seq.items():
        lst.sort(key=lambda r: r["as_of_date"])
        best = None
        for r in lst:
            v = float(r["value"])
            if best is not None and v < float(best["value"]):
                viol.append((k, best, r))
            if best is None or v > float(best["value"]):
                best = r
    for k, a, b in viol:
        CHECKS.append(f"china_cumulative_counters: MONOTONIC VIOLATION in key {k}: {b['row_id']} ({b['as_of_date']}, {b['value']}, {b['qualifier']}) is lower than {a['row_id']} ({a['as_of_date']}, {a['value']}, {a['qualifier']}). Kept as stated (genuine inconsistency between statements attributed to one body).")
    if not viol:
        CHECKS.append("china_cumulative_counters: no monotonic violations.")
    fields = [
        row_id_field("ccc"),
        F("as_of_date", "date", "As-of date", "Date the cumulative count refers to. With date_precision = month or year, this is the last day of that month/year, a placeholder, not a day the source states.", required=True),
        F("date_precision", "string", "Date precision", "day, month or year: how precisely the source dates the count.", required=True, enum=["day", "month", "year"]),
        F("geography", "string", "Geography", "China (national) or a province.", required=True),
        F("reporting_body", "string", "Reporting body", "Body/person the figure is attributed to and the channel it reached us through, as in the shared copy.", required=True),
        F("counter_body", "string", "Counter body", "Normalised body whose counter or statements the row belongs to (CODAC, RCSC, NHC/NHFPC, COTDF, Huang Jiefu, or the outlet when unattributed). One (geography, counter_body, measure) = one counter for the monotonic check.", required=True),
        F("measure", "string", "Measure", "What is counted since the programme start (2010) unless the measure or notes say otherwise.", required=True,
          enum=["cumulative_deceased_donors", "cumulative_organs_donated", "cumulative_organs_transplanted", "cumulative_registered_volunteers", "cumulative_transplants", "cumulative_deceased_donors_2015_2019"]),
        F("value", "number", "Value", "The cumulative count as stated.", required=True, minimum=0),
        F("unit", "string", "Unit", "Unit of `value` (donors, organs, registrants, transplants).", required=True),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    res = resource(T, "China: cumulative donation counters",
                   "Point-in-time cumulative counters (deceased donors, organs donated, registered volunteers, transplants) reported by CODAC, RCSC, NHC and others. Used to test the internal consistency of the annual series. Annual counts of new registrations were moved to other_quantitative (they are not cumulative).",
                   fields,
                   x_series={"x": "as_of_date", "y": "value", "measure": "measure", "geography": "geography", "body": "counter_body"})
    # ccc-0037: a decrease as published (see its curation_note); the validator reports it as a warning
    res["x-monotonic"] = OrderedDict([("key", ["geography", "counter_body", "measure"]), ("order", "as_of_date"), ("value", "value"), ("acknowledged", ["ccc-0037"])])
    return rows, res


def build_executions(shared):
    T = "china_executions_estimates"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    D(9, reason="Dui Hua's own table; the 2010 log (DUIHUA2010LOG) gives the same 5,000 for 2009")
    D(20, "alternative", "same value as Dui Hua's table (DUIHUA_TABLE)")
    D(11, reason="Dui Hua's own table; its Dec 2011 release (DUIHUA2011) gives the same 4,000")
    D(19, "alternative", "same value as Dui Hua's table (DUIHUA_TABLE)")
    D(6, reason="Dui Hua's own table (7,000 for 2006); AP's paraphrase '6,500 a decade ago' (AP2017) matches the table's 2007 figure")
    D(24, "alternative", "AP paraphrase ('6,500 a decade ago' relative to 2016) of Dui Hua; Dui Hua's table gives 7,000 for 2006 and 6,500 for 2007")
    D(17, reason="Dui Hua's own statement (Oct 2014) for 2014; the 2017 AP rewrite (MUSALMAN2017) gives the same 2,400 per year for 2014-2015")
    D(18, "alternative", "low-quality rewrite of an AP report (2017) giving ~2,400 per year for 2014-2015; Dui Hua's own Oct-2014 figure for 2014 (DUIHUA2014) is the same 2,400")
    D(25, note="FLAG: the stated average of 1,802 per year does not equal 18,194/10 = 1,819.4; the shared notes do not resolve it")
    D(22, note="year_start/year_end = 1996 stand for 'before 1997' (aggregation annual_rate), not a single-year figure")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("cee", line - 1)
        row["year_start"] = r["year_start"]
        row["year_end"] = r["year_end"]
        est = r["estimator"]
        body = ("Dui Hua Foundation" if "Dui Hua" in est and "Liu Renwen" not in est else
                "Amnesty International" if "Amnesty" in est else
                "Liu Renwen (CASS)" if "Liu Renwen" in est else
                "Hands Off Cain" if "Hands Off Cain" in est else
                "Chen Zhonglin (NPC delegate)" if "Chen Zhonglin" in est else None)
        assert body, est
        et = r["estimate_type"]
        eclass = ("recorded_minimum" if "recorded minimum" in et else "projection" if et == "projection" else
                  "official_derived" if et == "official-derived" else "open_source_count" if et == "open-source count" else "estimate")
        if "decade total" in et or "5-year total" in et:
            agg = "period_total"
        elif "average per year" in et:
            agg = "annual_average"
        elif "per year" in et or "pre-1997" in et or (r["year_start"] != r["year_end"]):
            agg = "annual_rate"
        else:
            agg = "annual"
        row["estimator"] = est
        row["estimator_body"] = body
        row["estimate_type"] = et
        row["estimate_class"] = eclass
        row["aggregation"] = agg
        row["measure"] = r["measure"]
        row["point"] = r["point"]
        row["low"] = r["low"]
        row["high"] = r["high"]
        row["unit"] = "executions" if r["measure"] == "executions" else "death sentences"
        if agg in ("annual_average", "annual_rate"):
            row["unit"] += " per year"
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        row["curation_note"] = ""
        dec.apply(line, row)
        rows.append(row)
    def ekey(r):
        kind = "recorded" if r["estimate_class"] in ("recorded_minimum", "open_source_count") else "estimate"
        agg = "per_year" if r["aggregation"] in ("annual", "annual_rate") else r["aggregation"]
        return (r["year_start"], r["estimator_body"], kind, agg, r["measure"])
    check_groups(T, rows, ekey)
    fields = [
        row_id_field("cee"),
        F("year_start", "integer", "First year", "First year covered.", required=True, minimum=1900, maximum=2100),
        F("year_end", "integer", "Last year", "Last year covered (= year_start for single years).", required=True, minimum=1900, maximum=2100),
        F("estimator", "string", "Estimator (as in source)", "Who made the estimate and through which channel.", required=True),
        F("estimator_body", "string", "Estimator body", "Normalised estimator: Dui Hua Foundation, Amnesty International, Hands Off Cain, Liu Renwen (CASS), Chen Zhonglin (NPC delegate).", required=True),
        F("estimate_type", "string", "Estimate type (as in source)", "Verbatim type from the shared copy.", required=True),
        F("estimate_class", "string", "Estimate class", "estimate | projection | recorded_minimum (count of executions found in open sources: a floor, not an estimate) | official_derived | open_source_count.", required=True,
          enum=["estimate", "projection", "recorded_minimum", "official_derived", "open_source_count"]),
        F("aggregation", "string", "Aggregation", "annual = one calendar year; period_total = total over year_start..year_end; annual_average = average per year over the period; annual_rate = a per-year rate said to hold over the period.", required=True,
          enum=["annual", "period_total", "annual_average", "annual_rate"]),
        F("measure", "string", "Measure", "executions or death_sentences.", required=True, enum=["executions", "death_sentences"]),
        F("point", "number", "Point value", "Point figure (empty when only a range is given).", minimum=0),
        F("low", "number", "Low", "Low end of a stated range.", minimum=0),
        F("high", "number", "High", "High end of a stated range.", minimum=0),
        F("unit", "string", "Unit", "executions, death sentences, or '... per year' for annual averages/rates.", required=True),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    res = resource(T, "China: executions estimates and recorded minimums",
                   "Estimates of executions in China (Dui Hua, Amnesty, others) and Amnesty's recorded minimums (counts found in open sources, a floor rather than an estimate). Use estimate_class and aggregation to select comparable rows.",
                   fields, x_series={"x": "year_start", "x_end": "year_end", "y": "point", "low": "low", "high": "high", "measure": "measure", "body": "estimator_body", "aggregation": "aggregation"})
    return rows, res


INTL_NUM = ["population_millions", "deceased_donors_actual", "dbd_donors", "dcd_donors", "deceased_donors_utilized", "dd_kidney_tx", "ld_kidney_tx",
            "total_kidney_tx", "dd_liver_tx", "domino_liver_tx", "ld_liver_tx", "total_liver_tx", "heart_tx", "dd_lung_tx", "total_lung_tx",
            "pancreas_tx", "kidney_pancreas_tx", "small_bowel_tx"]


def build_international(shared):
    T = "international_deceased_donors"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    byline = {ln: r for ln, r in src}
    # duplicates country-year
    D(324, reason="Germany 2017: GODT row (full set of columns); the DSO national figure (DSO2019) is the same 797 donors")
    D(392, "alternative", "duplicate country-year: DSO national figure, same 797 deceased donors as the GODT row (idd-0323)")
    D(327, reason="United Kingdom 2017: calendar-year GODT row; the NHSBT national figure is for financial year 2017/18 (1,574)")
    D(396, "alternative", "duplicate country-year: NHSBT financial year 2017/18 (Apr-Mar), not the calendar year of the GODT row (idd-0326)")
    # carried forward
    for ln, prev in ((231, 211), (251, 211), (194, 174)):
        D(ln, "excluded", f"apparent carry-forward: every donor and transplant column identical to the row for {byline[prev]['year']} (idd-{prev - 1:04d}); not an independent annual report")
    D(215, "excluded", "apparent carry-forward: all 13 filled donor/transplant columns identical to 2010 (idd-0194); only pancreas_tx added")
    D(211, note="the next two years (idd-0230, idd-0250) repeat this row exactly and are excluded as carry-forwards")
    D(174, note="the 2010 row (idd-0193) repeats this row exactly and is excluded as a carry-forward")
    D(195, note="the 2011 row (idd-0214) repeats this row and is excluded as a carry-forward")
    D(155, note="FLAG: donors, DBD/DCD, heart, lung and pancreas columns identical to 2007 (idd-0134) while kidney/liver differ: possible partial carry-forward")
    D(97, "excluded", "implausible transplant columns: 4 deceased-donor kidney and 4 liver transplants from 91 deceased donors (2004: 158 kidney; 2006: 263 kidney); probably an incomplete GODT entry")
    D(15, note="FLAG: dbd_donors 5,852 + dcd_donors 118 = 5,970, not 5,985 deceased_donors_actual")
    D(129, note="FLAG: dbd_donors 1,562 + dcd_donors 94 = 1,656, not 1,601 deceased_donors_actual")
    D(198, note="FLAG: dd_kidney_tx 395 + ld_kidney_tx 2,107 = 2,502, not 2,402 total_kidney_tx")
    D(72, note="FLAG: 1,905 deceased-donor kidney transplants from 813 donors = 2.34 per donor (more than 2 kidneys per donor)")
    D(211, note="FLAG: 96 deceased-donor kidney transplants from 391 donors = 0.25 per donor (implausibly low)")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("idd", line - 1)
        row["country"] = r["country"]
        row["year"] = r["year"]
        row["period"] = r["period"]
        row["period_kind"] = "calendar_year" if r["period"] == "calendar year" else "financial_year"
        row["series"] = r["series"]
        for k in INTL_NUM:
            row[k] = r[k]
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        row["curation_note"] = ""
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["country"], r["year"]))
    fdesc = {
        "population_millions": ("Population", "Population in millions (GODT).", "million people"),
        "deceased_donors_actual": ("Actual deceased donors", "Actual deceased donors (organ recovered).", "donors"),
        "dbd_donors": ("DBD donors", "Donors after brain death.", "donors"),
        "dcd_donors": ("DCD donors", "Donors after circulatory death.", "donors"),
        "deceased_donors_utilized": ("Utilised deceased donors", "Deceased donors with at least one organ transplanted.", "donors"),
        "dd_kidney_tx": ("Deceased-donor kidney transplants", "Kidney transplants from deceased donors.", "transplants"),
        "ld_kidney_tx": ("Living-donor kidney transplants", "Kidney transplants from living donors.", "transplants"),
        "total_kidney_tx": ("Kidney transplants", "All kidney transplants.", "transplants"),
        "dd_liver_tx": ("Deceased-donor liver transplants", "Liver transplants from deceased donors.", "transplants"),
        "domino_liver_tx": ("Domino liver transplants", "Domino liver transplants (GODT counts them inside total_liver_tx from 2010 on, not before).", "transplants"),
        "ld_liver_tx": ("Living-donor liver transplants", "Liver transplants from living donors.", "transplants"),
        "total_liver_tx": ("Liver transplants", "All liver transplants.", "transplants"),
        "heart_tx": ("Heart transplants", "Heart transplants (all donors).", "transplants"),
        "dd_lung_tx": ("Deceased-donor lung transplants", "Lung transplants from deceased donors.", "transplants"),
        "total_lung_tx": ("Lung transplants", "All lung transplants.", "transplants"),
        "pancreas_tx": ("Pancreas transplants", "Pancreas transplants (all forms).", "transplants"),
        "kidney_pancreas_tx": ("Kidney-pancreas transplants", "Simultaneous kidney-pancreas transplants.", "transplants"),
        "small_bowel_tx": ("Small-bowel transplants", "Small-bowel transplants.", "transplants"),
    }
    fields = [
        row_id_field("idd"),
        F("country", "string", "Country", "Country name as in GODT.", required=True),
        F("year", "integer", "Year", "Year (calendar year, or the first year of a financial year).", required=True, minimum=2000, maximum=2100),
        F("period", "string", "Period (as in source)", "calendar year or financial year description.", required=True),
        F("period_kind", "string", "Period kind", "calendar_year or financial_year.", required=True, enum=["calendar_year", "financial_year"]),
        F("series", "string", "Series", "GODT = WHO-ONT Global Observatory export; national = national registry/agency figure filling a gap.", required=True, enum=["GODT", "national"]),
    ]
    for k in INTL_NUM:
        t, d, u = fdesc[k]
        fields.append(F(k, "number" if k == "population_millions" else "integer", t, d, minimum=0, unit=u))
    fields += [
        F("source_id", "string", "Source", "Foreign key to sources.id.", required=True, pattern="^[A-Z0-9_]+$"),
        F("notes", "string", "Notes", "Notes carried over from the shared working copy."),
        F("curation_note", "string", "Curation note", "What the curation flagged on this row (failed sums, implausible ratios, carry-forwards)."),
        F("status", "string", "Selection status", "default = the row analyses use for this country-year; alternative = another figure for the same country-year; excluded = never to be used (reason given).", required=True, enum=["default", "alternative", "excluded"]),
        F("status_reason", "string", "Status reason", "Why the row is alternative or excluded, or why a default row won over another row for the same country-year."),
    ]
    res = resource(T, "Comparator countries: deceased donors and transplants (GODT panel)",
                   "Comparator panel, one row per country-year-series, wide format: WHO-ONT GODT export rows (2000-2017 and 2020-2022, 20 countries) plus national-source rows for 2017-2019 gaps. One default row per country-year. Apparent carry-forwards (a year repeating the previous year's figures exactly) are excluded.",
                   fields, x_series={"x": "year", "key": "country", "measures": [k for k in INTL_NUM if k != "population_millions"]})
    return rows, res


def build_derived(shared, intl_rows, cdd_rows, tvc_rows):
    T = "organs_per_donor_derived"
    src = read_shared(shared, T)
    intl = {(r["country"], r["year"], r["source_id"]): r for r in intl_rows if r["series"] == "GODT"}
    rows = []
    mism = 0
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("opd", line - 1)
        for k in ("country", "year", "source_id", "deceased_donors_actual", "dd_kidney_tx", "dd_liver_tx", "heart_tx", "lung_tx_used", "lung_column_used",
                  "kidney_liver_tx_per_donor", "kidney_liver_heart_lung_tx_per_donor"):
            row[k] = r[k]
        row["notes"] = r["notes"]
        row["curation_note"] = ""
        src_row = intl.get((r["country"], r["year"], r["source_id"]))
        if src_row is not None:
            row["derived_from"] = src_row["row_id"]
            for k in ("deceased_donors_actual", "dd_kidney_tx", "dd_liver_tx", "heart_tx"):
                if src_row[k] != r[k]:
                    mism += 1
                    row["curation_note"] += f"MISMATCH {k} vs {src_row['row_id']}; "
            if src_row["status"] == "excluded":
                row["status"] = "excluded"
                row["status_reason"] = f"input row {src_row['row_id']} is excluded ({src_row['status_reason']})"
            else:
                row["status"] = "default"
                row["status_reason"] = ""
        else:
            # China: inputs from china_deceased_donors (GODT) and china_transplant_volume_claims (GODT)
            ids = [c["row_id"] for c in cdd_rows if c["source_id"] == r["source_id"] and c["year"] == r["year"] and c["measure"] == "deceased_donors"]
            ids += [t["row_id"] for t in tvc_rows if t["source_id"] == r["source_id"] and t["year"] == r["year"] and
                    ((t["organ"] in ("kidney", "liver", "lung") and t["donor_type"] == "deceased") or (t["organ"] == "heart" and t["donor_type"] == "all"))]
            row["derived_from"] = ";".join(ids)
            row["status"] = "default"
            row["status_reason"] = ""
        # recompute
        D_, K, L = float(r["deceased_donors_actual"]), float(r["dd_kidney_tx"]), float(r["dd_liver_tx"])
        ok = r["kidney_liver_tx_per_donor"] == f"{(K + L) / D_:.3f}"
        if r["heart_tx"] and r["lung_tx_used"]:
            ok = ok and r["kidney_liver_heart_lung_tx_per_donor"] == f"{(K + L + float(r['heart_tx']) + float(r['lung_tx_used'])) / D_:.3f}"
        if not ok:
            mism += 1
            row["curation_note"] += "RATIO MISMATCH on recomputation; "
        if row["status"] != "default":
            log(T, line, row["row_id"], f"status `{row['status']}`: {row['status_reason']}")
        row["source_id"] = r["source_id"]
        rows.append(row)
    # reorder columns
    order = ["row_id", "country", "year", "deceased_donors_actual", "dd_kidney_tx", "dd_liver_tx", "heart_tx", "lung_tx_used", "lung_column_used",
             "kidney_liver_tx_per_donor", "kidney_liver_heart_lung_tx_per_donor", "derived_from", "source_id", "status", "status_reason", "curation_note", "notes"]
    rows = [OrderedDict((k, r[k]) for k in order) for r in rows]
    check_groups(T, rows, lambda r: (r["country"], r["year"]))
    CHECKS.append(f"organs_per_donor_derived: recomputed all {len(rows)} ratios (both columns, 3 decimals) from the copied inputs and compared every copied input with international_deceased_donors (GODT rows) or the China GODT rows: {mism} mismatches.")
    fields = [
        row_id_field("opd"),
        F("country", "string", "Country", "Country (GODT name).", required=True),
        F("year", "integer", "Year", "Calendar year.", required=True, minimum=2000, maximum=2100),
        F("deceased_donors_actual", "integer", "Actual deceased donors", "Input copied from the GODT row.", required=True, minimum=1, unit="donors"),
        F("dd_kidney_tx", "integer", "Deceased-donor kidney transplants", "Input copied from the GODT row.", required=True, minimum=0, unit="transplants"),
        F("dd_liver_tx", "integer", "Deceased-donor liver transplants", "Input copied from the GODT row.", required=True, minimum=0, unit="transplants"),
        F("heart_tx", "integer", "Heart transplants", "Input copied from the GODT row (all donors).", minimum=0, unit="transplants"),
        F("lung_tx_used", "integer", "Lung transplants used", "dd_lung_tx when reported, else total_lung_tx.", minimum=0, unit="transplants"),
        F("lung_column_used", "string", "Lung column used", "Which GODT lung column was used.", enum=["dd_lung_tx", "total_lung_tx"]),
        F("kidney_liver_tx_per_donor", "number", "(K+L)/donor", "DERIVED: (dd_kidney_tx + dd_liver_tx) / deceased_donors_actual, 3 decimals.", required=True, minimum=0, unit="transplants per donor"),
        F("kidney_liver_heart_lung_tx_per_donor", "number", "(K+L+H+Lu)/donor", "DERIVED: (dd_kidney_tx + dd_liver_tx + heart_tx + lung_tx_used) / deceased_donors_actual, 3 decimals.", minimum=0, unit="transplants per donor"),
        F("derived_from", "string", "Derived from", "row_id(s) of the input rows (international_deceased_donors, or for China the GODT rows of china_deceased_donors and china_transplant_volume_claims), semicolon-separated.", required=True),
    ]
    fields += [
        F("source_id", "string", "Source", "Source of the inputs (foreign key to sources.id).", required=True, pattern="^[A-Z0-9_]+$"),
        F("status", "string", "Selection status", "default, or excluded when the input row is excluded (carry-forward or implausible).", required=True, enum=["default", "alternative", "excluded"]),
        F("status_reason", "string", "Status reason", "Why the row is excluded."),
        F("curation_note", "string", "Curation note", "Verification remarks (empty: inputs and ratios verified)."),
        F("notes", "string", "Notes", "Notes carried over from the shared working copy."),
    ]
    res = resource(T, "DERIVED: transplants per deceased donor",
                   "DERIVED table (not a published figure): (deceased-donor kidney + liver transplants) / actual deceased donors, and (kidney + liver + heart + lung) / donors, computed from the GODT rows for every country-year with the needed columns, including China. Transplants are counted, not organs recovered; the heart column counts all donors. Kept as a convenience and as a check fixture: every ratio was recomputed from its inputs (see README); recompute from the source tables for any new analysis. Rows whose input row is excluded are excluded.",
                   fields, x_series={"x": "year", "key": "country", "measures": ["kidney_liver_tx_per_donor", "kidney_liver_heart_lung_tx_per_donor"]})
    res["x-derived"] = True
    return rows, res


def build_volume_claims(shared):
    T = "china_transplant_volume_claims"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    D(37, reason="2004 kidney: China's GODT submission; the Wikipedia trend-chart caption (~11,000, WIKI_OTC) is tertiary")
    D(5, "alternative", "tertiary: Wikipedia trend-chart caption; China's GODT submission gives 10,200 (tvc-0036)")
    D(47, reason="2005 liver: China's GODT submission; Wikipedia's ~3,500 is tertiary and KGM's 5,192 is an independent inference (118 x 10 x 3), not a reported count")
    D(7, "alternative", "tertiary: Wikipedia trend-chart caption; GODT gives 3,550 (tvc-0046)")
    D(8, "alternative", "independent inference by Kilgour, Gutmann & Matas (118 in 1999 x 10 x 3), not a reported count; GODT gives 3,550 (tvc-0046)")
    D(56, reason="2007 kidney: China's GODT submission; Wikipedia's ~6,000 is tertiary")
    D(9, "alternative", "tertiary: Wikipedia trend-chart caption; GODT gives 6,300 (tvc-0055)")
    D(59, reason="2007 liver: China's GODT submission; Wikipedia gives the same ~2,000")
    D(10, "alternative", "tertiary: Wikipedia trend-chart caption; same ~2,000 as GODT (tvc-0058)")
    D(16, reason="2015 all organs: exact GODT-based total (equals the sum of China's 2015 GODT kidney, liver, heart and lung rows: 7,040+2,620+279+118 = 10,057); NHFPC gave only 'more than 10,000'")
    D(15, "alternative", "lower bound ('more than 10,000', incl. living-related) of the exact GODT-based 10,057 (TTS2022)")
    D(134, reason="2016 deceased-donor lung: China's GODT submission; Robertson et al. 2019 Table 7 (Huang Jiefu on CCTV) gives the same 204")
    D(19, "alternative", "same value (204) as China's GODT submission (tvc-0133)")
    D(22, reason="2017 forecast: later statement (Aug 2017, COTDF)")
    D(23, "alternative", "earlier forecast (June 2017, 15,000-16,000); superseded by the Aug 2017 statement (CD2017)")
    for lg, lh in ((162, 30), (158, 31), (163, 32), (165, 33)):
        D(lg, reason="2022: China's GODT submission; the HA Convention 2024 abstract restates the official figure")
        D(lh, "alternative", f"conference abstract restating official 2022 figures; GODT submission preferred (tvc-{lg - 1:04d})")
    D(33, note="799 vs 798 in GODT")
    D(29, note="FLAG: the stated total 20,229 is not the sum of the same abstract's components (6,053 + 12,712 + 710 + 799 = 20,274; difference 45)")
    D(174, "excluded", "not a transplant volume: hospital count; duplicate of china_transplant_centers tc-0017 (same KGM 2016 figure)")
    D(20, note="heart 2016: 380 (Huang Jiefu via RHL2019, donor_type deceased) vs GODT 368 (tvc-0132, donor_type all); kept as separate quantities because donor_type differs; both default")
    rows = []
    for line, r in src:
        yr = r["year"]
        # GODT carry-forward
        if r["source_id"] == "GODT2018" and yr in ("2009", "2011", "2012", "2013", "2014"):
            base = "2008" if yr == "2009" else "2010"
            D(line, "excluded", f"apparent carry-forward: China's GODT values for {yr} are identical to {base} (shared notes); not an independent annual report")
        row = OrderedDict()
        row["row_id"] = rid("tvc", line - 1)
        row["year"] = yr
        row["period"] = r["period"]
        m = r["measure"]
        if m.startswith("cumulative"):
            pk = "cumulative"
        elif m == "transplants_partial_year" or ("/" in r["period"] and m != "registered_transplants"):
            pk = "partial_year"
        elif yr and not r["period"]:
            pk = "full_year"
        elif m == "registered_transplants" or re.match(r"\d{4}-\d{4}", r["period"]):
            pk = "multi_year"
        else:
            pk = "unspecified"
        row["period_kind"] = pk
        row["geography_or_hospital"] = r["geography_or_hospital"]
        row["organ"] = r["organ"]
        dt = r["donor_type"]
        row["curation_note"] = ""
        if dt == "all (incl. living-related)":
            row["curation_note"] = "donor_type was 'all (incl. living-related)'; normalised to 'all'"
            log(T, line, row["row_id"], row["curation_note"])
            dt = "all"
        row["donor_type"] = dt
        row["measure"] = m
        row["value"] = r["value"]
        row["value_low"] = r["value_low"]
        row["value_high"] = r["value_high"]
        row["unit"] = "percent" if m == "share_of_transplants_pct" else "hospitals" if m == "hospitals_performing_transplants" else "patients" if m == "annual_patients_receiving_organs" else "transplants"
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["claim_type"] = r["claim_type"]
        row["claimant"] = r["claimant"]
        row["method_or_basis"] = r["method_or_basis"]
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["year"], r["period"], r["geography_or_hospital"], r["organ"], r["donor_type"], r["measure"]))
    # sum checks on GODT
    godt = defaultdict(dict)
    for r in rows:
        if r["source_id"].startswith("GODT") and r["measure"] == "annual_transplants" and r["status"] != "excluded":
            godt[r["year"]][(r["organ"], r["donor_type"])] = int(r["value"])
    bad = []
    for y, d in sorted(godt.items()):
        for organ in ("kidney", "liver"):
            parts = [d.get((organ, t)) for t in ("deceased", "living")]
            if None not in parts and (organ, "all") in d:
                s = parts[0] + parts[1] + (d.get((organ, "domino"), 0) if organ == "liver" and int(y) >= 2020 else 0)
                if s != d[(organ, "all")]:
                    bad.append(f"{y} {organ}: {parts} -> {s} vs {d[(organ, 'all')]}")
    CHECKS.append("china_transplant_volume_claims: China GODT organ totals = deceased + living (+ domino from 2020): " + ("all consistent" if not bad else "; ".join(bad)) + ".")
    # gap-fill rows 27-30 (GODT 2015-2016 deceased-donor kidney/liver) are already in this table: check, do not add
    byid = {r["row_id"]: r for r in rows}
    for line, m, v, tid, organ in ((27, "dd_kidney_transplants", "4931", "tvc-0116", "kidney"), (28, "dd_liver_transplants", "2150", "tvc-0119", "liver"),
                                   (29, "dd_kidney_transplants", "7224", "tvc-0126", "kidney"), (30, "dd_liver_transplants", "3264", "tvc-0129", "liver")):
        g = gapfill(line, "GODT2018", m, v)
        t = byid[tid]
        if (t["year"], t["organ"], t["donor_type"], t["value"], t["source_id"]) != (g["year"], organ, "deceased", v, "GODT2018"):
            raise SystemExit(f"gap-fill line {line} does not match {tid}")
        log(T, gapfill_label(line), "-", f"NOT ADDED: GODT {g['year']} deceased-donor {organ} transplants {v} is already in the package as {tid} (same source, year and value)")
    CHECKS.append("research/gap-fill.csv rows 27-30 (China GODT 2015-2016 deceased-donor kidney and liver transplants) equal tvc-0116, tvc-0119, tvc-0126 and tvc-0129: not added again.")
    fields = [
        row_id_field("tvc"),
        F("year", "integer", "Year", "Year the figure refers to (empty for multi-year or undated claims; see period).", minimum=1900, maximum=2100),
        F("period", "string", "Period (as in source)", "Period text for partial-year, multi-year or cumulative figures."),
        F("period_kind", "string", "Period kind", "full_year | partial_year | multi_year | cumulative | unspecified.", required=True, enum=["full_year", "partial_year", "multi_year", "cumulative", "unspecified"]),
        F("geography_or_hospital", "string", "Geography or hospital", "China, or the hospital a claim is about.", required=True),
        F("organ", "string", "Organ", "Organ(s) counted.", required=True),
        F("donor_type", "string", "Donor type", "all | deceased | deceased (voluntary) | living | domino.", required=True),
        F("measure", "string", "Measure", "annual_transplants = full-year count; *_expected = forecast; *_estimate = independent estimate; transplants_partial_year = part-year count.", required=True),
        F("value", "number", "Value", "Point value as stated (empty when only a range or no number is given).", minimum=0),
        F("value_low", "number", "Low", "Low end of a stated range.", minimum=0),
        F("value_high", "number", "High", "High end of a stated range.", minimum=0),
        F("unit", "string", "Unit", "transplants, patients, hospitals or percent.", required=True),
        *QUAL_FIELDS,
        F("claim_type", "string", "Claim type", "official | official submission to GODT | secondary | independent estimate | advocacy | hospital claim ... (verbatim).", required=True),
        F("claimant", "string", "Claimant", "Who made the claim.", required=True),
        F("method_or_basis", "string", "Method or basis", "How an estimate was made, when stated."),
        *common_tail(),
    ]
    res = resource(T, "China: transplant volume claims",
                   "Annual transplant totals for China by organ: official statements, China's GODT submissions, independent and advocacy estimates (with method) and a few hospital claims. China's GODT figures for 2009 and 2011-2014 repeat 2008 and 2010 exactly and are excluded as carry-forwards.",
                   fields, x_series={"x": "year", "y": "value", "measure": "measure", "geography": "geography_or_hospital", "organ": "organ", "donor_type": "donor_type", "body": "claimant"})
    return rows, res


HOSP_UNIT = {
    "transplant_beds": "beds", "total_beds": "beds", "department_beds": "beds", "icu_beds": "beds", "building_beds": "beds",
    "cumulative_transplants_claimed": "transplants", "annual_transplants_claimed": "transplants", "monthly_transplants_claimed": "transplants",
    "max_transplants_one_day": "transplants", "foreign_patient_transplants_claimed": "transplants", "surgeon_cumulative_transplants": "transplants",
    "annual_transplants_estimated": "transplants", "annual_capacity_estimate": "transplants", "simultaneous_transplant_capacity": "transplants",
    "annual_procurements_claimed": "procurements", "bed_utilisation_pct": "percent", "wait_time_days_claimed": "days",
    "avg_length_of_stay_days": "days", "avg_length_of_stay_days_assumed": "days", "surgeons": "surgeons", "staff": "staff",
    "annual_discharges": "patients", "annual_surgeries": "operations", "annual_inpatients": "patients", "operating_rooms": "operating rooms",
    "transplant_revenue_rmb": "RMB",
}


def build_hospital(shared):
    T = "china_hospital_capacity"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    D(6, reason="Tianjin 2006-09 beds: repost of the news item on the opening ('more than 500'); WOIPFG's '700+' (WOIPFG2020_TJ) is attributed to unnamed 'other official media'")
    D(7, "alternative", "conflicts with 'more than 500' in the repost of the opening news item (hcc-0005); advocacy relay of unnamed official media")
    D(68, "excluded", "DERIVED by the curators (sum of 2 chief + 5 associate chief + 6 attending surgeons listed), not a figure the source states")
    D(8, note="bed utilisation above 100% as claimed (hospitals can run extra beds)")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("hcc", line - 1)
        for k in ("hospital_zh", "hospital_en", "city", "province", "military", "organ"):
            row[k] = r[k]
        m = r["measure"]
        row["curation_note"] = ""
        if r["qualifier"] == "assumed":
            row["curation_note"] = f"measure renamed from `{m}` to `{m}_assumed`: COHRC modelling assumption, not a hospital figure"
            log(T, line, row["row_id"], row["curation_note"])
            m = m + "_assumed"
        row["measure"] = m
        row["value"] = r["value"]
        row["unit"] = HOSP_UNIT[m]
        q = r["qualifier"]
        row["value_bound"] = "low" if q == "range low" else "high" if q in ("range high", "at most", "as high as") else "point"
        row["derived"] = "true" if q.startswith("DERIVED") or r["notes"].startswith("DERIVED") else "false"
        row["year_or_period"] = r["year_or_period"]
        row["qualifier"] = q
        row["qualifier_class"] = qualifier_class(q)
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["hospital_en"], r["organ"], r["measure"], r["year_or_period"], r["value_bound"]))
    fields = [
        row_id_field("hcc"),
        F("hospital_zh", "string", "Hospital (Chinese)", "Hospital name in Chinese.", required=True),
        F("hospital_en", "string", "Hospital (English)", "Hospital name in English.", required=True),
        F("city", "string", "City", "City.", required=True),
        F("province", "string", "Province", "Province-level division.", required=True),
        F("military", "string", "Military hospital", "yes, no or unknown.", required=True, enum=["yes", "no", "unknown"]),
        F("organ", "string", "Organ", "Organ(s) the figure concerns (all = whole centre/hospital).", required=True),
        F("measure", "string", "Measure", "What the figure is (beds, claimed transplants, utilisation, stay, staff ...). *_assumed = a modeller's assumption.", required=True, enum=sorted(HOSP_UNIT)),
        F("value", "number", "Value", "The figure as claimed.", required=True, minimum=0),
        F("unit", "string", "Unit", "Unit of value (beds, transplants, percent, days, surgeons, staff, RMB ...).", required=True),
        F("value_bound", "string", "Value bound", "point, or low/high when the row is one end of a stated range or a maximum ('at most', 'as high as').", required=True, enum=["point", "low", "high"]),
        F("derived", "boolean", "Derived", "true when the figure is a sum or calculation (by COHRC or the curators), not a stated claim.", required=True),
        F("year_or_period", "string", "Year or period", "When the figure applies, as precisely as the source reads (free text).", required=True),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    res = resource(T, "China: hospital capacity and volume claims (mostly secondary)",
                   "Per-hospital capacity and volume claims for 52 Chinese hospitals (beds, utilisation, stays, staff, theatres, simultaneous operations, annual and cumulative claims, advertised waits), inputs to a beds x utilisation x 365 / stay estimator. MOSTLY SECONDARY: most rows come from advocacy compilations (COHRC hospital profiles, WOIPFG) or Falun Gong-affiliated press relaying hospital material; check sources.quality_grade. Figures are claims as published, not verified counts.",
                   fields)
    return rows, res


def build_centers(shared):
    T = "china_transplant_centers"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    D(21, note="FLAG: value_low/value_high hold a before/after pair (29 beds expanded to 70), not a range")
    D(19, note="value_low empty and value_high 160 describe 'more than 1,000 reduced to 160-odd' (before/after), not a range")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("tc", line - 1)
        row["date"] = r["date"]
        row["date_precision"] = r["date_precision"]
        row["geography"] = r["geography"]
        row["measure"] = r["measure"]
        row["value"] = r["value"]
        row["value_low"] = r["value_low"]
        row["value_high"] = r["value_high"]
        mm = r["measure"]
        row["unit"] = "organizations" if "OPO" in mm else "beds" if "beds" in mm else "hospitals"
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        row["curation_note"] = ""
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["date"], r["geography"], r["measure"]))
    fields = [
        row_id_field("tc"),
        F("date", "date", "Date", "Date the count refers to (with date_precision month/year/approx: a placeholder day in that period).", required=True),
        F("date_precision", "string", "Date precision", "day, month, year or approx.", required=True, enum=["day", "month", "year", "approx"]),
        F("geography", "string", "Geography", "China, a province/city, or a hospital.", required=True),
        F("measure", "string", "Measure", "What is counted (verbatim description).", required=True),
        F("value", "number", "Value", "The count as stated.", required=True, minimum=0),
        F("value_low", "number", "Low", "Low end (see curation_note where it is a before/after pair).", minimum=0),
        F("value_high", "number", "High", "High end (see curation_note where it is a before/after pair).", minimum=0),
        F("unit", "string", "Unit", "hospitals, organizations (OPOs) or beds.", required=True),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    res = resource(T, "China: approved transplant hospitals and OPOs",
                   "Number of approved/qualified transplant hospitals and OPOs over time, the KGM 2016 hospital count and a few capacity claims.",
                   fields, x_series={"x": "date", "y": "value", "measure": "measure", "geography": "geography"})
    return rows, res


DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.44, "years": 365.25}


def fmt_days(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s


def build_wait_times(shared):
    T = "wait_times"
    src = read_shared(shared, T)
    dec = Decisions(T)
    D = dec.set
    D(7, "excluded", "not a wait time and no value: '>40,000 waiting; ~16,000 transplantable per year' (CD2017); those figures are in other_quantitative (oq-0025) and china_transplant_volume_claims (tvc-0021)")
    D(8, "excluded", "not a wait time: value_low/value_high hold the 2019 and 2023 waiting-list sizes (two different years, not a range); both are in other_quantitative (oq-0026, oq-0027)")
    D(5, note="source states '1 week to 1 month'; value_high = 4 weeks is the shared copy's conversion; wait_days_high uses 1 month = 30.44 days as stated")
    D(18, note="unit was 'years (more than)'; split into unit = years and qualifier = more than")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("wt", line - 1)
        for k in ("country", "institution", "city", "organ", "period", "metric"):
            row[k] = r[k]
        unit = r["unit"]
        qual = ""
        if unit == "years (more than)":
            unit, qual = "years", "more than"
        kind = "wait_time" if unit in DAYS else "share" if unit == "percent" else "other"
        row["metric_kind"] = kind
        row["value"] = r["value"]
        row["value_low"] = r["value_low"]
        row["value_high"] = r["value_high"]
        row["unit"] = unit
        row["qualifier"] = qual
        f = DAYS.get(unit)
        row["wait_days"] = fmt_days(float(r["value"]) * f) if f and r["value"] else ""
        row["wait_days_low"] = fmt_days(float(r["value_low"]) * f) if f and r["value_low"] else ""
        hi = fmt_days(float(r["value_high"]) * f) if f and r["value_high"] else ""
        if line == 5:
            hi = fmt_days(30.44)
        row["wait_days_high"] = hi
        row["source_description"] = r["source_type"]
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        row["curation_note"] = ""
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["country"], r["institution"], r["organ"], r["period"], r["metric"]))
    fields = [
        row_id_field("wt"),
        F("country", "string", "Country", "Country.", required=True),
        F("institution", "string", "Institution", "Hospital, registry or body.", required=True),
        F("city", "string", "City", "City (Chinese hospitals)."),
        F("organ", "string", "Organ", "Organ (and patient group).", required=True),
        F("period", "string", "Period", "Period or registration cohort the figure refers to.", required=True),
        F("metric", "string", "Metric", "What was measured (median, average, advertised wait, share transplanted ...), verbatim.", required=True),
        F("metric_kind", "string", "Metric kind", "wait_time (a duration), share (percent of candidates) or other.", required=True, enum=["wait_time", "share", "other"]),
        F("value", "number", "Value", "Value in `unit` as stated.", minimum=0),
        F("value_low", "number", "Low", "Low end of a stated range, in `unit`.", minimum=0),
        F("value_high", "number", "High", "High end of a stated range, in `unit`.", minimum=0),
        F("unit", "string", "Unit", "days, weeks, months, years, percent, ratio or patients.", required=True),
        F("qualifier", "string", "Qualifier", "'more than' etc. when the source frames the value so."),
        F("wait_days", "number", "Wait (days)", "value converted to days: day = 1, week = 7, month = 30.44, year = 365.25 days. Empty for non-duration rows.", minimum=0, unit="days"),
        F("wait_days_low", "number", "Wait low (days)", "value_low converted to days (same factors).", minimum=0, unit="days"),
        F("wait_days_high", "number", "Wait high (days)", "value_high converted to days (same factors).", minimum=0, unit="days"),
        F("source_description", "string", "Source description", "Kind of source as described in the shared copy (renamed from source_type to avoid confusion with sources.source_type).", required=True),
        *common_tail(),
    ]
    res = resource(T, "Waiting times: Chinese claims and registry waits",
                   "Reported waiting times: Chinese hospital/advertised or phone-reported waits and registry medians/averages from the US, UK and Italy. wait_days* columns normalise durations to days (week = 7, month = 30.44, year = 365.25 days). Metrics differ (median vs average, registration cohorts vs calendar years); compare like with like.",
                   fields)
    return rows, res


def build_abo(shared):
    T = "abo_blood_type_frequencies"
    src = read_shared(shared, T)
    dec = Decisions(T)
    for ln in (30, 31, 32):
        dec.set(ln, "excluded", "LOW QUALITY source: spam-altered copy of an industry report (XXDWZD); cross-check only")
    rows = []
    prev_desc: dict[str, str] = {}
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("abo", line - 1)
        row["country"] = r["country"]
        row["population_group"] = r["population_group"]
        desc = r["sample_description"]
        row["curation_note"] = ""
        if desc == "same":
            desc = prev_desc[r["source_id"]]
            row["curation_note"] = "sample_description was 'same' (ditto); replaced by the description of the source's first row"
            log(T, line, row["row_id"], row["curation_note"])
        else:
            prev_desc.setdefault(r["source_id"], desc)
        row["sample_description"] = desc
        ss = r["sample_size"]
        m = re.fullmatch(r"(\d+)(?: \((.*)\))?", ss)
        if ss:
            assert m, ss
            row["sample_size"] = m.group(1)
            row["sample_size_qualifier"] = {"approx": "approx", "all groups": "total across all groups in the study"}.get(m.group(2) or "", m.group(2) or "")
        else:
            row["sample_size"] = ""
            row["sample_size_qualifier"] = ""
        row["period"] = r["period"]
        ph = r["phenotype"]
        kind = "allele" if ph.startswith("allele") else "phenotype"
        system = ("RhD" if ph.startswith("RhD") else "ABO-RhD" if ("RhD" in ph or ph.endswith("+") or ph.endswith("-")) else "ABO")
        row["system"] = system
        row["frequency_kind"] = kind
        row["phenotype"] = ph
        row["value"] = r["percent"]
        row["unit"] = "percent" if r["frequency_type"] == "phenotype %" else "fraction"
        row["frequency_type"] = r["frequency_type"]
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    check_groups(T, rows, lambda r: (r["country"], r["population_group"], r["period"], r["phenotype"], r["source_id"]))
    # sums
    sums = defaultdict(list)
    for r in rows:
        sums[(r["source_id"], r["population_group"], r["system"], r["frequency_kind"])].append(r)
    for k, lst in sorted(sums.items()):
        if len(lst) < 2:
            continue
        s = sum(float(x["value"]) for x in lst)
        full = 100.0 if lst[0]["unit"] == "percent" else 1.0
        complete = {"ABO": 4, "RhD": 2, "ABO-RhD": 8}.get(k[2], 0)
        status = "complete set" if len(lst) >= complete or k[3] == "allele" else "partial set (not all categories given)"
        CHECKS.append(f"abo: {k[0]} / {k[1]} / {k[2]} {k[3]}: {len(lst)} values sum to {s:.3f} (expected ~{full:g}; {status}).")
    fields = [
        row_id_field("abo"),
        F("country", "string", "Country", "Country.", required=True),
        F("population_group", "string", "Population group", "Population or donor group.", required=True),
        F("sample_description", "string", "Sample description", "How the sample was drawn.", required=True),
        F("sample_size", "integer", "Sample size", "Number of people sampled (empty when not given).", minimum=1, unit="people"),
        F("sample_size_qualifier", "string", "Sample size qualifier", "approx, or 'total across all groups in the study' when the size is for the whole study, not this group."),
        F("period", "string", "Period", "Sampling period or publication year.", required=True),
        F("system", "string", "Blood-group system", "ABO, RhD, or ABO-RhD (combined types such as O+ or O RhD negative).", required=True, enum=["ABO", "RhD", "ABO-RhD"]),
        F("frequency_kind", "string", "Frequency kind", "phenotype (share of people) or allele (gene frequency).", required=True, enum=["phenotype", "allele"]),
        F("phenotype", "string", "Phenotype or allele", "Blood type or allele.", required=True),
        F("value", "number", "Value", "Frequency in `unit` (renamed from `percent`, which also held 0-1 allele frequencies).", required=True, minimum=0, maximum=100),
        F("unit", "string", "Unit", "percent (phenotype shares) or fraction (0-1 allele frequencies).", required=True, enum=["percent", "fraction"]),
        F("frequency_type", "string", "Frequency type (as in source)", "Verbatim frequency type from the shared copy.", required=True),
        *common_tail(),
    ]
    res = resource(T, "ABO/RhD blood-group frequencies",
                   "ABO/RhD phenotype or allele frequencies: China (national, ethnic groups, Han alleles, Yunnan, 2019 donors) and USA (population; 2000 deceased liver donors). Frequencies within a population and system sum to ~100% (or ~1): see README checks.",
                   fields)
    return rows, res


def build_timeline(shared):
    T = "timeline_events"
    src = read_shared(shared, T)
    dec = Decisions(T)
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("tle", line - 1)
        for k in ("date", "date_precision", "event_en", "event_zh", "category", "source_id", "notes"):
            row[k] = r[k]
        row["curation_note"] = ""
        dec.apply(line, row)
        rows.append(row)
    fields = [
        row_id_field("tle"),
        F("date", "string", "Date", "ISO 8601 date at the stated precision: YYYY, YYYY-MM or YYYY-MM-DD.", required=True, pattern="^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
        F("date_precision", "string", "Date precision", "day, month or year.", required=True, enum=["day", "month", "year"]),
        F("event_en", "string", "Event (English)", "What happened (paraphrase).", required=True),
        F("event_zh", "string", "Event (Chinese)", "Chinese name of the document/programme where relevant."),
        F("category", "string", "Category", "policy, campaign, transplant_system, data_release, testimony, investigation, xinjiang, international_response.", required=True,
          enum=["policy", "campaign", "transplant_system", "data_release", "testimony", "investigation", "xinjiang", "international_response"]),
        *[f for f in common_tail() if f["name"] in ("source_id",)],
        F("notes", "string", "Notes", "Notes carried over from the shared working copy."),
        F("curation_note", "string", "Curation note", "What the curation changed or flagged."),
        F("status", "string", "Selection status", "default for all events (no competing rows).", required=True, enum=["default", "alternative", "excluded"]),
        F("status_reason", "string", "Status reason", "Reason when not default."),
    ]
    order = [f["name"] for f in fields]
    rows = [OrderedDict((k, r[k]) for k in order) for r in rows]
    res = resource(T, "Timeline of events", "Dated events for the case-file timeline: regulations, the Falun Gong campaign, transplant-system milestones, data releases, investigations and testimony, Xinjiang biometric collection, and international responses. Several reached us only through advocacy or press relays (see sources).", fields)
    return rows, res


OQ_UNIT = {"pmp": "per million population"}

_OQ_RC = ("SECONDARY: reported only in a press summary of Robertson, Hinde & Lavee 2019 by a Falun Gong-affiliated outlet (Epoch Times HK, "
          "quality grade C); the paper's own Red Cross series (Tables 1-6) was not found")
# gap-fill rows for other_quantitative: (gap-fill line, source_id, research measure, value, period, measure, qualifier, curation_note)
OQ_GAPFILL = [
    (23, "HKET2019", "transplants_per_donor", "21.3", "2016-03",
     "organ transplants per donor in the Central Red Cross dataset (anomaly reported by Robertson, Hinde & Lavee 2019)", "as reported",
     _OQ_RC + "; AFP's summary of the same paper (AFP2019) gives about 20; a value the paper calls medically impossible"),
    (24, "HKET2019", "transplants_per_donor", "2.75", "after 2016-03 (end not stated)",
     "organ transplants per donor in the Central Red Cross dataset after the apparent correction (constant, as reported from Robertson, Hinde & Lavee 2019)", "as reported",
     _OQ_RC + "; the source says every later entry has exactly 2.75 transplants per donor"),
]


def build_other(shared, moved):
    T = "other_quantitative"
    src = read_shared(shared, T)
    dec = Decisions(T)
    for ln in (39, 40, 41, 42):
        dec.set(ln, "excluded", "LOW QUALITY source: spam-altered copy of an industry report (XXDWZD); cross-check only")
    dec.set(66, "excluded", "DERIVED by the curators (7,758 / 2,766 = 2.80), not a figure the source states; recompute from china_deceased_donors (cdd-0021, cdd-0020)")
    dec.set(58, note="value was empty with unit 'date' (the launch date 2014-04-02 is in period); unit cleared")
    rows = []
    for line, r in src:
        row = OrderedDict()
        row["row_id"] = rid("oq", line - 1)
        for k in ("topic", "geography", "period", "measure", "value"):
            row[k] = r[k]
        u = r["unit"]
        row["curation_note"] = ""
        if u in OQ_UNIT:
            u = OQ_UNIT[u]
        if line == 58:
            u = ""
        row["unit"] = u
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"]) if r["qualifier"] != "DERIVED" else "derived"
        row["source_id"] = r["source_id"]
        row["notes"] = r["notes"]
        dec.apply(line, row)
        rows.append(row)
    n = len(src) + 1
    for line, r in moved:
        n += 1
        row = OrderedDict()
        row["row_id"] = rid("oq", n - 1)
        row["topic"] = "registry"
        row["geography"] = r["geography"]
        if r["measure"] == "annual_new_registrations":
            row["period"] = r["as_of_date"][:4]
            row["measure"] = "new organ-donation registrations in the year"
            row["unit"] = "registrations"
        else:
            row["period"] = "2015-12-30 to 2015-12-31"
            row["measure"] = "registered volunteers added in one day (CODAC website counter)"
            row["unit"] = "registrations"
        row["value"] = r["value"]
        row["qualifier"] = r["qualifier"]
        row["qualifier_class"] = qualifier_class(r["qualifier"])
        row["source_id"] = r["source_id"]
        row["notes"] = (r["notes"] + "; " if r["notes"] else "") + f"reporting body: {r['reporting_body']}"
        row["curation_note"] = f"moved from china_cumulative_counters (shared line {line}, measure `{r['measure']}`): not a cumulative counter"
        if r["source_id"] == "XXDWZD":
            row["status"], row["status_reason"] = "excluded", "LOW QUALITY source: spam-altered copy of an industry report (XXDWZD); cross-check only"
        else:
            row["status"], row["status_reason"] = "default", ""
        log(T, None, row["row_id"], row["curation_note"] + (f"; status `{row['status']}`: {row['status_reason']}" if row["status"] != "default" else ""))
        rows.append(row)
    for line, sid, m, v, period, measure, qual, note in OQ_GAPFILL:
        r = gapfill(line, sid, m, v)
        n += 1
        row = OrderedDict()
        row["row_id"] = rid("oq", n - 1)
        row["topic"] = "organs per donor"
        row["geography"] = r["geography"]
        row["period"] = period
        row["measure"] = measure
        row["value"] = v
        row["unit"] = "transplants/donor"
        row["qualifier"] = qual
        row["qualifier_class"] = qualifier_class(qual)
        row["source_id"] = sid
        row["status"], row["status_reason"] = "default", ""
        row["curation_note"] = f"added from research/gap-fill.csv (line {line}); qualifier in the research file: '{r['qualifier']}'; " + note
        row["notes"] = gapfill_notes(line, r)
        log(T, gapfill_label(line), row["row_id"], row["curation_note"])
        rows.append(row)
    order = ["row_id", "topic", "geography", "period", "measure", "value", "unit", "qualifier", "qualifier_class", "source_id", "status", "status_reason", "curation_note", "notes"]
    rows = [OrderedDict((k, r[k]) for k in order) for r in rows]
    check_groups(T, rows, lambda r: (r["topic"], r["geography"], r["period"], r["measure"]))
    fields = [
        row_id_field("oq"),
        F("topic", "string", "Topic", "Topic group (literature audit, demand, organ source mix, donor characteristics, registry, comparator systems ...).", required=True),
        F("geography", "string", "Geography", "Country, region or institution.", required=True),
        F("period", "string", "Period", "Period the figure refers to (free text).", required=True),
        F("measure", "string", "Measure", "What the figure is (free text).", required=True),
        F("value", "number", "Value", "The figure as stated (empty only where the row records a date or no number).", minimum=0),
        F("unit", "string", "Unit", "Unit of value (varies by row: papers, transplants, patients, percent, per million population, organs/donor, ...)."),
        *QUAL_FIELDS,
        *common_tail(),
    ]
    order2 = [f["name"] for f in fields]
    rows = [OrderedDict((k, r[k]) for k in order2) for r in rows]
    res = resource(T, "Other quantitative facts", "Miscellaneous numbers: literature audits (Rogers 2019, Robertson & Lavee 2022), demand/waiting-list figures, organ-source mix, donor characteristics, outcomes, global shares, sourced organs-per-donor ratios, registry figures (incl. annual registrations moved from the counters table) and comparator-system facts. Long format; the unit varies by row (column unit).", fields)
    return rows, res


# --------------------------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------------------------

LANG = {
    "fr": ["ABM2015", "ABM2020", "ABM2021", "REDACTION2019"],
    "de": ["DSO2019", "DSO2020", "FALUNINFO_DE2024"],
    "it": ["SOLE2019", "GAZZETTA2020", "SKYTG2020", "EPATEAM2020", "OPEN2019", "NTC2011"],
    "es": ["ONT2019", "ONT2020"],
    "ro": ["CRI2012"],
    "pt": ["PD_PT2018"],
    "pl": ["RZECZPOSPOLITA2019"],
    "ms": ["UIGHURBLOG2016"],
    "ja": ["CHINAORG_JP2007"],
    "zh": ["CAIXIN2014", "CAIXIN2016", "NHC2018", "HKET2019", "HKET2016", "SUN2014", "TJFCH2018", "WCH2011", "JKSB2013", "MINGHUI_PKU",
           "RENMINBAO2009", "XXDWZD", "CNCMRN2013", "GANJING_RENJI", "BLDAILY2019", "BAIDU_TJ", "ZJU1_LTC", "CCTV2024", "HUXIU2026"],
}

# explicit (source_type, grade) for sources the generic rules would misclassify
SRC_OVERRIDE = {
    "XXDWZD": ("low-quality-copy", "D"),
    "GODT2018": ("database", "B"), "GODT2022": ("database", "B"),
    "MUSALMAN2017": ("press", "C"), "TWIGG2016": ("secondary-reference", "C"),
    "HKET2019": ("press", "C"), "HKET2016": ("advocacy-compilation", "C"), "EPOCH2016_TJ": ("advocacy-compilation", "C"),
    "CCTV2013": ("official-via-media", "C"), "KUNMING2017": ("official-via-media", "C"),
    "WIKI_OTC": ("secondary-reference", "C"), "WIKI_KM": ("secondary-reference", "C"), "AI2008": ("secondary-reference", "C"),
    "AI2007": ("press", "C"), "HOC2006": ("secondary-reference", "C"),
    "GEORGETOWN2015": ("secondary-reference", "C"),
    "DUIHUA_TABLE": ("ngo-report", "A"), "DUIHUA2014": ("ngo-report", "A"), "DUIHUA2011": ("ngo-report", "A"), "DUIHUA2010LOG": ("ngo-report", "B"),
    "NTC2011": ("ngo-report", "B"), "KGM2016_NTC": ("ngo-report", "B"),
    "KGM_CH7": ("advocacy-compilation", "C"), "KGM_CH1": ("advocacy-compilation", "C"), "SCRIBD_KGM2016": ("advocacy-compilation", "C"),
    "VOC2020": ("advocacy-compilation", "C"), "VOC_CT2018": ("advocacy-compilation", "C"),
    "DIPLOMAT2017": ("press", "B"), "BANNEDBOOK2017": ("press", "C"),
    "CT2019": ("ngo-report", "B"), "CT2020": ("ngo-report", "B"),
    "IRB1999": ("official-primary", "B"),
    "TJFCH2018": ("official-primary", "B"), "WCH2011": ("official-primary", "A"),
    "BAIDU_TJ": ("official-via-media", "C"), "ZJU1_LTC": ("official-via-media", "C"), "WANGZHIKU_TJ": ("secondary-reference", "C"),
    "SMWENXUE_TJ": ("official-via-media", "C"), "SOOLUN_ZSS": ("press", "C"),
    "HA2024": ("official-via-media", "B"), "TTS2022": ("peer-reviewed", "B"), "HUXIU2026": ("press", "B"),
    "AJT2022": ("peer-reviewed", "B"), "LIU2017": ("peer-reviewed", "A"), "SUN2022": ("peer-reviewed", "A"), "YUNNAN2023": ("peer-reviewed", "B"),
    "ZHU2005": ("peer-reviewed", "A"), "FOXCHASE2018": ("peer-reviewed", "A"), "SHARIF2014": ("peer-reviewed", "A"),
    "PMC5882451": ("peer-reviewed", "B"), "ROGERS2019_PM": ("peer-reviewed", "A"),
    "MBC": ("secondary-reference", "C"),
    "NHSBT2018": ("official-via-media", "B"), "HEPCTRUST": ("official-via-media", "B"), "NBTA2019": ("official-via-media", "B"),
    "EPATEAM2020": ("official-via-media", "B"), "HEALIO2020": ("official-via-media", "B"),
    "GDHEALTH2022": ("official-via-media", "C"), "JKJ2015": ("press", "B"),
    "CIPFG_XQ": ("advocacy-compilation", "C"), "DAFOH_REG": ("advocacy-compilation", "B"),
    "LAW1984": ("official-primary", "B"), "LIAONING2007": ("official-primary", "B"), "WIKISRC2023": ("official-primary", "B"),
    "GOVCN2007": ("official-primary", "A"), "GOVCN2013": ("official-primary", "A"),
    "SRTR2012DD": ("official-primary", "A"), "SRTR2013K": ("official-primary", "A"), "SRTR2013L": ("official-primary", "A"),
    "ABM2015": ("official-primary", "A"), "ABM2021": ("official-primary", "A"), "NHSBT2017": ("official-primary", "A"), "CIHI": ("official-primary", "A"),
    "REDACTION2019": ("secondary-reference", "C"), "UIGHURBLOG2016": ("secondary-reference", "C"), "AHDU2007": ("secondary-reference", "C"),
    "LIBERTY2018": ("press", "C"), "CCAS2017": ("secondary-reference", "C"), "RFA2017_APG": ("press", "C"), "QZ2017": ("press", "B"),
    "NTDTV2019": ("advocacy-compilation", "C"), "TWOTIGERS2016": ("advocacy-compilation", "C"), "XINSHENG2016": ("advocacy-compilation", "C"),
    "BREAKBLACK_COHRC": ("advocacy-compilation", "C"), "RENMINBAO2009": ("advocacy-compilation", "C"),
    "CNA2017": ("press", "B"), "AFP2019": ("press", "B"), "IBT2014": ("press", "B"), "GLOBE2007": ("press", "B"),
    "AFR2019": ("press", "B"), "NEWSMED2019": ("press", "B"), "CTV2016": ("press", "B"), "MEDSCAPE2019": ("press", "B"), "BLDAILY2019": ("press", "C"),
    "TRIPOD2017": ("press", "B"), "DAFOH2017V": ("advocacy-compilation", "C"), "DAFOH_DISC": ("advocacy-compilation", "C"), "UPHOLD275": ("advocacy-compilation", "C"),
    "HUFFPOST2017": ("official-via-media", "B"), "BJNEWS2010": ("official-via-media", "B"),
    # gap-fill sources (2026-11-28)
    "XINHUA2014AUG": ("official-via-media", "B"), "CHINESEMEDNEWS2013": ("secondary-reference", "C"), "LT2015HUANG": ("peer-reviewed", "B"),
    "PD2017FEB": ("official-via-media", "B"), "ECNS2016": ("official-via-media", "B"), "XINHUA2019FEB": ("official-via-media", "B"),
    "XINHUA2019MAR": ("official-via-media", "B"), "RZECZPOSPOLITA2019": ("press", "B"),
}


# Sources added with the gap-fill rows (not in the shared SOURCES.md register): id, title, author, date, URL cell
# (first URL = where the text was read; the rest becomes document_reference), access note. From research/gap-fill.md.
EXTRA_SOURCES = [
    ["XINHUA2014AUG", "Organ donation thrives in China amid cultural challenges",
     "Xinhua (English wire), Huang Jiefu at the OPO development and regulation forum; carried by China Daily and People's Daily Online", "2014-08-29",
     "http://en.people.cn/n/2014/0830/c90882-8776543.html ; Xinhua original on China Daily (title, date and byline checked there): http://www.chinadaily.com.cn/china/2014-08/29/content_18514450.htm",
     "state media (Xinhua wire); figures read on the People's Daily Online copy (the PD2014 page, cut off after 'reached 659 since'); the same statement as PD2014, not an independent source"],
    ["CHINESEMEDNEWS2013", "Viewpoint: Financial compensation for deceased organ donation in China",
     "Fang Qiang (ICU, First Affiliated Hospital, Zhejiang University), Chinese Medical News blog", "2013-01-16",
     "http://www.chinesemedicalnews.com/2013/01/viewpoint-financial-compensation-for.html ; blog relay of Wu X, Fang Q. J Med Ethics 2013;39(6):378-379 (journal text not read)",
     "blog relay of the authors' journal viewpoint (secondary)"],
    ["LT2015HUANG", "Voluntary organ donation system adapted to Chinese cultural values and social reality",
     "Huang J, Millis JM, Mao Y, Millis MA, Sang X, Zhong S (Liver Transplantation 2015, vol 21 no 4, 419-422; doi:10.1002/lt.24069)", "2015",
     "https://ouci.dntb.gov.ua/en/works/966Gmzx9",
     "peer-reviewed; abstract only, read on the OUCI index page"],
    ["PD2017FEB", "[Chinese health officials to attend Vatican summit on organ trafficking]",
     "People's Daily Online (English), citing Xinhua", "2017-02-07",
     "http://en.people.cn/n3/2017/0207/c90000-9174730.html",
     "state media relaying Xinhua"],
    ["ECNS2016", "[Chinese organ donors on the rise] (photo-caption page)",
     "ecns.cn (China News Service English), citing People's Daily and NHFPC statistics (vice-minister Wang Pei'an)", "2016-04-01",
     "http://ecns.cn/2016/04-01/205210.shtml",
     "state media relaying People's Daily and NHFPC statistics"],
    ["XINHUA2019FEB", "China reports nearly 1 mln voluntary organ donors",
     "Xinhua (Wuhan, Feb. 28; 2019 Chinese OPO Congress; Zhao Hongtao; National Health Commission figures)", "2019-03-01",
     "http://m.zhongyishudian.com/english/2019-03/01/c_137858437.htm ; mirror of http://www.xinhuanet.com/english/2019-03/01/c_137858437.htm",
     "state media (Xinhua) read on a mirror domain"],
    ["XINHUA2019MAR", "China reports over 23,000 voluntary organ donation cases by February",
     "Xinhua (Guangzhou; Huang Jiefu)", "2019-03-23",
     "http://www.xinhuanet.com/english/2019-03/23/c_137918390.htm",
     "state media"],
    ["RZECZPOSPOLITA2019", "Chiny oskarżone o fałszowanie danych dawców narządów",
     "Rzeczpospolita (rp.pl), report on Robertson, Hinde & Lavee 2019", "2019-11",
     "https://www.rp.pl/Przestepczosc/191119728-Chiny-oskarzone-o-falszowanie-danych-dawcow-narzadow.html",
     "press summary of Robertson, Hinde & Lavee 2019 (secondary relay of the COTRS figures the paper cites)"],
]

# access notes of register sources that the gap-fill made out of date
ACCESS_NOTE_OVERRIDE = {
    "CD2015MAR": "state media on mirror (the register's 'cited in notes only' predates the gap-fill rows of 2026-11-28, which use it)",
}


def classify(sid: str, note: str) -> tuple[str, str]:
    if sid in SRC_OVERRIDE:
        return SRC_OVERRIDE[sid]
    n = note.lower()
    if sid.startswith("COHRC") or sid.startswith("COH_") or sid.startswith("U2017") or sid.startswith("WOIPFG") or sid.startswith("MINGHUI") \
            or sid.startswith("UPHOLD") or sid == "STOPOH" or "advocacy" in n or "falun gong" in n:
        return ("advocacy-compilation", "C")
    if n.startswith("peer-reviewed"):
        return ("peer-reviewed", "A")
    if n.startswith("official registry") or n in ("official", "official registry report (mirror)"):
        return ("official-primary", "A")
    if "amnesty" in n or n.startswith("ngo"):
        return ("press", "B")
    if "state media" in n or "state-licensed press" in n or "press relaying official" in n or "press quoting official" in n or "state-licensed media" in n \
            or "state health press" in n or "official statement reported" in n or "state-owned press" in n or "press relay" in n:
        return ("official-via-media", "B")
    if n.startswith("press") or n.startswith("trade press"):
        return ("press", "B")
    raise SystemExit(f"unclassified source {sid}: {note}")


def access_note_for(sid: str, note: str, url_cell: str) -> str:
    return ACCESS_NOTE_OVERRIDE.get(sid, note)


def build_sources(shared, tables: dict[str, list[dict]]):
    text = open(os.path.join(shared, "SOURCES.md"), encoding="utf-8").read()
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("## Source register"))
    reg: "OrderedDict[str, list[str]]" = OrderedDict()
    for l in lines[start:]:
        if l.startswith("| ") and not l.startswith("| id ") and not l.startswith("|---"):
            cells = [c.strip() for c in l.strip().strip("|").split(" | ")]
            if len(cells) != 6:
                raise SystemExit(f"bad register line: {l[:80]}")
            reg[cells[0]] = cells
    for cells in EXTRA_SOURCES:
        if cells[0] in reg:
            raise SystemExit(f"gap-fill source {cells[0]} is already in the shared register")
        reg[cells[0]] = [cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]]
    used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cited: set[str] = set()
    ids = set(reg)
    for t, rows in tables.items():
        for r in rows:
            used[r["source_id"]][t] += 1
            for col in ("notes", "curation_note", "status_reason"):
                for tok in re.findall(r"[A-Z][A-Z0-9_]{2,}", r.get(col, "") or ""):
                    if tok in ids:
                        cited.add(tok)
    keep = [sid for sid in reg if sid in used or sid in cited]
    missing = [s for s in used if s not in reg]
    if missing:
        raise SystemExit(f"source ids not in register: {missing}")
    rows = []
    for sid in sorted(keep):
        c = reg[sid]
        _, title, author, year, url_cell, note = c
        row = OrderedDict()
        row["id"] = sid
        row["title"] = title
        row["author"] = author
        m = re.match(r"^(\d{4})", year)
        row["year"] = m.group(1) if m else ""
        row["date"] = "" if re.fullmatch(r"\d{4}", year) else year
        urls = re.findall(r"https?://[^\s;]+", url_cell)
        row["url"] = urls[0] if urls else ""
        ref_parts = []
        rest = url_cell.replace(urls[0], "", 1).strip(" ;") if urls else url_cell
        if rest:
            ref_parts.append(rest)
        jm = re.search(r"\(([^()]*(?:\d+:|doi:)[^()]*)\)", author)
        if jm:
            ref_parts.insert(0, jm.group(1))
        row["document_reference"] = "; ".join(ref_parts)
        row["access_note"] = access_note_for(sid, note, url_cell)
        if sid in ACCESS_NOTE_OVERRIDE:
            log("sources", "register", sid, f"access_note was '{note}' in the register; now '{row['access_note']}'")
        if sid in {c[0] for c in EXTRA_SOURCES}:
            log("sources", "gap-fill.md", sid, "added with the gap-fill rows (research/gap-fill.md); not in the shared register")
        st, gr = classify(sid, note)
        row["source_type"] = st
        row["quality_grade"] = gr
        lang = ""
        for lg, lst in LANG.items():
            if sid in lst:
                lang = lg
        if not lang:
            lang = "zh" if re.search(r"[\u4e00-\u9fff]", title) else "en"
        row["language"] = lang
        if sid in used:
            row["notes"] = "used in: " + ", ".join(f"{t} ({n})" for t, n in sorted(used[sid].items()))
        else:
            row["notes"] = "cited in notes only"
        if not row["url"] and not row["document_reference"]:
            raise SystemExit(f"source {sid} has neither url nor document reference")
        rows.append(row)
    fields = [
        F("id", "string", "Source id", "Identifier used by source_id in the data tables (from the Source register of SOURCES.md, or added with the gap-fill rows).", required=True, unique=True, pattern="^[A-Z0-9_]+$"),
        F("title", "string", "Title", "Title (original language where no English title exists; square brackets = descriptive title).", required=True),
        F("author", "string", "Author or body", "Author(s), organisation, outlet and channel.", required=True),
        F("year", "integer", "Year", "Publication year; empty when the register gives only an approximate or no date (see date).", minimum=1900, maximum=2100),
        F("date", "string", "Date (as in register)", "Fuller or approximate date as the register gives it (e.g. 2015-08, c.2016-2018 (undated))."),
        F("url", "string", "URL", "Address where the text was read (mirror, relay or original). Empty only when document_reference is given."),
        F("document_reference", "string", "Document reference", "Journal citation, DOI, further mirrors or repository commit."),
        F("access_note", "string", "Access note", "How the source was read and its kind (mirror page, press relay, abstract only ...), from the register.", required=True),
        F("source_type", "string", "Source type", "official-primary | official-via-media | peer-reviewed | ngo-report | press | advocacy-compilation | secondary-reference | database | low-quality-copy.", required=True,
          enum=["official-primary", "official-via-media", "peer-reviewed", "ngo-report", "press", "advocacy-compilation", "secondary-reference", "database", "low-quality-copy"]),
        F("quality_grade", "string", "Quality grade", "A primary document or peer-reviewed paper read directly; B official figure relayed by official or mainstream media (or a database redistribution); C secondary/advocacy compilation, Wikipedia, blog repost; D spam-altered or unreliable copy, excluded from analyses.", required=True, enum=["A", "B", "C", "D"]),
        F("language", "string", "Language", "ISO 639-1 code of the text read.", required=True, pattern="^[a-z]{2}$"),
        F("notes", "string", "Notes", "Which tables use the source (row counts), or 'cited in notes only'."),
    ]
    res = resource("sources", "Sources", "Every source cited by a row (source_id) or in a row's notes, from the Source register of the shared SOURCES.md (plus the sources of the 2026-11-28 gap-fill rows, from research/gap-fill.md), with URL or document reference, source type and quality grade.", fields, primary_key=["id"], fk=False)
    return rows, res


# --------------------------------------------------------------------------------------------
# package
# --------------------------------------------------------------------------------------------

def resource(name, title, description, fields, x_series=None, primary_key="row_id", fk=True):
    r: "OrderedDict[str, object]" = OrderedDict()
    r["name"] = name
    r["path"] = name + ".csv"
    r["profile"] = "tabular-data-resource"
    r["format"] = "csv"
    r["mediatype"] = "text/csv"
    r["encoding"] = "utf-8"
    r["title"] = title
    r["description"] = description
    s: "OrderedDict[str, object]" = OrderedDict()
    s["fields"] = fields
    s["missingValues"] = [""]
    s["primaryKey"] = primary_key
    if fk:
        s["foreignKeys"] = [OrderedDict([("fields", "source_id"), ("reference", OrderedDict([("resource", "sources"), ("fields", "id")]))])]
    r["schema"] = s
    if x_series:
        r["x-series"] = x_series
    return r


def write_csv(path: str, fields: list[dict], rows: list[dict]) -> None:
    names = [f["name"] for f in fields]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(names)
    for r in rows:
        if set(r.keys()) != set(names):
            raise SystemExit(f"{path}: columns {sorted(set(r.keys()) ^ set(names))} differ from the schema")
        w.writerow([r[k] for k in names])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())


def validate(res, rows):
    """Light self-check of the written rows against their own schema (types, required, enum, pattern, FK later)."""
    for r in rows:
        for f in res["schema"]["fields"]:
            v = r[f["name"]]
            c = f.get("constraints", {})
            if v == "":
                if c.get("required"):
                    raise SystemExit(f"{res['name']} {r.get('row_id', r.get('id'))}: required {f['name']} empty")
                continue
            if v != v.strip():
                raise SystemExit(f"{res['name']}: whitespace in {f['name']}")
            t = f["type"]
            if t == "integer" and not re.fullmatch(r"-?\d+", v):
                raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v!r} not integer")
            if t == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", v):
                raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v!r} not number")
            if t == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v!r} not date")
            if t == "boolean" and v not in ("true", "false"):
                raise SystemExit(f"{res['name']}: boolean {v}")
            if "enum" in c and v not in c["enum"]:
                raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v!r} not in enum")
            if "pattern" in c and not re.fullmatch(c["pattern"], v):
                raise SystemExit(f"{res['name']}: {f['name']}={v!r} fails pattern")
            if t in ("integer", "number"):
                x = float(v)
                if "minimum" in c and x < c["minimum"]:
                    raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v} below minimum")
                if "maximum" in c and x > c["maximum"]:
                    raise SystemExit(f"{res['name']} {r.get('row_id')}: {f['name']}={v} above maximum")
        if r.get("status") and r["status"] != "default" and not r.get("status_reason"):
            raise SystemExit(f"{res['name']} {r['row_id']}: status_reason required")
    pk = res["schema"]["primaryKey"]
    k = pk if isinstance(pk, str) else pk[0]
    vals = [r[k] for r in rows]
    if len(vals) != len(set(vals)):
        raise SystemExit(f"{res['name']}: duplicate primary key")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="/work/shared/data")
    ap.add_argument("--out", default=os.path.join(ROOT, "data"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    moved: list = []
    built = OrderedDict()
    built["china_deceased_donors"] = build_china_deceased_donors(a.shared)
    built["china_cumulative_counters"] = build_counters(a.shared, moved)
    built["china_executions_estimates"] = build_executions(a.shared)
    built["international_deceased_donors"] = build_international(a.shared)
    built["china_transplant_volume_claims"] = build_volume_claims(a.shared)
    built["organs_per_donor_derived"] = build_derived(a.shared, built["international_deceased_donors"][0], built["china_deceased_donors"][0], built["china_transplant_volume_claims"][0])
    built["china_hospital_capacity"] = build_hospital(a.shared)
    built["china_transplant_centers"] = build_centers(a.shared)
    built["wait_times"] = build_wait_times(a.shared)
    built["abo_blood_type_frequencies"] = build_abo(a.shared)
    built["timeline_events"] = build_timeline(a.shared)
    built["other_quantitative"] = build_other(a.shared, moved)
    src_rows, src_res = build_sources(a.shared, {k: v[0] for k, v in built.items()})
    # foreign keys and source resolution
    src_ids = {r["id"]: r for r in src_rows}
    for name, (rows, res) in built.items():
        for r in rows:
            s = src_ids.get(r["source_id"])
            if s is None or not (s["url"] or s["document_reference"]):
                raise SystemExit(f"{name} {r['row_id']}: source {r['source_id']} does not resolve to a URL or document reference")
    meta = {"row_id", "status", "status_reason", "curation_note", "notes"}
    dup_report = []
    for name, (rows, res) in built.items():
        seen = defaultdict(list)
        for r in rows:
            seen[tuple(v for k, v in r.items() if k not in meta)].append(r["row_id"])
        dup_report += [f"{name}: {ids}" for ids in seen.values() if len(ids) > 1]
    moj = []
    for name, (rows, res) in list(built.items()) + [("sources", (src_rows, src_res))]:
        for r in rows:
            for k, v in r.items():
                if any(x in v for x in ("\ufffd", "\u00c3", "\u00e2\u20ac", "\u9515\u7b7e")):
                    moj.append(f"{name} {r.get('row_id', r.get('id'))} {k}")
    CHECKS.append("mojibake scan (U+FFFD, UTF-8-read-as-Latin-1 and GBK-as-UTF-8 sequences) over every cell: " + ("none" if not moj else "; ".join(moj)) + ".")
    CHECKS.append("duplicated rows (all columns equal except row_id, status and notes): " + ("none" if not dup_report else "; ".join(dup_report)) + ".")
    CHECKS.append(f"every row of every data table resolves to a source with a URL or document reference ({len(src_rows)} sources).")
    # excluded rows from grade-D sources
    for name, (rows, res) in built.items():
        for r in rows:
            if src_ids[r["source_id"]]["quality_grade"] == "D" and r["status"] != "excluded":
                raise SystemExit(f"{name} {r['row_id']}: grade-D source not excluded")
    resources = [src_res] + [res for _, res in built.values()]
    order = ["sources", "china_deceased_donors", "china_cumulative_counters", "china_transplant_volume_claims", "china_executions_estimates",
             "china_transplant_centers", "china_hospital_capacity", "international_deceased_donors", "organs_per_donor_derived",
             "wait_times", "abo_blood_type_frequencies", "timeline_events", "other_quantitative"]
    resources.sort(key=lambda r: order.index(r["name"]))
    allrows = {"sources": src_rows, **{k: v[0] for k, v in built.items()}}
    for res in resources:
        validate(res, allrows[res["name"]])
        write_csv(os.path.join(a.out, res["path"]), res["schema"]["fields"], allrows[res["name"]])
    pkg: "OrderedDict[str, object]" = OrderedDict()
    pkg["profile"] = "tabular-data-package"
    pkg["name"] = "organ-audit-data"
    pkg["version"] = "1.0.0"
    pkg["title"] = "Organ Audit: curated data on organ donation and transplantation in China and comparator countries"
    pkg["description"] = ("Curated tables shipped with Organ Audit: China's official deceased-donor counts and cumulative counters, transplant-volume claims, "
                          "execution estimates, transplant centres and hospital-capacity claims, a GODT comparator panel, waiting times, ABO frequencies, a timeline "
                          "and other quantitative facts. The values are facts as stated by the cited sources (see the sources resource and each row's source_id); "
                          "the curation (selection status, normalised columns, flags, documentation) is licensed CC-BY-4.0. Conflicting statements are kept side "
                          "by side: select status = default for one value per quantity. See README.md for the rules and a changelog against the shared working copy.")
    pkg["licenses"] = [OrderedDict([("name", "CC-BY-4.0"), ("path", "https://creativecommons.org/licenses/by/4.0/"), ("title", "Creative Commons Attribution 4.0")])]
    pkg["contributors"] = [OrderedDict([("title", "Organ Audit contributors"), ("role", "author")])]
    pkg["resources"] = resources
    with open(os.path.join(a.out, "datapackage.json"), "w", encoding="utf-8", newline="") as fh:
        fh.write(json.dumps(pkg, indent=2, ensure_ascii=False) + "\n")
    # README
    tmpl = open(os.path.join(HERE, "README.template.md"), encoding="utf-8").read()
    cl = []
    cur = None
    for t, line, rid_, text in CHANGELOG:
        if t != cur:
            cl.append(f"\n### {t}\n\n| shared line | row_id | change |\n|---|---|---|")
            cur = t
        cl.append(f"| {line if line is not None else '(appended)'} | {rid_} | {text.replace('|', '/')} |")
    counts = ["| resource | rows | default | alternative | excluded |", "|---|---|---|---|---|"]
    for res in resources:
        rows = allrows[res["name"]]
        if res["name"] == "sources":
            counts.append(f"| sources | {len(rows)} | | | |")
            continue
        c = {s: sum(1 for r in rows if r["status"] == s) for s in ("default", "alternative", "excluded")}
        counts.append(f"| {res['name']} | {len(rows)} | {c['default']} | {c['alternative']} | {c['excluded']} |")
    grades = defaultdict(int)
    for r in src_rows:
        grades[r["quality_grade"]] += 1
    readme = (tmpl.replace("{{COUNTS}}", "\n".join(counts))
              .replace("{{CHECKS}}", "\n".join(f"- {c}" for c in CHECKS))
              .replace("{{GRADES}}", ", ".join(f"{g}: {n}" for g, n in sorted(grades.items())))
              .replace("{{CHANGELOG}}", "\n".join(cl).strip() + "\n"))
    with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8", newline="") as fh:
        fh.write(readme)
    for c in CHECKS:
        print(c, file=sys.stderr)


if __name__ == "__main__":
    main()
