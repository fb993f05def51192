"""备案 services: each step guarded by state and permission, the due date, the records a filing adds."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres.models import Education, Reward
from oversight import filing_messages as texts
from oversight import services
from oversight.filing_selectors import due_soon, filings_visible_to, overdue
from oversight.models import Filing, FilingRule
from oversight.models.filings import add_months
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = pytest.mark.django_db

EVENT = dt.date(2026, 10, 31)


@pytest.fixture
def people(db):
    class People:
        unit = DepartmentFactory(name="办公室")
        staff = role_user(Role.PERSONNEL)
        other_staff = role_user(Role.PERSONNEL)
        discipline = role_user(Role.DISCIPLINE)
        leader = role_user(Role.LEADER)
        head = role_user(Role.DEPARTMENT_HEAD, departments=[unit])
    People.cadre = CadreFactory(department=People.unit, name="张明")
    return People


def new(kind, people, actor=None, **fields):
    defaults = {
        Filing.Kind.EDUCATION: {"education_stage": Filing.EducationStage.COMPLETION, "school": "中共某某省委党校",
                                    "major": "经济管理", "education_level": "21", "degree": "",
                                    "study_mode": Filing.StudyMode.PARTY_SCHOOL},
        Filing.Kind.HONOUR: {"honour_title": "全区优秀共产党员", "awarding_body": "中共某某区委",
                                 "honour_level": Filing.HonourLevel.COUNTY},
        Filing.Kind.PETITION: {"petition_source": Filing.PetitionSource.LETTER,
                               "petition_summary": "反映其违规操办宴席"},
    }[kind]
    return services.filing_submit(actor=actor or people.staff, filing=Filing(
        cadre=people.cadre, kind=kind, event_date=fields.pop("event_date", EVENT), **{**defaults, **fields}))


def snapshot(filing):
    filing = Filing.objects.get(pk=filing.pk)
    return (model_to_dict(filing), filing.history.count(), AuditEvent.objects.count(), Education.objects.count(),
            Reward.objects.count())


def refused(call, message, filing):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot(filing)
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot(filing) == before


def walk(filing, actor, *, to):
    order = ["receive", "review", "file"]
    for step in order[:order.index(to) + 1]:
        filing = getattr(services, f"filing_{step}")(actor=actor, filing=filing)
    return filing


# --- submission ----------------------------------------------------------------------------------------


def test_due_one_month_after_the_event_by_the_rule_kept_as_data(people):
    filing = new(Filing.Kind.HONOUR, people)
    assert filing.due_on == dt.date(2026, 11, 30)  # 10-31 + 1 month: the month's last day
    assert filing.state == Filing.State.SUBMITTED and filing.submitted_by == people.staff
    assert filing.history.get().history_user == people.staff
    assert AuditEvent.objects.get(object_type="oversight.filing", object_id=str(filing.pk)).event == "create"

    rule = FilingRule.objects.get(kind=Filing.Kind.HONOUR)
    rule.due_months = 2
    rule.save()
    assert new(Filing.Kind.HONOUR, people).due_on == dt.date(2026, 12, 31)


def test_the_default_rules_are_seeded():
    assert {(r.kind, r.due_months, r.remind_days) for r in FilingRule.objects.all()} == {
        ("education", 1, 7), ("honour", 1, 7), ("petition", 1, 7)}


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


@pytest.mark.parametrize(("kind", "field", "label"), [
    (Filing.Kind.EDUCATION, "school", "院校"), (Filing.Kind.HONOUR, "honour_level", "荣誉级别"),
    (Filing.Kind.PETITION, "petition_summary", "反映问题摘要"),
])
def test_each_kind_requires_its_fields(people, kind, field, label):
    with pytest.raises(ValidationError) as exc:
        new(kind, people, **{field: ""})
    assert exc.value.message_dict == {field: [texts.REQUIRED.format(label=label)]}
    assert not Filing.objects.exists()


def test_an_event_in_the_future_is_refused(people):
    with pytest.raises(ValidationError) as exc:
        new(Filing.Kind.HONOUR, people, event_date=dt.date.today() + dt.timedelta(days=1))
    assert exc.value.message_dict == {"event_date": [texts.EVENT_IN_FUTURE]}


def test_a_department_head_cannot_submit_a_petition(people):
    with pytest.raises(PermissionDenied):
        new(Filing.Kind.PETITION, people, actor=people.head)
    assert not Filing.objects.exists()
    assert new(Filing.Kind.HONOUR, people, actor=people.head).submitted_by == people.head


# --- the steps -----------------------------------------------------------------------------------------


def test_each_step_writes_who_when_history_and_audit(people):
    filing = walk(new(Filing.Kind.EDUCATION, people, education_stage=Filing.EducationStage.ENROLMENT),
                  people.staff, to="file")
    assert filing.state == Filing.State.FILED
    assert (filing.received_by, filing.reviewed_by, filing.filed_by) == (people.staff,) * 3
    assert filing.received_at and filing.reviewed_at and filing.filed_at
    assert list(filing.history.values_list("state", flat=True)) == ["filed", "reviewed", "received", "submitted"]
    assert [e.detail["action"] for e in AuditEvent.objects.filter(object_type="oversight.filing").order_by("id")] == [
        "submit", "receive", "review", "file"]
    assert not Education.objects.exists()  # an enrolment adds nothing to the record


@pytest.mark.parametrize(("done", "step", "name"), [
    ("submitted", "review", "审核"), ("submitted", "file", "归档"), ("received", "receive", "接收"),
    ("received", "file", "归档"), ("reviewed", "review", "审核"), ("filed", "file", "归档"),
    ("filed", "return", "退回"), ("filed", "reject", "不予备案"), ("submitted", "resubmit", "重新报送"),
])
def test_a_step_in_the_wrong_state_is_refused(people, done, step, name):
    filing = new(Filing.Kind.HONOUR, people)
    if done != "submitted":
        filing = walk(filing, people.staff, to={"received": "receive", "reviewed": "review", "filed": "file"}[done])
    state = Filing.State(done).label
    kwargs = {"reason": "材料不全"} if step in ("return", "reject") else {}
    refused(lambda: getattr(services, f"filing_{step}")(actor=people.staff, filing=filing, **kwargs),
            texts.WRONG_STATE.format(state=state, action=name), filing)


@pytest.mark.parametrize("who", ["head", "leader", "discipline"])
def test_only_personnel_staff_handle_filings(people, who):
    filing = new(Filing.Kind.HONOUR, people)
    before = snapshot(filing)
    with pytest.raises(PermissionDenied):
        services.filing_receive(actor=getattr(people, who), filing=filing)
    assert snapshot(filing) == before


def test_return_needs_a_reason_and_the_submitter_resubmits(people):
    filing = new(Filing.Kind.HONOUR, people, actor=people.head)
    refused(lambda: services.filing_return(actor=people.staff, filing=filing, reason="  "), texts.REASON_REQUIRED,
            filing)
    filing = services.filing_return(actor=people.staff, filing=filing, reason="缺少荣誉证书复印件")
    assert (filing.state, filing.closed_by, filing.closed_reason) == ("returned", people.staff, "缺少荣誉证书复印件")
    other_head = role_user(Role.DEPARTMENT_HEAD, departments=[people.unit])
    with pytest.raises(PermissionDenied):
        services.filing_resubmit(actor=other_head, filing=filing)
    filing = services.filing_resubmit(actor=people.head, filing=filing)
    assert filing.state == "submitted" and filing.received_by is None


def test_reject_is_final(people):
    filing = services.filing_reject(actor=people.staff, filing=new(Filing.Kind.HONOUR, people), reason="非县级以上荣誉")
    assert filing.state == "rejected"
    refused(lambda: services.filing_resubmit(actor=people.staff, filing=filing),
            texts.WRONG_STATE.format(state="不予备案", action="重新报送"), filing)


# --- what a filed filing adds to the record --------------------------------------------------------------


def test_a_filed_education_completion_adds_the_part_time_education_once(people):
    filing = walk(new(Filing.Kind.EDUCATION, people, degree="管理学硕士"), people.staff, to="file")
    education = Education.objects.get(cadre=people.cadre)
    assert (education.kind, education.level, education.degree) == (Education.Kind.PART_TIME, "21", "管理学硕士")
    assert education.school_major == "中共某某省委党校 经济管理" and education.graduation_date == EVENT
    assert filing.education_record == education
    assert education.history.get().history_user == people.staff
    # Filing again is refused by state; nothing is added twice.
    refused(lambda: services.filing_file(actor=people.staff, filing=filing),
            texts.WRONG_STATE.format(state="已归档", action="归档"), filing)
    assert Education.objects.count() == 1


def test_a_second_completion_at_the_same_level_adds_nothing(people):
    first = walk(new(Filing.Kind.EDUCATION, people), people.staff, to="file")
    second = walk(new(Filing.Kind.EDUCATION, people), people.staff, to="file")
    assert Education.objects.count() == 1
    assert first.education_record_id is not None and second.education_record_id is None


def test_a_filed_honour_adds_the_reward_once(people):
    filing = walk(new(Filing.Kind.HONOUR, people, honour_level=Filing.HonourLevel.MUNICIPAL), people.staff, to="file")
    reward = Reward.objects.get(cadre=people.cadre)
    assert (reward.kind, reward.name, reward.level, reward.granted_by, reward.granted_on) == (
        Reward.Kind.TITLE, "全区优秀共产党员", Reward.Level.MUNICIPAL, "中共某某区委", EVENT)
    assert filing.reward_record == reward
    assert AuditEvent.objects.filter(object_type="cadres.cadre", object_id=str(people.cadre.pk),
                                     event="create").count() == 1
    refused(lambda: services.filing_file(actor=people.staff, filing=filing),
            texts.WRONG_STATE.format(state="已归档", action="归档"), filing)
    assert Reward.objects.count() == 1


# --- 信访 ------------------------------------------------------------------------------------------------


def test_a_petition_is_reviewed_only_after_discipline_records_the_outcome(people):
    filing = services.filing_receive(actor=people.staff, filing=new(Filing.Kind.PETITION, people))
    refused(lambda: services.filing_review(actor=people.staff, filing=filing), texts.OUTCOME_REQUIRED_FIRST, filing)
    with pytest.raises(PermissionDenied):
        services.petition_outcome_record(actor=people.staff, filing=filing, outcome="untrue", handling="了结")
    filing = services.petition_outcome_record(actor=people.discipline, filing=filing, outcome="untrue",
                                              handling="经核查不属实，予以了结")
    assert (filing.outcome, filing.outcome_by) == ("untrue", people.discipline)
    filing = services.filing_review(actor=people.staff, filing=filing)
    filing = services.filing_file(actor=people.staff, filing=filing)
    assert filing.state == "filed" and not Reward.objects.exists() and not Education.objects.exists()
    refused(lambda: services.petition_outcome_record(actor=people.discipline, filing=filing, outcome="true",
                                                     handling="改"),
            texts.WRONG_STATE.format(state="已归档", action="录入核查结论"), filing)


def test_an_outcome_needs_its_fields_and_only_a_petition_has_one(people):
    filing = new(Filing.Kind.PETITION, people)
    with pytest.raises(ValidationError) as exc:
        services.petition_outcome_record(actor=people.discipline, filing=filing, outcome="", handling="")
    assert exc.value.message_dict == {"outcome": [texts.REQUIRED.format(label="核查结论")],
                                      "handling": [texts.REQUIRED.format(label="处理情况")]}
    honour = new(Filing.Kind.HONOUR, people)
    refused(lambda: services.petition_outcome_record(actor=people.discipline, filing=honour, outcome="true",
                                                     handling="x"), texts.NOT_PETITION, honour)


def test_petitions_are_seen_by_discipline_leaders_and_staff_only(people):
    petition = new(Filing.Kind.PETITION, people)
    honour = new(Filing.Kind.HONOUR, people)
    for user in (people.staff, people.discipline, people.leader):
        assert set(filings_visible_to(user)) == {petition, honour}
    assert set(filings_visible_to(people.head)) == {honour}
    outsider = role_user(Role.DEPARTMENT_HEAD, departments=[DepartmentFactory(name="财务科")])
    assert not filings_visible_to(outsider).exists()


# --- reminders -------------------------------------------------------------------------------------------


def test_overdue_and_due_soon(people):
    today = dt.date(2026, 12, 2)
    late = new(Filing.Kind.HONOUR, people, event_date=dt.date(2026, 10, 20))      # due 11-20: overdue
    soon = new(Filing.Kind.HONOUR, people, event_date=dt.date(2026, 11, 8))       # due 12-08: within 7 days
    later = new(Filing.Kind.HONOUR, people, event_date=dt.date(2026, 11, 20))     # due 12-20
    done = walk(new(Filing.Kind.HONOUR, people, event_date=dt.date(2026, 10, 1)), people.staff, to="file")
    base = Filing.objects.all()
    assert set(overdue(base, today)) == {late}
    assert set(due_soon(base, today)) == {soon}
    assert later not in overdue(base, today) and done not in overdue(base, today)
