"""The structure-target definitions (docs/definitions.md), exactly, on their boundaries.

Each test builds the few cadres a rule is about and reads the bureau's figures for one
statistics date; the last tests pin the computation's query count and check that the
stored department rows add up to the bureau's.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_office.dashboard.figures import bureau_counts, department_counts
from cadre_office.dashboard.models import Figure, Snapshot
from cadre_office.dashboard.services import snapshot_compute
from cadres.codes import Ethnicity, Gender, PoliticalStatus
from cadres.models import Cadre, Education, PostAssignment
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, PostFactory, RankFactory

pytestmark = pytest.mark.django_db

D = dt.date(2026, 12, 31)
ZHENG, FU = "51", "52"


def section_cadre(level=FU, *, birth=dt.date(1990, 6, 1), start=dt.date(2020, 1, 1), end=None, **fields):
    cadre = CadreFactory(birth_date=birth, **fields)
    PostFactory(cadre=cadre, level=level, start_date=start, end_date=end)
    return cadre


def figures(day=D, **params):
    return {code: (c.numerator, c.denominator) for code, c in bureau_counts(day, params).items()}


# --- who is a 科级干部 on D --------------------------------------------------------------------


def test_a_post_counts_from_its_start_date_and_not_the_day_before():
    section_cadre(FU, start=D)
    section_cadre(FU, start=D + dt.timedelta(days=1))
    assert figures()["fk_total"] == (1, None)


def test_a_post_ended_before_d_does_not_count_one_ending_on_d_does():
    section_cadre(FU, start=dt.date(2020, 1, 1), end=D - dt.timedelta(days=1))
    section_cadre(FU, start=dt.date(2020, 1, 1), end=D)
    assert figures()["fk_total"] == (1, None)


def test_a_rank_without_a_leadership_post_is_not_counted():
    RankFactory(cadre=CadreFactory(), rank="05", start_date=dt.date(2020, 1, 1))
    non_section = CadreFactory()
    PostFactory(cadre=non_section, level="", title="科员", start_date=dt.date(2020, 1, 1))
    county = CadreFactory()
    PostFactory(cadre=county, level="42", title="副局长", start_date=dt.date(2020, 1, 1))
    assert figures()["female"] == (0, 0)
    assert figures()["fk_total"] == (0, None)


def test_a_cadre_holding_both_levels_counts_once_as_zheng_ke():
    cadre = section_cadre(FU)
    PostFactory(cadre=cadre, level=ZHENG, start_date=dt.date(2024, 1, 1))
    result = figures()
    assert result["zk_under40"] == (1, 1)
    assert result["fk_under40"] == (0, 0)
    assert result["female"] == (0, 1)


@pytest.mark.parametrize(
    ("status", "status_date", "counted"),
    [
        ("active", None, True),
        ("retired", D, False),  # retired on D: no longer in service on D
        ("retired", D + dt.timedelta(days=1), True),  # retires after D: still in service on D
        ("transferred", dt.date(2026, 6, 30), False),
        ("transferred", None, False),  # imported as already transferred
        ("removed", dt.date(2027, 1, 5), True),
        # Every status but 在职 counts the cadre in service before its date and not from it.
        *[(status, day, day > D) for status in ("transferred", "retired", "removed", "resigned", "deceased")
          for day in (D, D + dt.timedelta(days=1))],
    ],
)
def test_status_on_d(status, status_date, counted):
    section_cadre(FU, status=status, status_date=status_date)
    assert figures()["fk_total"] == (int(counted), None)


# --- ages in full years --------------------------------------------------------------------------


def test_aged_exactly_40_counts_41_does_not():
    section_cadre(ZHENG, birth=dt.date(1986, 1, 1))  # 40 on 2026-12-31
    section_cadre(ZHENG, birth=dt.date(1985, 12, 31))  # 41 that day
    assert figures()["zk_under40"] == (1, 2)


@pytest.mark.parametrize(
    ("day", "under40"),
    [
        (dt.date(2029, 2, 28), 1),  # born 1988-02-29: still 40 on 28 February of a common year
        (dt.date(2029, 3, 1), 0),  # 41 from 1 March
        (dt.date(2028, 2, 28), 1),  # 39 the day before the birthday in a leap year
        (dt.date(2028, 2, 29), 1),  # 40 on the birthday
    ],
)
def test_born_on_29_february_turns_a_year_older_on_1_march_in_common_years(day, under40):
    section_cadre(FU, birth=dt.date(1988, 2, 29))
    assert figures(day)["fk_under40"] == (under40, 1)


def test_the_reserve_bound_is_32_by_default_and_a_parameter():
    section_cadre(ZHENG, birth=dt.date(1994, 12, 31))  # 32 on D
    section_cadre(ZHENG, birth=dt.date(1994, 12, 30))  # 32 on D too (birthday passed the day before)
    section_cadre(ZHENG, birth=dt.date(1993, 12, 30))  # 33
    assert figures()["zk_around30"] == (2, None)
    assert figures(zk_around30=30)["zk_around30"] == (0, None)
    assert figures(zk_around30=33)["zk_around30"] == (3, None)


# --- 全日制本科及以上 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("educations", "counted"),
    [
        ([("fulltime", "21")], True),  # 大学本科毕业
        ([("fulltime", "11")], True),  # 博士研究生毕业
        ([("fulltime", "14")], True),  # 硕士研究生毕业
        ([("fulltime", "17")], True),  # 研究生班毕业
        ([("fulltime", "22")], False),  # 本科结业
        ([("fulltime", "23")], False),  # 本科肄业
        ([("fulltime", "31"), ("parttime", "21")], False),  # 全日制大专 + 在职本科
        ([("parttime", "14")], False),  # 在职硕士 only
        ([("fulltime", "31"), ("fulltime", "21")], True),
        ([], False),
    ],
)
def test_only_completed_full_time_bachelor_or_above_counts(educations, counted):
    cadre = section_cadre(FU, birth=dt.date(1990, 1, 1))
    for kind, level in educations:
        EducationFactory(cadre=cadre, kind=kind, level=level)
    assert figures()["fk_under40_bachelor"] == (int(counted), 1)


def test_a_degree_completed_after_d_does_not_count_yet():
    cadre = section_cadre(ZHENG, birth=dt.date(1990, 1, 1))
    EducationFactory(cadre=cadre, kind=Education.Kind.FULL_TIME, level="21", graduation_date=D + dt.timedelta(days=1))
    assert figures()["zk_under40_bachelor"] == (0, 1)
    assert figures(D + dt.timedelta(days=1))["zk_under40_bachelor"] == (1, 1)


def test_bachelor_targets_count_among_the_under_40_only():
    old = section_cadre(FU, birth=dt.date(1970, 1, 1))
    EducationFactory(cadre=old, level="21")
    young = section_cadre(FU, birth=dt.date(1995, 1, 1))
    EducationFactory(cadre=young, level="21")
    assert figures()["fk_under40_bachelor"] == (1, 1)


# --- women, non-party, minorities, zero denominators --------------------------------------------


def test_female_non_party_and_minority_among_all_section_cadres():
    section_cadre(ZHENG, gender=Gender.FEMALE, birth=dt.date(1980, 3, 3))
    section_cadre(FU, political_status=PoliticalStatus.CPC_PROBATIONARY)  # 预备党员 is a party member
    section_cadre(FU, political_status=PoliticalStatus.NON_PARTISAN, ethnicity="03")  # 回族
    section_cadre(FU, political_status=PoliticalStatus.MASSES)
    CadreFactory(gender=Gender.FEMALE, ethnicity="03", political_status=PoliticalStatus.MASSES)  # no post
    result = figures()
    assert result["female"] == (1, 4)
    assert result["non_party"] == (2, 4)
    assert result["minority"] == (1, 4)


def test_an_empty_roster_gives_zero_denominators_and_no_value():
    snapshot = snapshot_compute(as_of=D)
    out = io.StringIO()
    call_command("compute_dashboard", "--as-of", D.isoformat(), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-12-31"
    rows = {row["code"]: row for row in report["targets"]}
    assert rows["zk_under40"] == {"code": "zk_under40", "numerator": 0, "denominator": 0, "value": None,
                                  "target": 0.35, "met": None}
    assert rows["fk_total"] == {"code": "fk_total", "numerator": 0, "denominator": None, "value": None,
                                "target": None, "met": None}
    assert Snapshot.objects.filter(pk=snapshot.pk).count() == 1


# --- the command, the stored snapshot, the query count ------------------------------------------


def _small_bureau():
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    section_cadre(ZHENG, department=office, birth=dt.date(1988, 1, 1), gender=Gender.FEMALE)
    section_cadre(ZHENG, department=office, birth=dt.date(1975, 1, 1))
    section_cadre(FU, department=finance, birth=dt.date(1992, 1, 1))
    section_cadre(FU, department=finance, birth=dt.date(1970, 1, 1), ethnicity=Ethnicity.HAN)
    for cadre in Cadre.objects.all()[:3]:
        EducationFactory(cadre=cadre, level="21")
    return office, finance


def test_compute_dashboard_json_lists_every_code_with_value_target_and_met():
    _small_bureau()
    out = io.StringIO()
    call_command("compute_dashboard", "--as-of", "2026-12-31", "--json", stdout=out)
    report = json.loads(out.getvalue())
    codes = [row["code"] for row in report["targets"]]
    assert codes == ["zk_under40", "fk_under40", "zk_under40_bachelor", "fk_under40_bachelor", "female",
                     "non_party", "minority", "zk_around30", "fk_total"]
    rows = {row["code"]: row for row in report["targets"]}
    assert rows["zk_under40"] == {"code": "zk_under40", "numerator": 1, "denominator": 2, "value": 0.5,
                                  "target": 0.35, "met": True}
    assert rows["fk_under40"]["met"] is False and rows["fk_under40"]["value"] == 0.5
    assert rows["non_party"]["target"] is None and rows["non_party"]["met"] is None
    assert rows["fk_total"] == {"code": "fk_total", "numerator": 2, "denominator": None, "value": None,
                                "target": None, "met": None}


def test_computing_a_date_twice_replaces_it():
    _small_bureau()
    snapshot_compute(as_of=D)
    section_cadre(FU)
    snapshot = snapshot_compute(as_of=D)
    assert Snapshot.objects.filter(as_of=D).count() == 1
    bureau = Figure.objects.get(snapshot=snapshot, department=None, code="fk_total")
    assert bureau.numerator == 3
    assert Figure.objects.filter(snapshot=snapshot, department=None).count() == 9


def test_department_rows_add_up_to_the_bureau():
    office, finance = _small_bureau()
    snapshot = snapshot_compute(as_of=D)
    for code, counts in bureau_counts(D).items():
        rows = Figure.objects.filter(snapshot=snapshot, code=code, department__isnull=False)
        assert sum(r.numerator for r in rows) == counts.numerator, code
        if counts.denominator is not None:
            assert sum(r.denominator for r in rows) == counts.denominator, code
    assert set(department_counts(D)) == {office.pk, finance.pk}


def _bulk_section_cadres(n: int, departments) -> None:
    from tests.factories import unique_id_number

    birth = dt.date(1985, 1, 1)
    cadres = Cadre.objects.bulk_create(
        Cadre(name=f"批量{i}", gender=Gender.FEMALE if i % 3 else Gender.MALE, ethnicity=Ethnicity.HAN,
              birth_date=birth + dt.timedelta(days=i * 5), id_number=unique_id_number(birth, Gender.MALE),
              political_status=PoliticalStatus.CPC_MEMBER, department=departments[i % len(departments)])
        for i in range(n)
    )
    if not all(c.pk for c in cadres):
        cadres = list(Cadre.objects.filter(name__startswith="批量"))
    PostAssignment.objects.bulk_create(
        PostAssignment(cadre=c, department=c.department, title="科长", level=ZHENG if i % 4 == 0 else FU,
                       start_date=dt.date(2020, 1, 1))
        for i, c in enumerate(cadres)
    )
    Education.objects.bulk_create(
        Education(cadre=c, kind=Education.Kind.FULL_TIME, level="21") for c in cadres[::2]
    )


def test_the_computation_makes_the_same_number_of_queries_for_100_and_2000_cadres():
    departments = [DepartmentFactory(name=f"单位{i}") for i in range(10)]
    _bulk_section_cadres(100, departments)
    snapshot_compute(as_of=D)  # both measured runs then replace an existing snapshot
    with CaptureQueriesContext(connection) as small:
        snapshot_compute(as_of=D)
    _bulk_section_cadres(1900, departments)
    assert Cadre.objects.count() == 2000
    with CaptureQueriesContext(connection) as large:
        snapshot = snapshot_compute(as_of=D)
    assert len(small) == len(large)
    # The plan, its targets, one aggregate for the bureau, one grouped by department; then the
    # snapshot's update_or_create (select for update, update), removing the old figures, and one bulk insert
    # (savepoints around the atomic blocks are counted by the backend too).
    assert len(large) <= 12, [q["sql"][:80] for q in large.captured_queries]
    assert Figure.objects.get(snapshot=snapshot, department=None, code="fk_total").numerator == 1500


# --- end to end: a roster workbook in the import format, then the command ------------------------


def test_an_imported_roster_gives_the_figures_its_rows_define(tmp_path):
    """Import a workbook (docs/roster-format.md) and read compute_dashboard --json, on D = 2026-12-31."""
    from tests.cadres.workbooks import build_roster, id_number_for, valid_row

    def row(n, birth=None, **cells):
        if birth:
            cells.update(出生日期=birth, 身份证号=id_number_for(n, birth, "2" if n % 2 else "1"))
        return valid_row(n, **cells)

    rows = [
        # 正科实职: 40 (counted), 41 (not), and a 正科 aged 32 for the reserve.
        row(0, dt.date(1986, 1, 1), 职务层次="乡科级正职", 现任职务="科长"),
        row(1, dt.date(1985, 12, 31), 职务层次="乡科级正职", 现任职务="科长", 全日制学历="大学专科毕业"),
        row(2, dt.date(1994, 6, 1), 职务层次="乡科级正职", 现任职务="科长", 民族="回族"),
        # 副科实职: one with 全日制大专 + 在职本科 (not a full-time bachelor), one 本科结业.
        row(3, dt.date(1990, 5, 5), 全日制学历="大学专科毕业", 在职学历="大学本科毕业", 政治面貌="群众"),
        row(4, dt.date(1991, 5, 5), 全日制学历="大学本科结业"),
        # A post starting the day after D, a retired cadre, and a 职级 without a post: none counted.
        row(5, 任现职时间=dt.date(2027, 1, 1)),
        row(6, 人员状态="退休"),
        row(7, 现任职务="", 职务层次="", 任现职时间=None),
    ]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(build_roster(rows))
    call_command("import_roster", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("compute_dashboard", "--as-of", "2026-12-31", "--json", stdout=out)
    got = {row["code"]: (row["numerator"], row["denominator"]) for row in json.loads(out.getvalue())["targets"]}
    assert got == {
        "zk_under40": (2, 3),  # rows 0 and 2
        "fk_under40": (2, 2),  # rows 3 and 4
        "zk_under40_bachelor": (2, 2),  # rows 0 and 2 (row 1 is over 40)
        "fk_under40_bachelor": (0, 2),  # 大专+在职本科, 本科结业
        "female": (2, 5),  # rows 1 and 3 (odd rows are women)
        "non_party": (1, 5),  # row 3 (群众)
        "minority": (1, 5),  # row 2 (回族)
        "zk_around30": (1, None),  # row 2, aged 32
        "fk_total": (2, None),
    }
