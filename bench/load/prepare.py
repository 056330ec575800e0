"""Turn the personas into the request files the Lua script reads; sign the members in.

The personas JSON is the shape bench/load/personas.py describes (bench/seed_national.py writes
the same). Each path gets a kind from its address (`kind_of`); visitors also read the
directory's national filter, the events and the commune pages of the file's communes.

    python bench/load/prepare.py PERSONAS_JSON BASE OUT_DIR [--accounts 40] [--visitors 0.6]

Every member account signs in through the real sign-in form (bench/load/login.py), then every
distinct page is requested once: only those answering 200 are kept (the others are counted and
named), which also warms the page cache as a running portal is. Writes, in OUT_DIR:

- `requests.tsv`: `kind<TAB>cookie<TAB>path` lines (cookie `-` for a visitor), drawn so that
  `--visitors` of them are visitors' and the rest members' (each kind equally likely within
  them); national.lua picks one at random for each request;
- `bare.tsv` and `bodies/<kind>.html`: the bare view returning one page of each kind, for the
  comparison run (bench/load/urls.py).
"""

import argparse
import json
import random
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from login import request, sign_in  # noqa: E402

LINES = 20_000
# (kind, pattern of the path), first match wins: the page kinds of the report.
KINDS = [
    ("directory-national", r"^/partenaires/\?(.*&)?scale=national"),
    ("directory-search", r"^/partenaires/\?(.*&)?q="),
    ("directory-commune", r"^/partenaires/\?(.*&)?commune="),
    ("directory", r"^/partenaires/(\?.*)?$"),
    ("partner", r"^/partenaires/[^/?]+/$"),
    ("roadmap-list", r"^/feuilles-de-route/$"),
    ("dashboard", r"^/feuilles-de-route/[^/]+/tableau-de-bord/$"),
    ("roadmap", r"^/feuilles-de-route/[^/]+/$"),
    ("guide", r"^/referents/[^/]+/guide/$"),
    ("referents", r"^/referents/[^/]+/$"),
    ("companies", r"^/entreprises/[^/]+/$"),
    ("territory", r"^/territoires/[^/]+/$"),
    ("commune", r"^/communes/"),
    ("events", r"^/evenements/"),
]


def kind_of(path, member):
    """The page kind of a path; members' kinds end in `-member` where visitors' have the same
    name (the directory signed in is another page of the cache)."""
    kind = next((kind for kind, pattern in KINDS if re.search(pattern, path)), "other")
    if member and kind.startswith(("directory", "partner")):
        return f"{kind}-member"
    if not member and kind in {"roadmap", "dashboard"}:
        return f"{kind}-public"  # the published variant
    return kind


def fetch(base, path, cookie):
    """(status, body, the redirect's path or None)."""
    try:
        response, body = request(base, "GET", path, headers={"Cookie": cookie} if cookie else {})
    except OSError as error:
        return 0, str(error), None
    location = urlsplit(response.headers.get("Location") or "")
    return response.status, body, location.path + (f"?{location.query}" if location.query else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("personas")
    parser.add_argument("base")
    parser.add_argument("out")
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--visitors", type=float, default=0.6)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--skip", default="", help="kinds left out, e.g. 'guide companies'")
    args = parser.parse_args()
    rng = random.Random(18)
    out = Path(args.out)
    (out / "bodies").mkdir(parents=True, exist_ok=True)
    personas = json.loads(Path(args.personas).read_text())

    # Over many territories; half of them coordinators (when there are), who see most pages.
    users = personas["users"]
    coordinators = [u for u in users if u["role"] == "coordinateur"]
    others = [u for u in users if u["role"] != "coordinateur"]
    wanted = min(len(coordinators), args.accounts // 2)
    accounts = rng.sample(coordinators, wanted)
    accounts += rng.sample(others, min(len(others), args.accounts - wanted))
    with ThreadPoolExecutor(args.parallel) as pool:
        cookies = list(
            pool.map(lambda a: sign_in(args.base, a["username"], personas["password"]), accounts)
        )
    print(f"{len(accounts)} accounts signed in through the sign-in form")

    # (cookie, path) candidates: every visitor page, every member page of each account.
    public = list(personas["paths"]["public"])
    public += ["/partenaires/?scale=national", "/evenements/"]
    public += [f"/communes/{code}-commune/" for code in personas.get("communes", [])[:50]]
    candidates = [("", path) for path in dict.fromkeys(public)]
    for account, cookie in zip(accounts, cookies, strict=True):
        for path in personas["paths"]["member"].get(account["territory"], []):
            candidates.append((cookie, path))
    skipped = set(args.skip.split())
    candidates = [c for c in candidates if kind_of(c[1], bool(c[0])) not in skipped]
    with ThreadPoolExecutor(args.parallel) as pool:
        answers = list(pool.map(lambda c: fetch(args.base, c[1], c[0]), candidates))

    visitors, members, refused = {}, {}, {}
    for (cookie, path), (status, body, location) in zip(candidates, answers, strict=True):
        if status == 301 and location:  # a commune page's address with its name
            path = location
            status, body, _ = fetch(args.base, path, cookie)
        kind = kind_of(path, bool(cookie))
        if status != 200:
            refused.setdefault(kind, []).append(f"{status} {path}")
            continue
        bodies = out / "bodies" / f"{kind}.html"
        if not bodies.exists():
            bodies.write_text(body)
        (members if cookie else visitors).setdefault(kind, []).append((cookie, path))
    for kind, lines in refused.items():
        print(f"  {kind}: {len(lines)} pages not answering 200, left out, e.g. {lines[:3]}")
    if not visitors and not members:
        sys.exit("no page answered 200")

    with open(out / "requests.tsv", "w") as handle:
        for _ in range(LINES):
            group = visitors if (rng.random() < args.visitors or not members) else members
            group = group or visitors or members
            kind = rng.choice(sorted(group))
            cookie, path = rng.choice(group[kind])
            handle.write(f"{kind}\t{cookie or '-'}\t{path}\n")
    kinds = sorted({*visitors, *members})
    with open(out / "bare.tsv", "w") as handle:
        for kind in kinds:
            handle.write(f"bare-{kind}\t{cookies[0] if cookies else '-'}\t/__bare__/{kind}/\n")
    for name, group in [("visitors", visitors), ("members", members)]:
        print(f"{name}: " + ", ".join(f"{k} {len(v)} pages" for k, v in sorted(group.items())))


if __name__ == "__main__":
    main()
