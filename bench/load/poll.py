"""Poll /sante/ and a signed-in page while PostgreSQL restarts; say when it broke and healed.

    python bench/load/poll.py BASE COOKIE PAGE SECONDS OUT_DIR

Writes OUT_DIR/poll.csv (seconds since start, what, status, milliseconds) and prints a summary;
then checks gunicorn's access log (OUT_DIR/gunicorn.log): no answer other than 200 may be logged
after the recovery. Exit status 1 if a request failed after the recovery.
"""

import collections
import csv
import datetime
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

INTERVAL = 0.2
ACCESS = re.compile(r'\[(\d\d/\w+/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "(\S+) (\S+) [^"]*" (\d{3})')


def fetch(url, cookie=None):
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0  # no answer at all
    return status, (time.monotonic() - started) * 1000


def main(base, cookie, page, seconds, out):
    out = Path(out)
    rows = []
    start_wall, start = time.time(), time.monotonic()
    while time.monotonic() - start < float(seconds):
        for what, url, sent_cookie in [("sante", "/sante/", None), ("page", page, cookie)]:
            status, ms = fetch(base + url, sent_cookie)
            rows.append((round(time.monotonic() - start, 2), what, status, round(ms)))
        time.sleep(INTERVAL)
    with open(out / "poll.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("t", "what", "status", "ms"), *rows])

    # The restart's start and end (epoch seconds), written by restart_pg.sh.
    restart_start, restart_end = (
        float(value) - start_wall for value in (out / "restart.times").read_text().split()
    )
    print(f"PostgreSQL restarted from {restart_start:.1f} s to {restart_end:.1f} s")
    down = [row for row in rows if row[1] == "sante" and row[2] != 200]
    if down:
        print(
            f"/sante/ failed from {down[0][0]:.1f} s to {down[-1][0]:.1f} s with "
            f"{sorted({row[2] for row in down})}, slowest answer {max(row[3] for row in down)} ms"
        )
    else:
        print("/sante/ never failed: the pool waited for PostgreSQL (up to DB_POOL_TIMEOUT)")
    recovered = next(
        (
            row[0]
            for row in rows
            if row[1] == "sante"
            and row[2] == 200
            and row[0] > max(restart_end, *[r[0] for r in down] or [0])
        ),
        None,
    )
    if recovered is None:
        print("/sante/ never recovered.")
        return 1
    print(
        f"/sante/ answered 200 at {recovered:.1f} s, "
        f"{recovered - restart_start:.1f} s after the restart began"
    )
    during = [row for row in rows if restart_start <= row[0] < recovered]
    print(f"answers to the poller during the restart: {sorted({row[2] for row in during})}")
    polled_failures = [row for row in rows if row[0] > recovered and row[2] != 200]

    # Every request gunicorn answered after the recovery (1 s margin: the log counts seconds).
    healed_at = start_wall + recovered + 1
    logged = collections.Counter()
    for line in (out / "gunicorn.log").read_text(errors="replace").splitlines():
        match = ACCESS.search(line)
        if match:
            when = datetime.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            if when > healed_at:
                logged[match.group(4)] += 1
    print(f"answers logged after the recovery: {dict(logged)}")
    failures = len(polled_failures) + sum(n for status, n in logged.items() if status != "200")
    print("no request failed after the recovery" if not failures else f"{failures} FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
