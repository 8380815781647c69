"""Reading an uploaded table (CSV or Excel) for an import, whatever the file holds.

Imports take files from outside (the provincial platform's export, old Excel
workbooks), so a file may be anything: random bytes, a picture or a program
named .xlsx, a damaged or hostile ZIP, a workbook of a million rows, a CSV
saved by Chinese Excel in GBK. ``read_table`` answers every such file with a
ValidationError in Chinese (the import form shows it on the file field) and
never with a server error, and its cost is bounded whatever the file says:

- the size of the upload is capped (``settings.IMPORT_MAX_BYTES``);
- a workbook's ZIP is checked from its table of contents like an attachment
  (total unpacked size, ratio, entries) and must have a workbook part;
- rows are streamed (openpyxl read-only) and reading stops at the first row
  past the limit, so a sheet that does not declare its size is not read whole;
- a CSV is decoded as UTF-8 (with or without BOM), else as GB18030, the
  superset of GBK that Chinese Excel writes.
"""

import csv
import io
import zipfile
from collections.abc import Iterator

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .uploads import check_archive_entries

XLSX, CSV = ".xlsx", ".csv"
# The part every .xlsx workbook has (Office Open XML spreadsheet).
_WORKBOOK_PART = "xl/workbook.xml"
# Cells further right are ignored: no import has more than a dozen columns.
MAX_COLUMNS = 100


def read_table(upload, *, max_rows: int, formats=(XLSX, CSV)) -> list[list]:
    """The rows of the uploaded table, header first; at most ``max_rows`` rows after the header.

    Excel cells keep their type (numbers stay numbers, empty cells are None);
    CSV cells are strings. Raises ValidationError for anything unreadable.
    """
    check_import_upload(upload, formats=formats)
    name = (upload.name or "").lower()
    upload.seek(0)
    rows = _xlsx_rows(upload) if name.endswith(XLSX) else _csv_rows(upload)
    table = []
    try:
        for row in rows:
            if len(table) > max_rows:
                raise ValidationError(
                    _("At most %(count)d rows per file."), code="too_many_rows", params={"count": max_rows}
                )
            table.append(row)
    finally:
        rows.close()
    if not table:
        raise ValidationError(_("The file is empty."), code="empty")
    return table


def check_import_upload(upload, *, formats=(XLSX, CSV)) -> None:
    """The checks an import file passes before it is opened: its type by name, its size."""
    name = (upload.name or "").lower()
    if not name.endswith(tuple(formats)):
        raise ValidationError(_wrong_type_message(formats), code="wrong_type")
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: an import may be at most %(max_mb)s MB."),
            code="file_too_large",
            params={"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _wrong_type_message(formats):
    if CSV in formats:
        return _("Upload a .csv or .xlsx file.")
    return _("Upload an .xlsx file made from the template.")


def _unreadable_workbook() -> ValidationError:
    return ValidationError(
        _("The file cannot be read as an Excel workbook. Save it in Excel as .xlsx and upload it again."),
        code="unreadable",
    )


def _xlsx_rows(upload) -> Iterator[list]:
    """Stream the rows of the active sheet, checking the ZIP before openpyxl touches it.

    openpyxl's ``load_workbook`` is not used: in read-only mode it scans the
    whole sheet for a <dimension> when there is none (a million rows cost
    half a minute before the first row), and it pads every row to a declared
    dimension, which a hostile file can set to 16,384 columns. The workbook
    part and shared strings are read with openpyxl's reader, the sheet's rows
    with its streaming parser, at most ``MAX_COLUMNS`` cells a row.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable_workbook() from exc
    check_archive_entries(entries)
    if _WORKBOOK_PART not in {entry.filename for entry in entries}:
        raise _unreadable_workbook()
    upload.seek(0)
    reader = None
    try:
        reader = ExcelReader(upload, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        sheets = [
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "worksheet" in rel.Type
        ]
        if not sheets:
            raise _unreadable_workbook()
        active = reader.wb._active_sheet_index
        path = sheets[active] if 0 <= active < len(sheets) else sheets[0]
        with reader.archive.open(path) as source:
            expected = 1
            for number, cells in WorkSheetParser(source, reader.shared_strings, data_only=True).parse():
                # Rows the sheet leaves out are empty rows: they count too.
                while expected < number:
                    yield []
                    expected += 1
                row = [None] * min(MAX_COLUMNS, max((cell["column"] for cell in cells), default=0))
                for cell in cells:
                    if cell["column"] <= MAX_COLUMNS:
                        row[cell["column"] - 1] = cell["value"]
                yield row
                expected = number + 1
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl and zipfile raise many types on damaged files; all mean "unreadable"
        raise _unreadable_workbook() from exc
    finally:
        if reader is not None:
            reader.archive.close()


def _csv_rows(upload) -> Iterator[list]:
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: an import may be at most %(max_mb)s MB."),
            code="file_too_large",
            params={"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    if b"\x00" in data:
        # Binary (or UTF-16) data: not a CSV a spreadsheet program saved as asked.
        raise _unreadable_csv()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise _unreadable_csv() from exc
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise _unreadable_csv() from exc


def _unreadable_csv() -> ValidationError:
    return ValidationError(
        _("The file cannot be read as a CSV table. Save it as “CSV (UTF-8)” or as .xlsx and upload it again."),
        code="unreadable",
    )


def _help_text(formats, max_rows) -> str:
    if CSV in formats:
        text = gettext(
            "A .csv (UTF-8 or GBK) or .xlsx file with the header row, at most %(max_mb)s MB and %(rows)d rows."
        )
    else:
        text = gettext("An .xlsx file made from the template, at most %(max_mb)s MB and %(rows)d rows.")
    return text % {"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "rows": max_rows}


class ImportFileField(forms.FileField):
    """The file field of an import form: states the limits, checks type and size before anything is opened."""

    def __init__(self, *, max_rows: int, formats=(XLSX, CSV), **kwargs):
        self.formats = tuple(formats)
        kwargs.setdefault("help_text", lazy(_help_text, str)(self.formats, max_rows))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ",".join(self.formats))
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            check_import_upload(upload, formats=self.formats)
        return upload
