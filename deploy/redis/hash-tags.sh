#!/usr/bin/env bash
# Moves the Redis state worth keeping from the key names before hash tags to the tagged names
# (docs/architecture.md, "Redis Cluster"): the unsettled spend of every user, the user and group spend
# counters of every period, and the catalog document. Run it on the standalone Redis, with the relays
# stopped, before starting the new relays and auth-service. Moving merges into a tagged key that exists
# already (counters add up, unsettled requests are kept once each), so it is safe to run twice.
# Everything else under the old names (rate windows, leases, reservations, cooldowns) expires on its own
# within minutes and is left alone.
#
# usage: deploy/redis/hash-tags.sh [redis-cli options, e.g. -h redis -p 6379 -n 0]
set -euo pipefail
R=(redis-cli "$@")

# KEYS[1] old counter, KEYS[2] new counter: adds the old value, keeps the later expiry, drops the old key
COUNTER='local v = redis.call("GET", KEYS[1])
if not v then return 0 end
local ttl = redis.call("PTTL", KEYS[1])
redis.call("INCRBY", KEYS[2], v)
if ttl > 0 then redis.call("PEXPIRE", KEYS[2], math.max(ttl, redis.call("PTTL", KEYS[2]))) end
redis.call("DEL", KEYS[1])
return 1'

# KEYS[1] old unsettled hash, KEYS[2] new one: each request id once, the total recomputed from the requests
UNSETTLED='local old = redis.call("HGETALL", KEYS[1])
if #old == 0 then return 0 end
local ttl = redis.call("PTTL", KEYS[1])
for i = 1, #old, 2 do
  if old[i] ~= "_total" then redis.call("HSETNX", KEYS[2], old[i], old[i + 1]) end
end
local all = redis.call("HGETALL", KEYS[2])
local sum = 0
for i = 1, #all, 2 do
  if all[i] ~= "_total" then sum = sum + tonumber(all[i + 1]) end
end
redis.call("HSET", KEYS[2], "_total", sum)
if ttl > 0 then redis.call("PEXPIRE", KEYS[2], math.max(ttl, redis.call("PTTL", KEYS[2]))) end
redis.call("DEL", KEYS[1])
return 1'

# KEYS[1] old key, KEYS[2] new key: moved unless the new one exists (then the old one is dropped)
PLAIN='if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
if redis.call("EXISTS", KEYS[2]) == 0 then redis.call("RENAME", KEYS[1], KEYS[2]) else redis.call("DEL", KEYS[1]) end
return 1'

moved=0
move() { # script old new
  moved=$(( moved + $("${R[@]}" EVAL "$1" 2 "$2" "$3") ))
}

while read -r key; do
  [[ -z "$key" ]] && continue
  if [[ "$key" =~ ^sb:spend:user:([0-9]+)$ ]]; then
    move "$UNSETTLED" "$key" "sb:{u${BASH_REMATCH[1]}}:spend"
  elif [[ "$key" =~ ^sb:spend:user:([0-9]+):(.+)$ ]]; then
    move "$COUNTER" "$key" "sb:{u${BASH_REMATCH[1]}}:spend:${BASH_REMATCH[2]}"
  elif [[ "$key" =~ ^sb:spend:group:([0-9]+):(.+)$ ]]; then
    move "$COUNTER" "$key" "sb:{g${BASH_REMATCH[1]}}:spend:${BASH_REMATCH[2]}"
  fi
done < <("${R[@]}" --scan --pattern 'sb:spend:*')

move "$PLAIN" sb:catalog:snapshot 'sb:{catalog}:snapshot'
move "$PLAIN" sb:catalog:version 'sb:{catalog}:version'

echo "moved $moved keys to their hash-tagged names"
