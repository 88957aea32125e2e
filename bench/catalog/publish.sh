#!/usr/bin/env bash
# Measures one catalog publish (build from PostgreSQL + serialise + compare-and-set write to Redis)
# through the real code path of catalog-service, on a catalog of 200 providers, 5 000 models,
# 1 000 pools, 200 clusters and 10 000 routes. Target: < 1 s per publish.
#
# Uses its own database (switchboard_bench) and Redis DB 9; drops/deletes both when done.
# Usage: bench/catalog/publish.sh [rounds]      (default 5; needs psql, redis-cli, JDK 25, Maven)
set -euo pipefail

ROUNDS=${1:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../../lib/jdk.sh
source "$ROOT/lib/jdk.sh"
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
BENCH_DB=switchboard_bench
REDIS_DB=9
PORT=${BENCH_PORT:-18082}
BUILD_DIR=target-catalog-bench
LOG=$(mktemp -t catalog-bench.XXXXXX.log)
APP_PID=""

psql_() { psql -h "$PGHOST" -U "$PGUSER" -v ON_ERROR_STOP=1 -q "$@"; }
redis_() { redis-cli -n "$REDIS_DB" "$@"; }

cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"
    for _ in $(seq 1 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$APP_PID" 2>/dev/null || true
  fi
  redis_ DEL 'sb:{catalog}:snapshot' 'sb:{catalog}:version' >/dev/null || true
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB" || true
  rm -f "$LOG"
}
trap cleanup EXIT

JAR="$ROOT/catalog-service/$BUILD_DIR/quarkus-app/quarkus-run.jar"
if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
  echo "building catalog-service ..."
  (cd "$ROOT" && mvn -B -o -q -pl catalog-service package -DskipTests -Dsb.build.dir="$BUILD_DIR")
fi

psql_ -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB"
psql_ -d postgres -c "CREATE DATABASE $BENCH_DB"
redis_ DEL 'sb:{catalog}:snapshot' 'sb:{catalog}:version' >/dev/null

echo "starting catalog-service on 127.0.0.1:$PORT (db $BENCH_DB, redis db $REDIS_DB) ..."
HTTP_HOST=127.0.0.1 HTTP_PORT=$PORT \
DB_URL="jdbc:postgresql://$PGHOST:5432/$BENCH_DB" DB_USER="$PGUSER" \
REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" \
SB_DATA_KEYS="bench:$(head -c 32 /dev/urandom | base64)" \
CATALOG_HEAL_INTERVAL=500ms LOG_JSON=false QUARKUS_OIDC_TENANT_ENABLED=false \
  "$JAVA_HOME/bin/java" -Xmx512m --add-opens java.base/java.lang=ALL-UNNAMED -jar "$JAR" >"$LOG" 2>&1 &
APP_PID=$!

for i in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$APP_PID" 2>/dev/null || { echo "catalog-service died:"; tail -40 "$LOG"; exit 1; }
  sleep 1
  [[ $i == 120 ]] && { echo "catalog-service not ready after 120 s"; tail -40 "$LOG"; exit 1; }
done

echo "populating the catalog ..."
psql_ -d "$BENCH_DB" -f "$HERE/populate.sql" >/dev/null
psql_ -d "$BENCH_DB" -Atc "SELECT 'rows: providers=' || (SELECT count(*) FROM catalog.provider) || ' models=' || (SELECT count(*) FROM catalog.model) || ' keys=' || (SELECT count(*) FROM catalog.provider_key) || ' pools=' || (SELECT count(*) FROM catalog.pool) || ' pool_members=' || (SELECT count(*) FROM catalog.pool_member) || ' clusters=' || (SELECT count(*) FROM catalog.cluster) || ' routes=' || (SELECT count(*) FROM catalog.route)"

# One warm-up publish plus ROUNDS measured ones. Each is triggered through the heal path: deleting
# the snapshot makes the periodic check re-publish (the same code path as after a change).
for r in $(seq 0 "$ROUNDS"); do
  before=$(redis_ GET 'sb:{catalog}:version')
  redis_ DEL 'sb:{catalog}:snapshot' >/dev/null
  for _ in $(seq 1 100); do
    now=$(redis_ GET 'sb:{catalog}:version')
    [[ -n "$now" && "$now" != "$before" ]] && redis_ EXISTS 'sb:{catalog}:snapshot' | grep -q 1 && break
    sleep 0.2
  done
done

grep -o 'published catalog version .*' "$LOG" | grep '200 providers' | tail -n "$ROUNDS" > "$LOG.rounds" || true
if [[ $(wc -l < "$LOG.rounds") -lt "$ROUNDS" ]]; then
  echo "only $(wc -l < "$LOG.rounds") measured publishes found"; tail -20 "$LOG"; rm -f "$LOG.rounds"; exit 1
fi
cat "$LOG.rounds"
echo "snapshot size: $(redis_ STRLEN 'sb:{catalog}:snapshot') bytes"
trap 'rm -f "$LOG.rounds"; cleanup' EXIT
sed -E 's/.* in ([0-9]+) ms$/\1/' "$LOG.rounds" | sort -n | awk -v n="$ROUNDS" '
  { v[NR] = $1; sum += $1 }
  END { printf "publish (build + serialise + CAS write), %d rounds: min %d ms, median %d ms, max %d ms, mean %.0f ms (target < 1000 ms)\n",
        n, v[1], v[int((n + 1) / 2)], v[n], sum / n;
        exit (v[n] < 1000 ? 0 : 2) }'
