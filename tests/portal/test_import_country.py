"""The whole country, in the test database: slow, so skipped unless MAILLAGE_SLOW_TESTS=1.

The figures of record come from bench/import_communes.py (docs/performance.md); this test
checks the same import from the suite, on whichever database the suite runs."""

import os
import time
from pathlib import Path

import pytest

from portal.imports import load_directory
from portal.models import EPCI, Commune

SOURCE = Path(
    os.environ.get(
        "COMMUNES_DATA",
        Path(__file__).resolve().parents[3] / "shared" / "data" / "decoupage-administratif",
    )
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("MAILLAGE_SLOW_TESTS") != "1" or not SOURCE.is_dir(),
        reason="whole-country import: set MAILLAGE_SLOW_TESTS=1 (and COMMUNES_DATA)",
    ),
]


def test_whole_country_imports_in_under_a_minute_and_again_changes_nothing():
    started = time.perf_counter()
    load_directory(SOURCE)
    first = time.perf_counter() - started
    assert Commune.objects.count() == 34969
    assert EPCI.objects.count() == 1255

    started = time.perf_counter()
    report = load_directory(SOURCE)
    second = time.perf_counter() - started

    assert not report.changed
    assert first < 60
    assert second < 60
