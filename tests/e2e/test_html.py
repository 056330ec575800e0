"""The HTML of every page type is well formed: html5lib's strict parser (the HTML5 parsing
algorithm, failing on the first parse error: unclosed or stray tags, duplicate attributes, bad
nesting) accepts it, and no id is used twice.

With the Nu Html Checker (`vnu.jar`, from the npm package vnu-jar) and java available, the same
pages are also validated against the HTML standard; bench/validate_html.sh installs it.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from portal.models import User
from tests.e2e.conftest import ACCOUNTS
from tests.e2e.pages import BY_NAME, CASES

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR",
        Path(__file__).resolve().parents[2] / "var/node/node_modules/vnu-jar/build/dist/vnu.jar",
    )
)


def page_html(client, name, persona):
    page_type = BY_NAME[name]
    client.logout()
    if persona != "visitor":
        client.force_login(User.objects.get(username=ACCOUNTS[persona]))
    path = page_type.path()
    response = client.post(path, {}) if page_type.submit else client.get(path)
    assert response.status_code == page_type.status, path
    return response.content.decode()


# A valid date or global date and time: at most three digits of fractions of a second.
VALID_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z))?")


def invalid_time_values(document):
    values = [element.get("datetime") for element in document.iter("time")]
    return [value for value in values if not VALID_TIME.fullmatch(value or "")]


def duplicate_ids(document):
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    return sorted({identifier for identifier in ids if ids.count(identifier) > 1})


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_page_html_is_well_formed(demo_world, client, name, persona):
    html = page_html(client, name, persona)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        line, column = parser.errors[-1][0] if parser.errors else ("?", "?")
        context = (
            html.splitlines()[line - 1][max(0, column - 80) : column + 40] if line != "?" else ""
        )
        pytest.fail(f"{name}: {error} at line {line}, column {column}: {context!r}")
    assert duplicate_ids(document) == []
    assert invalid_time_values(document) == []


@pytest.mark.skipif(
    not (shutil.which("java") and VNU_JAR.exists()),
    reason="Nu Html Checker not installed (bench/validate_html.sh installs it)",
)
def test_every_page_type_passes_the_nu_html_checker(demo_world, client, tmp_path):
    files = []
    for name, persona in CASES:
        file = tmp_path / f"{name}-{persona}.html"
        file.write_text(page_html(client, name, persona), encoding="utf-8")
        files.append(str(file))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message.get("type") == "error"
    ]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
