"""积分管理: the rule table as data, caps and validity, review by someone else of the rule's role, totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from oversight import events
from oversight.models import PointEntry, PointRule
from oversight.models.points import SIGN_MISMATCH
from oversight.selectors.points import points_totals, ranking_queryset
from oversight.services import point_entry_approve, point_entry_create, point_entry_reject, point_rule_save
from oversight.services import points as messages
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def people(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    return {
        "office": office, "finance": finance,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "staff2": role_user(Role.PERSONNEL, username="staff2"),
        "leader": role_user(Role.LEADER, username="leader"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "cadre": CadreFactory(department=office, name="张三"),
        "other": CadreFactory(department=finance, name="李四"),
    }


def rule(name="测试表彰", points="5", cap="10", months=12, evidence=True, reviewer=Role.PERSONNEL, active=True):
    category = "bonus" if Decimal(points) > 0 else "penalty"
    return PointRule.objects.create(name=name, category=category, points=Decimal(points),
                                    yearly_cap=Decimal(cap) if cap else None, validity_months=months,
                                    evidence_required=evidence, evidence_hint="文件文号", reviewer_role=reviewer,
                                    active=active)


def snapshot():
    return (list(PointEntry.objects.order_by("pk").values_list("pk", "state", "points", "reviewed_by")),
            PointEntry.history.count(), AuditEvent.objects.count())


def refused(call, message):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot() == before


def enter(people, the_rule, *, on=dt.date(2026, 3, 1), by="staff", evidence="区委〔2026〕1号", cadre="cadre"):
    return point_entry_create(actor=people[by], cadre=people[cadre], rule=the_rule, occurred_on=on,
                              evidence=evidence, today=TODAY)


# --- the rule table ------------------------------------------------------------------------------------


def test_default_table_is_seeded_as_data_rows_with_history():
    names = set(PointRule.objects.values_list("name", flat=True))
    assert {"获得县级以上表彰", "完成急难险重任务", "年度考核优秀", "受到诫勉", "被通报批评"} <= names
    commend = PointRule.objects.get(name="获得县级以上表彰")
    assert (commend.points, commend.yearly_cap, commend.category) == (Decimal(5), Decimal(10), "bonus")
    assert PointRule.objects.get(name="受到诫勉").points == Decimal(-5)
    assert commend.history.filter(history_type="+").exists()


def test_personnel_edit_a_rule_with_history_and_audit(people):
    the_rule = rule()
    the_rule.points = Decimal(4)
    point_rule_save(actor=people["staff"], rule=the_rule)
    assert the_rule.history.latest().history_user == people["staff"]
    assert AuditEvent.objects.filter(object_type="oversight.pointrule", event="update").count() == 1


def test_a_leader_may_not_edit_the_rules(people):
    the_rule = rule()
    the_rule.points = Decimal(4)
    refused(lambda: point_rule_save(actor=people["leader"], rule=the_rule), messages.CANNOT_EDIT_RULES)


def test_a_rule_whose_sign_contradicts_its_category_is_refused(people):
    bad = PointRule(name="错号", category="bonus", points=Decimal(-1), validity_months=12)
    with pytest.raises(ValidationError) as exc:
        point_rule_save(actor=people["staff"], rule=bad)
    assert exc.value.message_dict == {"points": [SIGN_MISMATCH]}
    assert not PointRule.objects.filter(name="错号").exists()


# --- entering -----------------------------------------------------------------------------------------


def test_an_entry_takes_the_rules_points_and_validity_and_waits_for_review(people):
    entry = enter(people, rule(months=12))
    assert (entry.points, entry.state, entry.entered_by) == (Decimal(5), "pending", people["staff"])
    assert entry.valid_until == dt.date(2027, 2, 28)
    assert entry.history.latest().history_user == people["staff"]
    assert AuditEvent.objects.filter(object_type="cadres.cadre", object_id=str(people["cadre"].pk)).count() == 1


def test_the_cap_cuts_the_last_entry_to_what_is_left(people):
    the_rule = rule(points="4", cap="10")
    enter(people, the_rule)
    enter(people, the_rule, on=dt.date(2026, 4, 1))
    third = enter(people, the_rule, on=dt.date(2026, 5, 1))
    assert third.points == Decimal(2)


def test_an_entry_beyond_the_cap_is_refused(people):
    the_rule = rule(points="5", cap="10")
    enter(people, the_rule)
    enter(people, the_rule, on=dt.date(2026, 4, 1))
    refused(lambda: enter(people, the_rule, on=dt.date(2026, 5, 1)),
            messages.CAP_REACHED.format(name="测试表彰", year=2026, used="10", cap="10"))


def test_the_cap_is_per_year_and_rejected_entries_give_their_points_back(people):
    the_rule = rule(points="5", cap="5")
    first = enter(people, the_rule)
    assert enter(people, the_rule, on=dt.date(2025, 6, 1)).points == Decimal(5)  # another year
    point_entry_reject(actor=people["staff2"], entry=first, note="依据不足")
    assert enter(people, the_rule, on=dt.date(2026, 6, 1)).points == Decimal(5)


def test_a_penalty_cap_counts_absolute_points(people):
    the_rule = rule(name="督办", points="-2", cap="3")
    enter(people, the_rule)
    assert enter(people, the_rule, on=dt.date(2026, 4, 1)).points == Decimal(-1)


def test_evidence_is_required_where_the_rule_says_so(people):
    refused(lambda: enter(people, rule(), evidence="  "),
            messages.EVIDENCE_REQUIRED.format(name="测试表彰", hint="文件文号"))
    assert enter(people, rule(name="表扬", evidence=False), evidence="").evidence == ""


def test_an_inactive_rule_a_future_date_and_an_out_of_scope_cadre_are_refused(people):
    refused(lambda: enter(people, rule(name="停用项", active=False)), messages.RULE_INACTIVE.format(name="停用项"))
    refused(lambda: enter(people, rule(), on=TODAY + dt.timedelta(days=1)), messages.FUTURE_DATE)
    refused(lambda: enter(people, rule(name="他科室"), by="head", cadre="other"), messages.NOT_IN_SCOPE)


def test_a_department_head_enters_for_their_own_unit(people):
    assert enter(people, rule(), by="head").entered_by == people["head"]


def test_a_leader_cannot_enter(people):
    refused(lambda: enter(people, rule(), by="leader"), messages.CANNOT_ENTER)


# --- review -------------------------------------------------------------------------------------------


def test_another_reviewer_of_the_rules_role_approves_and_record_changed_is_sent(people):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    events.record_changed.register(receiver)
    try:
        entry = point_entry_approve(actor=people["staff2"], entry=enter(people, rule()), note="属实")
    finally:
        events.record_changed.unregister(receiver)
    entry.refresh_from_db()
    assert (entry.state, entry.reviewed_by, entry.review_note) == ("approved", people["staff2"], "属实")
    assert entry.history.latest().history_user == people["staff2"]
    assert received == [{"actor": people["staff2"], "cadre": people["cadre"]}]
    assert AuditEvent.objects.filter(event="workflow", object_id=str(people["cadre"].pk)).count() == 1


def test_the_author_cannot_review_their_own_entry(people):
    entry = enter(people, rule())
    refused(lambda: point_entry_approve(actor=people["staff"], entry=entry), messages.OWN_ENTRY)
    refused(lambda: point_entry_reject(actor=people["staff"], entry=entry, note="x"), messages.OWN_ENTRY)


def test_a_reviewer_without_the_rules_role_is_refused(people):
    leaders_rule = rule(name="急难险重", reviewer=Role.LEADER)
    entry = enter(people, leaders_rule)
    refused(lambda: point_entry_approve(actor=people["staff2"], entry=entry),
            messages.WRONG_REVIEWER.format(name="急难险重", role="局领导"))
    assert point_entry_approve(actor=people["leader"], entry=entry).state == "approved"
    entry = enter(people, rule())
    refused(lambda: point_entry_approve(actor=people["leader"], entry=entry),
            messages.WRONG_REVIEWER.format(name="测试表彰", role="人事干部"))


def test_an_entry_is_approved_once_even_with_two_clicks(people):
    entry = enter(people, rule())
    stale = PointEntry.objects.get(pk=entry.pk)
    point_entry_approve(actor=people["staff2"], entry=entry)
    refused(lambda: point_entry_approve(actor=people["staff2"], entry=stale),
            messages.NOT_PENDING.format(state="已通过"))
    assert PointEntry.history.filter(id=entry.pk, state="approved").count() == 1


def test_rejecting_needs_a_note(people):
    entry = enter(people, rule())
    refused(lambda: point_entry_reject(actor=people["staff2"], entry=entry, note=" "), messages.NOTE_REQUIRED)


# --- totals and validity ------------------------------------------------------------------------------


def approved(people, the_rule, on, cadre="cadre"):
    entry = enter(people, the_rule, on=on, cadre=cadre)
    return point_entry_approve(actor=people["staff2"], entry=entry)


def test_totals_count_approved_entries_within_validity_in_one_query(people, django_assert_num_queries):
    long_rule, short_rule = rule(name="长", points="5", cap=None, months=24), rule(name="短", points="3", cap=None,
                                                                                    months=6)
    penalty = rule(name="批评", points="-3", cap=None, months=12)
    approved(people, long_rule, dt.date(2025, 6, 1))   # still valid at 2026-12-02
    approved(people, short_rule, dt.date(2026, 1, 10))  # ran out 2026-07-09
    approved(people, penalty, dt.date(2026, 9, 1))
    enter(people, long_rule, on=dt.date(2026, 10, 1))  # pending: does not count
    approved(people, short_rule, dt.date(2026, 11, 1), cadre="other")
    ids = [people["cadre"].pk, people["other"].pk, CadreFactory().pk]
    # One grouped query over the entries, whatever the number of cadres.
    with django_assert_num_queries(1):
        totals = points_totals(ids, 2026, today=TODAY)
    assert totals == {people["cadre"].pk: Decimal(2), people["other"].pk: Decimal(3)}
    # In 2025 the year's total is counted on 2025-12-31: only the 2025 entry.
    assert points_totals(ids, 2025, today=TODAY) == {people["cadre"].pk: Decimal(5)}


def test_the_ranking_orders_the_units_cadres_by_total(people):
    approved(people, rule(name="甲", points="5", cap=None), dt.date(2026, 5, 1), cadre="other")
    approved(people, rule(name="乙", points="-1", cap=None), dt.date(2026, 5, 1))
    rows = list(ranking_queryset(people["staff"], year=2026, today=TODAY))
    assert [(row.name, row.total, row.rank) for row in rows][:2] == [("李四", Decimal(5), 1), ("张三", Decimal(-1), 2)]
    # A department head ranks only their units.
    assert [row.name for row in ranking_queryset(people["head"], year=2026, today=TODAY)] == ["张三"]
