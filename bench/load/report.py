"""Read wrk outputs and gunicorn's access log; print the figures as a Markdown table.

    python bench/load/report.py OUT_DIR name1 name2 ...

For each name, OUT_DIR/<name>.<round>.wrk are the page's runs and OUT_DIR/bare-<name>.<round>.wrk
the runs of the bare view returning the same bytes, taken in turns. Throughput is all the rounds'
requests over all their time; p50 and p99 are the medians of the rounds' (this virtual machine's
throughput swings by up to 2.5x between rounds, the bare view's included), and the worst round's
p99 is printed beside them. Errors
are socket errors, non-2xx/3xx answers counted by wrk, and any status other than 200 in the
access log for that path.
"""

import collections
import re
import statistics
import sys
from pathlib import Path

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
ACCESS = re.compile(r'"(?:GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) ')


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


def parse_wrk(path):
    text = path.read_text() if path.exists() else ""
    if "Requests/sec" not in text:  # wrk could not run (server down, bad URL)
        return {
            "rps": 0.0,
            "requests": 0,
            "seconds": 0.0,
            "p50": 0.0,
            "p99": 0.0,
            "url": "/-/-/-",
            "errors": 1,
        }
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+(?:us|ms|s))", text).groups()
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "requests": int(requests),
        "seconds": milliseconds(seconds) / 1000,
        "p50": milliseconds(re.search(r"^\s+50%\s+(\S+)", text, re.MULTILINE).group(1)),
        "p99": milliseconds(re.search(r"^\s+99%\s+(\S+)", text, re.MULTILINE).group(1)),
        "url": re.search(r"@ (\S+)", text).group(1),
        "errors": 0,
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    figures["errors"] += int(non_2xx.group(1)) if non_2xx else 0
    figures["errors"] += sum(map(int, sockets.groups())) if sockets else 0
    return figures


def parse_rounds(out, name):
    """The rounds of one view (see the module's docstring), as one run."""
    runs = [parse_wrk(path) for path in sorted(out.glob(f"{name}.*.wrk"))] or [
        parse_wrk(out / f"{name}.wrk")
    ]
    seconds = sum(run["seconds"] for run in runs)
    return {
        "rps": sum(run["requests"] for run in runs) / seconds if seconds else 0.0,
        "requests": sum(run["requests"] for run in runs),
        "p50": statistics.median(run["p50"] for run in runs),
        "p99": statistics.median(run["p99"] for run in runs),
        "p99_worst": max(run["p99"] for run in runs),
        "url": runs[0]["url"],
        "errors": sum(run["errors"] for run in runs),
    }


def access_statuses(out):
    statuses = collections.defaultdict(collections.Counter)
    log = out / "gunicorn.log"
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            match = ACCESS.search(line)
            if match:
                statuses[match.group(1)][match.group(2)] += 1
    return statuses


def main(out, names):
    out = Path(out)
    statuses = access_statuses(out)
    rows = []
    failed = False
    print(
        "| target | req/s | p50 (ms) | p99 (ms) | p99, worst round (ms) | errors "
        "| bare view req/s | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        page = parse_rounds(out, name)
        bare = parse_rounds(out, f"bare-{name}")
        path = "/" + page["url"].split("/", 3)[3]
        not_ok = sum(n for status, n in statuses[path].items() if status != "200")
        errors = page["errors"] + not_ok
        ratio = page["rps"] / bare["rps"] if bare["rps"] else 0.0
        failed |= errors > 0 or ratio < 0.5 or page["p99"] >= 250
        rows.append(name)
        print(
            f"| {name} `{path}` | {page['rps']:.0f} | {page['p50']:.1f} | {page['p99']:.1f} "
            f"| {page['p99_worst']:.1f} | {errors} | {bare['rps']:.0f} | {ratio:.0%} |"
        )
    print()
    print("Targets (zero errors, ratio ≥ 50 %, p99 < 250 ms):", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
