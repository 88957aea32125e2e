#!/usr/bin/env bash
# Latency of LimitService.admit against the local Redis (DB 3): p50/p90/p99 for a key without limits
# (no Redis round trip) and for a key with every limit (one EVALSHA), sequential and 32 in flight.
# Usage: bench/relay/limits-admit.sh   (from the repository root; needs Redis on 127.0.0.1:6379)
set -euo pipefail
cd "$(dirname "$0")/../.."
source lib/jdk.sh
mvn -B -o -q -pl relay-service test -Dsb.build.dir=target-bench-limits -Dtest=AdmitBenchmark -Dsb.bench=true \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep '^BENCH'
# The relay end-to-end comparison (limits on vs off) is the relay benchmark run twice:
# bench/relay/run.sh (a key without limits: no admission round trip) and LIMITS=1 bench/relay/run.sh
# (every limit set far above reach: one admission script per request, nothing refused).
