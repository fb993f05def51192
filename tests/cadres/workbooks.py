"""Roster workbooks built in memory for the tests (docs/roster-format.md).

The tests never read the shared samples: a user's clone has no ``../shared``. A row is a
dict from column header to cell value; a header the row leaves out is a blank cell, and
``None`` in place of a row is a blank row.
"""

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from cadres.codes import Gender
from cadres.idnumbers import check_digit, make_id_number

HEADERS = [
    "姓名", "性别", "民族", "出生日期", "身份证号", "政治面貌", "入党时间", "参加工作时间",
    "全日制学历", "全日制学位", "全日制毕业院校及专业", "在职学历", "在职学位", "在职毕业院校及专业",
    "工作单位", "现任职务", "职务层次", "任现职时间", "职级", "任现职级时间", "人员状态",
    "籍贯", "出生地", "健康状况", "专业技术职务", "备注",
]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英"]
_DEPARTMENTS = ["办公室", "法规科", "综合执法大队", "档案馆"]

REGION = "320102"  # the factories use 1101xx, so imported and factory cadres never share a number


def id_number_for(n: int, birth_date: dt.date, gender: str) -> str:
    """Return the valid ID number of row ``n`` (distinct for n < 10,000)."""
    region = f"{int(REGION) + n // 100:06d}"
    return make_id_number(region, birth_date, n % 100, gender)


def with_bad_check_digit(id_number: str) -> str:
    """Return ``id_number`` with a wrong last character."""
    good = check_digit(id_number[:17])
    return id_number[:17] + ("1" if good != "1" else "2")


def valid_row(n: int = 0, **overrides) -> dict:
    """Return a valid row for a 副科实职 cadre; ``n`` makes name, birth date and ID number distinct.

    Keyword arguments replace cells by header (``valid_row(3, 民族="回族")``).
    """
    gender = Gender.MALE if n % 2 == 0 else Gender.FEMALE
    birth_date = dt.date(1980, 1, 1) + dt.timedelta(days=97 * n)
    row = {
        "姓名": _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)] + ("" if n < 20 else _GIVEN[n // 20 % 18]),
        "性别": Gender(gender).label,
        "民族": "汉族",
        "出生日期": birth_date,
        "身份证号": id_number_for(n, birth_date, gender),
        "政治面貌": "中共党员",
        "入党时间": "2010-07",
        "参加工作时间": "2008.07.01",
        "全日制学历": "大学本科毕业",
        "全日制学位": "法学学士",
        "全日制毕业院校及专业": "某某大学法学专业",
        "在职学历": "硕士研究生毕业",
        "在职学位": "公共管理硕士",
        "在职毕业院校及专业": "某省委党校",
        "工作单位": _DEPARTMENTS[n % len(_DEPARTMENTS)],
        "现任职务": "副科长",
        "职务层次": "乡科级副职",
        "任现职时间": dt.date(2020, 1, 1),
        "职级": "三级主任科员",
        "任现职级时间": "2019-06-01",
        "人员状态": "在职",
        "籍贯": "四川成都",
        "出生地": "四川成都",
        "健康状况": "健康",
        "专业技术职务": "",
        "备注": "",
    }
    row.update(overrides)
    return row


def valid_rows(count: int, start: int = 0) -> list[dict]:
    return [valid_row(n) for n in range(start, start + count)]


def invalid_workbook_rows() -> list[dict]:
    """Rows 2–41 with the kinds of faults of the sample invalid workbook, on the same Excel rows."""
    rows = valid_rows(40)
    bad = {
        11: {"身份证号": with_bad_check_digit(rows[9]["身份证号"])},
        12: {"出生日期": "1950-01-01"},
        14: {"民族": "火星族"},
        18: {"姓名": "  "},
        # a copy of row 3's number (with its own birth date, so that disagrees as well)
        20: {"身份证号": rows[1]["身份证号"], "性别": rows[1]["性别"], "姓名": "李\u3000建"},
        22: {"任现职时间": None, "职务层次": "乡科级正职"},
        26: {"性别": "女" if rows[24]["性别"] == "男" else "男"},
        29: {"政治面貌": "火星党"},
        38: {"任现职时间": "2020-13-45"},
    }
    for excel_row, overrides in bad.items():
        rows[excel_row - 2].update(overrides)
    return rows


INVALID_ROWS = {11, 12, 14, 18, 20, 22, 26, 29, 38}


def build_roster(rows: list[dict | None], headers: list[str] | None = None) -> bytes:
    """Return an .xlsx with ``headers`` (default: every column) in row 1 and ``rows`` from row 2."""
    headers = HEADERS if headers is None else headers
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(headers)
    for row in rows:
        if row is None:
            sheet.append([])
            continue
        sheet.append([row.get(_key(header)) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_roster(path: Path, rows: list[dict | None], headers: list[str] | None = None) -> Path:
    """Write ``build_roster(rows, headers)`` to ``path`` and return it."""
    path.write_bytes(build_roster(rows, headers))
    return path


def _key(header) -> str:
    """Return the header a decorated header (" 姓名\u3000") stands for, so rows keep plain keys."""
    return "".join(str(header).split()) if header is not None else ""
