#!/usr/bin/env bash
# Relay throughput/latency bench: wrk against (a) the mock provider directly, (b) nginx as a plain
# reverse proxy to it, (c) the relay (packaged jar, prod profile, auth + resolution on, seeded Redis).
# JSON and SSE, 1 and 32 connections. Prints a markdown table and writes it to results-<utc>.md.
#
# Usage: bench/relay/run.sh            (DURATION=10s CONNS="1 32" MODES="json sse" to change)
#        LIMITS=1 bench/relay/run.sh   seeds the tenant key with every limit (rpm, user concurrency, balance,
#                                      group daily/weekly/monthly budgets) set far above what the run can reach,
#                                      so admission runs its Redis script on every request and nothing is refused
#        LIMITS=both bench/relay/run.sh the same metered key beside an unmetered one, in one relay process: each
#                                      mode and connection count runs unmetered, metered, metered, unmetered and
#                                      the table gives metered / unmetered (not with LEDGER=1)
#        BENCH_BUILD_DIR=target-perf   relay build folder (packaged there if its jar is missing)
#        TRANSLATED=0                  leave out the translated rows (default: the relay is also measured against
#                                      an Anthropic-protocol model, OpenAI client -> Anthropic upstream, translated)
#        LEDGER=1                      also run auth-service's ledger on the usage stream (tenant user, group and key
#                                      in PostgreSQL database BENCH_PG_DB, default switchboard_bench, created and
#                                      migrated if missing; AUTH_REPLICAS instances): prints the consumer lag in
#                                      seconds during each relay run and how long it takes to drain after the last,
#                                      then reconciles ledger rows, the balance and the spend counters
#        REDIS_STATS=1                 resets Redis' command statistics before each measured relay run and prints, per
#                                      run, the top commands' calls and Redis CPU per request (INFO commandstats)
#        FAILOVER=1                    gives the OpenAI provider a second upstream key that the mock fails
#                                      (error-after=2;status=429: JSON gets a 429, a stream breaks after two events),
#                                      cooldowns, so the runs mix failovers and continued streams into the load
#                                      (with LEDGER=1: the reconciliation then covers them)
# Needs: JDK 25, wrk, nginx (apt-get install -y wrk nginx), redis on 127.0.0.1:6379, Maven repo with
#        the mock-provider runner jar and contracts jar (mvn install of those modules).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../lib/jdk.sh
source "$ROOT/lib/jdk.sh"
JAVA="$JAVA_HOME/bin/java"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
CONNS="${CONNS:-1 32}"
MODES="${MODES:-json sse}"
REDIS_STATS="${REDIS_STATS:-0}"
MOCK_PORT="${MOCK_PORT:-18090}"
NGINX_PORT="${NGINX_PORT:-18091}"
RELAY_PORT="${RELAY_PORT:-18080}"
RELAY_MANAGEMENT_PORT="${RELAY_MANAGEMENT_PORT:-19080}"
REDIS_DB="${BENCH_REDIS_DB:-6}"          # a database no test or service uses
BUILD_DIR="${BENCH_BUILD_DIR:-target-bench}"
M2="${M2_REPO:-$HOME/.m2/repository}"
# (ls exits 2 when one of its globs matches nothing: || true, so set -e does not end the script silently)
MOCK_JAR="${MOCK_JAR:-$({ ls "$ROOT"/mock-provider/target*/mock-provider-*-runner.jar "$M2"/dev/switchboard/mock-provider/0.1.0-SNAPSHOT/mock-provider-0.1.0-SNAPSHOT-runner.jar 2>/dev/null || true; } | head -1)}"
CONTRACTS_JAR="$M2/dev/switchboard/contracts/0.1.0-SNAPSHOT/contracts-0.1.0-SNAPSHOT.jar"
RELAY_JAR="$ROOT/relay-service/$BUILD_DIR/quarkus-app/quarkus-run.jar"

LEDGER="${LEDGER:-0}"
PG_DB="${BENCH_PG_DB:-switchboard_bench}"
AUTH_REPLICAS="${AUTH_REPLICAS:-1}"
AUTH_JAR="${AUTH_JAR:-$({ ls -t "$ROOT"/auth-service/target*/quarkus-app/quarkus-run.jar 2>/dev/null || true; } | head -1)}"
PSQL=(psql -h 127.0.0.1 -U postgres -d "$PG_DB" -qtAX -v ON_ERROR_STOP=1)
for tool in wrk nginx redis-cli openssl sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk nginx redis-tools)" >&2; exit 2; }
done
[ -f "$MOCK_JAR" ] || { echo "mock-provider runner jar not found (mvn -pl mock-provider install)" >&2; exit 2; }
if [ "$LEDGER" = 1 ]; then
  command -v psql >/dev/null || { echo "LEDGER=1 needs psql" >&2; exit 2; }
  [ -f "$AUTH_JAR" ] || { echo "LEDGER=1 needs the auth-service jar (mvn -pl auth-service -am package -DskipTests)" >&2; exit 2; }
fi
if [ ! -f "$RELAY_JAR" ]; then
  (cd "$ROOT" && mvn -B -o -q -pl relay-service package -DskipTests -Dsb.build.dir="$BUILD_DIR")
fi

WORK="$(mktemp -d /tmp/sb-bench.XXXXXX)"
# PROFILE=1: record the relay with JDK Flight Recorder and print its hottest frames at the end
JFR_OPTS=""
RELAY_OPTS="${RELAY_OPTS:-}"
[ "${PROFILE:-0}" = 1 ] && JFR_OPTS="-XX:StartFlightRecording=filename=$WORK/relay.jfr,settings=profile,dumponexit=true,jdk.ExecutionSample#period=${PROFILE_PERIOD:-20ms}"
PIDS=()
AUTH_PIDS=()
rate_buckets() { # the tenant key's rpm buckets of the last 5 minutes
  local m=$(( $(date +%s) / 60 )) i
  for i in 0 1 2 3 4; do printf 'sb:{u900001}:rl:key:900001:w:%s ' $(( m - i )); done
}
spend_counters() { # the tenant's user and group spend counters of this month (compared with the ledger by LEDGER=1)
  local month; month="month:$(date -u +%Y-%m)"
  printf 'sb:{u900001}:spend:%s sb:{g900001}:spend:%s' "$month" "$month"
}
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  # the run leaves ~200 MB in Redis (usage stream, unsettled hash): drop the bench's own keys
  # (rpm buckets sb:{u900001}:rl:key:900001:w:<epoch minute> expire after 2 minutes anyway)
  redis-cli -n "$REDIS_DB" UNLINK sb:usage 'sb:{u900002}:spend' 'sb:{u900001}:spend' 'sb:{u900001}:conc' 'sb:{u900001}:rsv' 'sb:{g900001}:rsv' 'sb:{u900001}:rsv:total' 'sb:{g900001}:rsv:total' $(rate_buckets) >/dev/null 2>&1 || true
  redis-cli -n "$REDIS_DB" UNLINK $(spend_counters) sb:usage:failures >/dev/null 2>&1 || true
  if [ "$LEDGER" = 1 ]; then
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    "${PSQL[@]}" -c "DELETE FROM auth.usage_ledger WHERE user_id = 900001; DELETE FROM auth.usage_dead_letter WHERE payload LIKE '%\"userId\":900001,%';
      DELETE FROM auth.api_keys WHERE id = 900001; DELETE FROM auth.users WHERE id = 900001; DELETE FROM auth.groups WHERE id = 900001" >/dev/null 2>&1 || true
  fi
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 1
  [ "${BENCH_KEEP:-0}" = 1 ] && rm -rf /tmp/sb-bench-kept && cp -r "$WORK" /tmp/sb-bench-kept
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_http() { # url, seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2; return 1
}

# LEDGER=1: how far behind the ledger is, as "<seconds> <events>": the age of the oldest event it has not settled
# (the first pending entry, else the first entry after the group's last-delivered id) and how many there are
# (XINFO GROUPS pending + lag); "0 0" when it is caught up.
ledger_lag() {
  local info delivered pending lag oldest now
  info="$(redis-cli -n "$REDIS_DB" XINFO GROUPS sb:usage 2>/dev/null)" || { echo "0 0"; return; }
  read -r delivered pending lag < <(echo "$info" | awk 'p=="last-delivered-id"{d=$0} p=="pending"{pe=$0} p=="lag"{la=$0} {p=$0} END{print d, pe+0, la+0}')
  oldest=""
  if [ "${pending:-0}" -gt 0 ]; then
    oldest="$(redis-cli -n "$REDIS_DB" XPENDING sb:usage auth-ledger | sed -n 2p)"
  elif [ "${lag:-0}" -gt 0 ]; then
    oldest="$(redis-cli -n "$REDIS_DB" XRANGE sb:usage "(${delivered}" + COUNT 1 | head -1)"
  fi
  if [ -z "$oldest" ]; then echo "0 $(( ${pending:-0} + ${lag:-0} ))"; return; fi
  now=$(date +%s%3N)
  awk -v n="$now" -v t="${oldest%%-*}" -v e="$(( pending + lag ))" 'BEGIN { printf "%.2f %d\n", (n - t) / 1000, e }'
}

UP_KEY="bench-upstream-key"
UP_KEY_FAIL="bench-failing-key"
FAILOVER="${FAILOVER:-0}"
# the tenant key format (sk-sb- + 43 base62): the relay refuses anything else without a lookup
TENANT_KEY="sk-sb-$(openssl rand -base64 96 | tr -dc 'A-Za-z0-9' | head -c 43)"
DATA_KEYS="bench:$(openssl rand -base64 32)"
MODEL="bench-model"
MODEL_TR="bench-claude"   # served by the same mock through its Anthropic protocol: every request is translated
TRANSLATED="${TRANSLATED:-1}"

# (a) the mock provider
MOCK_PORT=$MOCK_PORT MOCK_API_KEYS=$UP_KEY,$UP_KEY_FAIL "$JAVA" -Xmx256m -jar "$MOCK_JAR" >"$WORK/mock.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$MOCK_PORT/health" 30
if [ "$FAILOVER" = 1 ]; then
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"apiKey\":\"$UP_KEY_FAIL\",\"model\":null,\"fault\":\"error-after=2;status=429;retry-after=1\",\"times\":-1}" \
    "http://127.0.0.1:$MOCK_PORT/mock/faults"
  # the failing key (weight 2: tried first) is probed again about every second instead of after minutes
  RELAY_OPTS="$RELAY_OPTS -Dswitchboard.failover.base-backoff=500ms -Dswitchboard.failover.unavailable-backoff-cap=1s -Dswitchboard.cooldowns.half-open-grace=1s"
fi

# (b) nginx as a plain keep-alive reverse proxy
mkdir -p "$WORK/nginx-tmp"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 2;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-tmp/body;
  proxy_temp_path $WORK/nginx-tmp/proxy;
  fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
  scgi_temp_path $WORK/nginx-tmp/scgi;
  upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mock;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" -g "user root root;" 2>/dev/null || nginx -c "$WORK/nginx.conf" -p "$WORK"
wait_http "http://127.0.0.1:$NGINX_PORT/health" 10

# (c) the relay, with a seeded tenant key and catalog in its own Redis database
SEALED="$("$JAVA" -cp "$CONTRACTS_JAR" "$HERE/Seal.java" "$DATA_KEYS" "$UP_KEY")"
FAIL_KEY_JSON=""
if [ "$FAILOVER" = 1 ]; then
  SEALED_FAIL="$("$JAVA" -cp "$CONTRACTS_JAR" "$HERE/Seal.java" "$DATA_KEYS" "$UP_KEY_FAIL")"
  FAIL_KEY_JSON=",{\"id\":900003,\"label\":\"bench-fail\",\"secretCiphertext\":\"$SEALED_FAIL\",\"last4\":\"-key\",\"rpm\":null,\"tpm\":null,\"weight\":2,\"enabled\":true}"
fi
SHA="$(printf '%s' "$TENANT_KEY" | sha256sum | cut -d' ' -f1)"
NOW_MS=$(date +%s%3N)
VERSION=$(( NOW_MS * 1000 ))
R="redis-cli -n $REDIS_DB"
LIMITS="${LIMITS:-0}"
[ "$LIMITS" = both ] && [ "$LEDGER" = 1 ] && { echo "LIMITS=both does not go with LEDGER=1" >&2; exit 2; }
FREE_KEY="sk-sb-$(openssl rand -base64 96 | tr -dc 'A-Za-z0-9' | head -c 43)"
if [ "$LIMITS" = both ]; then # the unmetered second tenant (key, user and group 900002)
  FREE_SHA="$(printf '%s' "$FREE_KEY" | sha256sum | cut -d' ' -f1)"
  $R SET "sb:auth:key:$FREE_SHA" "{\"v\":1,\"version\":$VERSION,\"notFound\":false,\"snapshot\":{\"v\":1,\"version\":$VERSION,\"apiKeyId\":900002,\"name\":\"bench-free\",\"keyPrefix\":\"sk-bench\",\"userId\":900002,\"groupId\":900002,\"status\":\"active\",\"expiresAt\":null,\"ipAllow\":[],\"ipDeny\":[],\"rpmLimit\":null,\"user\":{\"id\":900002,\"name\":\"bench-free\",\"status\":\"active\",\"role\":\"user\",\"balanceUsd\":null,\"concurrency\":null,\"version\":1},\"group\":{\"id\":900002,\"name\":\"bench-free\",\"platform\":\"any\",\"status\":\"active\",\"subscriptionType\":\"standard\",\"rateMultiplier\":1,\"dailyLimitUsd\":null,\"weeklyLimitUsd\":null,\"monthlyLimitUsd\":null,\"allowedModels\":[],\"modelRouting\":{},\"modelRoutingEnabled\":false,\"version\":1},\"fallbackGroups\":[]}}" EX 3600 >/dev/null
fi
if [ "$LIMITS" = 1 ] || [ "$LIMITS" = both ]; then
  RPM_LIMIT=100000000; BALANCE=1000000000; CONCURRENCY=100000; BUDGET=1000000000
else
  RPM_LIMIT=null; BALANCE=null; CONCURRENCY=null; BUDGET=null
fi
$R DEL 'sb:{u900001}:conc' 'sb:{u900001}:spend' 'sb:{u900001}:rsv' 'sb:{g900001}:rsv' 'sb:{u900001}:rsv:total' 'sb:{g900001}:rsv:total' sb:usage $(rate_buckets) >/dev/null 2>&1 || true
$R SET "sb:auth:key:$SHA" "{\"v\":1,\"version\":$VERSION,\"notFound\":false,\"snapshot\":{\"v\":1,\"version\":$VERSION,\"apiKeyId\":900001,\"name\":\"bench\",\"keyPrefix\":\"sk-bench\",\"userId\":900001,\"groupId\":900001,\"status\":\"active\",\"expiresAt\":null,\"ipAllow\":[],\"ipDeny\":[],\"rpmLimit\":$RPM_LIMIT,\"user\":{\"id\":900001,\"name\":\"bench\",\"status\":\"active\",\"role\":\"user\",\"balanceUsd\":$BALANCE,\"concurrency\":$CONCURRENCY,\"version\":1},\"group\":{\"id\":900001,\"name\":\"bench\",\"platform\":\"any\",\"status\":\"active\",\"subscriptionType\":\"standard\",\"rateMultiplier\":1,\"dailyLimitUsd\":$BUDGET,\"weeklyLimitUsd\":$BUDGET,\"monthlyLimitUsd\":$BUDGET,\"allowedModels\":[],\"modelRouting\":{},\"modelRoutingEnabled\":false,\"version\":1},\"fallbackGroups\":[]}}" EX 3600 >/dev/null
$R SET 'sb:{catalog}:snapshot' "{\"v\":1,\"version\":$VERSION,\"publishedAt\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"providers\":[{\"id\":900001,\"name\":\"bench-mock\",\"protocol\":\"openai\",\"baseUrl\":\"http://127.0.0.1:$MOCK_PORT\",\"enabled\":true,\"timeouts\":{\"connectMs\":2000,\"firstByteMs\":30000,\"idleMs\":30000},\"headers\":{},\"keys\":[{\"id\":900001,\"label\":\"bench\",\"secretCiphertext\":\"$SEALED\",\"last4\":\"-key\",\"rpm\":null,\"tpm\":null,\"weight\":1,\"enabled\":true}$FAIL_KEY_JSON],\"models\":[{\"id\":900001,\"name\":\"$MODEL\",\"upstreamName\":\"gpt-bench\",\"contextWindow\":128000,\"inputPricePerMTok\":1,\"outputPricePerMTok\":2,\"enabled\":true}],\"failoverRules\":[]},{\"id\":900002,\"name\":\"bench-mock-anthropic\",\"protocol\":\"anthropic\",\"baseUrl\":\"http://127.0.0.1:$MOCK_PORT\",\"enabled\":true,\"timeouts\":{\"connectMs\":2000,\"firstByteMs\":30000,\"idleMs\":30000},\"headers\":{},\"keys\":[{\"id\":900002,\"label\":\"bench-a\",\"secretCiphertext\":\"$SEALED\",\"last4\":\"-key\",\"rpm\":null,\"tpm\":null,\"weight\":1,\"enabled\":true}],\"models\":[{\"id\":900002,\"name\":\"$MODEL_TR\",\"upstreamName\":\"claude-bench\",\"contextWindow\":200000,\"inputPricePerMTok\":1,\"outputPricePerMTok\":2,\"enabled\":true}],\"failoverRules\":[]}],\"pools\":[],\"clusters\":[],\"routes\":[]}" >/dev/null
$R SET 'sb:{catalog}:version' "$VERSION" >/dev/null
$R DEL $(spend_counters) sb:usage:failures >/dev/null

# LEDGER=1: the tenant in PostgreSQL as the admin API would write it (the key's hash is the bench key's, so the
# ledger's snapshot refreshes rewrite the same sb:auth:key entry with the same limits) and auth-service consuming.
BALANCE_START=0
if [ "$LEDGER" = 1 ]; then
  psql -h 127.0.0.1 -U postgres -qtAX -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $PG_DB"
  for r in $(seq 1 "$AUTH_REPLICAS"); do
    AUTH_PORT=$(( RELAY_PORT + 100 + r ))
    env HTTP_HOST=127.0.0.1 HTTP_PORT=$AUTH_PORT DB_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" \
      REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" SB_LEDGER_ENABLED=true SWITCHBOARD_LEDGER_CONSUMER_NAME="bench-ledger-$r" \
      SB_INTERNAL_TOKEN="bench-$(openssl rand -hex 16)" OIDC_URL=http://127.0.0.1:9/unused \
      "$JAVA" -Xmx256m -XX:+UseSerialGC -Dquarkus.log.level=WARN -jar "$AUTH_JAR" >"$WORK/auth-$r.log" 2>&1 &
    PIDS+=($!)
    AUTH_PIDS+=($!)
  done
  for _ in $(seq 1 300); do "${PSQL[@]}" -c "SELECT 1 FROM auth.usage_dead_letter LIMIT 0" >/dev/null 2>&1 && break; sleep 0.2; done
  nul() { [ "$1" = null ] && echo NULL || echo "$1"; }
  BALANCE_START=$([ "$BALANCE" = null ] && echo 0 || echo "$BALANCE")
  "${PSQL[@]}" -c "DELETE FROM auth.usage_ledger WHERE user_id = 900001; DELETE FROM auth.api_keys WHERE id = 900001;
    DELETE FROM auth.users WHERE id = 900001; DELETE FROM auth.groups WHERE id = 900001;
    INSERT INTO auth.groups (id, name, platform, status, subscription_type, rate_multiplier, daily_limit_usd, weekly_limit_usd,
      monthly_limit_usd, allowed_models, model_routing, model_routing_enabled, version, created_at)
      VALUES (900001, 'bench-900001', 'any', 'active', 'standard', 1, $(nul $BUDGET), $(nul $BUDGET), $(nul $BUDGET), '[]', '{}', false,
      nextval('auth.version_seq'), now());
    INSERT INTO auth.users (id, name, email, status, role, balance_usd, concurrency, version, created_at)
      VALUES (900001, 'bench', 'bench-900001@bench.invalid', 'active', 'user', $(nul $BALANCE), $(nul $CONCURRENCY),
      nextval('auth.version_seq'), now());
    INSERT INTO auth.api_keys (id, name, user_id, group_id, key_hash, key_prefix, status, ip_allow, ip_deny, rpm_limit, version, created_at)
      VALUES (900001, 'bench', 900001, 900001, '$SHA', 'sk-bench', 'active', '[]', '[]', $(nul $RPM_LIMIT), nextval('auth.version_seq'), now())"
fi

HTTP_HOST=127.0.0.1 HTTP_PORT=$RELAY_PORT MANAGEMENT_HOST=127.0.0.1 MANAGEMENT_PORT=$RELAY_MANAGEMENT_PORT REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" SB_DATA_KEYS="$DATA_KEYS" \
  AUTH_SERVICE_URL="http://127.0.0.1:1" SB_INTERNAL_TOKEN="bench" SB_SHUTDOWN_DELAY=0s \
  "$JAVA" ${RELAY_HEAP_OPTS:--Xms64m -Xmx192m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k} --add-opens java.base/java.lang=ALL-UNNAMED $JFR_OPTS \
  -Dquarkus.log.level=WARN $RELAY_OPTS -jar "$RELAY_JAR" >"$WORK/relay.log" 2>&1 &
RELAY_PID=$!
PIDS+=($RELAY_PID)
wait_http "http://127.0.0.1:$RELAY_MANAGEMENT_PORT/q/health/live" 60
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$RELAY_MANAGEMENT_PORT/q/health/ready" && break
  sleep 0.2
done
curl -sf -o /dev/null -H "Authorization: Bearer $TENANT_KEY" -H 'Content-Type: application/json' \
  -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
  "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" || { echo "relay smoke request failed; log:" >&2; tail -20 "$WORK/relay.log" >&2; exit 1; }

proc_cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
redis_cpu() { redis-cli info cpu | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.3f", s }'; }
to_ms() { # wrk latency like 1.23ms / 456.00us / 1.20s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

declare -A RPS P50 P99 LAG CPU_US
RSS_MAX=0
run() { # target url mode conns key model
  local target=$1 url=$2 mode=$3 conns=$4 key=$5 model=$6 threads=1 out
  [ "$conns" -gt 1 ] && threads=2
  local stream=0; [ "$mode" = sse ] && stream=1
  if [[ "$target" == relay* ]]; then
    BENCH_KEY=$key BENCH_MODEL=$model BENCH_STREAM=$stream wrk -t"$threads" -c"$conns" -d"$WARMUP" -s "$HERE/chat.lua" "$url" >/dev/null 2>&1 || true
    CPU_BEFORE=$(proc_cpu "$RELAY_PID"); REDIS_BEFORE=$(redis_cpu)
    [ "$REDIS_STATS" = 1 ] && redis-cli CONFIG RESETSTAT >/dev/null
    touch "$WORK/sampling"
    ( while [ -f "$WORK/sampling" ]; do ps -o rss= -p $RELAY_PID; sleep 0.25; done ) >"$WORK/rss.$mode.$conns" 2>/dev/null &
    SAMPLER=$!
    if [ "$LEDGER" = 1 ]; then
      ( while [ -f "$WORK/sampling" ]; do ledger_lag; sleep 0.5; done ) >"$WORK/lag.$target.$mode.$conns" 2>/dev/null &
      LAG_SAMPLER=$!
    fi
  fi
  out="$(BENCH_KEY=$key BENCH_MODEL=$model BENCH_STREAM=$stream wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$HERE/chat.lua" "$url" 2>"$WORK/wrk-errors")"
  [ -s "$WORK/wrk-errors" ] && sort -u "$WORK/wrk-errors" | head -4 >&2
  local non2xx; non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  [ -n "$non2xx" ] && echo "warning: $target $mode c=$conns had $non2xx non-2xx responses" >&2
  RPS[$target.$mode.$conns]="$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')"
  P50[$target.$mode.$conns]="$(to_ms "$(echo "$out" | awk '$1=="50%" {print $2}')")"
  P99[$target.$mode.$conns]="$(to_ms "$(echo "$out" | awk '$1=="99%" {print $2}')")"
  if [[ "$target" == relay* ]]; then
    rm -f "$WORK/sampling"
    local reqs; reqs="$(echo "$out" | awk '/requests in/ {print $1}')"
    CPU_US[$target.$mode.$conns]="$(awk -v a="$CPU_BEFORE" -v b="$(proc_cpu "$RELAY_PID")" -v r="$(redis_cpu)" -v q="$REDIS_BEFORE" -v n="$reqs" \
      'BEGIN { if (n > 0) printf "%.0f / %.1f", 1e6 * (b - a) / n, 1e6 * (r - q) / n; else print "-" }')"
    wait "$SAMPLER" || true
    if [ "$REDIS_STATS" = 1 ]; then # per command: calls and Redis CPU µs per request of this run
      redis-cli INFO commandstats | tr -d '\r' | awk -F'[:=,]' -v n="$reqs" '/^cmdstat_/ { sub("cmdstat_", "", $1);
        printf "%s %.3f calls, %.2f us\n", $1, $3 / n, $5 / n }' | sort -k4 -rn -t' ' >"$WORK/cmdstats.$target.$mode.$conns"
    fi
    if [ "$LEDGER" = 1 ]; then
      wait "$LAG_SAMPLER" || true
      LAG[$target.$mode.$conns]="$(sort -n "$WORK/lag.$target.$mode.$conns" | tail -1 | awk '{print $1 " s / " $2 " events"}')"
    fi
    local r; r="$(sort -n "$WORK/rss.$mode.$conns" | tail -1)"
    if [ -n "$r" ] && [ "$r" -gt "$RSS_MAX" ]; then RSS_MAX=$r; fi
  fi
}

if [ "$LIMITS" = both ]; then # a fresh relay is slower for its first ~20 s (JIT): warm it on both keys before comparing them
  for key in "$FREE_KEY" "$TENANT_KEY"; do
    BENCH_KEY=$key BENCH_MODEL=$MODEL BENCH_STREAM=0 wrk -t2 -c32 -d15s -s "$HERE/chat.lua" "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" >/dev/null 2>&1 || true
  done
fi
for mode in $MODES; do
  for c in $CONNS; do
    run mock "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$mode" "$c" "$UP_KEY" gpt-bench
    run nginx "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" "$mode" "$c" "$UP_KEY" gpt-bench
    if [ "$LIMITS" = both ]; then
      run relayfree "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" "$mode" "$c" "$FREE_KEY" "$MODEL"
    fi
    run relay "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" "$mode" "$c" "$TENANT_KEY" "$MODEL"
    if [ "$LIMITS" = both ]; then
      run relay2 "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" "$mode" "$c" "$TENANT_KEY" "$MODEL"
      run relayfree2 "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" "$mode" "$c" "$FREE_KEY" "$MODEL"
    fi
    if [ "$TRANSLATED" = 1 ]; then
      run relaytr "http://127.0.0.1:$RELAY_PORT/v1/chat/completions" "$mode" "$c" "$TENANT_KEY" "$MODEL_TR"
    fi
  done
done

if [ "$LEDGER" = 1 ]; then
  # after the last run: seconds until the ledger has settled everything (5 ms steps, at most 120 s)
  DRAIN_START=$(date +%s%3N); DRAIN="not drained in 120 s"
  while [ $(( $(date +%s%3N) - DRAIN_START )) -lt 120000 ]; do
    if [ "$(ledger_lag)" = "0 0" ]; then DRAIN="$(awk -v ms=$(( $(date +%s%3N) - DRAIN_START )) 'BEGIN { printf "%.2f s", ms / 1000 }')"; break; fi
    sleep 0.05
  done
  EVENTS=$($R XINFO STREAM sb:usage | awk 'p=="entries-added"{print; exit} {p=$0}')
  cpu_s() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo "?"; }
  CPU="relay $(cpu_s "$RELAY_PID") s"
  for pid in "${AUTH_PIDS[@]}"; do CPU="$CPU, auth-service $(cpu_s "$pid") s"; done
  read -r ROWS COST DEAD < <("${PSQL[@]}" -F ' ' -c "SELECT (SELECT count(*) FROM auth.usage_ledger WHERE user_id = 900001),
    (SELECT COALESCE(sum(cost_usd), 0) FROM auth.usage_ledger WHERE user_id = 900001),
    (SELECT count(*) FROM auth.usage_dead_letter WHERE payload LIKE '%\"userId\":900001,%')")
  SPENT=$("${PSQL[@]}" -c "SELECT $BALANCE_START - COALESCE(balance_usd, $BALANCE_START) FROM auth.users WHERE id = 900001")
  read -r USER_MICROS GROUP_MICROS <<<"$(echo $($R MGET $(spend_counters)))"
  UNSETTLED=$($R HGET 'sb:{u900001}:spend' _total)
fi

curl -s "http://127.0.0.1:$RELAY_MANAGEMENT_PORT/q/metrics" | grep -E '^switchboard_(relay_(requests_total|overhead_seconds_(count|sum)|upstream_duration_seconds_(count|sum))|limit_(refusals|redis_failures|admissions|redis_round_trips)_total|usage_(batches|dropped|buffered|queued))' >"$WORK/metrics.txt" || true
grep -E '"level":"(WARN|ERROR)"' "$WORK/relay.log" | head -20 | cut -c1-300 >"$WORK/relay-warnings.txt" || true

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }
SUFFIX=""; [ "$LIMITS" = 1 ] && SUFFIX="-limits"; [ "$LIMITS" = both ] && SUFFIX="-limits-both"
RESULT="$HERE/results-$(date -u +%Y%m%dT%H%M%SZ)$SUFFIX.md"
{
  echo "# Relay bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $DURATION per run, limits $(case "$LIMITS" in 1) echo ON ;; both) echo "ON (metered key) beside off" ;; *) echo off ;; esac)"
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); relay jar: relay-service/$BUILD_DIR."
  echo
  echo "| mode | conns | mock req/s | nginx req/s | relay req/s | relay/mock | relay/nginx | p50 mock / nginx / relay (ms) | p99 mock / nginx / relay (ms) | relay added p50 vs mock / nginx (ms) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    for c in $CONNS; do
      k=$mode.$c
      echo "| $mode | $c | ${RPS[mock.$k]} | ${RPS[nginx.$k]} | ${RPS[relay.$k]} | $(ratio "${RPS[relay.$k]}" "${RPS[mock.$k]}") | $(ratio "${RPS[relay.$k]}" "${RPS[nginx.$k]}") | ${P50[mock.$k]} / ${P50[nginx.$k]} / ${P50[relay.$k]} | ${P99[mock.$k]} / ${P99[nginx.$k]} / ${P99[relay.$k]} | $(added "${P50[relay.$k]}" "${P50[mock.$k]}") / $(added "${P50[relay.$k]}" "${P50[nginx.$k]}") |"
    done
  done
  if [ "$LIMITS" = both ]; then
    echo
    echo "Metered (every limit far above use) beside unmetered, same relay process, runs in the order unmetered, metered,"
    echo "metered, unmetered (the table above is the first metered run):"
    echo
    echo "| mode | conns | unmetered req/s | metered req/s | metered / unmetered | CPU µs per request relay / Redis, unmetered | metered |"
    echo "|---|---|---|---|---|---|---|"
    for mode in $MODES; do
      for c in $CONNS; do
        k=$mode.$c
        free=$(( ${RPS[relayfree.$k]:-0} + ${RPS[relayfree2.$k]:-0} )); metered=$(( ${RPS[relay.$k]:-0} + ${RPS[relay2.$k]:-0} ))
        echo "| $mode | $c | ${RPS[relayfree.$k]}, ${RPS[relayfree2.$k]} | ${RPS[relay.$k]}, ${RPS[relay2.$k]} | $(ratio "$metered" "$free") | ${CPU_US[relayfree.$k]}, ${CPU_US[relayfree2.$k]} | ${CPU_US[relay.$k]}, ${CPU_US[relay2.$k]} |"
      done
    done
  fi
  if [ "$TRANSLATED" = 1 ]; then
    echo
    echo "Translated (OpenAI client, Anthropic-protocol upstream \`$MODEL_TR\`) beside passthrough (\`$MODEL\`), same run:"
    echo
    echo "| mode | conns | passthrough req/s | translated req/s | translated/passthrough | p50 passthrough / translated (ms) | p99 passthrough / translated (ms) |"
    echo "|---|---|---|---|---|---|---|"
    for mode in $MODES; do
      for c in $CONNS; do
        k=$mode.$c
        echo "| $mode | $c | ${RPS[relay.$k]} | ${RPS[relaytr.$k]} | $(ratio "${RPS[relaytr.$k]}" "${RPS[relay.$k]}") | ${P50[relay.$k]} / ${P50[relaytr.$k]} | ${P99[relay.$k]} / ${P99[relaytr.$k]} |"
      done
    done
  fi
  if [ "$LEDGER" = 1 ]; then
    echo
    echo "Ledger ($AUTH_REPLICAS auth-service replica(s)) on the same usage stream: the most it was behind during each relay run"
    echo "(age of the oldest unsettled event / unsettled events, sampled every 0.5 s):"
    echo
    echo "| mode | conns | relay req/s | ledger behind at most |"
    echo "|---|---|---|---|"
    for mode in $MODES; do
      for c in $CONNS; do
        echo "| $mode | $c | ${RPS[relay.$mode.$c]} | ${LAG[relay.$mode.$c]:--} |"
        [ "$TRANSLATED" = 1 ] && echo "| $mode (translated) | $c | ${RPS[relaytr.$mode.$c]} | ${LAG[relaytr.$mode.$c]:--} |"
      done
    done
    echo
    echo "Drained after the last run in: $DRAIN. CPU time since start (warm-ups included): $CPU."
    echo "Reconciliation: usage events written $EVENTS, ledger rows $ROWS, dead letters $DEAD; ledger cost sum \$$COST,"
    echo "balance change \$$SPENT,"
    echo "user / group spend counters (this month) \$$(awk -v u="${USER_MICROS:-0}" -v g="${GROUP_MICROS:-0}" 'BEGIN { printf "%.6f / %.6f", u / 1e6, g / 1e6 }'),"
    echo "unsettled left ${UNSETTLED:-0} micro-USD."
  fi
  echo
  echo "CPU per request during the measured runs, relay / Redis (µs):"
  for mode in $MODES; do
    for c in $CONNS; do
      printf '%s\n' "- $mode, $c connections: ${CPU_US[relay.$mode.$c]}$([ "$TRANSLATED" = 1 ] && echo "; translated ${CPU_US[relaytr.$mode.$c]}")"
    done
  done
  echo
  echo "Relay peak RSS during the measured runs: $(( RSS_MAX / 1024 )) MB (${RELAY_HEAP_OPTS:--Xmx192m SerialGC, code cache 64m, metaspace 128m})."
  echo "Targets: relay >= 50% of nginx at 32 connections (JSON); added p50 <= 1 ms; RSS <= 400 MB."
  echo
  echo "Relay counters after the runs (warm-ups included):"
  echo '```'
  cat "$WORK/metrics.txt"
  echo '```'
  if [ "$REDIS_STATS" = 1 ]; then
    echo "Redis commands per relay request, per run (calls, CPU µs inside Redis; scripts include the commands they run):"
    for f in "$WORK"/cmdstats.*; do
      echo "- ${f##*/cmdstats.}: $(head -6 "$f" | paste -sd';' | sed 's/;/; /g')"
    done
  fi
  if [ -s "$WORK/relay-warnings.txt" ]; then
    echo "First relay warnings:"; echo '```'; cat "$WORK/relay-warnings.txt"; echo '```'
  fi
} | tee "$RESULT"

if [ "${PROFILE:-0}" = 1 ]; then
  kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null || true
  cp "$WORK/relay.jfr" /tmp/sb-relay-last.jfr 2>/dev/null || true
  echo; echo "Hottest relay frames (top of stack, JFR execution samples):"
  "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$WORK/relay.jfr" \
    | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' \
    | sort | uniq -c | sort -rn | head -25
  echo; echo "Share of event-loop samples whose stack contains (inclusive, a sample can count in several rows):"
  "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$WORK/relay.jfr" | awk '
    /jdk.ExecutionSample/ { if (stack != "") tally(); stack = ""; next }
    { stack = stack $0 "\n" }
    function tally() {
      if (stack !~ /eventloop/) { }
      n++
      if (stack ~ /UsageRecorder|usage\.Usage/) c["usage recording (dev.switchboard.relay.usage)"]++
      if (stack ~ /LimitService|HeadroomTracker/) c["limits + headroom"]++
      if (stack ~ /io\.vertx\.redis|io\.quarkus\.redis/) c["Redis client"]++
      if (stack ~ /micrometer/) c["Micrometer"]++
      if (stack ~ /com\.fasterxml\.jackson/) c["Jackson"]++
      if (stack ~ /TenantAuthenticator|auth\.AuthCache/) c["tenant auth"]++
      if (stack ~ /Resolver\.resolve|routing\./) c["resolution (routing)"]++
      if (stack ~ /Exchange|UpstreamAttempt|StreamRelay|StreamTap|TenantRoutes/) c["relay request path (proxy + rest)"]++
      if (stack ~ /HttpClient|Http1xClient/) c["Vert.x HTTP client (upstream hop)"]++
      if (stack ~ /Http1xServer|HttpServerRequest/) c["Vert.x HTTP server"]++
      if (stack ~ /RouteState|RoutingContext/) c["Vert.x Web router"]++
      if (stack ~ /io\.quarkus\.arc/) c["ArC (CDI contexts)"]++
      if (stack ~ /jboss\.logmanager|logging/) c["logging"]++
      if (stack ~ /GC|G1|Parallel/) c["GC"]++
    }
    END { if (stack != "") tally(); for (k in c) printf "%5.1f%%  %s\n", 100 * c[k] / n, k; printf "(%d samples)\n", n }' | sort -rn
fi
