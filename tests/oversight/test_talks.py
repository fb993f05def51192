"""谈心谈话: who records what, due talks raised by events (once per source), follow-ups, the yearly plan."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from oversight import events
from oversight import services as oversight_services
from oversight.models import DisciplineAction, Talk, TalkFollowUp, TalkPlan
from oversight.selectors.talks import coverage_queryset, coverage_summary
from oversight.services import (
    follow_up_add,
    follow_up_complete,
    talk_cancel,
    talk_create,
    talk_plan_save,
    talk_record_held,
)
from oversight.services import talks as messages
from selection.models import Candidate
from tests.factories import CadreFactory, DepartmentFactory, role_user
from tests.selection.conftest import Workflow, ensure_default_template

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def people(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    return {
        "office": office,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "leader": role_user(Role.LEADER, username="leader", first_name="王局长"),
        "leader2": role_user(Role.LEADER, username="leader2"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "cadre": CadreFactory(department=office, name="张三", current_level="52"),
        "other": CadreFactory(department=finance, name="李四", current_level="51"),
    }


def snapshot():
    return (list(Talk.objects.order_by("pk").values_list("pk", "state", "held_on", "talker")),
            list(TalkFollowUp.objects.order_by("pk").values_list("pk", "done_on")),
            Talk.history.count(), AuditEvent.objects.count())


def refused(call, message):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot() == before


def held(people, *, by="staff", talker="staff", cadre="cadre", kind="daily", on=dt.date(2026, 5, 6), **fields):
    fields.setdefault("praise", "工作扎实")
    talk = Talk(cadre=people[cadre], kind=kind, talker=people[talker] if talker else None, held_on=on,
                place="局党组书记办公室", requirements=fields.pop("requirements", "加强学习"), **fields)
    return talk_create(actor=people[by], talk=talk, today=TODAY)


def raise_due(people, *, source="test:1", kind="reminder"):
    events.talk_required.send(actor=people["staff"], cadre=people["cadre"], kind=kind, due_on=dt.date(2026, 12, 20),
                              reason="测试", source=source)
    return Talk.objects.get(source=source)


def test_personnel_record_an_ad_hoc_talk_with_structured_summary(people):
    talk = held(people, talker="leader")
    assert (talk.state, talk.recorded_by, talk.talker) == ("held", people["staff"], people["leader"])
    assert talk.history.latest().history_user == people["staff"]
    rows = AuditEvent.objects.filter(object_id=str(people["cadre"].pk), event="create", user=people["staff"])
    assert rows.count() == 1


def test_a_leader_records_only_the_talks_they_held(people):
    assert held(people, by="leader", talker="leader").talker == people["leader"]
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        held(people, by="leader", talker="leader2")
    assert exc.value.messages == [messages.ONLY_OWN]
    assert snapshot() == before


def test_a_department_head_cannot_record_talks(people):
    with pytest.raises(ValidationError) as exc:
        held(people, by="head", talker="head")
    assert exc.value.messages == [messages.CANNOT_RECORD]
    assert not Talk.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"on": TODAY + dt.timedelta(days=1)}, messages.HELD_IN_FUTURE),
    ({"praise": "", "requirements": ""}, messages.SUMMARY_REQUIRED),
    ({"talker": None}, messages.TALKER_REQUIRED),
])
def test_a_held_talk_needs_a_past_date_a_talker_and_a_summary(people, fields, message):
    with pytest.raises(ValidationError) as exc:
        held(people, **fields)
    assert exc.value.messages == [message]
    assert not Talk.objects.exists()


def test_an_outside_talker_by_name_is_accepted(people):
    assert held(people, talker=None, talker_name="区委组织部 赵部长").talker_display == "区委组织部 赵部长"


def test_talk_required_raises_one_due_talk_per_source(people):
    first = raise_due(people)
    again = raise_due(people)
    assert first.pk == again.pk and Talk.objects.count() == 1
    assert (first.state, first.kind, first.due_on) == ("due", "reminder", dt.date(2026, 12, 20))


def test_a_due_talk_is_recorded_as_held_once(people):
    talk = raise_due(people)
    talk.talker, talk.held_on, talk.praise = people["leader"], dt.date(2026, 12, 1), "态度端正"
    stale = Talk.objects.get(pk=talk.pk)
    talk_record_held(actor=people["staff"], talk=talk, today=TODAY)
    assert Talk.objects.get(pk=talk.pk).state == "held"
    stale.talker, stale.held_on, stale.praise = people["leader"], dt.date(2026, 12, 1), "再记一次"
    refused(lambda: talk_record_held(actor=people["staff"], talk=stale, today=TODAY),
            messages.NOT_DUE.format(state="谈话"))


def test_a_due_talk_is_cancelled_with_a_reason(people):
    talk = raise_due(people)
    refused(lambda: talk_cancel(actor=people["staff"], talk=talk, reason=""), messages.CANCEL_REASON_REQUIRED)
    refused(lambda: talk_cancel(actor=people["leader"], talk=talk, reason="调离"), messages.CANNOT_RECORD)
    assert talk_cancel(actor=people["staff"], talk=talk, reason="本人已调离本局").state == "cancelled"


def test_discipline_raises_a_reminder_talk_and_admonition_an_admonition_talk(people):
    warning = DisciplineAction(cadre=people["cadre"], kind="warning", decided_on=dt.date(2026, 11, 3),
                               effect_until=dt.date(2027, 5, 2))
    oversight_services.discipline_save(actor=people["staff"], action=warning)
    admonition = DisciplineAction(cadre=people["cadre"], kind="admonition", decided_on=dt.date(2026, 11, 10),
                                  effect_until=dt.date(2027, 5, 9))
    oversight_services.discipline_save(actor=people["staff"], action=admonition)
    talks = {t.source: t for t in Talk.objects.all()}
    assert talks[f"discipline:{warning.pk}"].kind == "reminder"
    assert talks[f"discipline:{warning.pk}"].due_on == dt.date(2026, 12, 3)
    assert talks[f"discipline:{admonition.pk}"].kind == "admonition"
    # Correcting the record later does not raise a second talk.
    warning.summary = "更正事由"
    oversight_services.discipline_save(actor=people["staff"], action=warning)
    assert Talk.objects.count() == 2


def test_step_15_raises_an_appointment_talk_a_month_after_the_decision(db):
    ensure_default_template()
    wf = Workflow()
    case = wf.new_case()
    wf.advance(case, through=15)
    case.refresh_from_db()
    appointed = list(case.candidates.filter(state=Candidate.State.APPOINTED))
    assert appointed
    for candidate in appointed:
        talk = Talk.objects.get(source=f"selection:{case.pk}:{candidate.pk}")
        assert (talk.cadre_id, talk.kind, talk.state) == (candidate.cadre_id, "appointment", "due")
        assert talk.due_on.month == (case.decided_on.month % 12) + 1


def test_follow_ups_are_added_to_held_talks_and_completed_once(people):
    due = raise_due(people)
    refused(lambda: follow_up_add(actor=people["staff"], follow_up=TalkFollowUp(talk=due, item="x",
                                                                                 due_on=TODAY)),
            messages.FOLLOW_UP_NOT_HELD)
    talk = held(people)
    item = follow_up_add(actor=people["staff"], follow_up=TalkFollowUp(talk=talk, item="提交整改报告",
                                                                       due_on=dt.date(2026, 12, 31)))
    refused(lambda: follow_up_complete(actor=people["staff"], follow_up=item, done_on=TODAY, result=""),
            messages.FOLLOW_UP_RESULT_REQUIRED)
    follow_up_complete(actor=people["staff"], follow_up=item, done_on=TODAY, result="已提交")
    refused(lambda: follow_up_complete(actor=people["staff"], follow_up=item, done_on=TODAY, result="再办"),
            messages.FOLLOW_UP_DONE.format(day="2026-12-02"))


def test_the_plan_leader_must_be_a_leader_and_coverage_counts_their_talks(people):
    refused(lambda: talk_plan_save(actor=people["staff"], plan=TalkPlan(year=2026, leader=people["staff"])),
            messages.LEADER_NOT_LEADER)
    refused(lambda: talk_plan_save(actor=people["leader"], plan=TalkPlan(year=2026, leader=people["leader"])),
            messages.CANNOT_PLAN)
    plan = talk_plan_save(actor=people["staff"], plan=TalkPlan(year=2026, leader=people["leader"]))
    held(people, talker="leader")                       # counts
    held(people, talker="leader2", cadre="other")       # another leader: does not count
    held(people, talker="leader", cadre="other", on=dt.date(2025, 5, 6))  # last year: does not count
    queryset = coverage_queryset(people["staff"], plan, today=TODAY)
    assert coverage_summary(queryset, plan) == {"total": 2, "covered": 1, "left": 1, "percent": 50.0}
    assert [c.name for c in queryset.filter(plan_count__lt=1)] == ["李四"]
    # A department head sees their unit's coverage only.
    assert coverage_summary(coverage_queryset(people["head"], plan, today=TODAY), plan)["total"] == 1


def test_plan_kinds_limit_what_counts(people):
    plan = talk_plan_save(actor=people["staff"], plan=TalkPlan(year=2026, leader=people["leader"],
                                                                kinds=["appointment"]))
    held(people, talker="leader")  # 日常谈心: not one of the plan's kinds
    assert coverage_summary(coverage_queryset(people["staff"], plan, today=TODAY), plan)["covered"] == 0
    refused(lambda: talk_plan_save(actor=people["staff"], plan=TalkPlan(year=2027, leader=people["leader"],
                                                                        kinds=["bogus"])),
            messages.PLAN_KINDS_UNKNOWN)
