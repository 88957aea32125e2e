#!/usr/bin/env bash
# Latency of auth-service's internal snapshot endpoint (GET /internal/v1/auth-snapshots/{sha256}),
# as the relay sees it on an L1 miss:
#   redis-hit   the entry is in Redis
#   db-load     the entry was deleted from Redis just before the request: PostgreSQL load + CAS write
#   db-miss     an unknown key whose negative entry was deleted first: one PostgreSQL query + CAS write
#
# Usage: bench/auth/snapshot-latency.sh [requests-per-case]       (default 300, at most 5000)
# Env:   AUTH_URL      use a running auth-service (e.g. http://127.0.0.1:8081) instead of starting one
#        SB_INTERNAL_TOKEN  its service token (required with AUTH_URL)
#        AUTH_JAR      jar to start (default auth-service/target*/quarkus-app/quarkus-run.jar)
#        PG_DB / REDIS_DB  database and Redis index of the started instance (default switchboard_test / 1)
# Needs: curl, psql, redis-cli, python3, a JDK 21+ (JAVA_HOME, else the newest under /usr/lib/jvm) when it starts the jar.
# It inserts one user, group and key (unique names) and deletes them, and its Redis entries, at the end.
set -euo pipefail

N=${1:-300}
if ! [[ "$N" =~ ^[0-9]+$ ]] || (( N < 10 || N > 5000 )); then echo "requests-per-case must be 10..5000" >&2; exit 2; fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../lib/jdk.sh
source "$ROOT/lib/jdk.sh"
PG_DB=${PG_DB:-switchboard_test}
REDIS_DB=${REDIS_DB:-1}
PSQL=(psql -h 127.0.0.1 -U postgres -d "$PG_DB" -qtAX -v ON_ERROR_STOP=1)
RCLI=(redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB")
WORK=$(mktemp -d)
JAR_PID=""
TAG="bench-$(date +%s)-$$"
USER_ID=""; GROUP_ID=""; KEY_ID=""

cleanup() {
  if [[ -n "$KEY_ID" ]]; then "${PSQL[@]}" -c "DELETE FROM auth.api_keys WHERE id = $KEY_ID" >/dev/null 2>&1 || true; fi
  if [[ -n "$GROUP_ID" ]]; then "${PSQL[@]}" -c "DELETE FROM auth.groups WHERE id = $GROUP_ID" >/dev/null 2>&1 || true; fi
  if [[ -n "$USER_ID" ]]; then "${PSQL[@]}" -c "DELETE FROM auth.users WHERE id = $USER_ID" >/dev/null 2>&1 || true; fi
  if [[ -n "${HASH:-}" ]]; then "${RCLI[@]}" DEL "sb:auth:key:$HASH" "sb:auth:key:$UNKNOWN" >/dev/null 2>&1 || true; fi
  if [[ -n "$JAR_PID" ]]; then kill "$JAR_PID" 2>/dev/null || true; wait "$JAR_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "${AUTH_URL:-}" ]]; then
  JAR=${AUTH_JAR:-$(ls -t "$ROOT"/auth-service/target*/quarkus-app/quarkus-run.jar 2>/dev/null | head -1)}
  [[ -f "$JAR" ]] || { echo "no auth-service jar: build it (mvn -pl auth-service package -DskipTests) or set AUTH_URL" >&2; exit 2; }
  JAVA=$JAVA_HOME/bin/java
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export SB_INTERNAL_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  HTTP_HOST=127.0.0.1 HTTP_PORT=$PORT DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" \
    REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" SB_LEDGER_ENABLED=false OIDC_URL=http://127.0.0.1:9/unused \
    "$JAVA" --add-opens java.base/java.lang=ALL-UNNAMED -Xmx256m -jar "$JAR" >"$WORK/auth.log" 2>&1 &
  JAR_PID=$!
  AUTH_URL="http://127.0.0.1:$PORT"
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "$AUTH_URL/q/health/ready"; then break; fi
    kill -0 "$JAR_PID" 2>/dev/null || { echo "auth-service exited; log:" >&2; tail -20 "$WORK/auth.log" >&2; exit 1; }
    sleep 0.5
  done
  curl -sf -o /dev/null "$AUTH_URL/q/health/ready" || { echo "auth-service not ready within 60 s" >&2; exit 1; }
fi
: "${SB_INTERNAL_TOKEN:?set SB_INTERNAL_TOKEN to the service token of $AUTH_URL}"

# One key with a user, a group and a two-step fallback chain, inserted like the admin API would.
SECRET="sk-sb-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 43)"
HASH=$(printf '%s' "$SECRET" | sha256sum | cut -d' ' -f1)
UNKNOWN=$(printf '%s' "$SECRET-unknown" | sha256sum | cut -d' ' -f1)
USER_ID=$("${PSQL[@]}" -c "INSERT INTO auth.users (id, name, email, status, role, balance_usd, concurrency, version, created_at)
  VALUES (nextval('auth.users_seq'), '$TAG', '$TAG@bench.invalid', 'active', 'user', 10, 4, nextval('auth.version_seq'), now())
  RETURNING id" | head -1)
GROUP_ID=$("${PSQL[@]}" -c "INSERT INTO auth.groups (id, name, platform, status, subscription_type, rate_multiplier,
  allowed_models, model_routing, model_routing_enabled, version, created_at)
  VALUES (nextval('auth.groups_seq'), '$TAG', 'any', 'active', 'standard', 1, '[\"gpt-*\"]',
  '{\"gpt-4*\":[\"coding-fast\",\"provider:openai\"]}', true, nextval('auth.version_seq'), now()) RETURNING id" | head -1)
KEY_ID=$("${PSQL[@]}" -c "INSERT INTO auth.api_keys (id, name, user_id, group_id, key_hash, key_prefix, status, ip_allow,
  ip_deny, version, created_at) VALUES (nextval('auth.api_keys_seq'), '$TAG', $USER_ID, $GROUP_ID, '$HASH',
  '${SECRET:0:12}', 'active', '[]', '[]', nextval('auth.version_seq'), now()) RETURNING id" | head -1)

url() { printf '%s/internal/v1/auth-snapshots/%s' "$AUTH_URL" "$1"; }
one() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "x-switchboard-service-token: $SB_INTERNAL_TOKEN" "$(url "$1")"; }

# Warm-up (JIT, connection pools), not measured.
for _ in $(seq 1 100); do one "$HASH" >/dev/null; "${RCLI[@]}" DEL "sb:auth:key:$HASH" >/dev/null; done

measure() { # case hash delete-first expected-status
  local name=$1 hash=$2 del=$3 want=$4 out="$WORK/$1.txt"
  : >"$out"
  for _ in $(seq 1 "$N"); do
    if [[ "$del" == yes ]]; then "${RCLI[@]}" DEL "sb:auth:key:$hash" >/dev/null; fi
    one "$hash" >>"$out"
  done
  local bad; bad=$(awk -v w="$want" '$1 != w' "$out" | wc -l)
  awk '{print $2 * 1000}' "$out" | sort -n | awk -v n="$name" -v bad="$bad" '
    { v[NR] = $1 } END {
      p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1];
      printf "| %-9s | %6d | %8.2f | %8.2f | %8.2f | %5d |\n", n, NR, p50, p99, v[NR], bad }'
}

one "$HASH" >/dev/null # make sure the entry is in Redis for the hit case
echo "auth-service internal snapshot endpoint, $N requests per case, curl time_total per request (new connection each)"
echo "| case      |      n | p50 (ms) | p99 (ms) | max (ms) | wrong |"
echo "|-----------|--------|----------|----------|----------|-------|"
measure redis-hit "$HASH" no 200
measure db-load "$HASH" yes 200
measure db-miss "$UNKNOWN" yes 404
