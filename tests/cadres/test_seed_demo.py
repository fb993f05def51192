"""python manage.py seed_demo: the demo roster, its idempotence and the demo login."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cadre_office.dates import age_on
from cadres.codes import PARTY_MEMBER_CODES, Ethnicity, Gender, LeadershipLevel, PersonnelStatus
from cadres.demo import DEMO_DATA_REFUSED, DEMO_PASSWORD, DEPARTMENTS, SERVICE_ACCOUNT, demo_roster
from cadres.idnumbers import parse_id_number
from cadres.models import (
    Cadre,
    Department,
    Education,
    FamilyMember,
    PostAssignment,
    RankAssignment,
    ResumeEntry,
    Reward,
)
from cadres.selectors import resume_of

TRACKED = (Cadre, Department, Education, PostAssignment, RankAssignment, ResumeEntry, FamilyMember, Reward)
# The module's data is seeded before the per-test settings of conftest apply: hash with the same cheap hasher.
CHEAP_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back when the module is done.

    Each test's own ``db`` transaction nests inside it as a savepoint, so tests that write
    (the second run) leave the seeded data as they found it.
    """
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=CHEAP_HASHERS), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    from cadre_office.audit.models import AuditEvent
    from selection.models import Candidate, CaseStep, SelectionCase, StepEvent, Vote

    counts = {model.__name__: model.objects.count() for model in TRACKED}
    counts.update({f"history {model.__name__}": model.history.count() for model in TRACKED})
    # The demo selection cases: their steps, candidates (任免理由 included), trail, ballots and audit rows.
    for model in (SelectionCase, CaseStep, Candidate):
        counts[model.__name__] = model.objects.count()
        counts[f"history {model.__name__}"] = model.history.count()
    counts.update(StepEvent=StepEvent.objects.count(), Vote=Vote.objects.count())
    # (The roster's import is audited on every run, even when it changes nothing: not counted.)
    counts["audit selection"] = AuditEvent.objects.filter(object_type__startswith="selection.").count()
    counts["users"] = get_user_model().objects.count()
    counts["groups"] = Group.objects.count()
    return counts


def test_demo_roster_is_the_same_on_every_call():
    assert demo_roster() == demo_roster()


def test_command_refuses_where_demo_data_is_not_allowed_and_writes_nothing(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    before = _counts()

    with pytest.raises(CommandError, match=re.escape(DEMO_DATA_REFUSED)):
        call_command("seed_demo", stdout=StringIO())

    assert _counts() == before


def test_seeding_creates_about_300_cadres_in_the_16_departments(seeded, db):
    assert "单位：新增 16" in seeded
    assert "花名册：新增 300，更新 0，未变 0" in seeded
    assert 280 <= Cadre.objects.count() <= 320

    root = Department.objects.get(parent__isnull=True, kind=Department.Kind.BUREAU)
    departments = list(Department.objects.filter(parent=root).in_tree_order())
    assert [d.name for d in departments] == [spec.name for spec in DEPARTMENTS]
    assert len(departments) == 16
    kinds = {d.name: d.kind for d in departments}
    assert kinds["综合执法大队"] == kinds["第一所"] == Department.Kind.UNIT
    assert kinds["信息中心"] == Department.Kind.SECTION  # created explicitly, despite its 中心 suffix
    assert set(Cadre.objects.values_list("department__parent", flat=True)) == {root.pk}


def test_seeded_id_numbers_are_valid_and_agree_with_birth_date_and_gender(seeded, db):
    for id_number, birth_date, gender in Cadre.objects.values_list("id_number", "birth_date", "gender"):
        parsed = parse_id_number(id_number)
        assert (parsed.birth_date, parsed.gender) == (birth_date, gender), id_number
        assert id_number[:2] in ("50", "51")  # Sichuan and Chongqing


def test_second_run_creates_nothing_and_writes_no_history(seeded, db):
    before = _counts()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "单位：新增 0" in out.getvalue()
    assert "花名册：新增 0，更新 0，未变 300" in out.getvalue()
    assert _counts() == before


def test_the_demo_has_a_case_decided_by_the_party_group_with_its_candidates_forms(seeded, db):
    """信息中心副主任: through step 13 with the demo logins, dated in the past working days; the candidate
    left after the decision has a 任免理由, so the case page's 干部任免审批表 are complete."""
    from cadre_office.reports.appointment.content import case_has_forms
    from selection.demo import DEMO_CASE_TITLE, DEMO_DECIDED_CASE_TITLE
    from selection.models import Candidate, SelectionCase, StepEvent
    from selection.workdays import inspection_notice_ok, is_working_day

    case = SelectionCase.objects.get(title=DEMO_DECIDED_CASE_TITLE)
    assert case.state == SelectionCase.State.ACTIVE and case.current_step >= 13 and case_has_forms(case)
    assert case.steps.get(number=13).state == "done" and case.current_step == 14
    states = dict(case.candidates.values_list("number", "state"))
    assert states == {1: Candidate.State.ACTIVE, 2: Candidate.State.DROPPED, 3: Candidate.State.DROPPED}
    chosen = case.candidates.get(state=Candidate.State.ACTIVE)
    assert chosen.appointment_reason.endswith("拟任信息中心副主任，试用期一年。")
    assert not case.candidates.exclude(pk=chosen.pk).exclude(appointment_reason="").exists()
    assert chosen.history.filter(history_change_reason="填写任免理由", history_user__username="renshi").exists()

    # The dated records lie on past working days, in their order; the inspection notice is in time.
    today = timezone.localdate()
    data = {step.number: step.data for step in case.steps.filter(number__in=[6, 7, 8, 13])}
    days = [dt.date.fromisoformat(value) for value in (
        data[6]["meeting_date"], data[7]["date"], data[8]["notice_date"], data[8]["inspection_date"],
        data[13]["meeting_date"])]
    assert days == sorted(days) and days[-1] < today and all(is_working_day(day) for day in days)
    assert inspection_notice_ok(days[2], days[3]) and case.decided_on == days[-1]

    # renshi submitted every step; lingdao decided the gates, jijian step 12.
    events = case.events.select_related("actor", "step")
    assert {e.actor.username for e in events.filter(action=StepEvent.Action.SUBMIT)} == {"renshi"}
    approvals = {e.step.number: e.actor.username for e in events.filter(action=StepEvent.Action.APPROVE)}
    assert approvals == {2: "lingdao", 3: "lingdao", 4: "lingdao", 7: "lingdao", 10: "lingdao", 11: "lingdao",
                         12: "jijian", 13: "lingdao"}
    # The first demo case is still where it was, and another unit's.
    first = SelectionCase.objects.get(title=DEMO_CASE_TITLE)
    assert first.current_step == 2 and first.department_id != case.department_id


def test_every_seeded_record_has_a_creation_history_row_by_the_seed_demo_account(seeded, db):
    account = get_user_model().objects.get(username=SERVICE_ACCOUNT)
    assert not account.is_active
    assert not account.has_usable_password()
    # The roster's records are the seed's; an education the demo's 备案 added when filed is the officer's
    # who filed it, as it would be in use (oversight's demo acts through its users).
    from oversight.models import Filing

    filed = set(Filing.objects.exclude(education_record=None).values_list("education_record", flat=True))
    assert filed, "the demo files an education completion"
    for model in (Cadre, Education, PostAssignment, RankAssignment):
        created = model.history.filter(history_type="+").exclude(id__in=filed if model is Education else [])
        assert created.count() == model.objects.exclude(pk__in=filed if model is Education else []).count() > 0, \
            model.__name__
        assert set(created.values_list("history_user", flat=True)) == {account.pk}, model.__name__
    seeded_departments = Department.history.filter(history_type="+", name__in=[spec.name for spec in DEPARTMENTS])
    assert set(seeded_departments.values_list("history_user", flat=True)) == {account.pk}


@pytest.mark.parametrize(
    ("username", "role", "department"),
    [("renshi", "人事干部", None), ("lingdao", "局领导", None), ("keshi", "科室负责人", "办公室"),
     ("jijian", "纪检监察", None), ("xitong", "系统管理员", None), ("anquan", "安全管理员", None),
     ("shenji", "审计管理员", None)],
)
def test_each_demo_user_logs_in_with_the_demo_password_and_holds_one_role(
    seeded, db, client, settings, username, role, department
):
    from cadre_office.accounts.services import account_scope

    settings.PASSWORD_HASHERS = CHEAP_HASHERS
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session

    user = get_user_model().objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert [d.name for d in account_scope(user)] == ([department] if department else [])
    assert user.profile.must_change_password is False  # exempt from the first-login change
    assert not user.is_staff
    assert not user.is_superuser


def test_every_demo_login_with_a_second_factor_has_one_and_demo_totp_gives_its_token(seeded, db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cadre_office.accounts.demo import DEMO_USERS
    from cadre_office.accounts.roles import SECOND_FACTOR_ROLES

    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert enrolled == {demo.username for demo in DEMO_USERS if demo.role in SECOND_FACTOR_ROLES}
    assert enrolled == {"renshi", "lingdao", "keshi", "xitong", "anquan", "shenji"}
    for username in ("renshi", "keshi", "shenji"):
        assert username in seeded.split("TOTP", 1)[1]  # its secret is printed
        out = StringIO()
        call_command("demo_totp", username, stdout=out)
        device = TOTPDevice.objects.get(user__username=username)
        assert device.verify_token(out.getvalue().strip())
    with pytest.raises(CommandError, match="不需要动态口令"):
        call_command("demo_totp", "jijian", stdout=StringIO())

    # A second run enrols nothing more (the idempotence test above counts every other row).
    call_command("seed_demo", stdout=StringIO())
    assert TOTPDevice.objects.count() == len(enrolled)


def test_no_seeded_account_is_privileged(seeded, db):
    """docs/security.md item 9: no default or shared superuser or staff account in seeded data."""
    User = get_user_model()
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_seeded_roster_has_a_plausible_mix(seeded, db):
    from cadres.demo import REFERENCE_DATE

    today = REFERENCE_DATE  # the demo's ages are those of its reference date (some are due to retire)
    active = list(Cadre.objects.active().values("gender", "birth_date", "ethnicity", "political_status"))
    women = sum(c["gender"] == Gender.FEMALE for c in active)
    minorities = sum(c["ethnicity"] != Ethnicity.HAN for c in active)
    non_party = sum(c["political_status"] not in PARTY_MEMBER_CODES for c in active)
    ages = [age_on(c["birth_date"], today) for c in active]

    assert 0.25 <= women / len(active) <= 0.40
    assert 0.04 <= minorities / len(active) <= 0.14
    assert 0.06 <= non_party / len(active) <= 0.18
    assert min(ages) >= 22 and max(ages) <= 60
    assert any(age <= 30 for age in ages) and any(age >= 50 for age in ages)

    open_posts = PostAssignment.objects.open().filter(cadre__status=PersonnelStatus.ACTIVE)
    assert open_posts.filter(level=LeadershipLevel.TOWNSHIP_CHIEF).count() >= 40
    assert open_posts.filter(level=LeadershipLevel.TOWNSHIP_DEPUTY).count() >= 60
    for department in Department.objects.filter(name__in=[spec.name for spec in DEPARTMENTS]):
        chiefs = open_posts.filter(department=department, level=LeadershipLevel.TOWNSHIP_CHIEF)
        assert chiefs.exists(), department.name
    assert not RankAssignment.objects.filter(start_date__lt=dt.date(2019, 6, 1)).exists()

    statuses = set(Cadre.objects.exclude(status=PersonnelStatus.ACTIVE).values_list("status", flat=True))
    assert statuses == {PersonnelStatus.TRANSFERRED, PersonnelStatus.RETIRED, PersonnelStatus.RESIGNED}
    left = Cadre.objects.exclude(status=PersonnelStatus.ACTIVE)
    assert not left.filter(status_date__isnull=True).exists() and not left.filter(status_reason="").exists()


def test_the_demo_has_one_selection_case_waiting_for_the_leader(seeded, db):
    from selection.demo import DEMO_CASE_TITLE
    from selection.models import SelectionCase
    from selection.selectors import inbox

    case = SelectionCase.objects.get(title=DEMO_CASE_TITLE)
    assert case.current_step == 2 and case.steps.get(number=2).state == "submitted"
    lingdao = get_user_model().objects.get(username="lingdao")
    assert [row.case.pk for row in inbox(lingdao)] == [case.pk]


@pytest.mark.django_db
def test_every_leader_in_service_has_a_resume_family_and_believable_rewards(seeded):
    leaders = Cadre.objects.active().exclude(current_level="")
    assert leaders.exists()
    for cadre in leaders:
        assert cadre.family_members.filter(relation__in=["妻子", "丈夫"]).count() == 1, cadre
        resume = resume_of(cadre)
        assert resume.lines and not resume.overlapping, cadre  # entered lines end before the post history
        assert all(reward.granted_on < dt.date(2026, 7, 1) for reward in cadre.rewards.all())
    assert Reward.objects.count() > 50
    assert ResumeEntry.objects.exclude(cadre__current_level="").exists()  # some staff too, not only leaders
    # Every record went through the child-record core: a history row naming the demo account.
    assert not ResumeEntry.history.exclude(history_user__username=SERVICE_ACCOUNT).exists()
    assert FamilyMember.history.count() == FamilyMember.objects.count()


def test_the_demo_has_cadres_due_to_retire_the_man_born_1966_08_among_them(seeded, db):
    from cadres.demo import REFERENCE_DATE
    from cadres.selectors import retirement_due_report

    report = retirement_due_report(as_of=REFERENCE_DATE, months=12)
    months = {row["id_number"][6:12]: (row["retire_month"], row["overdue"]) for row in report["cadres"]}
    assert months["196608"] == ("2027-01", False)  # 60 in 2026-08, in service, due in 2027-01
    assert sum(overdue for _, overdue in months.values()) >= 2
    assert sum(not overdue for _, overdue in months.values()) >= 2


def test_the_demo_archive_holds_last_months_bureau_report_reported_by_renshi_once(seeded, db):
    from cadre_office.reports.models import MonthlyReport
    from cadre_office.reports.services import last_month

    report = MonthlyReport.objects.get()
    assert (report.month, report.department, report.version, report.state) == (
        last_month(), None, 1, MonthlyReport.State.REPORTED)
    assert report.requested_by.username == report.reported_by.username == "renshi"
    assert report.xlsx.name.endswith("-全局-v1.xlsx") and report.pdf.name.endswith("-全局-v1.pdf")
    call_command("seed_demo", stdout=StringIO())
    assert MonthlyReport.objects.count() == 1 and MonthlyReport.history.count() == 4

