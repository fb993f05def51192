"""Reading and validating the roster workbook (干部花名册, docs/roster-format.md).

``read_roster`` parses every row and returns the clean rows together with every problem
found, each naming the Excel row and column, so that nothing is written unless the
whole workbook is valid. It touches no database table.

Before openpyxl parses anything, ``inspect_workbook`` streams through the zip and checks the
sizes a workbook declares and holds (docs/security.md items 20 and 36): the first sheet's
``<dimension>``, the number of rows it really has (blank ones too), the length of each row and
of every part openpyxl reads whole, and the number of shared strings. A 20 MB file declaring
millions of blank rows is refused in a fraction of a second, without building those rows.
"""

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

from cadres import messages
from cadres.codes import (
    EDUCATION_ALIASES,
    ETHNICITY_OLD_NAMES,
    LEADERSHIP_LEVEL_ALIASES,
    POLITICAL_STATUS_ALIASES,
    EducationLevel,
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
    choice_by_name,
)
from cadres.dates import MonthDate
from cadres.idnumbers import IdNumberError, parse_id_number

# Header -> (attribute, required column).
COLUMNS = {
    "姓名": ("name", True),
    "性别": ("gender", True),
    "民族": ("ethnicity", True),
    "出生日期": ("birth_date", False),
    "身份证号": ("id_number", True),
    "政治面貌": ("political_status", True),
    "入党时间": ("party_join_date", False),
    "参加工作时间": ("work_start_date", False),
    "全日制学历": ("fulltime_level", False),
    "全日制学位": ("fulltime_degree", False),
    "全日制毕业院校及专业": ("fulltime_school", False),
    "在职学历": ("parttime_level", False),
    "在职学位": ("parttime_degree", False),
    "在职毕业院校及专业": ("parttime_school", False),
    "工作单位": ("department_name", True),
    "现任职务": ("post_title", False),
    "职务层次": ("level", False),
    "任现职时间": ("post_start", False),
    "职级": ("rank", False),
    "任现职级时间": ("rank_start", False),
    "人员状态": ("status", False),
    "状态变更时间": ("status_date", False),
    "状态变更原因": ("status_reason", False),
    "籍贯": ("native_place", False),
    "出生地": ("birthplace", False),
    "健康状况": ("health", False),
    "专业技术职务": ("professional_title", False),
    "专业技术职务取得时间": ("professional_title_date", False),
    "专长": ("specialty", False),
    "熟悉专业有何专长": ("familiar_expertise", False),
    "备注": ("remarks", False),
}
HEADER_OF = {attr: header for header, (attr, _) in COLUMNS.items()}
# Columns added after offices had their workbooks: a workbook without one leaves the field as it is
# (re-importing last year's roster must not wipe what was entered on the record page since).
KEPT_WHEN_ABSENT = frozenset({"professional_title_date", "specialty", "familiar_expertise", "status_date",
                              "status_reason"})

TEXT_LIMITS = {
    "fulltime_degree": 50, "parttime_degree": 50, "fulltime_school": 200, "parttime_school": 200,
    "department_name": 100, "post_title": 100, "native_place": 50, "birthplace": 50, "health": 50,
    "professional_title": 100, "specialty": 100, "familiar_expertise": 200, "remarks": 2000, "status_reason": 200,
}

# Uncompressed size and entry count a workbook may unpack to (zip-bomb guard).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
# openpyxl reads some parts whole (styles, the workbook, relationships; a sheet's XML before and
# after its rows): none of a roster's comes near this.
MAX_PART_BYTES = 16 * 1024 * 1024
# One row's XML: a roster row with every column filled is a few kilobytes.
MAX_ROW_BYTES = 1024 * 1024
# Rows a sheet may hold, blank ones included, per data row allowed (blank rows are skipped, but
# reading them costs time too).
SHEET_ROWS_PER_DATA_ROW = 2

_FULL_DATE = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-.](\d{1,2})$")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class RowError:
    """One problem in the workbook: Excel row number, column header, message."""

    row: int
    column: str
    message: str

    def __str__(self):
        return f"第{self.row}行 {self.column}: {self.message}"


@dataclass
class EducationEntry:
    level: str
    degree: str
    school_major: str


@dataclass
class RosterRow:
    """One valid row, with codes in place of names."""

    row: int
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    id_number: str
    political_status: str
    party_join_date: dt.date | None
    work_start_date: dt.date | None
    fulltime: EducationEntry | None
    parttime: EducationEntry | None
    department_name: str
    post_title: str
    level: str
    post_start: dt.date | None
    rank: str
    rank_start: dt.date | None
    status: str
    native_place: str
    birthplace: str
    health: str
    professional_title: str
    remarks: str
    professional_title_date: dt.date | None = None
    specialty: str = ""
    familiar_expertise: str = ""
    status_date: dt.date | None = None  # the first day out of service (人员状态 not 在职)
    status_reason: str | None = None  # 状态变更原因; None: the workbook has no such column (keep the stored one)
    absent: frozenset[str] = frozenset()  # the ``KEPT_WHEN_ABSENT`` fields the workbook has no column for


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class WorkbookRejected(Exception):
    """The file cannot be read as a roster at all (type, size, structure)."""


@dataclass(frozen=True)
class WorkbookShape:
    """What a workbook holds, measured without parsing it (``inspect_workbook``).

    ``declared_rows`` is the last row of the first sheet's ``<dimension>`` (None without one);
    ``sheet_rows`` the rows it really has, blank ones included (the highest row number, or the
    number of rows where that is larger); ``sheet_bytes`` its unpacked XML; ``shared_strings``
    the entries of the shared-string table.
    """

    declared_rows: int | None
    sheet_rows: int
    sheet_bytes: int
    shared_strings: int

    @property
    def data_rows(self) -> int:
        """Return an upper bound of the data rows (the header row not counted)."""
        return max(self.declared_rows or 0, self.sheet_rows, 1) - 1

    def fits(self, rows: int) -> bool:
        """Return whether reading this workbook costs no more than reading ``rows`` full rows."""
        return (self.data_rows <= rows and self.sheet_bytes <= (rows + 1) * _FULL_ROW_BYTES
                and self.shared_strings <= (rows + 1) * len(COLUMNS))


# Unpacked XML of one row with every column filled, generously (inline strings, long texts).
_FULL_ROW_BYTES = 4096
_CHUNK = 1024 * 1024
_P = rb"<(?:[A-Za-z_][\w.\-]*:)?"  # an element's start, with or without a namespace prefix
_ROW_START = re.compile(_P + rb"row(?=[\s/>])([^<]*)")  # the row's tag (and any text after it)
_PLAIN_ROW_NUMBER = re.compile(rb'\sr="(\d{1,9})"')
_SHEET_DATA = re.compile(_P + rb"sheetData(?=[\s/>])")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?sheetData\s*>")
_DIMENSION = re.compile(_P + rb"dimension(?=[\s/>])")
_SHARED_STRING = re.compile(_P + rb"si(?=[\s/>])")
_ROW_NUMBER = re.compile(rb"(?<![\w:.\-])r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"(?<![\w:.\-])ref\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def inspect_workbook(handle: IO[bytes], *, max_rows: int | None = None) -> WorkbookShape:
    """Measure a workbook without parsing it; raise WorkbookRejected where it is too big or malformed.

    Checks, streaming through the zip with bounded reads: the entries and their unpacked size;
    every part openpyxl reads whole (16 MB each); the first sheet's rows, blank ones included, as
    its dimension declares them and as it has them (each at most twice ``max_rows`` and the
    header: blank rows are skipped, but reading them costs time too), and the length of each
    row; the rows of any other sheet openpyxl would read through to find its size;
    the shared strings (at most one per cell of the rows allowed). Leaves ``handle`` at its start.
    """
    max_rows = max_rows or settings.ROSTER_UPLOAD_MAX_ROWS
    try:
        with zipfile.ZipFile(handle) as archive:
            shape = _inspect_archive(archive, max_rows)
    except zipfile.BadZipFile:
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    finally:
        handle.seek(0)
    return shape


def _inspect_archive(archive: zipfile.ZipFile, max_rows: int) -> WorkbookShape:
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS

    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise WorkbookRejected(messages.IMPORT_UNREADABLE)
    sizes = {entry.filename: entry.file_size for entry in entries}
    try:
        from openpyxl.packaging.manifest import Manifest
        from openpyxl.xml.functions import fromstring

        _check_whole_part(sizes, ARC_CONTENT_TYPES)
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        strings = manifest.find(SHARED_STRINGS)
        strings_part = strings.PartName[1:] if strings is not None else None
        for name in sizes:
            if name != strings_part and "/worksheets/" not in name and name.endswith((".xml", ".rels")):
                _check_whole_part(sizes, name)
        parser = WorkbookParser(archive, _find_workbook_part(manifest).PartName[1:], keep_links=False)
        parser.parse()
        sheets = [rel.target for _, rel in parser.find_sheets()
                  if rel.target in sizes and "chartsheet" not in rel.Type]
    except WorkbookRejected:
        raise
    except Exception:  # a damaged package: openpyxl raises many kinds, all mean the same to the user
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    if not sheets:
        raise WorkbookRejected(messages.IMPORT_NO_SHEET)

    row_limit = (max_rows + 1) * SHEET_ROWS_PER_DATA_ROW
    first = _scan_sheet(archive, sheets[0], row_limit=row_limit, declared_limit=row_limit)
    for name in sheets[1:]:
        # openpyxl reads every sheet's dimension; one without any it finds by reading every row.
        _scan_sheet(archive, name, row_limit=row_limit, declared_limit=None)
    shared = 0
    if strings_part is not None and strings_part in sizes:
        shared = _count_shared_strings(archive, strings_part, limit=(max_rows + 1) * len(COLUMNS))
    return WorkbookShape(declared_rows=first.declared_rows, sheet_rows=first.rows,
                         sheet_bytes=sizes[sheets[0]], shared_strings=shared)


def _check_whole_part(sizes: dict[str, int], name: str) -> None:
    if sizes.get(name, 0) > MAX_PART_BYTES:
        raise WorkbookRejected(messages.IMPORT_UNREADABLE)


def _tag(body: bytes, start: int) -> bytes:
    """Return the markup from ``start`` up to the next ``<``: the whole tag (a value may hold ``>``)."""
    end = body.find(b"<", start + 1)
    return body[start:] if end == -1 else body[start:end]


def _value(match: re.Match) -> bytes:
    return match.group(1) if match.group(1) is not None else match.group(2)


def _tag_aligned_chunks(archive: zipfile.ZipFile, name: str):
    """Yield (offset, bytes) of the part ``name``, each piece ending just before a ``<``.

    A tag never spans two pieces (a tag ends before the next one begins), so a pattern
    matching a tag's start finds the whole tag in its piece. The text carried over to the
    next piece is what follows the last ``<``: a single element's text, bounded.
    """
    carry, offset = b"", 0
    with archive.open(name) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            if not chunk:
                if data:
                    yield offset, data
                return
            cut = data.rfind(b"<")
            if cut <= 0:
                cut = 0 if cut == 0 else len(data)
            body, carry = data[:cut], data[cut:]
            if len(carry) > MAX_ROW_BYTES:
                raise WorkbookRejected(messages.IMPORT_UNREADABLE)
            if _DOCTYPE.search(body):  # entities could expand into rows nobody counted
                raise WorkbookRejected(messages.IMPORT_UNREADABLE)
            if body:
                yield offset, body
            offset += len(body)


@dataclass
class _SheetCount:
    declared_rows: int | None = None
    rows: int = 0


def _scan_sheet(archive, name: str, *, row_limit: int, declared_limit: int | None) -> _SheetCount:
    """Count a sheet's rows as openpyxl numbers them; check its dimension, row lengths and other parts.

    With ``declared_limit`` None (a sheet other than the first) the scan stops at the
    dimension: openpyxl reads no further there.
    """
    count = _SheetCount()
    seen_dimension = in_data = after_data = False
    data_start = data_end = None
    last_row_start = None
    number = elements = 0
    for offset, body in _tag_aligned_chunks(archive, name):
        position = 0
        if not in_data and not after_data:
            start = _SHEET_DATA.search(body)
            head = body if start is None else body[:start.start()]
            if not seen_dimension:
                dimension = _DIMENSION.search(head)
                if dimension is not None:
                    seen_dimension = True
                    count.declared_rows = _declared_rows(_tag(head, dimension.start()))
                    if declared_limit is None:
                        return count
                    if count.declared_rows is not None and count.declared_rows > declared_limit:
                        raise WorkbookRejected(messages.IMPORT_DECLARED_TOO_MANY_ROWS.format(
                            rows=count.declared_rows, limit=declared_limit))
            if start is None:
                if offset + len(body) > MAX_PART_BYTES:
                    raise WorkbookRejected(messages.IMPORT_UNREADABLE)
                continue
            data_start = offset + start.start()
            if data_start > MAX_PART_BYTES:
                raise WorkbookRejected(messages.IMPORT_UNREADABLE)
            in_data, position = True, start.end()
            if _tag(body, start.start()).rstrip().endswith(b"/>"):  # <sheetData/>: no rows
                in_data, after_data, data_end = False, True, data_start
        if in_data:
            end = _SHEET_DATA_END.search(body, position)
            stop = len(body) if end is None else end.start()
            for row in _ROW_START.finditer(body, position, stop):
                row_start = offset + row.start()
                if last_row_start is not None and row_start - last_row_start > MAX_ROW_BYTES:
                    raise WorkbookRejected(messages.IMPORT_ROW_TOO_LONG.format(row=number))
                last_row_start = row_start
                tag = row.group(1)
                plain = _PLAIN_ROW_NUMBER.search(tag) if tag.count(b"r=") == 1 else None
                number = int(plain.group(1)) if plain is not None else _row_number(tag, number)
                elements += 1
                count.rows = max(count.rows, number, elements)
                if count.rows > row_limit:
                    raise WorkbookRejected(messages.IMPORT_SHEET_TOO_MANY_ROWS.format(limit=row_limit))
            if end is not None:
                in_data, after_data, data_end = False, True, offset + end.end()
                if last_row_start is not None and offset + end.start() - last_row_start > MAX_ROW_BYTES:
                    raise WorkbookRejected(messages.IMPORT_ROW_TOO_LONG.format(row=number))
        if after_data and offset + len(body) - data_end > MAX_PART_BYTES:
            raise WorkbookRejected(messages.IMPORT_UNREADABLE)
    if in_data:  # rows without the end of the sheet's data: a cut-off file
        raise WorkbookRejected(messages.IMPORT_UNREADABLE)
    return count


def _declared_rows(tag: bytes) -> int | None:
    """Return the last row of a ``<dimension ref=…>``; None for whole columns (``A:Z``)."""
    from openpyxl.utils.cell import range_boundaries

    match = _REF.search(tag)
    if match is None:
        return None
    try:
        return range_boundaries(_value(match).decode("ascii").strip())[3]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None


def _row_number(tag: bytes, previous: int) -> int:
    """Return the number openpyxl gives a row: its ``r`` (an integer, or a float equal to one), else the next."""
    numbers = []
    for match in _ROW_NUMBER.finditer(tag):  # every r="…" in the tag: a value quoting r="1" hides nothing
        text = _value(match).decode("ascii", "replace").strip()
        try:
            numbers.append(int(text))
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
            if not value.is_integer():
                raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
            numbers.append(int(value))
    return max(numbers) if numbers else previous + 1


def _count_shared_strings(archive, name: str, *, limit: int) -> int:
    found = 0
    for _, body in _tag_aligned_chunks(archive, name):
        found += len(_SHARED_STRING.findall(body))
        if found > limit:
            raise WorkbookRejected(messages.IMPORT_TOO_MANY_STRINGS)
    return found


def clean_header(value) -> str:
    return _SPACES.sub("", str(value)) if value is not None else ""


def clean_text(value) -> str:
    """Return a cell as text, trimmed of ASCII and full-width spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().strip("\u3000").strip()


def parse_date(value, *, month_allowed: bool) -> dt.date | None:
    """Return the date in a cell, None for a blank cell; raise ValueError when unreadable.

    A year-month (where ``month_allowed``) is a ``MonthDate``: the first of the month, recorded to the month.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # A year-month typed into a number cell: 2014.07 arrives as the float 2014.07.
    text = f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else clean_text(value)
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    match = _YEAR_MONTH.match(text)
    if match and month_allowed:
        return MonthDate(int(match.group(1)), int(match.group(2)))  # recorded to the month (cadres.dates)
    raise ValueError(text)


@contextmanager
def first_sheet(handle: IO[bytes], *, max_rows: int):
    """Open an uploaded workbook's first sheet once ``inspect_workbook`` has measured it.

    Yield ``(shape, sheet, header)``: the measurements, the read-only sheet (its dimension reset,
    so the rows it has are read, not the ones its dimension claims: openpyxl would pad up to a
    dimension too large and stop at one too small) and the header row's values. Any workbook or
    row openpyxl cannot read, here or in the caller's loop, becomes ``WorkbookRejected`` with the
    one message users see for a damaged file; the workbook is closed however the block ends.
    Every upload of a workbook (roster, attendance) reads through here.
    """
    from openpyxl import load_workbook

    shape = inspect_workbook(handle, max_rows=max_rows)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    try:
        if not workbook.worksheets:
            raise WorkbookRejected(messages.IMPORT_NO_SHEET)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, values_only=True), None)
        if header is None:
            raise WorkbookRejected(messages.IMPORT_EMPTY)
        yield shape, sheet, header
    except _DAMAGED:  # a row openpyxl cannot read (bad XML, a bad cell type, a wrong checksum)
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    finally:
        workbook.close()


def read_roster(handle: IO[bytes], *, max_rows: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> ParsedRoster:
    """Parse and validate a roster workbook; raise WorkbookRejected if it cannot be read at all.

    The workbook is measured first (``inspect_workbook``). ``progress(rows_read, rows_in_sheet)``
    (the header row not counted) is called now and then while the rows are read.
    """
    max_rows = max_rows or settings.ROSTER_UPLOAD_MAX_ROWS
    with first_sheet(handle, max_rows=max_rows) as (shape, sheet, header):
        positions = _column_positions(header)
        result = ParsedRoster()
        for column in [h for h, (attr, required) in COLUMNS.items() if required and attr not in positions]:
            result.errors.append(RowError(1, column, messages.IMPORT_MISSING_COLUMN.format(column=column)))
        if result.errors:
            return result
        # Only the columns up to the last one the roster reads: a cell far to the right widens no row.
        rows = sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1, values_only=True)
        seen_ids: dict[str, int] = {}
        absent = KEPT_WHEN_ABSENT - positions.keys()
        data_rows = 0
        for number, values in enumerate(rows, start=2):
            if progress is not None and number % 1000 == 0:
                progress(number - 1, shape.sheet_rows - 1)  # data rows read, of the rows under the header
            if values is None or all(clean_text(v) == "" for v in values):
                continue
            data_rows += 1
            if data_rows > max_rows:
                raise WorkbookRejected(messages.IMPORT_TOO_MANY_ROWS.format(limit=max_rows))
            cells = {attr: (values[index] if index < len(values) else None) for attr, index in positions.items()}
            row, errors = _validate_row(number, cells, seen_ids, absent)
            result.errors.extend(errors)
            if row is not None:
                result.rows.append(row)
        if data_rows == 0:
            raise WorkbookRejected(messages.IMPORT_EMPTY)
        return result


# What reading a damaged sheet raises (ElementTree's ParseError is a SyntaxError).
_DAMAGED = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, SyntaxError, EOFError,
            zipfile.BadZipFile, zlib.error)


def _column_positions(header) -> dict[str, int]:
    positions = {}
    for index, value in enumerate(header):
        spec = COLUMNS.get(clean_header(value))
        if spec and spec[0] not in positions:
            positions[spec[0]] = index
    return positions


def _validate_row(number: int, cells: dict, seen_ids: dict[str, int],
                  absent: frozenset[str] = frozenset()) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(attr: str, message: str) -> None:
        errors.append(RowError(number, HEADER_OF[attr], message))

    def text(attr: str) -> str:
        value = clean_text(cells.get(attr))
        limit = TEXT_LIMITS.get(attr)
        if limit and len(value) > limit:
            fail(attr, messages.IMPORT_TOO_LONG.format(limit=limit))
        return value

    def date(attr: str, *, month_allowed: bool) -> dt.date | None:
        try:
            return parse_date(cells.get(attr), month_allowed=month_allowed)
        except ValueError:
            fail(attr, messages.IMPORT_BAD_DATE_OR_MONTH if month_allowed else messages.IMPORT_BAD_DATE)
            return None

    def coded(attr: str, choices, aliases=None, *, required: bool, normalize=None) -> str:
        raw = text(attr)
        if not raw:
            if required:
                fail(attr, messages.IMPORT_REQUIRED)
            return ""
        member = choice_by_name(choices, normalize(raw) if normalize else raw, aliases)
        if member is None:
            fail(attr, messages.IMPORT_UNKNOWN_VALUE.format(value=raw))
            return ""
        return member.value

    name = _SPACES.sub("", clean_text(cells.get("name")))
    if not name:
        fail("name", messages.IMPORT_REQUIRED)
    elif len(name) > 50:
        fail("name", messages.IMPORT_TOO_LONG.format(limit=50))

    gender = coded("gender", Gender, required=True)
    ethnicity = coded("ethnicity", Ethnicity, ETHNICITY_OLD_NAMES, required=True, normalize=_ethnicity_name)
    political_status = coded("political_status", PoliticalStatus, POLITICAL_STATUS_ALIASES, required=True)
    birth_date = date("birth_date", month_allowed=False)

    id_number = ""
    raw_id = clean_text(cells.get("id_number"))
    if not raw_id:
        fail("id_number", messages.IMPORT_REQUIRED)
    else:
        try:
            parsed = parse_id_number(raw_id)
        except IdNumberError as exc:
            fail("id_number", str(exc))
        else:
            id_number = parsed.value
            if id_number in seen_ids:
                fail("id_number", messages.IMPORT_DUPLICATE_ID.format(row=seen_ids[id_number]))
            else:
                seen_ids[id_number] = number
            if birth_date and birth_date != parsed.birth_date:
                fail("birth_date", messages.BIRTH_DATE_DISAGREES)
            birth_date = parsed.birth_date
            if gender and gender != parsed.gender:
                fail("gender", messages.GENDER_DISAGREES)

    party_join_date = date("party_join_date", month_allowed=True)
    work_start_date = date("work_start_date", month_allowed=True)
    fulltime = _education("fulltime", coded, text, fail)
    parttime = _education("parttime", coded, text, fail)

    department_name = text("department_name")
    if not department_name:
        fail("department_name", messages.IMPORT_REQUIRED)
    post_title = text("post_title")
    level = coded("level", LeadershipLevel, LEADERSHIP_LEVEL_ALIASES, required=False)
    post_start = date("post_start", month_allowed=True)
    if level and post_start is None and not any(e.column == HEADER_OF["post_start"] for e in errors):
        fail("post_start", messages.IMPORT_START_REQUIRED)
    if level and not post_title:
        post_title = LeadershipLevel(level).label
    rank = coded("rank", Rank, required=False)
    rank_start = date("rank_start", month_allowed=True)
    status = coded("status", PersonnelStatus, required=False) or PersonnelStatus.ACTIVE
    status_date = date("status_date", month_allowed=True)
    if status_date is not None:
        status_date = dt.date.fromordinal(status_date.toordinal())  # to the day: the field has no precision
        if status == PersonnelStatus.ACTIVE:
            fail("status_date", messages.IMPORT_STATUS_DATE_WHEN_ACTIVE)
        elif birth_date and status_date < birth_date:
            fail("status_date", messages.DATE_BEFORE_BIRTH)
    status_reason = None if "status_reason" in absent else text("status_reason")
    if status_reason and status == PersonnelStatus.ACTIVE:
        fail("status_reason", messages.IMPORT_STATUS_REASON_WHEN_ACTIVE)

    free = {attr: text(attr) for attr in ("native_place", "birthplace", "health", "professional_title", "specialty",
                                          "familiar_expertise", "remarks")}
    title_date = date("professional_title_date", month_allowed=True)
    if title_date is not None:
        if not free["professional_title"]:
            fail("professional_title_date", messages.TITLE_DATE_WITHOUT_TITLE)
        elif birth_date and title_date < birth_date:
            fail("professional_title_date", messages.DATE_BEFORE_BIRTH)

    if errors:
        return None, errors
    return RosterRow(
        row=number, name=name, gender=gender, ethnicity=ethnicity, birth_date=birth_date, id_number=id_number,
        political_status=political_status, party_join_date=party_join_date, work_start_date=work_start_date,
        fulltime=fulltime, parttime=parttime, department_name=department_name, post_title=post_title,
        level=level, post_start=post_start, rank=rank, rank_start=rank_start, status=status,
        professional_title_date=title_date, status_date=status_date, status_reason=status_reason, absent=absent,
        **free,
    ), []


def _ethnicity_name(raw: str) -> str:
    """Accept 汉 for 汉族: add the trailing 族 where the bare name is given."""
    if choice_by_name(Ethnicity, raw, ETHNICITY_OLD_NAMES) is None and not raw.endswith("族"):
        return raw + "族"
    return raw


def _education(prefix: str, coded, text, fail) -> EducationEntry | None:
    written = text(f"{prefix}_level")
    level = coded(f"{prefix}_level", EducationLevel, EDUCATION_ALIASES, required=False)
    degree = text(f"{prefix}_degree")
    school = text(f"{prefix}_school")
    if not level:
        if (degree or school) and not written:  # an unknown level is reported once, as unknown
            fail(f"{prefix}_level", messages.IMPORT_EDUCATION_LEVEL_REQUIRED)
        return None
    return EducationEntry(level=level, degree=degree, school_major=school)
