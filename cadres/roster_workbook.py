"""Reading and validating the roster workbook (干部花名册, ROSTER_FORMAT.md).

``read_roster`` parses every row and returns the clean rows together with every problem
found, each naming the Excel row and column, so that nothing is written unless the
whole workbook is valid. It touches no database table.
"""

import datetime as dt
import re
import zipfile
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
    "籍贯": ("native_place", False),
    "出生地": ("birthplace", False),
    "健康状况": ("health", False),
    "专业技术职务": ("professional_title", False),
    "备注": ("remarks", False),
}
HEADER_OF = {attr: header for header, (attr, _) in COLUMNS.items()}

TEXT_LIMITS = {
    "fulltime_degree": 50, "parttime_degree": 50, "fulltime_school": 200, "parttime_school": 200,
    "department_name": 100, "post_title": 100, "native_place": 50, "birthplace": 50, "health": 50,
    "professional_title": 100, "remarks": 2000,
}

# Uncompressed size and entry count a workbook may unpack to (zip-bomb guard).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000

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


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


class WorkbookRejected(Exception):
    """The file cannot be read as a roster at all (type, size, structure)."""


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
    """Return the date in a cell, None for a blank cell; raise ValueError when unreadable."""
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
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    raise ValueError(text)


def _check_unpacked_size(handle: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise WorkbookRejected(messages.IMPORT_UNREADABLE)
    handle.seek(0)


def read_roster(handle: IO[bytes], *, max_rows: int | None = None) -> ParsedRoster:
    """Parse and validate a roster workbook; raise WorkbookRejected if it cannot be read at all."""
    from openpyxl import load_workbook

    max_rows = max_rows or settings.ROSTER_UPLOAD_MAX_ROWS
    _check_unpacked_size(handle)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise WorkbookRejected(messages.IMPORT_UNREADABLE) from None
    try:
        if not workbook.worksheets:
            raise WorkbookRejected(messages.IMPORT_NO_SHEET)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise WorkbookRejected(messages.IMPORT_EMPTY)
        positions = _column_positions(header)
        result = ParsedRoster()
        for column in [h for h, (attr, required) in COLUMNS.items() if required and attr not in positions]:
            result.errors.append(RowError(1, column, messages.IMPORT_MISSING_COLUMN.format(column=column)))
        if result.errors:
            return result
        seen_ids: dict[str, int] = {}
        data_rows = 0
        for number, values in enumerate(rows, start=2):
            if values is None or all(clean_text(v) == "" for v in values):
                continue
            data_rows += 1
            if data_rows > max_rows:
                raise WorkbookRejected(messages.IMPORT_TOO_MANY_ROWS.format(limit=max_rows))
            cells = {attr: (values[index] if index < len(values) else None) for attr, index in positions.items()}
            row, errors = _validate_row(number, cells, seen_ids)
            result.errors.extend(errors)
            if row is not None:
                result.rows.append(row)
        if data_rows == 0:
            raise WorkbookRejected(messages.IMPORT_EMPTY)
        return result
    finally:
        workbook.close()


def _column_positions(header) -> dict[str, int]:
    positions = {}
    for index, value in enumerate(header):
        spec = COLUMNS.get(clean_header(value))
        if spec and spec[0] not in positions:
            positions[spec[0]] = index
    return positions


def _validate_row(number: int, cells: dict, seen_ids: dict[str, int]) -> tuple[RosterRow | None, list[RowError]]:
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

    free = {attr: text(attr) for attr in ("native_place", "birthplace", "health", "professional_title", "remarks")}

    if errors:
        return None, errors
    return RosterRow(
        row=number, name=name, gender=gender, ethnicity=ethnicity, birth_date=birth_date, id_number=id_number,
        political_status=political_status, party_join_date=party_join_date, work_start_date=work_start_date,
        fulltime=fulltime, parttime=parttime, department_name=department_name, post_title=post_title,
        level=level, post_start=post_start, rank=rank, rank_start=rank_start, status=status, **free,
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
