# Shared by run.sh, restart_pg.sh and national.sh: production settings, gunicorn on
# 127.0.0.1, sign-in.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
PY=$ROOT/.venv/bin/python

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/maillage_load}
PORT=${PORT:-8431}
OUT=${OUT:-/tmp/maillage-load}
BASE=http://127.0.0.1:$PORT
TERRITORY=${TERRITORY:-charge-1}
USERNAME=${BENCH_USER:-charge-1}
PASSWORD=charge-de-test-maillage-2026   # bench/seed_large.py's BENCH_PASSWORD

# Production settings: DEBUG off, a secret key, HTTPS behind a proxy (we send the header nginx
# would send), the bench's URL conf adding the bare view only.
unset DEBUG
export SECRET_KEY=${SECRET_KEY:-bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')}
export ALLOWED_HOSTS=127.0.0.1
export DJANGO_SETTINGS_MODULE=bench.load.settings
export BENCH_BODIES_DIR=$OUT/bodies
export GUNICORN_BIND=127.0.0.1:$PORT
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-3}
export GUNICORN_THREADS=${GUNICORN_THREADS:-2}
export GUNICORN_MAX_REQUESTS=${GUNICORN_MAX_REQUESTS:-0}

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT/bodies"

seed() {
    if [ "${SKIP_SEED:-0}" != 1 ]; then
        psql "${DATABASE_URL%/*}/postgres" -Atqc "CREATE DATABASE ${DATABASE_URL##*/}" 2>/dev/null || true
        DEBUG=1 DJANGO_SETTINGS_MODULE=portal.settings "$PY" bench/seed_large.py
    fi
}

collect_static() {
    local manifest=${BENCH_STATIC_ROOT:-/tmp/maillage-bench-static}/staticfiles.json
    if [ ! -f "$manifest" ] || [ -n "$(find static -type f -newer "$manifest" | head -1)" ]; then
        "$PY" manage.py collectstatic --noinput -v0 </dev/null
    fi
}

start_gunicorn() {
    collect_static
    "$ROOT/.venv/bin/gunicorn" -c gunicorn.conf.py >"$OUT/gunicorn.log" 2>&1 &
    GUNICORN_PID=$!
    trap 'kill $GUNICORN_PID 2>/dev/null; wait $GUNICORN_PID 2>/dev/null || true' EXIT
    for _ in $(seq 60); do
        curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "$BASE/sante/" 2>/dev/null && break
        sleep 0.5
    done
    COOKIE=$("$PY" bench/load/login.py "$BASE" "$USERNAME" "$PASSWORD")
    # shellcheck disable=SC2034  # used by the scripts that source this one
    HEADERS=(-H "X-Forwarded-Proto: https" -H "Cookie: $COOKIE")
    # shellcheck disable=SC2034
    PARTNER=$(psql "$DATABASE_URL" -Atc "SELECT p.slug FROM partners_partner p
        JOIN portal_territory t ON t.id = p.territory_id WHERE t.slug = '$TERRITORY'
        ORDER BY p.id LIMIT 1")
}
