#!/usr/bin/env bash
# Load test of the portal under gunicorn with the production settings, on PostgreSQL.
#
#   bench/load/run.sh            # seed (once), start gunicorn, sign in, run wrk, print the table
#
# Environment: DATABASE_URL (default: the maillage_load database on the local server), PORT
# (8431), DURATION (15s per target), CONNECTIONS (16), GUNICORN_WORKERS / GUNICORN_THREADS,
# OUT (/tmp/maillage-load), SKIP_SEED=1 to use the database as it is, TARGETS to pick pages.
# Everything listens on 127.0.0.1 only; every wrk run is bounded by DURATION.
set -euo pipefail
# shellcheck source=bench/load/common.sh
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-15s}
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
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${HEADERS[@]}" "$BASE$path" | tee "$OUT/$name.wrk" | grep -E "Requests/sec|99%"
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "${HEADERS[@]}" "$BASE/__bare__/$name/" >"$OUT/bare-$name.wrk"
    grep -E "Requests/sec" "$OUT/bare-$name.wrk" | sed 's/^/  bare /'
done

echo
"$PY" bench/load/report.py "$OUT" $TARGETS | tee "$OUT/report.md"
