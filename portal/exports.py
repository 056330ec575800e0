"""Exports that open cleanly in French spreadsheets, and cannot carry formulas.

CSV: UTF-8 with a byte-order mark and `;` as separator (what Excel and LibreOffice in French
expect). Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are neutralised with a leading apostrophe (OWASP "CSV injection"). Control characters
are removed from every cell (XLSX cannot hold them: forms and imports already remove them, this
covers anything stored before or by other means).
"""

import csv
import io

from django.http import HttpResponse

from portal.text import strip_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A cell value that no spreadsheet will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return value
    text = strip_control_characters(str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(filename, header, rows):
    """An attachment response with the rows as a French-spreadsheet-friendly CSV."""
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename, header, rows, title="Export"):
    """An attachment response with the rows as an XLSX workbook (one sheet)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def decode_upload(data):
    """Text of an uploaded CSV: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")
