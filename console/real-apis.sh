#!/usr/bin/env bash
# Runs the console's browser tests that do not depend on fake data against the REAL auth-service,
# catalog-service and relay-service (built jars), all trusting one standalone TestOidcProvider.
# Needs PostgreSQL and Redis as for `./suite test`; uses database switchboard_console_it, Redis DB 11
# and ports 18180-18182, 18199 and 19180 (the relay's management port). Stops everything it started on exit.
#   mvn -B install -DskipTests -pl contracts,auth-service,catalog-service,relay-service   # once
#   console/real-apis.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lib/jdk.sh
source "$ROOT/lib/jdk.sh"
RUN=$(mktemp -d /tmp/console-real-apis.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

for port in 18180 18181 18182 18199 19180; do
  if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is taken" >&2; exit 1; fi
done
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='switchboard_console_it'" |
  grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE switchboard_console_it'

cd "$ROOT"
mvn -B -q -pl console test-compile dependency:build-classpath -Dmdep.outputFile="$RUN/cp.txt" -Dmdep.includeScope=test
setsid "$JAVA_HOME/bin/java" -cp "$(cat "$RUN/cp.txt"):console/target/test-classes" \
  dev.switchboard.console.fake.TestOidcProvider 18199 >"$RUN/oidc.log" 2>&1 &
PIDS+=($!)
OIDC=http://127.0.0.1:18199/realms/switchboard
DATA_KEY="it:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
for entry in auth-service:18181 catalog-service:18182 relay-service:18180; do
  name=${entry%%:*} port=${entry##*:}
  cp -R "$name/target/quarkus-app" "$RUN/$name"
  HTTP_HOST=127.0.0.1 HTTP_PORT=$port MANAGEMENT_HOST=127.0.0.1 MANAGEMENT_PORT=19180 OIDC_URL=$OIDC SB_INTERNAL_TOKEN=console-it-internal-token-0123 \
    SB_DATA_KEYS=$DATA_KEY DB_URL=jdbc:postgresql://127.0.0.1:5432/switchboard_console_it DB_USER=postgres \
    REDIS_URL=redis://127.0.0.1:6379/11 AUTH_SERVICE_URL=http://127.0.0.1:18181 \
    setsid "$JAVA_HOME/bin/java" -Xmx384m -jar "$RUN/$name/quarkus-run.jar" >"$RUN/$name.log" 2>&1 &
  PIDS+=($!)
done
for port in 18181 18182 19180; do
  for ((i = 0; i < 180; i++)); do curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null && break; sleep 1; done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/q/health/ready" || { echo "port $port not ready; logs in $RUN" >&2; exit 1; }
done
mvn -B -pl console test -Dtest='ConsoleBrowserTest#adminBuilds*+viewer*+signOut*+theProxy*' \
  -Dconsole.it.oidc-url=$OIDC -Dconsole.it.auth-url=http://127.0.0.1:18181 \
  -Dconsole.it.catalog-url=http://127.0.0.1:18182 -Dconsole.it.relay-url=http://127.0.0.1:18180 \
  -Dconsole.it.relay-metrics-url=http://127.0.0.1:19180/q/metrics
