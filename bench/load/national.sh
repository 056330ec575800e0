#!/usr/bin/env bash
# National load test (issue 18): two gunicorn instances behind nginx, sharing PostgreSQL and a
# Redis server of the test's own; 64 connections over many territories and personas (visitors and
# signed-in members), one write per second somewhere in the country, then the bare view on the
# same servers; optionally Redis or one instance restarted in the middle.
#
#   bash bench/load/national.sh                     # 5 minutes
#   DURATION=30s RESTART=app bash bench/load/national.sh
#
# Environment:
#   DATABASE_URL   PostgreSQL (default: maillage_load, seeded by bench/seed_large.py when empty;
#                  a database that has tables is never seeded)
#   PERSONAS       personas JSON (bench/load/personas.py describes it; default: made from the DB)
#   DURATION (5m), CONNECTIONS (64), THREADS (2), WRK_TIMEOUT (5s), BARE_DURATION (60s)
#   ACCOUNTS (40)  members signed in through the sign-in form; VISITORS (0.6) visitors' share;
#                  SKIP_KINDS kinds of page left out (prepare.py's KINDS, e.g. "guide")
#   WRITE_RATE (1) writes per second (bench/load/writer.py)
#   RESTART        redis | app (instance 1) | empty; RESTART_AT (seconds, default a third of the run),
#                  RESTART_DOWN (3 s stopped), RESTART_SIGNAL (TERM; KILL for a crash)
#   CPU (1)        also bench/load/cpu.py: CPU per request of each page against the bare view
#   NGINX_PORT (8440), APP_PORTS ("8441 8442"), REDIS_PORT (6391), OUT (/tmp/maillage-load-national),
#   GUNICORN_WORKERS / GUNICORN_THREADS per instance (3 × 2)
# Everything listens on 127.0.0.1; the machine's nginx and Redis (6379) are left alone.
set -euo pipefail
OUT=${OUT:-/tmp/maillage-load-national}
PORT=${NGINX_PORT:-8440}
# shellcheck source=bench/load/common.sh
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-5m}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BARE_DURATION=${BARE_DURATION:-60s}
REDIS_PORT=${REDIS_PORT:-6391}
read -r -a APP_PORTS <<<"${APP_PORTS:-8441 8442}"
RESTART=${RESTART:-}
RESTART_DOWN=${RESTART_DOWN:-3}
# Both instances share the database, the Redis server and the secret key (common.sh).
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export TRUSTED_PROXIES=1 FORWARDED_ALLOW_IPS=127.0.0.1
export LOG_LEVEL=${LOG_LEVEL:-WARNING}

seconds() {  # wrk's durations: 30s, 5m, 1h, or plain seconds
    local value=$1
    case $value in
        *h) echo $((${value%h} * 3600)) ;;
        *m) echo $((${value%m} * 60)) ;;
        *s) echo "${value%s}" ;;
        *) echo "$value" ;;
    esac
}
RUN_SECONDS=$(seconds "$DURATION")
RESTART_AT=${RESTART_AT:-$((RUN_SECONDS / 3))}

declare -A PIDS=()
cleanup() {
    [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

start_redis() {
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
        --logfile "$OUT/redis.log" &
    PIDS[redis]=$!
    for _ in $(seq 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "Redis did not start on port $REDIS_PORT (see $OUT/redis.log)" >&2
    return 1
}

start_app() {  # 1 or 2
    local port=${APP_PORTS[$1 - 1]}
    GUNICORN_BIND=127.0.0.1:$port "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py \
        --control-socket "$OUT/app-$1.ctl" \
        >>"$OUT/app-$1.log" 2>&1 &
    PIDS[app$1]=$!
    wait_for "http://127.0.0.1:$port/sante/" || { echo "instance $1 did not start" >&2; return 1; }
}

wait_for() {
    for _ in $(seq 120); do
        curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}

start_nginx() {
    mkdir -p "$OUT/nginx"
    sed -e "s|@OUT@|$OUT|g" -e "s|@LISTEN@|127.0.0.1:$PORT|g" \
        -e "s|@APP1@|127.0.0.1:${APP_PORTS[0]}|g" -e "s|@APP2@|127.0.0.1:${APP_PORTS[1]}|g" \
        bench/load/nginx.conf.template >"$OUT/nginx/nginx.conf"
    nginx -q -t -p "$OUT/nginx" -e "$OUT/nginx/error.log" -c "$OUT/nginx/nginx.conf"
    nginx -p "$OUT/nginx" -e "$OUT/nginx/error.log" -c "$OUT/nginx/nginx.conf"
    wait_for "$BASE/sante/" || { echo "nginx does not answer on $BASE" >&2; return 1; }
}

restart() {  # what: redis or app; writes OUT/restart.times (what, start, back, epoch seconds)
    local begun pid
    begun=$(date +%s.%N)
    echo "== $(date -u +%T) stopping $1 (SIG${RESTART_SIGNAL:-TERM}), $RESTART_DOWN s down"
    case $1 in
        redis) pid=${PIDS[redis]} ;;
        app) pid=${PIDS[app1]} ;;
        *) echo "RESTART=$1: redis or app" >&2; return 1 ;;
    esac
    kill -s "${RESTART_SIGNAL:-TERM}" "$pid"
    wait "$pid" 2>/dev/null || true
    sleep "$RESTART_DOWN"
    if [ "$1" = redis ]; then start_redis; else start_app 1; fi
    echo "$1 $begun $(date +%s.%N)" >"$OUT/restart.times"
    echo "== $(date -u +%T) $1 is back"
}

if ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null; then
    apt-get install -y nginx redis-server >/dev/null
fi
if [ -z "$(psql "$DATABASE_URL" -Atc "SELECT to_regclass('partners_partner')" 2>/dev/null)" ]; then
    seed
fi
collect_static
start_redis
start_app 1
start_app 2
start_nginx
"$PY" - >"$OUT/setup.txt" <<'EOF'
from django.conf import settings

print("cache:", settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
print("sessions:", settings.SESSION_ENGINE.rsplit(".", 1)[-1])
EOF
{
    echo "database: ${DATABASE_URL##*/}"
    echo "load: $CONNECTIONS connections, $THREADS wrk threads, $DURATION, ${WRITE_RATE:-1} write/s"
    echo "servers: nginx :$PORT -> gunicorn :${APP_PORTS[0]} and :${APP_PORTS[1]}" \
        "(${GUNICORN_WORKERS} workers x ${GUNICORN_THREADS} threads each), Redis :$REDIS_PORT"
    echo "restart: ${RESTART:-none}"
} >>"$OUT/setup.txt"
cat "$OUT/setup.txt"

if [ -z "${PERSONAS:-}" ]; then
    PERSONAS=$OUT/personas.json
    "$PY" bench/load/personas.py >"$PERSONAS"
fi
echo "== $(date -u +%T) signing in, checking and warming every page"
"$PY" bench/load/prepare.py "$PERSONAS" "$BASE" "$OUT" --accounts "${ACCOUNTS:-40}" \
    --visitors "${VISITORS:-0.6}" --skip "${SKIP_KINDS:-}"

echo "== $(date -u +%T) load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, ${WRITE_RATE:-1} write/s"
"$PY" bench/load/writer.py --rate "${WRITE_RATE:-1}" --seconds "$RUN_SECONDS" >"$OUT/writes.log" 2>&1 &
PIDS[writer]=$!
date +%s.%N >"$OUT/run.times"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "${WRK_TIMEOUT:-5s}" --latency \
    -s bench/load/national.lua "$BASE" -- "$OUT/requests.tsv" "$OUT/lua.json" >"$OUT/national.wrk" &
WRK_PID=$!
if [ -n "$RESTART" ]; then
    sleep "$RESTART_AT"
    restart "$RESTART"
fi
wait "$WRK_PID"
date +%s.%N >>"$OUT/run.times"
wait "${PIDS[writer]}" 2>/dev/null || true
unset 'PIDS[writer]'

echo "== $(date -u +%T) bare view: wrk -t$THREADS -c$CONNECTIONS -d$BARE_DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$BARE_DURATION" --timeout "${WRK_TIMEOUT:-5s}" --latency \
    -s bench/load/national.lua "$BASE" -- "$OUT/bare.tsv" "$OUT/bare.json" >"$OUT/bare.wrk"

if [ "${CPU:-1}" = 1 ]; then
    echo "== $(date -u +%T) CPU per request, in process (bench/load/cpu.py)"
    read -r user territory < <("$PY" -c 'import json, sys
accounts = [a for a in json.load(open(sys.argv[1]))["users"] if a["role"] == "coordinateur"]
print(accounts[0]["username"], accounts[0]["territory"]) if accounts else print("- -")' "$PERSONAS")
    if [ "$user" != - ]; then
        "$PY" bench/load/cpu.py --user "$user" --territory "$territory" | grep '^|' >"$OUT/cpu.md" \
            || true
    fi
fi
echo
"$PY" bench/load/report.py --national "$OUT" | tee "$OUT/report.md"
