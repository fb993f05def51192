"""A case for a unit without a vacant post (职数) asks for a confirmation with a reason, kept in the trail."""

import datetime as dt

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadres.services import quota_create
from selection import messages, services
from selection.models import SelectionCase, StepEvent
from selection.rules import WorkflowError
from tests.factories import CadreFactory, PostFactory, log_in

REASON = "经区委编办同意，先行启动，待职数调整后任职"


@pytest.fixture
def full(wf):
    """办公室: one 副科 post approved, held by one deputy."""
    quota_create(actor=wf.staff, department=wf.department, level="52", approved=1, document="区编发〔2020〕1号",
                 approved_on=dt.date(2020, 1, 1), effective_from=dt.date(2020, 1, 1))
    PostFactory(cadre=CadreFactory(department=wf.department), department=wf.department, title="办公室副主任",
                level="52", start_date=dt.date(2021, 1, 1))
    return wf


def _create(wf, **kwargs):
    return services.case_create(actor=wf.staff, title="办公室副主任选拔", department=wf.department,
                                post_title="办公室副主任", level="52", method=SelectionCase.Method.COMPETITIVE,
                                cadres=[CadreFactory(name="张三")], **kwargs)


def test_a_case_without_a_vacancy_is_refused_without_the_confirmation(full):
    with pytest.raises(WorkflowError) as caught:
        _create(full)
    assert caught.value.code == "no_vacancy"
    assert "核定1名" in caught.value.messages[0] and "空缺0名" in caught.value.messages[0]
    assert not SelectionCase.objects.exists()


def test_the_confirmation_needs_a_reason(full):
    with pytest.raises(WorkflowError) as caught:
        _create(full, confirm_no_vacancy=True, no_vacancy_reason="  ")
    assert caught.value.code == "no_vacancy_reason_required"
    assert caught.value.messages == [messages.NO_VACANCY_REASON_REQUIRED]
    assert not SelectionCase.objects.exists()


def test_a_confirmed_case_keeps_the_reason_in_its_trail_and_the_audit(full):
    case = _create(full, confirm_no_vacancy=True, no_vacancy_reason=REASON)
    event = StepEvent.objects.get(case=case)
    assert REASON in event.opinion and "无空缺职数" in event.opinion and "核定1名" in event.opinion
    audit = AuditEvent.objects.filter(object_type="selection.selectioncase", object_id=str(case.pk)).get()
    assert REASON in audit.detail["no_vacancy"]


def test_a_unit_with_a_vacancy_or_no_quota_needs_no_confirmation(full):
    quota_create(actor=full.staff, department=full.department, level="52", approved=2, document="区编发〔2024〕2号",
                 approved_on=dt.date(2024, 1, 1), effective_from=dt.date(2024, 1, 1))
    assert _create(full).pk
    # 正科 has no quota recorded for 办公室: nothing says it is full.
    assert services.case_create(actor=full.staff, title="办公室主任选拔", department=full.department,
                                post_title="办公室主任", level="51", method=SelectionCase.Method.COMPETITIVE,
                                cadres=[CadreFactory(name="李四")]).pk


def test_the_form_shows_the_warning_then_starts_the_case_once_confirmed(client, full):
    log_in(client, full.staff)
    data = {"title": "办公室副主任选拔", "department": full.department.pk, "post_title": "办公室副主任", "level": "52",
            "post_count": 1, "method": SelectionCase.Method.COMPETITIVE, "cadres": [CadreFactory(name="王五").pk]}
    response = client.post(reverse("selection:case_create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="no-vacancy"' in html and "空缺0名" in html
    assert 'name="confirm_no_vacancy"' in html and not SelectionCase.objects.exists()
    # Confirmed without a reason: asked again, the box still ticked.
    response = client.post(reverse("selection:case_create"), {**data, "no_vacancy_asked": "1",
                                                               "confirm_no_vacancy": "1"})
    assert response.status_code == 200 and messages.NO_VACANCY_REASON_REQUIRED in response.content.decode()
    response = client.post(reverse("selection:case_create"), {**data, "no_vacancy_asked": "1",
                                                               "confirm_no_vacancy": "1", "no_vacancy_reason": REASON})
    assert response.status_code == 302
    case = SelectionCase.objects.get()
    assert REASON in StepEvent.objects.get(case=case).opinion
    assert REASON in client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
