"""Excel (.xlsx) downloads of tables: admin change lists, dashboards.

Every export writes its cells here, so this is the one place that keeps user
text from running as a formula (CSV/formula injection). A string a spreadsheet
would treat as a formula (leading ``=``, ``+``, ``-``, ``@``, tab, carriage
return, or their full-width forms, which Chinese input methods type) is written
as an explicit text cell with Excel's "quote prefix" flag: the value is kept
exactly as the user wrote it (no visible apostrophe added), Excel, WPS and
LibreOffice show it as text, and it stays text when the admin edits the cell.
Numbers and dates stay numbers and dates.
"""

import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet may read as the start of a formula or a DDE command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _cell(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, date | int | float) or value is None:
        return value
    # Control characters are not allowed in the file format: openpyxl would
    # refuse the whole export because one user typed one.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _append(sheet, values) -> None:
    values = [_cell(value) for value in values]
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str) and is_formula_like(value):
            # openpyxl makes "=..." a formula cell: force a plain string.
            cell.data_type = "s"
            cell.quotePrefix = True


def xlsx_response(filename: str, headers: list, rows) -> HttpResponse:
    """An .xlsx download with a bold header row and sensible column widths."""
    workbook = Workbook()
    sheet = workbook.active
    _append(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(header)) * 2 + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportWholeListAdminMixin:
    """For a ModelAdmin with an `export_xlsx` action: choosing the action with no row
    ticked exports the whole (filtered, searched, scoped) list instead of refusing."""

    def changelist_view(self, request, extra_context=None):
        from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

        if (
            request.method == "POST"
            and request.POST.get("action") == "export_xlsx"
            and not request.POST.getlist(ACTION_CHECKBOX_NAME)
        ):
            changelist = self.get_changelist_instance(request)
            return self.export_xlsx(request, changelist.get_queryset(request))
        return super().changelist_view(request, extra_context)
