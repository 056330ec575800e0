#!/usr/bin/env bash
# Load test of the portal under gunicorn with the production settings, on PostgreSQL.
#
#   bench/load/run.sh            # seed (once), start gunicorn, sign in, run wrk, print the table
#
# Environment: DATABASE_URL (default: the maillage_load database on the local server), PORT
# (8431), ROUNDS (3) of DURATION (5s) per target and per view, CONNECTIONS (16),
# GUNICORN_WORKERS / GUNICORN_THREADS, OUT (/tmp/maillage-load), SKIP_SEED=1 to use the database
# as it is, TARGETS to pick pages. Everything listens on 127.0.0.1 only; every wrk run is
# bounded by DURATION.
#
# The page and the bare view take turns (page, bare, page, bare...), so that whatever else the
# machine does weighs on both alike; report.py adds the rounds up.
set -euo pipefail
# shellcheck source=bench/load/common.sh
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}

seed
start_gunicorn
declare -A PATHS=(
    [directory]="/partenaires/"
    [search]="/partenaires/?q=emploi"
    [partner]="/partenaires/$PARTNER/"
    [roadmap]="/feuilles-de-route/$TERRITORY/"
    [dashboard]="/feuilles-de-route/$TERRITORY/tableau-de-bord/"
)
TARGETS=${TARGETS:-directory search partner roadmap dashboard}

for name in $TARGETS; do
    path=${PATHS[$name]}
    # The page once, signed in: it must be a 200; its bytes feed the bare view.
    status=$(curl -sS -o "$OUT/bodies/$name.html" -w '%{http_code}' "${HEADERS[@]}" "$BASE$path")
    [ "$status" = 200 ] || { echo "$path answered $status, not 200" >&2; exit 1; }
    echo "== $name: $path ($(stat -c %s "$OUT/bodies/$name.html") bytes)"
    # Warm both up (each worker loads its templates and the body), then measure.
    wrk -t2 -c"$CONNECTIONS" -d3s "${HEADERS[@]}" "$BASE$path" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d3s "${HEADERS[@]}" "$BASE/__bare__/$name/" >/dev/null
    for round in $(seq "$ROUNDS"); do
        wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${HEADERS[@]}" "$BASE$path" >"$OUT/$name.$round.wrk"
        wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${HEADERS[@]}" "$BASE/__bare__/$name/" >"$OUT/bare-$name.$round.wrk"
        echo "  round $round: page $(grep -oP 'Requests/sec:\s+\K\S+' "$OUT/$name.$round.wrk") req/s," \
            "bare $(grep -oP 'Requests/sec:\s+\K\S+' "$OUT/bare-$name.$round.wrk") req/s"
    done
done

echo
# shellcheck disable=SC2086  # one argument per target
"$PY" bench/load/report.py "$OUT" $TARGETS | tee "$OUT/report.md"
