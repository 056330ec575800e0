"""Production settings, read in a separate process the way production starts (not under pytest)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DEBUG",
            "DATABASE_URL",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process
        }
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="maillage.example.org",
        CSRF_TRUSTED_ORIGINS="https://maillage.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    return env


def test_deploy_check_passes_with_production_variables(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = manage("check", env=production_env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_debug_is_off_unless_debug_is_1(production_env):
    script = (
        "import json; from portal import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps([s.DEBUG, db['ENGINE'], db.get('OPTIONS', {}), "
        "s.STORAGES['staticfiles']['BACKEND'], s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))"
    )

    def read(**env):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env={**production_env, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    debug, engine, options, storage, hosts, origins = read(DEBUG="oui-mais-non")
    assert debug is False
    assert engine == "django.db.backends.sqlite3"
    # SQLite: concurrent writers wait for the lock instead of failing.
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert hosts == ["maillage.example.org"]
    assert origins == ["https://maillage.example.org"]

    assert read(DEBUG="1")[0] is True

    _debug, engine, options, *_ = read(DATABASE_URL="postgres://maillage@db.example:5432/maillage")
    assert engine == "django.db.backends.postgresql"
    # A database that does not answer: the 503 page within 3 s (tests/security/test_bad_input.py).
    assert options["pool"] == {"min_size": 2, "max_size": 10, "timeout": 2}
    assert options["connect_timeout"] == 2
    _debug, _engine, options, *_ = read(
        DATABASE_URL="postgres://maillage@db.example:5432/maillage?sslmode=require",
        DB_CONNECT_TIMEOUT="5",
    )
    assert options["pool"]["timeout"] == options["connect_timeout"] == 5
    assert options["sslmode"] == "require"  # the URL's options are kept beside the pool's
    _debug, _engine, options, *_ = read(
        DATABASE_URL="postgres://maillage@db.example:5432/maillage", DB_POOL="0"
    )
    assert options == {"connect_timeout": 2}
