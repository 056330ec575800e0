#!/usr/bin/env bash
# Lighthouse 12 (accessibility, performance, best practices, SEO) on the public pages, served by
# gunicorn with the production settings (DEBUG off, hashed and compressed static files) on a demo
# database of its own, with Debian's Chromium. Installs lighthouse into var/lighthouse
# (git-ignored) on first use. Reports go to bench/results/lighthouse/ (git-ignored).
# Usage: bench/lighthouse.sh [mobile|desktop]   (mobile: Lighthouse's default emulation)
set -euo pipefail
cd "$(dirname "$0")/.."

FORM_FACTOR="${1:-mobile}"
PORT="${LIGHTHOUSE_PORT:-8016}"
BASE="http://127.0.0.1:${PORT}"
OUT="$PWD/bench/results/lighthouse/${FORM_FACTOR}"
WORK="var/lighthouse"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

mkdir -p "$WORK" "$OUT"
if [ ! -x "$WORK/node_modules/.bin/lighthouse" ]; then
  (cd "$WORK" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm i -E --no-audit --no-fund --silent lighthouse@12.2.3)
fi

# Production settings, plain HTTP on the loopback (no TLS in front here).
export DEBUG=0 SECRET_KEY="lighthouse-local-only" ALLOWED_HOSTS="127.0.0.1,localhost"
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 TRUSTED_PROXIES=0 LOG_LEVEL=WARNING
export DATABASE_URL="sqlite:///$PWD/$WORK/db.sqlite3"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo --force >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0

GUNICORN_BIND="127.0.0.1:${PORT}" GUNICORN_WORKERS=2 .venv/bin/gunicorn -c gunicorn.conf.py \
  --access-logfile /dev/null >"$WORK/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "$BASE/sante/" >/dev/null && break; sleep 0.2; done

PAGES=(
  "/"
  "/partenaires/"
  "/partenaires/?q=mecatronique"
  "/partenaires/uimm-charente/"
  "/communes/?q=16"
  "/communes/16374-soyaux/"
  "/evenements/"
  "/feuilles-de-route/"
  "/feuilles-de-route/grand-angouleme/"
  "/feuilles-de-route/grand-angouleme/tableau-de-bord/"
  "/api/v1/"
  "/comptes/connexion/"
  "/comptes/mot-de-passe/oubli/"
  "/mentions-legales/"
  "/donnees-personnelles/"
  "/accessibilite/"
)
PRESET=()
[ "$FORM_FACTOR" = "desktop" ] && PRESET=(--preset=desktop)

for page in "${PAGES[@]}"; do
  name="$(echo "$page" | tr -c 'a-z0-9\n' '_' | sed 's/^_*//; s/_*$//')"
  "$WORK/node_modules/.bin/lighthouse" "$BASE$page" "${PRESET[@]}" --quiet \
    --only-categories=accessibility,performance,best-practices,seo \
    --output=json --output-path="$OUT/${name:-home}.json" --locale=fr \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run --disable-sync"
done

# One table of scores (and the failed audits, if any).
node -e '
const fs = require("fs"), path = require("path");
const dir = process.argv[1];
const cats = ["accessibility", "performance", "best-practices", "seo"];
console.log("| page | " + cats.join(" | ") + " |");
console.log("|---|" + cats.map(() => "---:").join("|") + "|");
const problems = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file)));
  const url = new URL(report.finalDisplayedUrl || report.finalUrl);
  const scores = cats.map((c) => Math.round(report.categories[c].score * 100));
  console.log(`| ${url.pathname}${url.search} | ${scores.join(" | ")} |`);
  for (const cat of cats) {
    for (const ref of report.categories[cat].auditRefs) {
      const audit = report.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) {
        problems.push(`${url.pathname}: [${cat}] ${audit.id} (${audit.score}) ${audit.title}`);
      }
    }
  }
}
if (problems.length) console.log("\nAudits below 0.9:\n" + problems.join("\n"));
' "$OUT"
