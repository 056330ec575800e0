"""Template lines stay at a readable width (issue 11): a line of several hundred characters hides
what the template renders, and every change to it shows in review as the whole line."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
MAX_LENGTH = 200


def templates():
    return sorted(path for path in TEMPLATES.rglob("*") if path.is_file())


def long_lines(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if len(line) > MAX_LENGTH]


def test_no_template_line_is_longer_than_200_characters():
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in templates()
        for number in long_lines(path)
    ]
    assert offenders == []
