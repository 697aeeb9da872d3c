#!/usr/bin/env bash
# Side-by-side load measurement (not part of `cargo test`), on loopback only.
#
#   tests/bench/run.sh [--scale 20k|200k|1M] [--sqlite] [--secs N] [--rounds N] [--limits on|off|both]
#                      [--only a,b,bs,bx,m,c,cb,d,x]
#
# On a fresh PostgreSQL database it migrates, loads the shipped data, generates a synthetic set
# (20k: 1,000 organisations, 2,500 programmes, 20,000 fundings; 200k: 2,000/5,000/200,000;
# 1M: 4,000/10,000/1,000,000), starts our release server and PostGraphile
# ($SHARED_DIR/bench/postgraphile/start.sh, unchanged) over that same database, checks that each
# query pair returns the same data (normalise.py), warms both servers, and runs wrk (16 connections,
# --timeout 30s, $SHARED_DIR/bench/wrk-post.lua) per pair in alternating rounds (ours, peer, ours,
# peer, …), then pgbench with the equivalent SQL. It prints one Markdown table: median req/s, p50 and
# p99 of each side, the ratios, and both servers' peak RSS (VmHWM) after the pair.
# --sqlite measures our embedded backend alone (same generated data, no peer, no pgbench).
# --limits (or BENCH_LIMITS): `on` (the default) runs our server with its default cost budgets
# (RATE_LIMITS=true), `off` with RATE_LIMITS=false, `both` also starts a second instance of ours
# with RATE_LIMITS=false over the same database and adds pair (c0): (c) against it, its rounds
# alternating with (c)'s. --only runs the load of the listed pairs alone (the same-data checks run
# always), e.g. `--limits both --only c` to measure what the limiter costs pair (c).
# Step (x), right after our server starts (before the peer and any load): one download each of
# /export/360giving.json and /export/fundings.csv, timed, checked against the Export-* headers, with
# our server's peak RSS during each (VmHWM, reset before each download through /proc/PID/clear_refs);
# target: at most 100 MB at 200k fundings. `--only x` runs it and the same-data checks alone.
#
# Production settings: the release binary with its default limits, pool (DB_POOL_SIZE 16) and no
# response cache; RUST_LOG=warn so logging does not dominate. Every request reads the database.
#
# Environment: SHARED_DIR (default ../shared, relative to the repository), PG_ADMIN_URL (default
# postgres://postgres@127.0.0.1:5432/postgres; the user must be allowed to CREATE DATABASE),
# OURS_PORT / PEER_PORT (default: free ports), PEER_DIR (PostGraphile's npm cache, default
# /tmp/postgraphile-peer, as start.sh), BENCH_SEED (default 42).
# Needs: the release build (`cargo build --release`; built here when missing), python3, curl, psql;
# wrk and pgbench are installed with apt-get when missing; Node 22 comes with start.sh's npm install.
# It stops by pid what it started, drops its database and removes its temporary files on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
here=$repo/tests/bench
t_start=$(date +%s)

scale=20k secs=10 rounds=3 sqlite=false limits=${BENCH_LIMITS:-on} only=""
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --scale=*) scale=${1#*=}; shift ;;
    --sqlite) sqlite=true; shift ;;
    --secs) secs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --limits) limits=$2; shift 2 ;;
    --limits=*) limits=${1#*=}; shift ;;
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case $limits in
  on) rate_limits=true ;;
  off|both) rate_limits=false ;;
  *) echo "--limits (BENCH_LIMITS) must be on, off or both" >&2; exit 2 ;;
esac
[ "$limits" = both ] && rate_limits=true
want() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; } # PAIR: is its load measured?
case $scale in
  20k) orgs=1000 progs=2500 fundings=20000 ;;
  200k) orgs=2000 progs=5000 fundings=200000 ;;
  1M|1m) orgs=4000 progs=10000 fundings=1000000 ;;
  *) echo "--scale must be 20k, 200k or 1M" >&2; exit 2 ;;
esac
seed=${BENCH_SEED:-42}
SHARED_DIR=${SHARED_DIR:-../shared}
SHARED_DIR=$(cd "$SHARED_DIR" && pwd)
lua_read=$SHARED_DIR/bench/wrk-post.lua
lua_write=$SHARED_DIR/bench/wrk-write.lua
peer_start=$SHARED_DIR/bench/postgraphile/start.sh
for f in "$lua_read" "$lua_write" "$peer_start"; do [ -f "$f" ] || { echo "missing $f (set SHARED_DIR)" >&2; exit 2; }; done
pg_admin=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db=tp_bench_$$
pg_url=${pg_admin%/*}/$db
q=$here/queries

log() { printf '[%s +%ss] %s\n' "$(date -u +%H:%M:%S)" "$(( $(date +%s) - t_start ))" "$*" >&2; }

# --- tools ------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
if ! $sqlite; then
  command -v pgbench >/dev/null || pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1) || true
  command -v pgbench >/dev/null || [ -n "${pgbench:-}" ] || need_apt+=(postgresql-contrib)
fi
command -v psql >/dev/null || need_apt+=(postgresql-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} with apt-get"
  apt-get install -y -q "${need_apt[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${need_apt[@]}" >/dev/null; }
fi
pgbench=${pgbench:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1 || true)}
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

bin=${CARGO_TARGET_DIR:-$repo/target}/release/techniekpact-api
if [ ! -x "$bin" ]; then log "building the release binary"; cargo build --release -q; fi

# --- state and cleanup ------------------------------------------------------------------------
work=$(mktemp -d /tmp/tp-bench.XXXXXX)
ours_pid="" peer_pid="" off_pid=""
stop() { # stop PID: TERM, then KILL after 10 s
  local p=$1
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$p" 2>/dev/null || true
}
cleanup() {
  stop "$ours_pid"; stop "$peer_pid"; stop "$off_pid"
  if ! $sqlite; then psql "$pg_admin" -X -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours_port=${OURS_PORT:-$(free_port)}
peer_port=${PEER_PORT:-$(free_port)}
ours_url=http://127.0.0.1:$ours_port/graphql
peer_url=http://127.0.0.1:$peer_port/graphql

# --- database and data ------------------------------------------------------------------------
if $sqlite; then db_url=sqlite://$work/bench.db; else db_url=$pg_url; fi
export DATABASE_URL=$db_url DATA_DIR=$work/state RUST_LOG=warn
mkdir -p "$DATA_DIR"
if ! $sqlite; then
  psql "$pg_admin" -X -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
fi
log "migrate, load-data, generate-data ($scale: $orgs organisations, $progs programmes, $fundings fundings) on ${db_url%%:*}"
"$bin" migrate >"$work/migrate.log" 2>&1
"$bin" load-data >"$work/load.log" 2>&1
"$bin" generate-data --organisations "$orgs" --programmes "$progs" --fundings "$fundings" --seed "$seed" \
  >"$work/generated.json" 2>"$work/generate.log"
log "generated: $(tr -d '\n ' <"$work/generated.json")"

sql() { # one value from the database
  if $sqlite; then python3 - "$work/bench.db" "$1" <<'PY'
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print("|".join("" if v is None else str(v) for v in r) if r else "")
PY
  else psql "$pg_url" -X -Atc "$1"; fi
}
gid() { printf '%s:%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='; } # our global IDs: base64url, no padding

# The ids the pairs use, from this database.
org_row=$(sql "SELECT organisation_id FROM participation WHERE status = 'ACCEPTED' GROUP BY organisation_id ORDER BY count(DISTINCT programme_id) DESC, organisation_id LIMIT 1")
IFS='|' read -r scheme_row writer_slug <<<"$(sql "SELECT s.id, o.slug FROM funding_scheme s JOIN organisation o ON o.id = coalesce(s.administrator_id, s.funder_id) ORDER BY s.id LIMIT 1")"
writer_row=$(sql "SELECT id FROM organisation WHERE slug = '$writer_slug'")
programme_row=$(sql "SELECT id FROM programme WHERE slug LIKE 'synthetic-%' ORDER BY id LIMIT 1")
recipient_row=$(sql "SELECT id FROM organisation WHERE slug LIKE 'synthetic-%' ORDER BY id LIMIT 1")
scheme_big=$(sql "SELECT scheme_id FROM funding WHERE scheme_id IS NOT NULL GROUP BY scheme_id ORDER BY count(*) DESC, scheme_id LIMIT 1")
IFS='|' read -r region1_row region2_row <<<"$(sql "SELECT min(id), max(id) FROM (SELECT id FROM region WHERE scheme = 'PROVINCE' ORDER BY id LIMIT 2) x")"
sed -e "s/@ORG_ID@/$(gid Organisation "$org_row")/g" "$q/ours_c.json.in" >"$work/ours_c.json"
sed -e "s/@ORG_ROWID@/$org_row/g" "$q/peer_c.json.in" >"$work/peer_c.json"
sed -e "s/@SCHEME_ID@/$(gid FundingScheme "$scheme_row")/" -e "s/@PROGRAMME_ID@/$(gid Programme "$programme_row")/" \
    -e "s/@RECIPIENT_ID@/$(gid Organisation "$recipient_row")/" -e "s/@REGION1_ID@/$(gid Region "$region1_row")/" \
    -e "s/@REGION2_ID@/$(gid Region "$region2_row")/" "$q/ours_d.json.in" >"$work/ours_d.json"
sed -e "s/@SCHEME_ID@/$(gid FundingScheme "$scheme_big")/" "$q/ours_bs.json.in" >"$work/ours_bs.json"
sed -e "s/@SCHEME_ROWID@/$scheme_big/" "$q/peer_bs.json.in" >"$work/peer_bs.json"
sed -e "s|/\*SCHEME\*/|AND f0.scheme_id = $scheme_big|" "$q/sql_b.sql" >"$work/sql_bs.sql"
# (m): the placement of (b) with each funding's year, then its own ending (queries/sql_m_tail.sql).
{ sed -e 's|SELECT \* FROM funding f0 WHERE true /\*SCHEME\*/|SELECT f0.*, coalesce(extract(year FROM f0.award_date), extract(year FROM f0.start_date), 0)::int AS yr FROM funding f0|' \
    -e '/^)$/,$d' "$q/sql_b.sql"; cat "$q/sql_m_tail.sql"; } >"$work/sql_m.sql"
for p in a b m; do cp "$q/ours_$p.json" "$work/"; done
cp "$q/peer_a.json" "$q/peer_b.json" "$q/peer_bx.json" "$work/"
token=$("$bin" token issue --org "$writer_slug" --scope "fundings:write programmes:write" --ttl 1h --label bench 2>>"$work/token.log")
jti=$(sql "SELECT jti FROM api_token ORDER BY id DESC LIMIT 1")
log "pair (bs): scheme $scheme_big ($(sql "SELECT count(*) FROM funding WHERE scheme_id = $scheme_big") fundings)"
log "pair (c): organisation $org_row ($(sql "SELECT count(DISTINCT programme_id) FROM participation WHERE status = 'ACCEPTED' AND organisation_id = $org_row") accepted programmes, $(sql "SELECT count(*) FROM participation WHERE organisation_id = $org_row") participations); pair (d): scheme $scheme_row written by $writer_slug"

# --- servers ----------------------------------------------------------------------------------
wait_ready() { # URL NAME PID: until a trivial query answers (at most 120 s)
  for _ in $(seq 1 240); do
    curl -sf -m 5 -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$2 exited; its log:" >&2; cat "$work/$2.log" "${PEER_DIR:-/tmp/postgraphile-peer}/postgraphile.log" 2>/dev/null | tail -20 >&2; exit 1; }
    sleep 0.5
  done
  echo "$2 did not answer within 120 s" >&2; exit 1
}
RATE_LIMITS=$rate_limits PORT=$ours_port "$bin" serve >"$work/ours.log" 2>&1 &
ours_pid=$!
wait_ready "$ours_url" ours "$ours_pid"
log "ours: pid $ours_pid on $ours_url (RATE_LIMITS=$rate_limits)"
if [ "$limits" = both ]; then # a second instance over the same database, limits off, for pair (c0)
  off_port=$(free_port)
  off_url=http://127.0.0.1:$off_port/graphql
  RATE_LIMITS=false LOAD_DATA=false PORT=$off_port "$bin" serve >"$work/ours_off.log" 2>&1 &
  off_pid=$!
  wait_ready "$off_url" ours_off "$off_pid"
  log "ours with RATE_LIMITS=false: pid $off_pid on $off_url (pair c0)"
fi
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; } # kB
echo -e "start\t$(hwm "$ours_pid")\t" >"$work/rss_start.tsv"
# (x) the exports, on a quiet server: time, size, rows against the headers, peak RSS during each.
: >"$work/export.tsv"
if want x; then
  for f in 360giving.json fundings.csv; do
    echo 5 >"/proc/$ours_pid/clear_refs" 2>/dev/null || true # VmHWM := VmRSS (Linux ≥ 4.0)
    t0=$(date +%s.%N)
    code=$(curl -sS -m 1800 -w '%{http_code}' -D "$work/x_$f.headers" -o "$work/x_$f" "http://127.0.0.1:$ours_port/export/$f")
    t1=$(date +%s.%N)
    header() { tr -d '\r' <"$work/x_$f.headers" | sed -n "s/^$1: //Ip" | tail -1; }
    if [ "$f" = 360giving.json ]; then
      rows=$(grep -o '"amountAwarded":' "$work/x_$f" | wc -l); expected=$(header export-grants)
    else
      rows=$(python3 -c 'import csv, sys; r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8")); n = len(next(r)); print(sum(1 for row in r if len(row) == n))' "$work/x_$f"); expected=$(header export-fundings)
    fi
    ok=$([ "$code" = 200 ] && [ "$rows" = "$expected" ] && echo "rows = header" || echo "⚠ HTTP $code, $rows rows, header says ${expected:-nothing}")
    echo -e "$f\t$(wc -c <"$work/x_$f")\t$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$t1")\t$rows\t$(hwm "$ours_pid")\t$ok" >>"$work/export.tsv"
    log "x $f: $(tail -1 "$work/export.tsv" | tr '\t' ' ')"
    rm -f "$work/x_$f"
  done
fi
if ! $sqlite; then
  peer_pid=$(DATABASE_URL=$pg_url PEER_PORT=$peer_port bash "$peer_start" | tail -1)
  wait_ready "$peer_url" peer "$peer_pid"
  log "PostGraphile: pid $peer_pid on $peer_url"
fi

# --- same data? -------------------------------------------------------------------------------
post() { curl -sS -m 120 -H 'content-type: application/json' -H 'accept: application/json' ${3:+-H "Authorization: Bearer $3"} --data-binary "@$1" "$2"; }
psql_csv() { psql "$pg_url" -X -q --csv -t -v ON_ERROR_STOP=1 -v org="$org_row" -f "$1"; }
: >"$work/data.tsv"
check() { echo -e "$1\t$2" >>"$work/data.tsv"; log "data ($1): $2"; }
for p in a b bs m c; do post "$work/ours_$p.json" "$ours_url" >"$work/ours_$p.out"; done
if $sqlite; then
  for p in a b bs m c; do python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(1 if d.get("errors") or not d.get("data") else 0)' "$work/ours_$p.out" \
    && check "$p" "ours only (no peer on SQLite)" || check "$p" "ours answered with errors: $(head -c 300 "$work/ours_$p.out")"; done
else
  post "$work/peer_a.json" "$peer_url" >"$work/peer_a.out"
  post "$work/peer_b.json" "$peer_url" >"$work/peer_b.out"
  post "$work/peer_c.json" "$peer_url" >"$work/peer_c.out"
  post "$work/peer_bs.json" "$peer_url" >"$work/peer_bs.out"
  for p in a b c; do psql_csv "$q/sql_$p.sql" >"$work/sql_$p.csv"; done
  for p in bs m; do psql_csv "$work/sql_$p.sql" >"$work/sql_$p.csv"; done
  check a "$(python3 "$here/normalise.py" a "$work/ours_a.out" "$work/peer_a.out" "$work/sql_a.csv" 2>&1)"
  check b "$(python3 "$here/normalise.py" bagg "$work/ours_b.out" "$work/peer_b.out" 2>&1); against the SQL: $(python3 "$here/normalise.py" bs "$work/ours_b.out" "$work/sql_b.csv" 2>&1)"
  check bs "$(python3 "$here/normalise.py" bsagg "$work/ours_bs.out" "$work/peer_bs.out" 2>&1); against the SQL: $(python3 "$here/normalise.py" bs "$work/ours_bs.out" "$work/sql_bs.csv" 2>&1)"
  check m "$(python3 "$here/normalise.py" bagg "$work/ours_b.out" "$work/peer_b.out" 2>&1 | sed "s/^not comparable/peer not comparable/"); against the SQL: $(python3 "$here/normalise.py" m "$work/ours_m.out" "$work/sql_m.csv" 2>&1)"
  if [ "$fundings" -le 200000 ]; then
    t0=$(date +%s.%N)
    post "$work/peer_bx.json" "$peer_url" >"$work/peer_bx.out"
    bx_one=$(echo "$(date +%s.%N) - $t0" | bc -l 2>/dev/null || python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(date +%s.%N)" "$t0")
    check bx "$(python3 "$here/normalise.py" b "$work/ours_b.out" "$work/peer_bx.out" "$work/sql_b.csv" 2>&1); one unloaded peer answer took $(printf '%.1f' "$bx_one") s ($(( $(wc -c <"$work/peer_bx.out") / 1024 )) KiB)"
  else
    check bx "not measured at this scale (the peer would send every allocation)"
  fi
  check c "$(python3 "$here/normalise.py" c "$work/ours_c.out" "$work/peer_c.out" "$work/sql_c.csv" 2>&1)"
fi

# --- load -------------------------------------------------------------------------------------
: >"$work/results.tsv"
: >"$work/rss.tsv"
wrk_run() { # PAIR SIDE ROUND BODY URL [LUA]
  local out
  out=$(BODY=$4 wrk -t2 -c16 -d"${WRK_SECS:-$secs}s" --timeout 30s --latency -s "${6:-$lua_read}" "$5" | grep '^RESULT' || echo "RESULT rps=0 p50_ms=0 p99_ms=0 graphql_errors_or_non200=wrk-failed")
  local rps p50 p99 err
  rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$out")
  p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  err=$(sed -n 's/.*graphql_errors_or_non200=\([^ ]*\).*/\1/p' <<<"$out")
  echo -e "$1\t$2\t$3\t$rps\t$p50\t$p99\t$err" >>"$work/results.tsv"
  log "$1 $2 round $3: ${out#RESULT }"
  settle "$5"
}
settle() { # URL: let answers still in flight when wrk stopped finish before the next round
  curl -s -m 60 -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' "$1" || true
  sleep 2
}
warm() { # BODY URL: a few seconds of load, not recorded
  BODY=$1 wrk -t2 -c16 -d3s --timeout 30s -s "$lua_read" "$2" >/dev/null 2>&1 || true
  settle "$2"
}
pgbench_run() { # PAIR FILE [pgbench args…]
  local pair=$1 file=$2; shift 2
  [ -n "$pgbench" ] && want "$pair" || return 0
  mkdir -p "$work/pgb_$pair"
  local out
  out=$(cd "$work/pgb_$pair" && "$pgbench" -n -M prepared -c 16 -j 2 -T "$secs" -l --log-prefix=tx "$@" -f "$file" "$pg_url" 2>&1) \
    || { log "pgbench $pair failed: $(tail -3 <<<"$out")"; return 0; }
  python3 - "$pair" "$work/pgb_$pair" "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")" "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")" >>"$work/results.tsv" <<'PY'
import glob, sys
pair, d, tps, failed = sys.argv[1:5]
lat = sorted(int(line.split()[2]) for f in glob.glob(d + "/tx*") for line in open(f))
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] / 1000 if lat else 0
print(f"{pair}\tpgbench\t1\t{tps}\t{pct(50):.2f}\t{pct(99):.2f}\t{failed or 0}")
PY
  log "$pair pgbench: $(tail -1 "$work/results.tsv" | cut -f4-)"
}
beside() { # PAIR: (c)'s look-ups while 16 other callers ask for reports (pair b) the whole time
  want "$1" || return 0
  local bg
  BODY=$work/ours_b.json wrk -t1 -c16 -d"$(( secs + 6 ))s" --timeout 30s --latency -s "$lua_read" "$ours_url" >"$work/beside_$1.out" 2>&1 &
  bg=$!
  sleep 3
  wrk_run "$1" ours 1 "$work/ours_c.json" "$ours_url"
  wait "$bg" || true
  log "$1: the reports beside it: $(grep '^RESULT' "$work/beside_$1.out" || echo none)"
  rss "$1"
}
rss() { echo -e "$1\t$(hwm "$ours_pid")\t$( [ -n "$peer_pid" ] && hwm "$peer_pid" || echo)" >>"$work/rss.tsv"; }

read_pair() { # PAIR OURS_BODY PEER_BODY (or -) [PEER_SECS]
  local pair=$1 ob=$2 pb=$3 psecs=${4:-$secs}
  want "$pair" || return 0
  # (c) with --limits both: rounds against the instance without limits (c0) alternate with (c)'s.
  local off=false
  if [ "$pair" = c ] && [ -n "$off_pid" ]; then off=true; fi
  warm "$ob" "$ours_url"
  if $off; then warm "$ob" "$off_url"; fi
  if [ "$pb" != - ]; then warm "$pb" "$peer_url"; fi
  for r in $(seq 1 "$rounds"); do
    wrk_run "$pair" ours "$r" "$ob" "$ours_url"
    if $off; then wrk_run c0 ours "$r" "$ob" "$off_url"; fi
    if [ "$pb" != - ]; then WRK_SECS=$psecs wrk_run "$pair" peer "$r" "$pb" "$peer_url"; fi
  done
  rss "$pair"
  if $off; then rss c0; fi
}
if $sqlite; then
  for p in a b bs m c; do read_pair "$p" "$work/ours_$p.json" -; done
  beside cb
else
  read_pair a "$work/ours_a.json" "$work/peer_a.json"; pgbench_run a "$q/sql_a.sql"
  read_pair b "$work/ours_b.json" "$work/peer_b.json"; pgbench_run b "$q/sql_b.sql"
  read_pair bs "$work/ours_bs.json" "$work/peer_bs.json"; pgbench_run bs "$work/sql_bs.sql"
  read_pair m "$work/ours_m.json" "$work/peer_b.json"; pgbench_run m "$work/sql_m.sql"
  if [ "$fundings" -le 20000 ]; then read_pair bx "$work/ours_b.json" "$work/peer_bx.json" $(( secs * 3 )); fi # the peer's answers take seconds: longer rounds
  read_pair c "$work/ours_c.json" "$work/peer_c.json"; pgbench_run c "$q/sql_c.sql" -D org="$org_row"
  beside cb
fi

# (d) writes, last (they add rows): one checked write, then rounds of wrk-write.lua.
post "$work/ours_d.json" "$ours_url" "$token" >"$work/ours_d.out"
check d "$(python3 "$here/normalise.py" d "$work/ours_d.out" 2>&1)"
if want d; then
  for r in $(seq 1 "$rounds"); do
    TOKEN=$token wrk_run d ours "$r" "$work/ours_d.json" "$ours_url" "$lua_write"
  done
  rss d
fi
if ! $sqlite; then
  pgbench_run d "$q/sql_d.sql" -D jti="$jti" -D org="$writer_row" -D scheme="$scheme_row" -D programme="$programme_row" \
    -D recipient="$recipient_row" -D region1="$region1_row" -D region2="$region2_row"
fi
writes=$(sql "SELECT (SELECT count(*) FROM funding WHERE key LIKE 'funding-%') || ' by ours, ' || (SELECT count(*) FROM funding WHERE key LIKE 'pgbench-%') || ' by pgbench, ' || (SELECT count(*) FROM audit_event WHERE mutation = 'recordFunding') || ' recordFunding audit events'")

# --- the table --------------------------------------------------------------------------------
t_end=$(date +%s)
cat "$work/rss_start.tsv" >>"$work/rss.tsv"
python3 "$here/table.py" "$work" "$scale" "$( $sqlite && echo sqlite || echo postgres)" "$secs" "$rounds" \
  "$(( t_end - t_start ))" "$writes" "$(uptime | sed 's/.*load average: //')" \
  "$(grep -c 'database unavailable' "$work/ours.log" || true)"
if [ -s "$work/export.tsv" ]; then
  echo
  echo "(x) exports at $scale, one download each on the quiet server (before the peer and any load):"
  echo
  echo "| download | bytes | seconds | rows | ours VmHWM MiB during it | checked |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  while IFS=$'\t' read -r f bytes took rows hwm_kb ok; do
    echo "| /export/$f | $bytes | $took | $rows | $(( hwm_kb / 1024 )) | $ok |"
  done <"$work/export.tsv"
fi
echo "Our server ran with RATE_LIMITS=$rate_limits (--limits $limits${only:+, --only $only}); refused requests (429) count as non-200 above."
