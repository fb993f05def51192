"""The dashboard's reads: the arithmetic of gap, ageing-out and forecast on exact small examples,
the user's scope as sums of stored department rows, and drill-downs that add up to the stored figures.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_office.dashboard import selectors
from cadre_office.dashboard.models import Figure, Plan, Target
from cadre_office.dashboard.permissions import BUREAU_LABEL, figure_scope
from cadre_office.dashboard.services import plan_for, snapshot_compute, target_update
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, PostFactory, role_user

pytestmark = pytest.mark.django_db

D = dt.date(2026, 12, 31)
PLAN_END = dt.date(2027, 12, 31)  # the default plan's end (migration 0002)
ZHENG, FU = "51", "52"


def section_cadre(level=ZHENG, *, birth=dt.date(1990, 6, 1), start=dt.date(2020, 1, 1), bachelor=False, **fields):
    cadre = CadreFactory(birth_date=birth, **fields)
    PostFactory(cadre=cadre, level=level, start_date=start)
    if bachelor:
        EducationFactory(cadre=cadre, level="21")
    return cadre


def cards(user, as_of=D):
    return {card.code: card for card in selectors.dashboard(user, today=as_of, as_of=as_of).cards}


@pytest.fixture
def staff(db):
    return role_user("人事干部")


# --- the arithmetic -------------------------------------------------------------------------------


def test_the_default_plan_ends_when_these_examples_assume():
    plan = plan_for(D)
    assert (plan.start_date, plan.end_date) == (dt.date(2025, 1, 1), PLAN_END)


@pytest.mark.parametrize(("goal", "numerator", "denominator", "expected"), [
    ("0.35", 6, 20, 1),    # 0.35 × 20 = 7 exactly (in floats 7.000…1, which would round up to 2)
    ("0.35", 7, 20, 0),    # on the goal
    ("0.35", 9, 20, 0),    # above it: never negative
    ("0.35", 15, 43, 1),   # 15.05 − 15 → 1 more
    ("0.89", 39, 70, 24),  # 62.3 − 39 = 23.3 → 24 more
    ("0.43", 0, 1, 1),
    (None, 3, 10, None),   # no goal, no gap
    ("0.35", 0, 0, None),  # no data, no gap
])
def test_gap_is_how_many_more_cadres_must_qualify_today(goal, numerator, denominator, expected):
    assert selectors.gap(Decimal(goal) if goal else None, numerator, denominator) == expected


def test_met_compares_exactly_and_has_no_answer_without_data():
    ratio = Target.Kind.RATIO
    assert selectors.met(Decimal("0.35"), 7, 20, ratio) is True
    assert selectors.met(Decimal("0.35"), 6, 20, ratio) is False
    assert selectors.met(Decimal("0.35"), 0, 0, ratio) is None
    assert selectors.met(None, 5, 10, ratio) is None
    assert selectors.met(Decimal("12"), 12, None, Target.Kind.COUNT) is True
    assert selectors.met(Decimal("12"), 11, None, Target.Kind.COUNT) is False


def test_percentages_have_one_decimal_and_a_zero_denominator_is_no_data():
    assert selectors.percent(selectors.ratio(1, 3)) == "33.3%"
    assert selectors.percent(selectors.ratio(2, 3)) == "66.7%"
    assert selectors.percent(selectors.ratio(7, 20)) == "35.0%"
    assert selectors.percent(selectors.ratio(1, 8)) == "12.5%"  # half up, not to even
    assert selectors.percent(selectors.ratio(0, 5)) == "0.0%"
    assert selectors.ratio(0, 0) is None and selectors.percent(None) == ""
    assert selectors.goal_percent(Decimal("0.3500")) == "35%"
    assert selectors.goal_percent(Decimal("0.3550")) == "35.5%"
    assert selectors.goal_percent(Decimal("1")) == "100%"


def test_forecast_takes_the_ageing_out_from_the_numerator_and_from_an_age_bounded_denominator():
    assert selectors.forecast(10, 20, 3) == Decimal(7) / 20                   # (n − a) / d
    assert selectors.forecast(8, 10, 2, aging_out_of_denominator=3) == Decimal(6) / 7
    assert selectors.forecast(2, 2, 2, aging_out_of_denominator=2) is None    # everybody ages out: no data
    assert selectors.forecast(5, None, 1) is None                             # counts have no forecast


# --- ageing out by the plan's end, on the day boundary ---------------------------------------------


@pytest.fixture
def chiefs(db):
    """Four 正科 on D = 2026-12-31, for a plan ending 2027-12-31 (age bound 40)."""
    return {
        # 39 on D, 40 on the plan's end, 41 only on 2028-01-01 (a day after it): stays in.
        "one_day_after": section_cadre(birth=dt.date(1987, 1, 1), name="期末次日满41", bachelor=True),
        # 40 on D, 41 exactly on the plan's end date: ages out.
        "on_the_end": section_cadre(birth=dt.date(1986, 12, 31), name="期末当日满41", bachelor=True),
        "young": section_cadre(birth=dt.date(1990, 1, 1), name="年轻正科"),
        "older": section_cadre(birth=dt.date(1980, 3, 1), name="年长正科", bachelor=True),
    }


def test_a_cadre_turning_41_on_the_plan_end_ages_out_and_one_turning_41_a_day_later_does_not(staff, chiefs):
    snapshot_compute(as_of=D)
    card = cards(staff)["zk_under40"]
    assert (card.numerator, card.denominator) == (3, 4)  # "older" is only in the denominator
    assert card.aging_out == 1
    assert card.forecast == Decimal(2) / 4 and card.forecast_display == "50.0%"
    assert card.value_display == "75.0%" and card.gap == 0 and card.status == "met"

    plan = plan_for(D)
    names = [c.name for c in selectors.drilldown_cadres(
        staff, plan=plan, targets=list(plan.targets.all()), target=plan.targets.get(code="zk_under40"),
        part=selectors.AGING_OUT, day=D)]
    assert names == ["期末当日满41"]


def test_the_bachelor_share_forecast_drops_the_ageing_out_from_both_sides(staff, chiefs):
    snapshot_compute(as_of=D)
    card = cards(staff)["zk_under40_bachelor"]
    # Among the three under-40s, two hold a full-time bachelor; one of those two turns 41 on the end date.
    assert (card.numerator, card.denominator) == (2, 3)
    assert (card.aging_out, card.aging_out_of_denominator) == (1, 1)
    assert card.forecast_display == "50.0%"  # 1 of the 2 left


def test_no_ageing_out_is_shown_on_or_after_the_plans_end(staff, chiefs):
    snapshot_compute(as_of=PLAN_END)
    card = cards(staff, PLAN_END)["zk_under40"]
    assert card.aging_out is None and card.forecast is None and not card.shows_aging_out


def test_ageing_out_follows_the_targets_age_bound(staff, chiefs):
    target = plan_for(D).targets.get(code="zk_under40")
    target_update(actor=staff, target=target, goal=target.goal, age_max=39)
    snapshot_compute(as_of=D)
    card = cards(staff)["zk_under40"]
    # Bound 39: on D only "one_day_after" (39) and "young" count; by the end "one_day_after" is 40.
    assert (card.numerator, card.aging_out) == (2, 1)


# --- cards ---------------------------------------------------------------------------------------


def test_a_zero_denominator_is_no_data_never_zero_percent(staff):
    section_cadre(FU, birth=dt.date(1970, 1, 1))  # a 副科 over 40: no 正科 at all, no young 副科
    snapshot_compute(as_of=D)
    by_code = cards(staff)
    card = by_code["zk_under40"]
    assert (card.numerator, card.denominator) == (0, 0)
    assert card.value is None and card.value_display == "暂无数据"
    assert card.status == "nodata" and card.gap is None and card.progress is None
    assert by_code["fk_under40_bachelor"].value_display == "暂无数据"
    assert by_code["fk_under40"].value_display == "0.0%"  # a real zero: one 副科, none under 40


def test_count_targets_show_the_count_against_a_goal_when_there_is_one(staff):
    for year in (1996, 1997, 1998):
        section_cadre(ZHENG, birth=dt.date(year, 1, 1))
    target = plan_for(D).targets.get(code="zk_around30")
    target_update(actor=staff, target=target, goal=5, age_max=target.age_max)
    snapshot_compute(as_of=D)
    by_code = cards(staff)
    reserve, total = by_code["zk_around30"], by_code["fk_total"]
    assert (reserve.numerator, reserve.denominator, reserve.value_display) == (3, None, "3")
    assert (reserve.goal_display, reserve.status, reserve.gap, reserve.progress) == ("5 人", "unmet", 2, 60)
    assert (total.numerator, total.status, total.status_label, total.gap) == (0, "nogoal", "无具体目标", None)


def test_goal_less_ratios_have_no_badge_of_success_or_failure(staff):
    section_cadre(FU, political_status="13")
    snapshot_compute(as_of=D)
    card = cards(staff)["non_party"]
    assert (card.value_display, card.status_label, card.goal_display) == ("100.0%", "无具体目标", "")


def test_the_trend_holds_every_stored_snapshot_in_date_order(staff):
    section_cadre(ZHENG, birth=dt.date(1990, 1, 1))
    snapshot_compute(as_of=dt.date(2026, 1, 31))
    section_cadre(ZHENG, birth=dt.date(1970, 1, 1))
    snapshot_compute(as_of=dt.date(2026, 2, 28))
    card = cards(staff, dt.date(2026, 2, 28))["zk_under40"]
    assert [(p.as_of, p.numerator, p.denominator) for p in card.trend] == [
        (dt.date(2026, 1, 31), 1, 1), (dt.date(2026, 2, 28), 1, 2)]
    assert [p.display for p in card.trend] == ["100.0%", "50.0%"]
    assert '"values": [100.0, 50.0]' in card.chart_json and '"goal": 35.0' in card.chart_json


# --- scope: a department head reads the sum of their departments' rows ------------------------------


@pytest.fixture
def bureau(db):
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    people = [
        section_cadre(ZHENG, department=office, birth=dt.date(1988, 1, 1), bachelor=True, name="办公正科"),
        section_cadre(FU, department=office, birth=dt.date(1975, 1, 1), gender="2", name="办公副科"),
        section_cadre(FU, department=archive, birth=dt.date(1992, 5, 5), ethnicity="03", name="档案副科"),
        section_cadre(ZHENG, department=finance, birth=dt.date(1970, 1, 1), name="财务正科"),
        section_cadre(FU, department=finance, birth=dt.date(1991, 1, 1), bachelor=True, name="财务副科"),
        section_cadre(FU, department=finance, birth=dt.date(1993, 1, 1), gender="2", name="财务副科二"),
    ]
    CadreFactory(department=finance, name="无职务")  # no leadership post: in no figure
    head = role_user("科室负责人", departments=[office])
    return {"office": office, "archive": archive, "finance": finance, "people": people, "head": head}


def test_a_department_head_reads_the_sum_of_their_departments_stored_rows(bureau, staff):
    snapshot = snapshot_compute(as_of=D)
    head_cards = cards(bureau["head"])
    own = [bureau["office"].pk, bureau["archive"].pk]
    for code, card in head_cards.items():
        rows = Figure.objects.filter(snapshot=snapshot, code=code, department_id__in=own)
        assert card.numerator == sum(r.numerator for r in rows), code
        if card.is_ratio:
            assert card.denominator == sum(r.denominator for r in rows), code
    assert (head_cards["fk_under40"].numerator, head_cards["fk_under40"].denominator) == (1, 2)
    bureau_cards = cards(staff)
    assert (bureau_cards["fk_under40"].numerator, bureau_cards["fk_under40"].denominator) == (3, 4)


def test_scope_names_the_granted_departments_not_their_sub_departments(bureau, staff):
    scope = figure_scope(bureau["head"])
    assert scope.names == ("办公室",) and scope.label == "办公室"
    assert set(scope.department_ids) == {bureau["office"].pk, bureau["archive"].pk}
    assert figure_scope(staff).label == BUREAU_LABEL and figure_scope(staff).bureau


def _drilldown(user, code, part, day=D):
    plan = plan_for(day)
    targets = list(plan.targets.all())
    target = next(t for t in targets if t.code == code)
    return list(selectors.drilldown_cadres(user, plan=plan, targets=targets, target=target, part=part, day=day))


@pytest.mark.parametrize("role", ["人事干部", "科室负责人"])
def test_every_drilldown_counts_what_the_stored_figure_says(bureau, role):
    user = bureau["head"] if role == "科室负责人" else role_user(role)
    snapshot_compute(as_of=D)
    plan = plan_for(D)
    for target in plan.targets.all():
        stored = selectors.stored_figure(figure_scope(user), plan=plan, day=D, code=target.code)
        assert len(_drilldown(user, target.code, "numerator")) == stored[0], target.code
        if target.kind == Target.Kind.RATIO:
            assert len(_drilldown(user, target.code, "denominator")) == stored[1], target.code


def test_a_department_heads_drilldown_holds_only_their_cadres(bureau):
    names = {c.name for c in _drilldown(bureau["head"], "fk_under40", "denominator")}
    assert names == {"办公副科", "档案副科"}
    assert {c.name for c in _drilldown(role_user("局领导"), "fk_under40", "denominator")} == {
        "办公副科", "档案副科", "财务副科", "财务副科二"}


def test_drilldown_rows_carry_the_level_held_on_the_day_once_per_cadre(bureau):
    cadre = bureau["people"][0]
    PostFactory(cadre=cadre, level=FU, title="兼任副职", start_date=dt.date(2021, 1, 1))  # holds both: 正科
    rows = _drilldown(role_user("局领导"), "zk_under40", "denominator")
    assert [(c.name, c.level_on_day) for c in rows] == [("办公正科", ZHENG), ("财务正科", ZHENG)]


def test_a_head_without_departments_sees_no_figures(db):
    head = role_user("科室负责人")
    section_cadre(ZHENG)
    snapshot_compute(as_of=D)
    assert figure_scope(head).label == "未授权任何单位"
    assert all(card.numerator == 0 for card in cards(head).values())


# --- queries ---------------------------------------------------------------------------------------


def _grow(n_snapshots: int, n_departments: int, n_cadres: int) -> None:
    departments = [DepartmentFactory() for _ in range(n_departments)]
    for i in range(n_cadres):
        section_cadre(ZHENG if i % 3 == 0 else FU, department=departments[i % n_departments],
                      birth=dt.date(1970 + i % 30, 1 + i % 12, 1), bachelor=i % 2 == 0)
    for month in range(1, n_snapshots + 1):
        snapshot_compute(as_of=dt.date(2026, month, 28))


@pytest.mark.parametrize("role", ["人事干部", "科室负责人"])
def test_the_dashboard_read_costs_the_same_queries_whatever_the_sizes(role):
    def count(user):
        with CaptureQueriesContext(connection) as queries:
            data = selectors.dashboard(user, today=dt.date(2026, 12, 31))
            assert len(data.cards) == 9 and all(c.trend for c in data.cards)
        return len(queries)

    _grow(1, 2, 5)
    department = DepartmentFactory(name="被授权单位")
    user = role_user(role, departments=[department] if role == "科室负责人" else ())
    user.get_all_permissions()  # the permission cache a request fills anyway
    small = count(user)
    _grow(8, 12, 80)
    assert count(user) == small
    # The scope (department heads only), the plan, its snapshots, its targets, and every stored
    # figure (the ageing-out counts are stored with them: no query reads the roster).
    assert small == (5 if role == "科室负责人" else 4)


def test_a_plan_for_the_day_is_found_or_the_page_says_none():
    Plan.objects.all().delete()
    data = selectors.dashboard(role_user("局领导"), today=D)
    assert data.plan is None and data.cards == []
