"""Running a benchmark's measuring part in a fresh process against a database of its own:
SQLite in a temporary directory, or a PostgreSQL database created and dropped around the run.
The script calls itself with `--worker` and its own arguments; the worker prints its results as
JSON on its last line."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def run_worker(script, arguments, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "DEBUG": "0"}
    env.pop("TEST_DATABASE_NAME", None)
    result = subprocess.run(
        [sys.executable, script, "--worker", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"Benchmark failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_sqlite(script, arguments):
    with tempfile.TemporaryDirectory() as directory:
        return run_worker(script, arguments, f"sqlite:///{Path(directory) / 'bench.sqlite3'}")


def bench_postgresql(script, arguments, name):
    import psycopg

    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_worker(script, arguments, server.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
