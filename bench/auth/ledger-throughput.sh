#!/usr/bin/env bash
# Throughput of the usage ledger: preloads the sb:usage stream with N usage events, starts auth-service
# (ledger on) and times how long the consumer group takes to settle all of them (XINFO GROUPS lag and
# pending both 0), then checks PostgreSQL: N ledger rows, each user's balance down by exactly its events'
# costs.
#
# Usage: bench/auth/ledger-throughput.sh [events]          (default 200000, 1000..2000000)
# Env:   USERS      users (each with a metered balance and one key) the events are spread over (default 100)
#        REPLICAS   auth-service instances sharing the consumer group (default 1)
#        BATCH      switchboard.ledger.batch-size (default: the service's)
#        AUTH_JAR   jar to start (default the newest auth-service/target*/quarkus-app/quarkus-run.jar)
#        PG_DB / REDIS_DB  database and Redis index (default switchboard_test / 8); sb:usage must not exist there
#        TIMEOUT    give up after this many seconds of draining (default 60)
# Needs: psql, redis-cli, python3, a JDK 21+. Removes its rows, users, keys, group and the stream at the end.
set -euo pipefail

N=${1:-200000}
if ! [[ "$N" =~ ^[0-9]+$ ]] || (( N < 1000 || N > 2000000 )); then echo "events must be 1000..2000000" >&2; exit 2; fi
USERS=${USERS:-100}
REPLICAS=${REPLICAS:-1}
TIMEOUT=${TIMEOUT:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../lib/jdk.sh
source "$ROOT/lib/jdk.sh"
PG_DB=${PG_DB:-switchboard_test}
REDIS_DB=${REDIS_DB:-8}
PSQL=(psql -h 127.0.0.1 -U postgres -d "$PG_DB" -qtAX -v ON_ERROR_STOP=1)
RCLI=(redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB")
WORK=$(mktemp -d)
TAG="lb$(date +%s)$$"
PIDS=()
CREATED=""

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n "$CREATED" ]]; then
    "${RCLI[@]}" DEL sb:usage sb:usage:failures >/dev/null 2>&1 || true
    "${PSQL[@]}" -c "DELETE FROM auth.usage_ledger WHERE request_id LIKE '$TAG-%';
      DELETE FROM auth.api_keys WHERE name = '$TAG'; DELETE FROM auth.users WHERE name = '$TAG';
      DELETE FROM auth.groups WHERE name = '$TAG'" >/dev/null 2>&1 || true
    for u in $(cut -d' ' -f1 "$WORK/users" 2>/dev/null); do "${RCLI[@]}" DEL "sb:{u$u}:spend" >/dev/null 2>&1 || true; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

JAR=${AUTH_JAR:-$(ls -t "$ROOT"/auth-service/target*/quarkus-app/quarkus-run.jar 2>/dev/null | head -1)}
[[ -f "$JAR" ]] || { echo "no auth-service jar: build it (mvn -pl auth-service -am package -DskipTests)" >&2; exit 2; }
[[ "$("${RCLI[@]}" EXISTS sb:usage)" == 0 ]] || { echo "sb:usage already exists in Redis DB $REDIS_DB; pick another REDIS_DB" >&2; exit 2; }
"${PSQL[@]}" -c "SELECT 1 FROM auth.usage_ledger LIMIT 0" >/dev/null 2>&1 \
  || { echo "database $PG_DB has no auth schema (run the auth-service tests once against it)" >&2; exit 2; }
CREATED=yes

# Users with a balance of 1 000 000 and one key each, in one group, inserted like the admin API would.
GROUP_ID=$("${PSQL[@]}" -c "INSERT INTO auth.groups (id, name, platform, status, subscription_type, rate_multiplier,
  allowed_models, model_routing, model_routing_enabled, version, created_at) VALUES (nextval('auth.groups_seq'), '$TAG',
  'any', 'active', 'standard', 1, '[]', '{}', false, nextval('auth.version_seq'), now()) RETURNING id" | head -1)
"${PSQL[@]}" -c "WITH u AS (INSERT INTO auth.users (id, name, email, status, role, balance_usd, concurrency, version, created_at)
    SELECT nextval('auth.users_seq'), '$TAG', '$TAG-' || g || '@bench.invalid', 'active', 'user', 1000000, 4,
      nextval('auth.version_seq'), now() FROM generate_series(1, $USERS) g RETURNING id)
  INSERT INTO auth.api_keys (id, name, user_id, group_id, key_hash, key_prefix, status, ip_allow, ip_deny, version, created_at)
    SELECT nextval('auth.api_keys_seq'), '$TAG', u.id, $GROUP_ID, md5('$TAG' || u.id) || md5(u.id || '$TAG'), 'sk-sb-bench',
      'active', '[]', '[]', nextval('auth.version_seq'), now() FROM u RETURNING user_id, id" >"$WORK/users"
sed -i 's/|/ /' "$WORK/users"

# Preload: N events as the relay writes them (UsageJson field order, UUIDv7 usage ids), through redis-cli --pipe.
python3 - "$N" "$TAG" "$GROUP_ID" "$WORK/users" >"$WORK/load.resp" <<'PY'
import os, sys, time, uuid
n, tag, group, users = int(sys.argv[1]), sys.argv[2], sys.argv[3], [l.split() for l in open(sys.argv[4]) if l.strip()]
out = sys.stdout.buffer
now = int(time.time() * 1000)
def v7(ms):
    r = int.from_bytes(os.urandom(10), 'big')
    return str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | ((r >> 62) & 0xFFF) << 64 | (0b10 << 62) | (r & ((1 << 62) - 1))))
def cmd(*a):
    b = [b'*%d\r\n' % len(a)]
    for x in a:
        x = x.encode() if isinstance(x, str) else x
        b.append(b'$%d\r\n%s\r\n' % (len(x), x))
    return b''.join(b)
for i in range(n):
    user, key = users[i % len(users)]
    ms = now + i // 50
    ev = ('{"v":1,"requestId":"%s-%d","timestampMs":%d,"apiKeyId":%s,"userId":%s,"groupId":%s,"requestedModel":"gpt-4o",'
          '"resolvedVia":"model:gpt-4o","provider":"openai-a","upstreamModel":"gpt-4o-2024-08-06","promptTokens":1200,'
          '"completionTokens":350,"costUsd":0.0065,"status":200,"attempts":1,"latencyMs":840,"ttfbMs":120,"usageId":"%s"}'
          % (tag, i, ms, key, user, group, v7(ms)))
    out.write(cmd('XADD', 'sb:usage', '*', 'event', ev))
PY
"${RCLI[@]}" --pipe <"$WORK/load.resp" >/dev/null
LEN=$("${RCLI[@]}" XLEN sb:usage)
[[ "$LEN" == "$N" ]] || { echo "preload wrote $LEN of $N events" >&2; exit 1; }

for r in $(seq 1 "$REPLICAS"); do
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  env HTTP_HOST=127.0.0.1 HTTP_PORT=$PORT DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" \
    REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" SB_LEDGER_ENABLED=true SWITCHBOARD_LEDGER_CONSUMER_NAME="$TAG-$r" \
    ${BATCH:+SWITCHBOARD_LEDGER_BATCH_SIZE=$BATCH} SB_INTERNAL_TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    OIDC_URL=http://127.0.0.1:9/unused \
    "$JAVA_HOME/bin/java" -Xmx256m -jar "$JAR" >"$WORK/auth-$r.log" 2>&1 &
  PIDS+=("$!")
done

# XINFO GROUPS: lag (entries not yet delivered) and pending (delivered, not acknowledged).
state() { "${RCLI[@]}" XINFO GROUPS sb:usage | awk 'p=="pending"{pe=$0} p=="lag"{la=$0} p=="entries-read"{er=$0} {p=$0} END{print er+0, pe+0, la}'; }
START=""; DEADLINE=""
while :; do
  read -r READ PENDING LAG < <(state 2>/dev/null || echo "0 0 x")
  NOW=$(date +%s.%N)
  if [[ -z "$START" && "$READ" -gt 0 ]]; then START=$NOW; DEADLINE=$(echo "$NOW + $TIMEOUT" | bc); fi
  if [[ -n "$START" && "$LAG" == 0 && "$PENDING" == 0 ]]; then END=$NOW; break; fi
  if [[ -n "$DEADLINE" ]] && (( $(echo "$NOW > $DEADLINE" | bc) )); then echo "not drained within $TIMEOUT s (read $READ, pending $PENDING, lag $LAG); log:" >&2; grep -v DEBUG "$WORK"/auth-*.log | tail -20 >&2; exit 1; fi
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "auth-service exited; log:" >&2; tail -20 "$WORK"/auth-*.log >&2; exit 1; }; done
  sleep 0.05
done

ROWS=$("${PSQL[@]}" -c "SELECT count(*) FROM auth.usage_ledger WHERE request_id LIKE '$TAG-%'")
WRONG=$("${PSQL[@]}" -c "SELECT count(*) FROM auth.users u WHERE u.name = '$TAG' AND u.balance_usd <> 1000000 -
  (SELECT COALESCE(sum(cost_usd), 0) FROM auth.usage_ledger l WHERE l.user_id = u.id AND l.request_id LIKE '$TAG-%')")
ELAPSED=$(echo "$END - $START" | bc)
printf 'ledger: %d events, %d users, %d replica(s), batch %s: drained in %.2f s from the first read = %.0f events/s\n' \
  "$N" "$USERS" "$REPLICAS" "${BATCH:-default}" "$ELAPSED" "$(echo "$N / $ELAPSED" | bc -l)"
printf 'ledger rows %d (want %d), users whose balance differs from 1000000 - sum(their costs): %d\n' "$ROWS" "$N" "$WRONG"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$ROWS" == "$N" && "$WRONG" == 0 ]]
