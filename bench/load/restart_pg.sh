#!/usr/bin/env bash
# Restart PostgreSQL in the middle of a load: /sante/ must answer 503 while it is down, the
# portal must recover by itself, and no request may fail after the recovery.
#
#   bench/load/restart_pg.sh
#
# WARNING: this restarts the machine's PostgreSQL server (every database on it) once, for
# about a second. Same environment as run.sh (DATABASE_URL, PORT, OUT...); SKIP_SEED=1 to
# use the load database as it is. Load: wrk on a signed-in page for 40 s, with CONNECTIONS
# (default 4, so that the poller still gets its turn on a small, busy machine).
set -euo pipefail
# shellcheck source=bench/load/common.sh
source "$(dirname "$0")/common.sh"
SECONDS_TOTAL=${SECONDS_TOTAL:-40}
RESTART_AT=${RESTART_AT:-12}
CLUSTER=${CLUSTER:-$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | head -1)}

seed
start_gunicorn
PAGE="/partenaires/$PARTNER/"

wrk -t2 -c"${CONNECTIONS:-4}" -d"${SECONDS_TOTAL}s" --latency "${HEADERS[@]}" "$BASE$PAGE" >"$OUT/restart.wrk" &
WRK_PID=$!
"$PY" bench/load/poll.py "$BASE" "$COOKIE" "$PAGE" "$SECONDS_TOTAL" "$OUT" >"$OUT/poll.txt" &
POLL_PID=$!

sleep "$RESTART_AT"
echo "== restarting PostgreSQL $CLUSTER/main at $(date -u +%T)"
restart_start=$(date +%s.%N)
pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main restart
echo "$restart_start $(date +%s.%N)" >"$OUT/restart.times"
echo "== PostgreSQL is back at $(date -u +%T)"

wait $WRK_PID
status=0
wait $POLL_PID || status=$?
cat "$OUT/poll.txt"
grep -E "requests in|Non-2xx|Socket errors|Requests/sec" "$OUT/restart.wrk"
exit $status
