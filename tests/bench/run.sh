#!/usr/bin/env bash
# A rerunnable load measurement (not part of `cargo test`): starts the release build on a fresh
# SQLite file and on a fresh PostgreSQL database with the shipped data, and drives it with wrk on
# loopback for a fixed time per query. Needs `wrk` (apt-get install -y wrk) and the workplace's
# ../shared/bench/wrk-post.lua. Usage: tests/bench/run.sh [seconds per query, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
lua=../shared/bench/wrk-post.lua
pg_admin=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS tp_bench WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release -q
bin=target/release/techniekpact-api

cat > "$work/nested.json" <<'Q'
{"query":"{ programmes(first: 50) { totalCount nodes { name participants { role organisation { name } } fundings { nodes { amountAwarded { amount } } } } } }"}
Q
cat > "$work/report.json" <<'Q'
{"query":"{ fundingByRegion(level: PROVINCE) { grandTotal { amount } regions { region { name } totalAwarded { amount } fundingCount } } }"}
Q
cat > "$work/search.json" <<'Q'
{"query":"{ organisations(first: 20, filter: { search: \"techniek\" }) { totalCount nodes { name kind homeRegions { name } } } }"}
Q

run_backend() {
  local name=$1 url=$2
  DATABASE_URL=$url PORT=18099 DATA_DIR="$work/state" RUST_LOG=warn "$bin" >"$work/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:18099/health && break; sleep 0.5; done
  for q in nested report search; do
    printf '%-9s %-7s ' "$name" "$q"
    BODY="$work/$q.json" wrk -t2 -c16 -d"${secs}s" --latency -s "$lua" http://127.0.0.1:18099/graphql | grep '^RESULT'
  done
  printf '%-9s rss_kb=%s\n' "$name" "$(ps -o rss= -p "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

run_backend sqlite "sqlite://$work/bench.db"
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS tp_bench WITH (FORCE)" -c "CREATE DATABASE tp_bench" >/dev/null
run_backend postgres "${pg_admin%/*}/tp_bench"
