#!/usr/bin/env python3
"""Normalises the answers of a query pair and says whether they hold the same data.

Used by tests/bench/run.sh (Python 3 standard library only). Every subcommand prints one line:
"same data", "same data (<how>)" or "differs: <first difference>", and exits 0 either way (the
benchmark goes on; the table says what was compared).

  normalise.py a    OURS.json PEER.json SQL.csv   programmes × owner × fundings × allocations
  normalise.py b    OURS.json PEER_BX.json SQL.csv  euro totals per province (peer: computed here)
  normalise.py bagg OURS.json PEER_B.json          what the peer's grouped aggregate can be compared on
  normalise.py bs   OURS.json SQL.csv              one scheme's euro totals per province against the SQL
  normalise.py bsagg OURS.json PEER_BS.json        what the peer's one-scheme grouped aggregate gives
  normalise.py c    OURS.json PEER.json SQL.csv   one organisation × first 20 programmes
  normalise.py d    OURS.json                      one recordFunding answer
  normalise.py m    OURS.json SQL.csv              region × year cross-table against the SQL

Amounts are compared as decimal euro strings ("123456.78"); names and order exactly.
"""
import csv
import json
import sys


def euros(cents):
    """Integer cents (int or numeric string) -> "123.45"."""
    c = int(cents)
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("errors"):
        raise SystemExit(f"differs: {path} has errors: {json.dumps(doc['errors'])[:300]}")
    return doc["data"]


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def first_difference(x, y, what):
    if x == y:
        return None
    if len(x) != len(y):
        for i, (p, q) in enumerate(zip(x, y)):
            if p != q:
                return f"{what}: item {i}: {p!r} vs {q!r}"
        return f"{what}: {len(x)} items vs {len(y)}"
    for i, (p, q) in enumerate(zip(x, y)):
        if p != q:
            return f"{what}: item {i}: {p!r} vs {q!r}"
    return f"{what}: differ"


def report(diffs, note=None):
    diffs = [d for d in diffs if d]
    if diffs:
        print("differs: " + "; ".join(diffs))
    else:
        print("same data" + (f" ({note})" if note else ""))


# (a) -------------------------------------------------------------------------------------------
def pair_a(ours_path, peer_path, sql_path=None):
    ours = load(ours_path)["programmes"]["nodes"]
    peer = load(peer_path)["allProgrammes"]["nodes"]
    norm_ours = [
        (
            p["name"],
            (p["owner"] or {}).get("name"),
            [
                (f["amountAwarded"]["amount"], [(a["shareBasisPoints"], a["region"]["name"]) for a in f["allocations"]])
                for f in p["fundings"]["nodes"]
            ],
        )
        for p in ours
    ]
    norm_peer = [
        (
            p["name"],
            (p["organisationByOwnerId"] or {}).get("name"),
            [
                (
                    euros(f["amountCents"]),
                    [(a["shareBasisPoints"], a["regionByRegionId"]["name"]) for a in f["regionAllocationsByFundingId"]["nodes"]],
                )
                for f in p["fundingsByProgrammeId"]["nodes"]
            ],
        )
        for p in peer
    ]
    diffs = [first_difference(norm_ours, norm_peer, "ours vs peer")]
    if sql_path:
        flat = []
        for name, owner, fundings in norm_ours:
            if not fundings:
                flat.append((name, owner, None, None, None))
            for amount, allocs in fundings:
                if not allocs:
                    flat.append((name, owner, amount, None, None))
                for share, region in allocs:
                    flat.append((name, owner, amount, share, region))
        sql = [
            (r[0], r[1] or None, euros(r[2]) if r[2] else None, int(r[3]) if r[3] else None, r[4] or None)
            for r in rows(sql_path)
        ]
        diffs.append(first_difference(flat, sql, "ours vs SQL"))
    n_f = sum(len(p[2]) for p in norm_ours)
    n_a = sum(len(f[1]) for p in norm_ours for f in p[2])
    report(diffs, f"{len(norm_ours)} programmes, {n_f} fundings, {n_a} allocations, names, amounts and order")


# (b) -------------------------------------------------------------------------------------------
def ours_b(path):
    r = load(path)["fundingByRegion"]
    regions = {x["region"]["code"]: (x["totalAwarded"]["amount"], x["fundingCount"]) for x in r["regions"]}
    extra = {
        "unallocated": (r["unallocated"]["totalAwarded"]["amount"], r["unallocated"]["fundingCount"]),
        "outsideLevel": (r["outsideLevel"]["totalAwarded"]["amount"], r["outsideLevel"]["fundingCount"]),
        "unsplit": (r["unsplit"]["totalAwarded"]["amount"], r["unsplit"]["fundingCount"]),
        "grandTotal": r["grandTotal"]["amount"],
    }
    return regions, extra


def peer_bx_totals(path):
    """Exact per-province totals computed here from every region, funding, programme region and
    allocation the peer sends, by the placement rules fundingByRegion documents: allocations that
    all carry shares split the amount to the cent (largest remainder, ties to the earlier
    allocation), each part counted for its region's PROVINCE ancestor-or-self or outside the level;
    otherwise the named regions (allocations, else the programme's regions) place the whole amount
    in their one province, or outside the level (one has none), or unsplit (several); else
    unallocated. Every bucket is computed, none derived from the others."""
    d = load(path)
    regions = {r["rowId"]: r for r in d["allRegions"]["nodes"]}

    def province(rid):
        seen = 0
        while rid is not None and seen < 32:
            r = regions[str(rid)] if str(rid) in regions else regions[rid]
            if r["scheme"] == "PROVINCE":
                return r["code"]
            rid = r["parentId"]
            seen += 1
        return None

    by_funding = {}
    for a in d["allRegionAllocations"]["nodes"]:
        by_funding.setdefault(a["fundingId"], []).append(a)
    programme_regions = {}
    for pr in d["allProgrammeRegions"]["nodes"]:
        programme_regions.setdefault(pr["programmeId"], []).append(pr["regionId"])
    totals = {r["code"]: [0, set()] for r in regions.values() if r["scheme"] == "PROVINCE"}
    buckets = {k: [0, set()] for k in ("outsideLevel", "unsplit", "unallocated")}
    grand = 0
    for f in d["allFundings"]["nodes"]:
        fid, amt = f["rowId"], int(f["amountCents"])
        grand += amt
        allocs = sorted(by_funding.get(fid, []), key=lambda a: int(a["rowId"]))
        if allocs and all(a["shareBasisPoints"] is not None for a in allocs):
            parts = [(amt * a["shareBasisPoints"] // 10000, amt * a["shareBasisPoints"] % 10000, int(a["rowId"]), a) for a in allocs]
            leftover = amt - sum(p[0] for p in parts)
            bonus = {p[2]: 1 for p in sorted(parts, key=lambda p: (-p[1], p[2]))[:leftover]}
            for base, _, aid, a in parts:
                code = province(a["regionId"])
                slot = totals[code] if code is not None else buckets["outsideLevel"]
                slot[0] += base + bonus.get(aid, 0)
                slot[1].add(fid)
            continue
        named = [a["regionId"] for a in allocs] or programme_regions.get(f["programmeId"], [])
        if not named:
            slot = buckets["unallocated"]
        else:
            at = [province(r) for r in named]
            if any(c is None for c in at):
                slot = buckets["outsideLevel"]
            elif len(set(at)) == 1:
                slot = totals[at[0]]
            else:
                slot = buckets["unsplit"]
        slot[0] += amt
        slot[1].add(fid)
    regions_out = {code: (euros(v[0]), len(v[1])) for code, v in totals.items()}
    extra = {k: (euros(v[0]), len(v[1])) for k, v in buckets.items()}
    extra["grandTotal"] = euros(grand)
    if int(d["allFundings"]["aggregates"]["sum"]["amountCents"] or 0) != grand:
        raise SystemExit("differs: the peer's sum of amounts is not the sum of its fundings")
    return regions_out, extra


def sql_b(path):
    s_regions, s_extra = {}, {}
    for kind, code, cents, n in rows(path):
        if kind == "region":
            s_regions[code] = (euros(cents), int(n))
        elif kind == "grandTotal":
            s_extra[kind] = euros(cents)
        else:
            s_extra[kind] = (euros(cents), int(n))
    return s_regions, s_extra


def pair_b(ours_path, peer_path, sql_path=None):
    o_regions, o_extra = ours_b(ours_path)
    p_regions, p_extra = peer_bx_totals(peer_path)
    diffs = [
        first_difference(sorted(o_regions.items()), sorted(p_regions.items()), "ours vs peer (per province)"),
        first_difference(sorted(o_extra.items()), sorted(p_extra.items()), "ours vs peer (unallocated, outside, total)"),
    ]
    if sql_path:
        s_regions, s_extra = sql_b(sql_path)
        diffs.append(first_difference(sorted(o_regions.items()), sorted(s_regions.items()), "ours vs SQL (per province)"))
        diffs.append(first_difference(sorted(o_extra.items()), sorted(s_extra.items()), "ours vs SQL (rest)"))
    report(diffs, f"{len(o_regions)} provinces, unsplit, outside level, unallocated: euros and counts; the peer's totals computed on the client from every funding, programme region and allocation; compared as a set by code")


def pair_bagg(ours_path, peer_path):
    """The grouped aggregate returns, per allocation region id, distinct fundings and summed basis
    points: no euros, and no roll-up of subregions to provinces. Nothing of it equals a field of ours
    except the number of groups with data; say so."""
    _, _ = ours_b(ours_path)
    groups = load(peer_path)["allRegionAllocations"]["groupedAggregates"]
    print(f"not comparable: the peer's grouped aggregate gives {len(groups)} groups of (region id, distinct fundings, "
          "summed basis points) without euros or province roll-up; ours gives euro totals per province")


def pair_bs(ours_path, sql_path):
    o_regions, o_extra = ours_b(ours_path)
    s_regions, s_extra = sql_b(sql_path)
    report(
        [
            first_difference(sorted(o_regions.items()), sorted(s_regions.items()), "ours vs SQL (per province)"),
            first_difference(sorted(o_extra.items()), sorted(s_extra.items()), "ours vs SQL (rest)"),
        ],
        f"one scheme: {len(o_regions)} provinces, unsplit, outside level, unallocated: euros and counts against the full-scan SQL",
    )


def pair_bsagg(ours_path, peer_path):
    """The peer can group one scheme's fundings only by a column of `funding` (here the programme):
    no regions at all. Say so."""
    _, _ = ours_b(ours_path)
    groups = load(peer_path)["allFundings"]["groupedAggregates"]
    print(f"not comparable: the peer's grouped aggregate of one scheme gives {len(groups)} groups of (programme id, "
          "fundings, summed cents) and cannot group by region; ours gives euro totals per province")


# (c) -------------------------------------------------------------------------------------------
def pair_c(ours_path, peer_path, sql_path=None, first=20):
    o = load(ours_path)
    ours = (
        o["node"]["name"],
        o["node"]["kind"],
        o["programmes"]["totalCount"],
        [(p["name"], p["kind"]) for p in o["programmes"]["nodes"]],
    )
    p = load(peer_path)["organisationByRowId"]
    progs = {}
    for part in p["participationsByOrganisationId"]["nodes"]:
        if part["status"] != "ACCEPTED":
            continue
        pr = part["programmeByProgrammeId"]
        progs[int(pr["rowId"])] = pr
    ordered = sorted(progs.values(), key=lambda pr: (pr["sortKey"], int(pr["rowId"])))
    peer = (p["name"], p["kind"], len(ordered), [(pr["name"], pr["kind"]) for pr in ordered[:first]])
    diffs = [
        first_difference(list(ours[:3]), list(peer[:3]), "ours vs peer (organisation, totalCount)"),
        first_difference(ours[3], peer[3], "ours vs peer (programmes)"),
    ]
    if sql_path:
        r = rows(sql_path)
        sql = (r[0][0], r[0][1], int(r[0][4] or 0), [(x[2], x[3]) for x in r if x[2]])
        diffs.append(first_difference(list(ours[:3]), list(sql[:3]), "ours vs SQL (organisation, totalCount)"))
        diffs.append(first_difference(ours[3], sql[3], "ours vs SQL (programmes)"))
    n_all = len(p["participationsByOrganisationId"]["nodes"])
    report(diffs, f"{len(ours[3])} of {ours[2]} programmes, names and order; the peer fetched all {n_all} participations, "
                  "accepted ones kept, deduplicated and ordered by sort key, id on the client")


# (d) -------------------------------------------------------------------------------------------
def pair_d(ours_path):
    r = load(ours_path)["recordFunding"]
    if r["userErrors"] or not r["funding"] or not r["funding"]["id"]:
        print(f"differs: recordFunding answered {json.dumps(r)[:300]}")
    else:
        print("write accepted (no peer: PostGraphile's mutations are unauthenticated and unaudited)")


def ours_m(path):
    """fundingMatrix(rows: PROVINCE, columns: YEAR) -> {(kind, code, year): (euros, fundings)} for
    every cell with a funding; the year is 0 for `YEAR_UNKNOWN`."""
    m = load(path)["fundingMatrix"]
    cells = {}

    def add(kind, code, row):
        for c in row["cells"]:
            if c["fundingCount"]:
                key = c["column"]["key"]
                year = 0 if key == "YEAR_UNKNOWN" else int(key)
                cells[(kind, code or "", year)] = (c["amount"]["amount"], c["fundingCount"])

    for r in m["regions"]:
        add("region", r["region"]["code"], r)
    for kind in ("unsplit", "outsideLevel", "unallocated"):
        add(kind, None, m[kind])
    return cells


def pair_m(ours_path, sql_path):
    ours = ours_m(ours_path)
    sql = {(kind, code, int(year)): (euros(cents), int(n)) for kind, code, year, cents, n in rows(sql_path)}
    report(
        [first_difference(sorted(ours.items()), sorted(sql.items()), "ours vs SQL (cells)")],
        f"{len(ours)} non-empty cells (province or unsplit, outside level, unallocated × year): euros and counts against the full-scan SQL",
    )


def main():
    cmd, *args = sys.argv[1:]
    {"a": pair_a, "b": pair_b, "bagg": pair_bagg, "bs": pair_bs, "bsagg": pair_bsagg, "c": pair_c, "d": pair_d, "m": pair_m}[cmd](*args)


if __name__ == "__main__":
    main()
