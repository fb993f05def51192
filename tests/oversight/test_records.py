"""Entering 年度考核 grades and 处分/诫勉 on a cadre's record, and the negative list reading them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from oversight import services as oversight_services
from oversight.models import AnnualAppraisal, DisciplineAction
from selection import services as selection_services
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user
from tests.selection.conftest import Workflow, ensure_default_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return role_user(Role.PERSONNEL, username="staff")


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)


@pytest.fixture
def wf(db):
    """The selection tests' driver through the sixteen steps (tests/selection/conftest.py)."""
    ensure_default_template()
    return Workflow()


def _audit_rows(cadre, record_id, event=None):
    rows = AuditEvent.objects.filter(object_type="cadres.cadre", object_id=str(cadre.pk),
                                     detail__record_id=record_id)
    return rows.filter(event=event) if event else rows


def test_staff_add_edit_delete_an_appraisal(staff_client, staff):
    cadre = CadreFactory(name="钱考核")
    response = staff_client.post(reverse("oversight:appraisal_create", args=[cadre.pk]),
                                 {"year": 2024, "grade": "competent"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:cadre_detail", args=[cadre.pk]) + "#oversight"
    appraisal = AnnualAppraisal.objects.get(cadre=cadre)
    assert (appraisal.year, appraisal.grade) == (2024, "competent")
    assert appraisal.history.get().history_user == staff
    created = _audit_rows(cadre, appraisal.pk, AuditEvent.Event.CREATE).get()
    assert created.user == staff and created.detail["record"] == "年度考核"

    response = staff_client.post(reverse("oversight:appraisal_update", args=[cadre.pk, appraisal.pk]),
                                 {"year": 2024, "grade": "basic"})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.grade == "basic"
    assert appraisal.history.first().history_user == staff
    assert _audit_rows(cadre, appraisal.pk, AuditEvent.Event.UPDATE).count() == 1

    record_id = appraisal.pk
    url = reverse("oversight:appraisal_delete", args=[cadre.pk, record_id])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 302
    assert not AnnualAppraisal.objects.filter(pk=record_id).exists()
    deleted = AnnualAppraisal.history.filter(id=record_id).first()
    assert (deleted.history_type, deleted.history_user) == ("-", staff)
    assert _audit_rows(cadre, record_id, AuditEvent.Event.DELETE).count() == 1
    assert _audit_rows(cadre, record_id).count() == 3  # one per change


def test_staff_add_edit_delete_a_discipline(staff_client, staff):
    cadre = CadreFactory(name="孙处分")
    response = staff_client.post(reverse("oversight:discipline_create", args=[cadre.pk]), {
        "kind": "admonition", "decided_on": "2024-09-01", "effect_until": "2025-03-01", "summary": "工作失职",
    })
    assert response.status_code == 302
    action = DisciplineAction.objects.get(cadre=cadre)
    assert action.history.get().history_user == staff
    assert _audit_rows(cadre, action.pk, AuditEvent.Event.CREATE).get().detail["record"] == "处分与诫勉"

    response = staff_client.post(reverse("oversight:discipline_update", args=[cadre.pk, action.pk]), {
        "kind": "warning", "decided_on": "2024-09-01", "effect_until": "2025-09-01", "summary": "工作失职",
    })
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.kind, action.effect_until) == ("warning", dt.date(2025, 9, 1))
    assert _audit_rows(cadre, action.pk, AuditEvent.Event.UPDATE).count() == 1

    record_id = action.pk
    assert staff_client.post(reverse("oversight:discipline_delete", args=[cadre.pk, record_id])).status_code == 302
    assert not DisciplineAction.objects.filter(pk=record_id).exists()
    assert DisciplineAction.history.filter(id=record_id).first().history_user == staff
    assert _audit_rows(cadre, record_id).count() == 3


def test_a_second_appraisal_for_the_same_year_is_refused(staff_client, staff):
    cadre = CadreFactory()
    oversight_services.appraisal_save(actor=staff, appraisal=AnnualAppraisal(cadre=cadre, year=2023, grade="competent"))
    response = staff_client.post(reverse("oversight:appraisal_create", args=[cadre.pk]),
                                 {"year": 2023, "grade": "excellent"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["2023年度的考核等次已录入，请修改原记录。"]
    assert AnnualAppraisal.objects.filter(cadre=cadre).count() == 1
    # The same year on another cadre is fine (with enough cadres in service that one 优秀 stays within 20%).
    other = CadreFactory()
    CadreFactory.create_batch(3)
    assert staff_client.post(reverse("oversight:appraisal_create", args=[other.pk]),
                             {"year": 2023, "grade": "excellent"}).status_code == 302


def test_effect_ending_before_the_decision_is_refused(staff_client, staff):
    cadre = CadreFactory()
    response = staff_client.post(reverse("oversight:discipline_create", args=[cadre.pk]), {
        "kind": "warning", "decided_on": "2024-09-01", "effect_until": "2024-08-31",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["effect_until"] == ["影响期至不能早于决定日期。"]
    assert not DisciplineAction.objects.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as exc:
        oversight_services.discipline_save(actor=staff, action=DisciplineAction(
            cadre=cadre, kind="warning", decided_on=dt.date(2024, 9, 1), effect_until=dt.date(2024, 8, 31)))
    assert exc.value.message_dict == {"effect_until": ["影响期至不能早于决定日期。"]}
    assert not AuditEvent.objects.filter(detail__record="处分与诫勉").exists()


def test_leader_sees_the_tab_but_may_not_add(client):
    cadre = CadreFactory()
    AnnualAppraisal.objects.create(cadre=cadre, year=2024, grade="excellent")
    log_in(client, role_user(Role.LEADER))
    response = client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert response.status_code == 200
    assert "考核与奖惩" in response.text and "优秀" in response.text
    assert reverse("oversight:appraisal_create", args=[cadre.pk]) not in response.text
    # The tab comes from the record registry (the roster's rewards, and the kinds oversight registers):
    # nothing to add, change or delete.
    tab = next(t for t in response.context["record_tabs"] if t.tab.key == "oversight")
    assert [s.record_type.slug for s in tab.sections] == ["reward", "appraisal", "discipline", "recognition"]
    assert not any(s.create_url or s.can_change or s.can_delete for s in tab.sections)
    assert client.get(reverse("oversight:appraisal_create", args=[cadre.pk])).status_code == 403
    assert client.post(reverse("oversight:discipline_create", args=[cadre.pk]), {
        "kind": "warning", "decided_on": "2024-09-01", "effect_until": "2025-09-01"}).status_code == 403
    assert not DisciplineAction.objects.exists()


def test_department_head_gets_404_for_another_departments_cadre(client):
    own, other = DepartmentFactory(name="法规科"), DepartmentFactory(name="财务科")
    cadre = CadreFactory(department=other)
    log_in(client, role_user(Role.DEPARTMENT_HEAD, departments=[own]))
    assert client.get(reverse("oversight:appraisal_create", args=[cadre.pk])).status_code == 404
    assert client.get(reverse("oversight:discipline_create", args=[cadre.pk])).status_code == 404
    # Their own department's cadre: found, then refused for want of the permission.
    mine = CadreFactory(department=own)
    assert client.get(reverse("oversight:appraisal_create", args=[mine.pk])).status_code == 403


def test_record_page_shows_the_effect_period_badge(staff_client, staff):
    cadre = CadreFactory()
    today = timezone.localdate()
    oversight_services.discipline_save(actor=staff, action=DisciplineAction(
        cadre=cadre, kind="admonition", decided_on=today - dt.timedelta(days=30), effect_until=today))
    oversight_services.appraisal_save(actor=staff, appraisal=AnnualAppraisal(cadre=cadre, year=2024, grade="basic"))
    response = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert response.status_code == 200
    assert response.text.count("影响期内") == 1
    assert '<span class="badge text-bg-danger">基本称职</span>' in response.text
    assert reverse("oversight:discipline_update", args=[cadre.pk, cadre.discipline_actions.get().pk]) in response.text

    # Once the effect period is over, no badge.
    cadre.discipline_actions.update(effect_until=today - dt.timedelta(days=1))
    assert "影响期内" not in staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).text


def test_record_page_query_count_does_not_grow_with_oversight_records(staff_client, staff,
                                                                      django_assert_num_queries):
    cadre = CadreFactory()
    url = reverse("cadres:cadre_detail", args=[cadre.pk])
    staff_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as empty:
        staff_client.get(url)
    for year in (2021, 2022, 2023):
        AnnualAppraisal.objects.create(cadre=cadre, year=year, grade="competent")
        DisciplineAction.objects.create(cadre=cadre, kind="warning", decided_on=dt.date(year, 1, 1),
                                        effect_until=dt.date(year, 6, 1))
    with django_assert_num_queries(len(empty.captured_queries)):
        staff_client.get(url)


def test_negative_grade_entered_on_the_page_is_refused_at_step_7(wf, client):
    bad, clean = CadreFactory(name="冯基本"), CadreFactory(name="陈优秀")
    log_in(client, wf.staff)
    response = client.post(reverse("oversight:appraisal_create", args=[bad.pk]), {"year": 2024, "grade": "basic"})
    assert response.status_code == 302
    case = wf.new_case(cadres=[bad, clean])
    wf.advance(case, through=6)
    with pytest.raises(ValidationError) as exc:
        selection_services.step_submit(actor=wf.staff, case=case, number=7, data={"date": "2025-02-20"})
    text = "；".join(exc.value.messages)
    assert "冯基本" in text and "2024年度考核基本称职" in text
    assert "陈优秀" not in text


def test_appraisal_changes_appear_in_the_record_history_tab(client):
    from cadres.selectors import cadre_history
    from oversight.models import AnnualAppraisal
    from oversight.services import appraisal_save
    from tests.factories import CadreFactory, role_user

    staff = role_user("人事干部", first_name="王人事")
    cadre = CadreFactory()
    appraisal_save(actor=staff, appraisal=AnnualAppraisal(cadre=cadre, year=2024, grade="competent"))
    entries = [e for e in cadre_history(cadre) if e.subject == "年度考核"]
    assert len(entries) == 1 and entries[0].who == "王人事" and entries[0].action == "新增"
