"""Read wrk outputs and gunicorn's access log; print the figures as a Markdown table.

    python bench/load/report.py OUT_DIR name1 name2 ...
    python bench/load/report.py --national OUT_DIR      # bench/load/national.sh's run

The national run's report is at the end of this file (`national`).

For each name, OUT_DIR/<name>.<round>.wrk are the page's runs and OUT_DIR/bare-<name>.<round>.wrk
the runs of the bare view returning the same bytes, taken in turns. Throughput is all the rounds'
requests over all their time; p50 and p99 are the medians of the rounds' (this virtual machine's
throughput swings by up to 2.5x between rounds, the bare view's included), and the worst round's
p99 is printed beside them. Errors
are socket errors, non-2xx/3xx answers counted by wrk, and any status other than 200 in the
access log for that path.
"""

import collections
import json
import re
import statistics
import sys
from pathlib import Path

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
ACCESS = re.compile(r'"(?:GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) ')


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
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
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+(?:us|ms|s|m|h))", text).groups()
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


NGINX = re.compile(
    r"^(?P<at>[\d.]+) (?P<status>\d{3}) (?P<total>[\d.]+) (?P<upstream>\S+(?:, \S+)*) "
    r'"(?P<addr>[^"]*)" "[^"]*" (?P<kind>\S+) (?P<cache>\S+) "(?P<uri>[^"]*)"$'
)
TARGET_HIT, TARGET_RATIO, TARGET_P99 = 0.90, 0.50, 300.0
CLIENT_GAVE_UP = 499  # nginx's status when the client closed the connection first


def is_error(row):
    return row["status"] >= 400 and row["status"] != CLIENT_GAVE_UP


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def nginx_lines(out):
    """nginx's access log (nginx.conf.template's `bench` format) as dicts; times in ms."""
    path = out / "nginx" / "access.log"
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        match = NGINX.match(line)
        if match:
            row = match.groupdict()
            upstream = [float(v) for v in re.findall(r"[\d.]+", row["upstream"])]
            yield {
                "at": float(row["at"]),
                "status": int(row["status"]),
                "ms": float(row["total"]) * 1000,
                "server_ms": (upstream[-1] * 1000) if upstream else None,
                "retried": "," in row["addr"],
                "kind": row["kind"],
                "cache": row["cache"],
            }


def hit_rate(counts):
    hits, misses = counts.get("cache_hit", 0), counts.get("cache_miss", 0)
    return hits / (hits + misses) if hits + misses else None


def share(value):
    return "–" if value is None else f"{value:.0%}"


def windows(out, rows):
    """Before, during and after the restart (restart.times: what, stopped at, back at)."""
    times = out / "restart.times"
    if not times.exists():
        return None
    what, stopped, back = times.read_text().split()
    stopped, back = float(stopped), float(back)
    return what, [
        ("before", [r for r in rows if r["at"] < stopped]),
        (
            f"{what} stopped → back ({back - stopped:.1f} s)",
            [r for r in rows if stopped <= r["at"] < back],
        ),
        ("after recovery", [r for r in rows if r["at"] >= back]),
    ]


def national(out):
    out = Path(out)
    if (out / "setup.txt").exists():
        print("```\n" + (out / "setup.txt").read_text().strip() + "\n```\n")
    load, bare = parse_wrk(out / "national.wrk"), parse_wrk(out / "bare.wrk")
    lua = json.loads((out / "lua.json").read_text()) if (out / "lua.json").exists() else {}
    started = float((out / "run.times").read_text().split()[0])
    ended = started + load["seconds"]
    # When its time is up wrk closes its 64 connections, each waiting for an answer: nginx logs
    # a 499 for each, in the last instant. Not errors (nor requests of the run).
    rows = [
        r
        for r in nginx_lines(out)
        if started <= r["at"] <= ended + 1
        and not (r["status"] == CLIENT_GAVE_UP and r["at"] >= ended - 1)
    ]
    pages = [r for r in rows if not r["kind"].startswith("bare-") and r["kind"] != "-"]
    bare_rows = [r for r in nginx_lines(out) if r["kind"].startswith("bare-")]
    writes = (out / "writes.log").read_text().splitlines() if (out / "writes.log").exists() else []
    failed_writes = [line for line in writes if " ERROR " in line]

    overall_hit = hit_rate(lua.get("all", {}))
    ratio = load["rps"] / bare["rps"] if bare["rps"] else 0.0
    # 499: wrk gave up waiting (its timeout), already among wrk's socket errors.
    gave_up = sum(1 for r in pages if r["status"] == CLIENT_GAVE_UP)
    errors = load["errors"] + sum(1 for r in pages if is_error(r))
    print("| | req/s | p50 (ms) | p99 (ms) | errors | cache hit rate | bare view req/s | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    # p50 and p99 from nginx's log: wrk leaves the answers slower than its timeout out of its
    # latency distribution (it counts them as timeouts), which would hide the slowest.
    times = [r["ms"] for r in pages if r["status"] != CLIENT_GAVE_UP]
    print(
        f"| all pages | {load['rps']:.0f} | {percentile(times, 0.5):.1f} "
        f"| {percentile(times, 0.99):.1f} | {errors} "
        f"| {share(overall_hit)} | {bare['rps']:.0f} | {ratio:.0%} |"
    )
    print(
        f"\nwrk: p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms of the answers faster than "
        f"WRK_TIMEOUT; {load['requests']} requests, errors counted by wrk (non-2xx/3xx, "
        "sockets; its `timeout` are answers slower than WRK_TIMEOUT, in any window) "
        f"{load['errors']}, other answers ≥ 400 in nginx's log {errors - load['errors']}, "
        f"requests wrk gave up on (499 in nginx's log) {gave_up}, redirects (pages that answered "
        f"200 before the run: a member's session lost?) {lua.get('all', {}).get('redirect', 0)}; "
        f"writes: {len(writes)} ({len(failed_writes)} failed); "
        f"nginx tried the other instance for {sum(r['retried'] for r in pages)} requests.\n"
    )

    print("Per kind of page (nginx's log; the server time is gunicorn's, without nginx):\n")
    print(
        "| kind | answers | p50 (ms) | p99 (ms) | errors | given up | cache hit rate | not cached "
        "| server p50 (ms) | bare view server p50 (ms) | server time ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in sorted({r["kind"] for r in pages}):
        given_up = sum(1 for r in pages if r["kind"] == kind and r["status"] == CLIENT_GAVE_UP)
        mine = [r for r in pages if r["kind"] == kind and r["status"] != CLIENT_GAVE_UP]
        counts = lua.get(kind, {})
        server = percentile([r["server_ms"] for r in mine if r["server_ms"] is not None], 0.5)
        bare_server = percentile(
            [r["server_ms"] for r in bare_rows if r["kind"] == f"bare-{kind}" and r["server_ms"]],
            0.5,
        )
        none = counts.get("cache_none", 0) / counts["requests"] if counts.get("requests") else None
        print(
            f"| {kind} | {len(mine)} | {percentile([r['ms'] for r in mine], 0.5):.1f} "
            f"| {percentile([r['ms'] for r in mine], 0.99):.1f} "
            f"| {sum(1 for r in mine if is_error(r))} | {given_up} | {share(hit_rate(counts))} "
            f"| {share(none)} | {server:.1f} | {bare_server:.1f} "
            f"| {share(bare_server / server if server and bare_server else None)} |"
        )

    restart = windows(out, pages)
    if restart:
        what, parts = restart
        print(f"\nRestart of {what} during the load (nginx's log):\n")
        print(
            "| window | requests | errors | statuses of the errors | redirects (sessions lost?) "
            "| sent to the other instance |"
        )
        print("|---|---:|---:|---|---:|---:|")
        for name, part in parts:
            bad = collections.Counter(r["status"] for r in part if r["status"] >= 400)  # 499 too
            print(
                f"| {name} | {len(part)} | {sum(bad.values())} | {dict(bad) or ''} "
                f"| {sum(1 for r in part if 300 <= r['status'] < 400)} "
                f"| {sum(r['retried'] for r in part)} |"
            )
        after_errors = sum(1 for r in parts[-1][1] if r["status"] >= 400)
        if not parts[-1][1]:
            print("\nNo request after recovery: the run ended first (RESTART_AT, DURATION).")
        print(f"\nAfter recovery: {'no error' if not after_errors else f'{after_errors} ERRORS'}.")

    if (out / "cpu.md").exists():
        print("\nCPU per request, in process, against the bare view (bench/load/cpu.py):\n")
        print((out / "cpu.md").read_text().strip())

    met = (
        errors == 0
        and (overall_hit or 0) >= TARGET_HIT
        and ratio >= TARGET_RATIO
        and percentile(times, 0.99) < TARGET_P99
    )
    print(
        f"\nTargets (hit rate ≥ {TARGET_HIT:.0%}, ≥ {TARGET_RATIO:.0%} of the bare view, "
        f"p99 < {TARGET_P99:.0f} ms, zero errors):",
        "met" if met else "MISSED",
    )
    return 0 if met else 1


if __name__ == "__main__":
    if sys.argv[1] == "--national":
        sys.exit(national(sys.argv[2]))
    sys.exit(main(sys.argv[1], sys.argv[2:]))
