#!/usr/bin/env bash
# Where one pair's CPU goes: drives a running server with wrk for 10 s (2 threads, 16 connections)
# and prints the CPU time our server's process and PostgreSQL's processes used per request (from
# /proc/PID/stat, utime + stime). Not part of `cargo test`; run it beside a server started as
# tests/bench/run.sh starts it (release build, RUST_LOG=warn) on the same machine.
#
#   tests/bench/cpu-split.sh PID BODY URL [TOKEN]
#
# PID: our server's process; BODY: a JSON request body (e.g. tests/bench/queries/ours_a.json);
# URL: its /graphql; TOKEN: a bearer token, for a mutation (then the write script is used).
set -euo pipefail
pid=$1 body=$2 url=$3 token=${4:-}
shared=${SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
lua=$shared/bench/wrk-post.lua
[ -n "$token" ] && lua=$shared/bench/wrk-write.lua
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local s=0 p; for p in $(pgrep -x postgres); do s=$((s + $(ticks "$p"))); done; echo "$s"; }
o0=$(ticks "$pid"); p0=$(pg_ticks)
out=$(BODY=$body TOKEN=$token wrk -t2 -c16 -d10s --timeout 30s -s "$lua" "$url")
o1=$(ticks "$pid"); p1=$(pg_ticks)
requests=$(sed -n 's/^RESULT.* requests=\([0-9]*\).*/\1/p' <<<"$out")
python3 - "$o0" "$o1" "$p0" "$p1" "$requests" "$(getconf CLK_TCK)" <<'PY'
import sys
o0, o1, p0, p1, n, hz = (float(x) for x in sys.argv[1:])
ours, pg = (o1 - o0) / hz, (p1 - p0) / hz
print(f"{n:.0f} requests in 10 s ({n / 10:.0f}/s): our server {ours:.2f} s CPU = {ours / n * 1000:.3f} ms a request; "
      f"PostgreSQL {pg:.2f} s = {pg / n * 1000:.3f} ms a request")
PY
grep '^RESULT' <<<"$out"
