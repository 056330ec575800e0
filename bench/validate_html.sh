#!/usr/bin/env bash
# Validate the HTML of every page type with the Nu Html Checker (the W3C validator's engine).
# Installs the npm package vnu-jar into var/node (git-ignored) on first use; needs java >= 11.
# Usage: bench/validate_html.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null; then
  echo "java is missing (apt-get install -y default-jre-headless)" >&2
  exit 1
fi
if [ ! -f var/node/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  mkdir -p var/node
  (cd var/node && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm i -E --no-audit --no-fund --silent vnu-jar)
fi
exec .venv/bin/python -m pytest -q -p no:warnings \
  "tests/e2e/test_html.py::test_every_page_type_passes_the_nu_html_checker" "$@"
