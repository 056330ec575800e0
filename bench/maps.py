"""Benchmark: a map of the Grand Bergeracois' 128 communes, drawn by the server (portal/maps.py).
Targets (issue « Maps »): under 50 ms of CPU and under 150 KB of SVG.

No database needed: the outlines are projected from the demo's contours file in memory, as
`import_contours` would store them, then the map is drawn `--runs` times (median and worst CPU
time, `time.process_time`).

    .venv/bin/python bench/maps.py [--runs 200]
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from portal.maps import COUNT_STYLES, Map, count_style, outline_from_geometry  # noqa: E402

BERGERAC_EPCIS = {"200070647", "200034833", "200040889", "200034197"}


def bergerac_outlines():
    epcis = json.loads((ROOT / "portal/demo_data/epci.json").read_text())
    codes = {m["code"] for e in epcis if e["code"] in BERGERAC_EPCIS for m in e["membres"]}
    features = json.loads((ROOT / "portal/demo_data/contours.geojson").read_text())["features"]
    started = time.process_time()
    outlines = []
    for feature in features:
        code = feature["properties"]["code"]
        if code in codes:
            path, (x_min, y_min, x_max, y_max) = outline_from_geometry(feature["geometry"], code)
            outlines.append(
                SimpleNamespace(
                    code=code, path=path, x_min=x_min, y_min=y_min, x_max=x_max, y_max=y_max
                )
            )
    return outlines, time.process_time() - started


def draw(outlines):
    figure = Map(id="carte", title="Communes du Grand Bergeracois")
    for index, outline in enumerate(outlines):
        figure.add_area(
            outline,
            style=count_style(index % 25),
            label=f"Commune {outline.code} : {index % 25}",
            href=f"/communes/{outline.code}/",
        )
    return figure.svg(), figure.legend(COUNT_STYLES)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    outlines, projection = bergerac_outlines()
    times = []
    for _ in range(args.runs):
        started = time.process_time()
        svg, _legend = draw(outlines)
        times.append(time.process_time() - started)
    size = len(svg.encode())
    print(f"communes: {len(outlines)} (projection at import: {projection * 1000:.0f} ms)")
    print(
        f"CPU per map: median {statistics.median(times) * 1000:.2f} ms, "
        f"worst {max(times) * 1000:.2f} ms over {args.runs} runs (target < 50 ms)"
    )
    print(
        f"SVG: {size / 1024:.1f} KB, {len(gzip.compress(svg.encode())) / 1024:.1f} KB gzipped "
        "(target < 150 KB)"
    )
    if len(outlines) != 128 or statistics.median(times) >= 0.05 or size >= 150 * 1024:
        sys.exit(1)


if __name__ == "__main__":
    main()
