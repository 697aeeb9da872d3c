#!/usr/bin/env python3
"""Prints the Markdown table of a tests/bench/run.sh run from the files it left in WORK:
results.tsv (pair, side, round, rps, p50_ms, p99_ms, errors), rss.tsv (pair, ours kB, peer kB) and
data.tsv (pair, comparison). Medians over the rounds. Python 3 standard library only."""
import statistics
import sys

work, scale, backend, secs, rounds, elapsed, writes, load = sys.argv[1:9]

LABELS = {
    "a": "(a) 50 programmes × owner × first 10 fundings × allocations",
    "b": "(b) funding per province; peer: its grouped aggregate (counts, basis points)",
    "bx": "(b′) funding per province; peer: every allocation with its amount, euros summed on the client",
    "bs": "(b₁) funding per province of one scheme; peer: its grouped aggregate of that scheme's fundings",
    "m": "(m) `fundingMatrix(rows: PROVINCE, columns: YEAR)`; peer: its grouped aggregate (as b)",
    "c": "(c) one organisation by id × first 20 programmes it takes part in",
    "cb": "(c) beside 16 callers asking for (b) the whole time (ours only)",
    "c0": "(c₀) as (c), against a second instance of ours with RATE_LIMITS=false (`--limits both`)",
    "d": "(d) `recordFunding`, audited (writes/s; peer: none)",
}
PGBENCH_FOR = {"bx": "b", "c0": "c"}  # the same SQL as (b), as (c)

results = {}
for line in open(f"{work}/results.tsv", encoding="utf-8"):
    pair, side, rnd, rps, p50, p99, err = line.rstrip("\n").split("\t")
    results.setdefault((pair, side), []).append((float(rps or 0), float(p50 or 0), float(p99 or 0), err))
rss = {}
for line in open(f"{work}/rss.tsv", encoding="utf-8"):
    pair, ours, peer = (line.rstrip("\n").split("\t") + ["", ""])[:3]
    rss[pair] = (ours, peer)
data = {}
for line in open(f"{work}/data.tsv", encoding="utf-8"):
    pair, text = line.rstrip("\n").split("\t", 1)
    data[pair] = text


def median(pair, side):
    runs = results.get((pair, side))
    if not runs:
        return None
    errs = [r[3] for r in runs if r[3] not in ("0", "")]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        errs,
    )


def num(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def cells(m):
    if m is None:
        return ["—", "—", "—"]
    rps, p50, p99, errs = m
    n = sum(int(e) for e in errs if e.isdigit())
    flag = (f" ⚠ {n} errors/non-200" if n else " ⚠ " + ",".join(errs)) if errs else ""
    return [num(rps) + flag, num(p50), num(p99)]


def mib(kb):
    return f"{int(kb) / 1024:.0f}" if kb and kb != "0" else "—"


def short(text):
    if text.startswith("same data"):
        return "same data"
    if text.startswith("not comparable"):
        return "not comparable"
    if text.startswith("write accepted"):
        return "write accepted"
    return text[:60]


def ratio(x, y):
    if x and y and not y[0]:
        return "(other side 0)"
    return f"{x[0] / y[0]:.2f}×" if x and y and y[0] else "—"


peer_present = backend == "postgres"
ORDER = ["a", "b", "bs", "bx", "m", "c", "c0", "cb", "d"]
pairs = [p for p in ORDER if (p, "ours") in results]
print()
if peer_present:
    print(f"Backend: {backend}; scale {scale}; wrk -t2 -c16 --timeout 30s, {rounds} alternating rounds of {secs} s per side "
          f"(median shown); pgbench -n -M prepared -c 16 -j 2 -T {secs}. Times in ms.")
else:
    print(f"Backend: {backend} (ours alone); scale {scale}; wrk -t2 -c16 --timeout 30s, {rounds} rounds of {secs} s "
          f"(median shown). Times in ms.")
    LABELS = {k: v.replace(" (writes/s; peer: none)", " (writes/s)").split("; peer")[0] for k, v in LABELS.items()}
print()
if peer_present:
    print("| pair | ours req/s | ours p50 | ours p99 | PostGraphile req/s | PG p50 | PG p99 | pgbench tps | pgbench p50 | pgbench p99 "
          "| ours/PostGraphile | ours/pgbench | ours VmHWM MiB | PostGraphile VmHWM MiB | same data? |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
else:
    print("| pair | ours req/s | ours p50 | ours p99 | ours VmHWM MiB | answer |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
for p in pairs:
    ours = median(p, "ours")
    if peer_present:
        peer = median(p, "peer")
        pgb = median(PGBENCH_FOR.get(p, p), "pgbench")
        pgb_cells = cells(pgb) if p not in PGBENCH_FOR else [f"(as {PGBENCH_FOR[p]})", "", ""]
        r_ours, r_peer = rss.get(p, ("", ""))
        print("| " + " | ".join([LABELS[p], *cells(ours), *cells(peer), *pgb_cells, ratio(ours, peer), ratio(ours, pgb),
                                  mib(r_ours), mib(r_peer), short(data.get(p, "—"))]) + " |")
    else:
        r_ours, _ = rss.get(p, ("", ""))
        print("| " + " | ".join([LABELS[p], *cells(ours), mib(r_ours), data.get(p, "—")]) + " |")
print()
for p in [p for p in ORDER if p in data]:
    if p in data:
        print(f"- {LABELS[p].split(')')[0]}): {data[p]}")
print()
if len(sys.argv) > 9 and sys.argv[9] != "0":
    print(f"Our server logged {sys.argv[9]} times `database unavailable` (a field found no pooled connection within "
          "DB_POOL_TIMEOUT and answered SERVICE_UNAVAILABLE).")
if "start" in rss:
    print(f"Our server's VmHWM right after it started answering: {mib(rss['start'][0])} MiB.")
print(f"Run took {int(elapsed) // 60} min {int(elapsed) % 60} s (setup, data generation and all rounds); "
      f"fundings written: {writes}; load average at the end: {load}.")
