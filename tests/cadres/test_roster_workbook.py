"""Reading and validating the roster workbook (docs/roster-format.md); no database involved."""

import datetime as dt
import io
import zipfile

import pytest

from cadres import messages
from cadres.codes import (
    EducationLevel,
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
)
from cadres.roster_workbook import RowError, WorkbookRejected, parse_date, read_roster
from tests.cadres.workbooks import (
    HEADERS,
    INVALID_ROWS,
    build_roster,
    id_number_for,
    invalid_workbook_rows,
    valid_row,
    valid_rows,
    with_bad_check_digit,
)

D = dt.date


def read(rows, headers=None, **kwargs):
    return read_roster(io.BytesIO(build_roster(rows, headers)), **kwargs)


def read_one(**overrides):
    """Parse a workbook of one row changed by ``overrides``; return the parsed row, failing on any error."""
    parsed = read([valid_row(0, **overrides)])
    assert parsed.errors == []
    (row,) = parsed.rows
    return row


def errors_of(**overrides) -> list[str]:
    parsed = read([valid_row(0, **overrides)])
    assert parsed.rows == []
    return [str(error) for error in parsed.errors]


# --- layout ------------------------------------------------------------------------------------


def test_valid_row_is_read_with_codes_in_place_of_names():
    row = read_one()
    expected = valid_row(0)
    assert row.row == 2
    assert row.name == expected["姓名"]
    assert row.gender == Gender.MALE
    assert row.ethnicity == Ethnicity.HAN
    assert row.birth_date == D(1980, 1, 1)
    assert row.id_number == expected["身份证号"]
    assert row.political_status == PoliticalStatus.CPC_MEMBER
    assert row.party_join_date == D(2010, 7, 1)
    assert row.work_start_date == D(2008, 7, 1)
    assert (row.fulltime.level, row.fulltime.degree, row.fulltime.school_major) == (
        EducationLevel.BACHELOR, "法学学士", "某某大学法学专业")
    assert (row.parttime.level, row.parttime.degree, row.parttime.school_major) == (
        EducationLevel.MASTER, "公共管理硕士", "某省委党校")
    assert row.department_name == "办公室"
    assert (row.post_title, row.level, row.post_start) == ("副科长", LeadershipLevel.TOWNSHIP_DEPUTY, D(2020, 1, 1))
    assert (row.rank, row.rank_start) == (Rank.PRINCIPAL_STAFF_3, D(2019, 6, 1))
    assert row.status == PersonnelStatus.ACTIVE
    assert (row.native_place, row.birthplace, row.health) == ("四川成都", "四川成都", "健康")


def test_headers_in_any_order_are_matched_by_name():
    headers = list(reversed(HEADERS))
    parsed = read(valid_rows(3), headers)
    assert parsed.errors == []
    assert [row.id_number for row in parsed.rows] == [valid_row(n)["身份证号"] for n in range(3)]
    assert parsed.rows[1].name == valid_row(1)["姓名"]


def test_headers_with_surrounding_ascii_and_full_width_spaces_are_recognised():
    headers = [f" {h}\u3000" if i % 3 == 0 else (f"\u3000{h} " if i % 3 == 1 else h) for i, h in enumerate(HEADERS)]
    parsed = read([valid_row(0)], headers)
    assert parsed.errors == []
    assert parsed.rows[0].birth_date == D(1980, 1, 1)
    assert parsed.rows[0].fulltime.school_major == "某某大学法学专业"


def test_unknown_columns_are_ignored():
    headers = ["序号", *HEADERS[:5], "联系电话", *HEADERS[5:], None]
    rows = [dict(valid_row(n), 序号=n + 1, 联系电话="13800000000") for n in range(2)]
    parsed = read(rows, headers)
    assert parsed.errors == []
    assert len(parsed.rows) == 2


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel():
    blank_with_spaces = dict.fromkeys(HEADERS, " ")
    rows = [valid_row(0), None, blank_with_spaces, valid_row(1), None, valid_row(2, 民族="火星族")]
    parsed = read(rows)
    assert [row.row for row in parsed.rows] == [2, 5]
    assert [str(error) for error in parsed.errors] == ["第7行 民族: 无法识别的取值“火星族”"]


def test_only_optional_columns_missing_is_fine():
    required = ["姓名", "性别", "民族", "身份证号", "政治面貌", "工作单位"]
    row = read([valid_row(0)], required).rows[0]
    assert row.birth_date == D(1980, 1, 1)  # from the ID number
    assert (row.post_title, row.level, row.rank, row.fulltime) == ("", "", "", None)
    assert row.status == PersonnelStatus.ACTIVE


@pytest.mark.parametrize("missing", ["姓名", "性别", "民族", "身份证号", "政治面貌", "工作单位"])
def test_missing_required_column_is_reported_on_the_header_row(missing):
    parsed = read(valid_rows(2), [h for h in HEADERS if h != missing])
    assert parsed.rows == []
    message = messages.IMPORT_MISSING_COLUMN.format(column=missing)
    assert [str(e) for e in parsed.errors] == [f"第1行 {missing}: {message}"]


def test_every_missing_required_column_is_reported():
    parsed = read(valid_rows(1), [h for h in HEADERS if h not in ("姓名", "工作单位")])
    assert {(e.row, e.column) for e in parsed.errors} == {(1, "姓名"), (1, "工作单位")}


# --- names and text ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "name"), [("李\u3000建", "李建"), ("李 建", "李建"), (" 王\u3000\u3000刚 ", "王刚"),
                                          ("欧阳 晓 明", "欧阳晓明")])
def test_inner_ascii_and_full_width_spaces_in_names_are_removed(raw, name):
    assert read_one(姓名=raw).name == name


@pytest.mark.parametrize("raw", [None, "", "  ", "\u3000\u3000"])
def test_blank_name_is_required(raw):
    assert errors_of(姓名=raw) == ["第2行 姓名: 必填"]


def test_name_longer_than_50_characters_is_rejected():
    assert errors_of(姓名="名" * 51) == ["第2行 姓名: " + messages.IMPORT_TOO_LONG.format(limit=50)]


def test_free_text_is_trimmed():
    row = read_one(籍贯="\u3000四川成都 ", 备注=" 借调 ")
    assert (row.native_place, row.remarks) == ("四川成都", "借调")


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [D(2020, 1, 5), dt.datetime(2020, 1, 5), "2020-01-05", "2020.01.05", "2020/01/05", "20200105", "2020-1-5",
     " 2020.1.5 ", 20200105],
)
def test_full_date_formats_are_read(cell):
    assert read_one(任现职时间=cell).post_start == D(2020, 1, 5)


@pytest.mark.parametrize("cell", ["2014.07", "2014-07", "2014-7", 2014.07])
def test_year_month_means_first_of_month_where_allowed(cell):
    row = read_one(入党时间=cell, 参加工作时间=cell, 任现职时间=cell, 任现职级时间=cell)
    assert row.party_join_date == row.work_start_date == row.post_start == row.rank_start == D(2014, 7, 1)


def test_year_month_typed_as_number_keeps_october():
    assert read_one(任现职级时间=2019.10).rank_start == D(2019, 10, 1)


def test_integer_date_cell_is_read():
    assert read_one(任现职级时间=20190601).rank_start == D(2019, 6, 1)


def test_birth_date_does_not_allow_year_month():
    assert errors_of(出生日期="1980.01") == ["第2行 出生日期: " + messages.IMPORT_BAD_DATE]


def test_blank_birth_date_is_taken_from_the_id_number():
    assert read_one(出生日期=None).birth_date == D(1980, 1, 1)
    assert read_one(出生日期="").birth_date == D(1980, 1, 1)


@pytest.mark.parametrize("cell", ["1980-01-01", "1980.01.01", "19800101", 19800101, dt.datetime(1980, 1, 1)])
def test_birth_date_agreeing_with_id_number_in_any_format_is_accepted(cell):
    assert read_one(出生日期=cell).birth_date == D(1980, 1, 1)


@pytest.mark.parametrize("cell", ["2020-13-45", "2020-02-30", "2020.00", "2020-13", "2020", "去年", "2020年1月"])
def test_invalid_date_is_reported(cell):
    assert errors_of(任现职时间=cell) == ["第2行 任现职时间: " + messages.IMPORT_BAD_DATE_OR_MONTH]


def test_parse_date_returns_none_for_blank_cells():
    assert parse_date(None, month_allowed=True) is None
    assert parse_date("  ", month_allowed=False) is None


# --- code tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code"),
    [("汉族", "01"), ("汉", "01"), ("回", "03"), ("土家族", "15"), ("毛难族", "36"), ("毛南族", "36"), ("毛难", "36"),
     ("崩龙族", "46"), ("德昂族", "46"), ("其他", "97"), ("外国血统中国籍人士", "98")],
)
def test_ethnicity_with_or_without_trailing_zu_and_old_names(cell, code):
    assert read_one(民族=cell).ethnicity == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("中共党员", "01"), ("党员", "01"), ("中共预备党员", "02"), ("预备党员", "02"), ("共青团员", "03"), ("团员", "03"),
     ("无党派人士", "12"), ("无党派", "12"), ("九三学社社员", "10"), ("群众", "13")],
)
def test_political_status_names_and_aliases(cell, code):
    assert read_one(政治面貌=cell).political_status == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [("硕士研究生毕业", "14"), ("研究生", "14"), ("硕士研究生", "14"), ("博士研究生", "11"), ("大学本科毕业", "21"),
     ("大学本科", "21"), ("本科", "21"), ("大学", "21"), ("大学本科结业", "22"), ("大学专科", "31"), ("大专", "31"),
     ("中专", "41"), ("高中", "61"), ("初中", "71")],
)
def test_education_full_names_and_short_forms(cell, code):
    row = read_one(全日制学历=cell, 在职学历=cell)
    assert row.fulltime.level == row.parttime.level == code


def test_blank_education_gives_none():
    row = read_one(在职学历=None, 在职学位=None, 在职毕业院校及专业=None)
    assert row.parttime is None


def test_degree_without_education_level_is_reported():
    assert errors_of(在职学历=None) == ["第2行 在职学历: " + messages.IMPORT_EDUCATION_LEVEL_REQUIRED]


def test_unknown_education_is_reported():
    assert errors_of(全日制学历="野鸡大学") == ["第2行 全日制学历: 无法识别的取值“野鸡大学”"]


@pytest.mark.parametrize(
    ("cell", "code"),
    [("乡科级正职", "51"), ("正科", "51"), ("正科级", "51"), ("乡科级副职", "52"), ("副科", "52"), ("副科级", "52")],
)
def test_leadership_level_names_and_aliases(cell, code):
    assert read_one(职务层次=cell).level == code


def test_level_without_post_title_takes_the_level_as_title():
    row = read_one(现任职务=None, 职务层次="正科")
    assert (row.post_title, row.level) == ("乡科级正职", "51")


def test_post_without_level_needs_no_start():
    row = read_one(现任职务="科员", 职务层次=None, 任现职时间=None)
    assert (row.post_title, row.level, row.post_start) == ("科员", "", None)


@pytest.mark.parametrize(("cell", "code"), [("一级主任科员", "07"), ("四级主任科员", "10"), ("二级科员", "12")])
def test_rank_names(cell, code):
    assert read_one(职级=cell).rank == code


@pytest.mark.parametrize(
    ("cell", "status"),
    [(None, PersonnelStatus.ACTIVE), ("", PersonnelStatus.ACTIVE), ("在职", PersonnelStatus.ACTIVE),
     ("调出", PersonnelStatus.TRANSFERRED), ("退休", PersonnelStatus.RETIRED), ("免职", PersonnelStatus.REMOVED)],
)
def test_personnel_status_defaults_to_active(cell, status):
    assert read_one(人员状态=cell).status == status


def test_lower_case_x_in_id_number_is_accepted():
    birth = D(1984, 6, 21)
    number = next(id_number_for(n, birth, Gender.MALE) for n in range(0, 200, 2)
                  if id_number_for(n, birth, Gender.MALE).endswith("X"))
    row = read_one(出生日期=birth, 身份证号=number.lower())
    assert row.id_number == number


def test_gender_follows_the_id_number():
    female = valid_row(1)
    row = read([female]).rows[0]
    assert row.gender == Gender.FEMALE


# --- every kind of error, with row and column ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"身份证号": with_bad_check_digit(valid_row(0)["身份证号"])}, "第2行 身份证号: 校验位错误"),
        ({"身份证号": valid_row(0)["身份证号"][:17]}, "第2行 身份证号: 应为18位"),
        ({"身份证号": None}, "第2行 身份证号: 必填"),
        ({"出生日期": "1950-01-01"}, "第2行 出生日期: " + messages.BIRTH_DATE_DISAGREES),
        ({"性别": "女"}, "第2行 性别: " + messages.GENDER_DISAGREES),
        ({"性别": "未知"}, "第2行 性别: 无法识别的取值“未知”"),
        ({"民族": "火星族"}, "第2行 民族: 无法识别的取值“火星族”"),
        ({"政治面貌": "火星党"}, "第2行 政治面貌: 无法识别的取值“火星党”"),
        ({"政治面貌": None}, "第2行 政治面貌: 必填"),
        ({"姓名": "  "}, "第2行 姓名: 必填"),
        ({"工作单位": "\u3000"}, "第2行 工作单位: 必填"),
        ({"任现职时间": None}, "第2行 任现职时间: " + messages.IMPORT_START_REQUIRED),
        ({"任现职时间": "2020-13-45"}, "第2行 任现职时间: " + messages.IMPORT_BAD_DATE_OR_MONTH),
        ({"职务层次": "正处长"}, "第2行 职务层次: 无法识别的取值“正处长”"),
        ({"职级": "科长"}, "第2行 职级: 无法识别的取值“科长”"),
        ({"人员状态": "病休"}, "第2行 人员状态: 无法识别的取值“病休”"),
        ({"备注": "长" * 2001}, "第2行 备注: " + messages.IMPORT_TOO_LONG.format(limit=2000)),
    ],
)
def test_each_kind_of_error_names_row_and_column(overrides, expected):
    assert errors_of(**overrides) == [expected]


def test_row_error_reads_as_row_column_message():
    assert str(RowError(7, "身份证号", "校验位错误")) == "第7行 身份证号: 校验位错误"


def test_duplicate_id_number_is_reported_on_the_later_row():
    first = valid_row(0)
    again = valid_row(5, 身份证号=first["身份证号"].lower(), 出生日期=None, 性别="男")
    parsed = read([first, valid_row(1), again])
    assert [str(e) for e in parsed.errors] == ["第4行 身份证号: 与第2行重复"]
    assert [row.row for row in parsed.rows] == [2, 3]


def test_every_problem_of_one_row_is_reported():
    parsed = read([valid_row(0, 姓名="", 民族="火星族", 政治面貌="火星党", 任现职时间="2020-13-45")])
    assert {e.column for e in parsed.errors} == {"姓名", "民族", "政治面貌", "任现职时间"}


def test_all_bad_rows_are_reported_not_just_the_first():
    parsed = read(invalid_workbook_rows())
    assert {error.row for error in parsed.errors} == INVALID_ROWS
    assert {(e.row, e.column) for e in parsed.errors} == {
        (11, "身份证号"), (12, "出生日期"), (14, "民族"), (18, "姓名"), (20, "身份证号"), (20, "出生日期"),
        (22, "任现职时间"), (26, "性别"), (29, "政治面貌"), (38, "任现职时间"),
    }
    assert "第20行 身份证号: 与第3行重复" in [str(e) for e in parsed.errors]
    assert len(parsed.rows) == 40 - len(INVALID_ROWS)
    assert not parsed.is_valid


# --- upload guards ---------------------------------------------------------------------------------


def test_file_that_is_not_a_zip_is_rejected():
    with pytest.raises(WorkbookRejected) as excinfo:
        read_roster(io.BytesIO("姓名,性别\n张三,男\n".encode()))
    assert str(excinfo.value) == messages.IMPORT_UNREADABLE


def test_zip_that_is_not_a_workbook_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    buffer.seek(0)
    with pytest.raises(WorkbookRejected) as excinfo:
        read_roster(buffer)
    assert str(excinfo.value) == messages.IMPORT_UNREADABLE


def test_zip_with_too_many_entries_is_rejected(monkeypatch):
    from cadres import roster_workbook

    monkeypatch.setattr(roster_workbook, "MAX_ZIP_ENTRIES", 3)
    with pytest.raises(WorkbookRejected, match="无法读取"):
        read(valid_rows(1))


def test_too_many_rows_is_rejected_by_setting(settings):
    settings.ROSTER_UPLOAD_MAX_ROWS = 3
    assert len(read(valid_rows(3)).rows) == 3
    with pytest.raises(WorkbookRejected) as excinfo:
        read(valid_rows(4))
    assert str(excinfo.value) == messages.IMPORT_TOO_MANY_ROWS.format(limit=3)


def test_too_many_rows_is_rejected_by_argument():
    with pytest.raises(WorkbookRejected, match="行数过多（上限 2 行）"):
        read(valid_rows(3), max_rows=2)


def test_blank_rows_do_not_count_towards_the_row_limit():
    assert len(read([valid_row(0), None, None, valid_row(1)], max_rows=2).rows) == 2


def test_workbook_without_data_rows_is_rejected():
    with pytest.raises(WorkbookRejected) as excinfo:
        read([None, dict.fromkeys(HEADERS, "")])
    assert str(excinfo.value) == messages.IMPORT_EMPTY


def test_workbook_with_empty_sheet_is_rejected():
    with pytest.raises(WorkbookRejected) as excinfo:
        read([], headers=[])
    assert str(excinfo.value) in (messages.IMPORT_EMPTY, messages.IMPORT_MISSING_COLUMN.format(column="姓名"))
