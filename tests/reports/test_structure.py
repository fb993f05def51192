"""月度报表的结构表 (issue 15, first part): ``cadre_office.reports.structure`` and ``monthly_report --json``.

Each rule of REPORTS_FORMAT.md is pinned with cadres built by the factories: the age bands on D
exactly, the education classes (毕业 only, 全日制 against the higher of 全日制 and 在职, nothing
obtained after D), a cadre holding both levels counted once as 正科, women, minorities, 党外, new
posts of the month, the unit subtree, and a query count that does not grow with the roster.
The public sample was checked by hand (docs/reports.md section 2).
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cadre_office.reports.structure import monthly_report_figures, new_posts, structure
from cadres.codes import Ethnicity, Gender, LeadershipLevel, PersonnelStatus, PoliticalStatus
from cadres.models import Education
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, PostFactory

pytestmark = pytest.mark.django_db

D = dt.date(2026, 12, 31)
ZHENG, FU = LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY
FULL, PART = Education.Kind.FULL_TIME, Education.Kind.PART_TIME


def zheng(**fields):
    cadre = CadreFactory(**fields)
    PostFactory(cadre=cadre, level=ZHENG, title="科长")
    return cadre


def fu(**fields):
    cadre = CadreFactory(**fields)
    PostFactory(cadre=cadre, level=FU, title="副科长")
    return cadre


def educated(full_time=None, part_time=None, *, graduated=None, level_maker=None):
    """A 副科 cadre with the given 全日制 and 在职 codes (a code or a list of codes each)."""
    cadre = (level_maker or fu)()
    for kind, codes in ((FULL, full_time), (PART, part_time)):
        for code in [codes] if isinstance(codes, str) else codes or []:
            EducationFactory(cadre=cadre, kind=kind, level=code, graduation_date=graduated)
    return cadre


def test_empty_roster_gives_zero_tables_with_every_label():
    table = structure(D)["正科"]
    assert table == {
        "total": 0,
        "age": dict.fromkeys(["30岁及以下", "31至35岁", "36至40岁", "41至45岁", "46至50岁", "51至55岁",
                              "56岁及以上"], 0),
        "education_full_time": dict.fromkeys(["研究生", "大学本科", "大学专科", "其他"], 0),
        "education_highest": dict.fromkeys(["研究生", "大学本科", "大学专科", "其他"], 0),
        "female": 0, "minority": 0, "non_party": 0,
    }
    assert list(structure(D)) == ["正科", "副科"]


@pytest.mark.parametrize(("age", "lower_band", "upper_band"), [
    (31, "30岁及以下", "31至35岁"), (36, "31至35岁", "36至40岁"), (41, "36至40岁", "41至45岁"),
    (46, "41至45岁", "46至50岁"), (51, "46至50岁", "51至55岁"), (56, "51至55岁", "56岁及以上"),
])
def test_age_bands_in_full_years_on_the_statistics_date(age, lower_band, upper_band):
    fu(birth_date=dt.date(D.year - age, 12, 31))  # birthday on D: ``age`` on D
    fu(birth_date=dt.date(D.year - age + 1, 1, 1))  # birthday the day after D: still ``age - 1``
    fu(birth_date=dt.date(D.year - age + 1, 12, 31))  # ``age - 1`` on D, birthday on D
    bands = structure(D)["副科"]["age"]
    assert bands[upper_band] == 1
    assert bands[lower_band] == 2
    assert sum(bands.values()) == 3


def test_age_on_29_february():
    fu(birth_date=dt.date(1996, 2, 29))  # 30 on 2026-12-31
    assert structure(D)["副科"]["age"]["30岁及以下"] == 1
    # On 2027-02-28 still 30; on 2027-03-01 (a common year) 31.
    assert structure(dt.date(2027, 2, 28))["副科"]["age"]["30岁及以下"] == 1
    assert structure(dt.date(2027, 3, 1))["副科"]["age"]["31至35岁"] == 1


@pytest.mark.parametrize(("codes", "expected"), [
    ("11", "研究生"), ("14", "研究生"), ("17", "研究生"),
    ("21", "大学本科"), ("28", "大学本科"), ("31", "大学专科"),
    ("12", "其他"), ("13", "其他"), ("15", "其他"), ("16", "其他"), ("18", "其他"), ("19", "其他"),
    ("22", "其他"), ("23", "其他"), ("32", "其他"), ("33", "其他"), ("41", "其他"), ("61", "其他"), ("90", "其他"),
    ([], "其他"), (["22", "31"], "大学专科"), (["15", "21"], "大学本科"), (["31", "21", "14"], "研究生"),
])
def test_full_time_education_classes_count_only_graduation(codes, expected):
    educated(full_time=codes)
    table = structure(D)["副科"]
    assert table["education_full_time"][expected] == 1
    assert sum(table["education_full_time"].values()) == 1
    assert table["education_highest"] == table["education_full_time"]


def test_part_time_education_counts_only_in_the_highest_table():
    educated(full_time="31", part_time="14")  # 全日制 大学专科, 在职 研究生
    educated(full_time="14", part_time="21")  # 全日制 higher than 在职
    educated(full_time=None, part_time="21")  # 在职 only
    educated(full_time="21", part_time="15")  # 在职 硕士结业 counts for nothing
    table = structure(D)["副科"]
    assert table["education_full_time"] == {"研究生": 1, "大学本科": 1, "大学专科": 1, "其他": 1}
    assert table["education_highest"] == {"研究生": 2, "大学本科": 2, "大学专科": 0, "其他": 0}


def test_education_obtained_after_the_statistics_date_is_not_counted():
    educated(full_time="21", graduated=dt.date(2027, 1, 1))
    educated(full_time="21", graduated=D)
    educated(full_time="31", part_time="14", graduated=dt.date(2027, 1, 1))
    table = structure(D)["副科"]
    assert table["education_full_time"] == {"研究生": 0, "大学本科": 1, "大学专科": 0, "其他": 2}
    assert table["education_highest"] == {"研究生": 0, "大学本科": 1, "大学专科": 0, "其他": 2}
    later = structure(dt.date(2027, 1, 31))["副科"]
    assert later["education_highest"] == {"研究生": 1, "大学本科": 2, "大学专科": 0, "其他": 0}


def test_a_cadre_holding_both_levels_counts_once_as_zheng():
    both = zheng(gender=Gender.FEMALE)
    PostFactory(cadre=both, level=FU, title="副主任")
    EducationFactory(cadre=both, kind=FULL, level="14")
    EducationFactory(cadre=both, kind=FULL, level="21")  # two records, still one cadre
    tables = structure(D)
    assert tables["正科"]["total"] == 1
    assert tables["正科"]["female"] == 1
    assert tables["正科"]["education_full_time"]["研究生"] == 1
    assert sum(tables["正科"]["education_full_time"].values()) == 1
    assert tables["副科"]["total"] == 0


def test_who_is_counted_on_the_statistics_date():
    fu()
    ended = CadreFactory()
    PostFactory(cadre=ended, level=FU, end_date=dt.date(2026, 12, 30))
    later = CadreFactory()
    PostFactory(cadre=later, level=ZHENG, start_date=dt.date(2027, 1, 1))
    fu(status=PersonnelStatus.RETIRED, status_date=dt.date(2026, 12, 1))  # left before D
    fu(status=PersonnelStatus.RETIRED, status_date=dt.date(2027, 1, 1))  # first day out after D: in service
    PostFactory(cadre=CadreFactory(), level=LeadershipLevel.COUNTY_DEPUTY)  # not 科级
    tables = structure(D)
    assert (tables["正科"]["total"], tables["副科"]["total"]) == (0, 2)


def test_women_minorities_and_non_party():
    zheng(gender=Gender.FEMALE, ethnicity=Ethnicity.HAN, political_status=PoliticalStatus.CPC_MEMBER)
    zheng(gender=Gender.MALE, ethnicity="02", political_status=PoliticalStatus.CPC_PROBATIONARY)  # 蒙古族, party
    zheng(gender=Gender.MALE, ethnicity=Ethnicity.HAN, political_status="03")  # 共青团员: 党外
    fu(gender=Gender.FEMALE, ethnicity="03", political_status="13")  # 回族 群众
    tables = structure(D)
    assert {key: tables["正科"][key] for key in ("total", "female", "minority", "non_party")} == \
        {"total": 3, "female": 1, "minority": 1, "non_party": 1}
    assert {key: tables["副科"][key] for key in ("total", "female", "minority", "non_party")} == \
        {"total": 1, "female": 1, "minority": 1, "non_party": 1}


def test_new_posts_started_in_the_month():
    PostFactory(cadre=CadreFactory(), level=ZHENG, start_date=dt.date(2026, 12, 1))
    PostFactory(cadre=CadreFactory(), level=ZHENG, start_date=dt.date(2026, 11, 30))  # the month before
    PostFactory(cadre=CadreFactory(), level=FU, start_date=D)
    PostFactory(cadre=CadreFactory(), level=FU, start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 20))
    promoted = CadreFactory()  # 副科 earlier, 正科 from this month: a new 正科
    PostFactory(cadre=promoted, level=FU, start_date=dt.date(2020, 1, 1), end_date=dt.date(2026, 12, 14))
    PostFactory(cadre=promoted, level=ZHENG, start_date=dt.date(2026, 12, 15))
    both = CadreFactory()  # counted as 正科 (post from 2020): a 副科 post added this month is no new 副科
    PostFactory(cadre=both, level=ZHENG, start_date=dt.date(2020, 1, 1))
    PostFactory(cadre=both, level=FU, start_date=dt.date(2026, 12, 3))
    assert new_posts(D) == {"正科": 2, "副科": 1}
    assert new_posts(dt.date(2026, 11, 1)) == {"正科": 1, "副科": 0}


def test_a_unit_subtree():
    parent = DepartmentFactory()
    child = DepartmentFactory(parent=parent)
    sibling = DepartmentFactory()
    fu(department=parent)
    fu(department=child)
    zheng(department=sibling)
    PostFactory(cadre=CadreFactory(department=child), level=FU, start_date=dt.date(2026, 12, 2))
    assert structure(D, departments=[parent])["副科"]["total"] == 3
    assert structure(D, departments=[child])["副科"]["total"] == 2
    assert structure(D, departments=[sibling])["副科"]["total"] == 0
    assert structure(D, departments=[])["正科"]["total"] == 0  # no unit: nobody
    assert structure(D, departments=[sibling])["正科"]["total"] == 1
    assert new_posts(D, departments=[child]) == {"正科": 0, "副科": 1}
    assert new_posts(D, departments=[sibling]) == {"正科": 0, "副科": 0}


@pytest.mark.parametrize("cadres", [5, 50])
def test_query_count_does_not_grow_with_the_roster(cadres, django_assert_num_queries):
    department = DepartmentFactory()
    for n in range(cadres):
        cadre = (zheng if n % 3 == 0 else fu)(department=department, birth_date=dt.date(1970 + n % 30, 1 + n % 12, 1))
        EducationFactory(cadre=cadre, kind=FULL, level=("14", "21", "31", "22")[n % 4])
        EducationFactory(cadre=cadre, kind=PART, level="14")
    # One aggregate for the tables (education classes are correlated subqueries inside it), one for new posts.
    with django_assert_num_queries(2):
        figures = monthly_report_figures(D)
    assert figures["structure"]["正科"]["total"] + figures["structure"]["副科"]["total"] == cadres


def test_command_json_prints_one_object():
    zheng(birth_date=dt.date(1990, 6, 1), gender=Gender.FEMALE)
    PostFactory(cadre=CadreFactory(), level=FU, start_date=dt.date(2026, 12, 5))
    out, err = io.StringIO(), io.StringIO()
    call_command("monthly_report", "--month", "2026-12", "--json", stdout=out, stderr=err)
    printed = json.loads(out.getvalue())
    assert printed == monthly_report_figures(D)
    assert list(printed) == ["month", "as_of", "structure", "new_posts"]
    assert (printed["month"], printed["as_of"]) == ("2026-12", "2026-12-31")
    assert printed["new_posts"] == {"正科": 0, "副科": 1}
    assert "正科 1 人" in err.getvalue()


def test_command_month_end_of_february():
    out = io.StringIO()
    call_command("monthly_report", "--month", "2028-02", "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["as_of"] == "2028-02-29"


def test_command_without_json_prints_nothing_on_standard_output_and_stores_the_files():
    # The archive's side (versions, files) is tests/reports/test_archive_command.py.
    out = io.StringIO()
    call_command("monthly_report", "--month", "2026-12", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""


def test_command_bad_month():
    with pytest.raises(CommandError, match="月份格式应为 YYYY-MM：2026-13"):
        call_command("monthly_report", "--month", "2026-13", "--json", stdout=io.StringIO(), stderr=io.StringIO())
