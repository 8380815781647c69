"""Excel (.xlsx) downloads of tables: admin change lists, dashboards."""

import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, date) or value is None or isinstance(value, int | float):
        return value
    return str(value)


def xlsx_response(filename: str, headers: list, rows) -> HttpResponse:
    """An .xlsx download with a bold header row and sensible column widths."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
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
