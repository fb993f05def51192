"""流程模板: the bureau edits the template's steps, or makes a new version, without code.

A running case keeps the version it started with; new cases use the new version.
"""

import pytest
from django.core.exceptions import ValidationError

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from selection import messages
from selection.models import WorkflowTemplate
from selection.services import step_definition_update
from tests.factories import log_in

pytestmark = pytest.mark.django_db

URL = "/selection/template/"


def edit_url(step):
    return f"/selection/template/steps/{step.pk}/edit/"


def step_audits(step):
    return AuditEvent.objects.filter(object_type="selection.stepdefinition", object_id=str(step.pk))


def test_personnel_staff_see_the_template_page_and_others_get_403(client, wf):
    log_in(client, wf.staff)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("序号", "名称", "类别", "承办", "审批角色", "指定审批人", "须有材料", "规则"):
        assert heading in html
    assert "征求纪检监察意见、核查信访" in html and "任前公示（≥5个工作日）" in html
    assert "流程模板" in client.get("/selection/").content.decode()  # the nav link

    log_in(client, wf.leader)
    assert client.get(URL).status_code == 403
    step = WorkflowTemplate.objects.get(is_current=True).steps.get(number=2)
    assert client.get(edit_url(step)).status_code == 403
    assert client.post("/selection/template/new-version/").status_code == 403
    assert "流程模板" not in client.get("/selection/").content.decode()


def test_editing_a_step_of_an_unused_current_template_keeps_history_and_one_audit_row(client, wf):
    step = WorkflowTemplate.objects.get(is_current=True).steps.get(number=2)
    history_before = step.history.count()
    log_in(client, wf.staff)
    assert client.get(edit_url(step)).status_code == 200
    response = client.post(edit_url(step), {
        "name": "提出初步动议", "actor_text": "人事部门→主要负责人", "decided_by_role": Role.LEADER,
        "approvers": [wf.leader2.pk], "required_records": "动议材料\n\n初步建议\n分管领导意见\n",
        "missing_materials": "confirm", "opinion_required": "on",
    })
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.name == "提出初步动议"
    assert step.required_records == ["动议材料", "初步建议", "分管领导意见"]
    assert list(step.approvers.all()) == [wf.leader2]
    assert step.history.count() == history_before + 1
    latest = step.history.first()
    assert latest.history_user == wf.staff and latest.name == "提出初步动议"
    assert [a.user for a in latest.approvers.all()] == [wf.leader2]
    audits = step_audits(step)
    assert audits.count() == 1
    assert audits.get().event == AuditEvent.Event.UPDATE and audits.get().user == wf.staff
    assert set(audits.get().detail["changes"]) == {"name", "approvers", "required_records"}


def test_a_used_template_is_refused_and_a_new_version_takes_the_edits(client, wf):
    v1 = WorkflowTemplate.objects.get(is_current=True)
    step1 = v1.steps.get(number=2)
    step1.approvers.set([wf.leader2])
    running = wf.new_case()

    log_in(client, wf.staff)
    assert "新建版本" in client.get(URL).content.decode()
    response = client.post(edit_url(step1), {"name": "改名", "actor_text": "", "decided_by_role": Role.LEADER,
                                             "required_records": "动议材料", "missing_materials": "confirm"})
    assert response.status_code == 200
    assert "不能直接修改" in response.content.decode() and "新建版本" in response.content.decode()
    step1.refresh_from_db()
    assert step1.name == "提出动议"

    assert client.post("/selection/template/new-version/").status_code == 302
    v1.refresh_from_db()
    v2 = WorkflowTemplate.objects.get(is_current=True)
    assert (v2.version, v2.name, v1.is_current) == (2, v1.name, False)
    fields = ("number", "name", "kind", "decided_by_role", "required_records", "missing_materials",
              "opinion_required", "rule")
    assert list(v2.steps.values_list(*fields)) == list(v1.steps.values_list(*fields))
    assert v2.steps.count() == 16
    assert list(v2.steps.get(number=2).approvers.all()) == [wf.leader2]
    assert AuditEvent.objects.filter(object_type="selection.workflowtemplate", object_id=str(v2.pk),
                                     event=AuditEvent.Event.CREATE).count() == 1
    assert v2.history.first().history_user == wf.staff

    # The new version is unused, so its steps can be edited; version 1 keeps its own.
    step2 = v2.steps.get(number=2)
    response = client.post(edit_url(step2), {"name": "提出动议（新）", "actor_text": "人事部门",
                                             "decided_by_role": Role.LEADER, "required_records": "动议材料",
                                             "missing_materials": "block", "opinion_required": "on"})
    assert response.status_code == 302
    assert v1.steps.get(number=2).name == "提出动议"

    running.refresh_from_db()
    assert running.template == v1
    assert running.steps.get(number=2).definition == step1
    from selection import services
    new_case = services.case_create(actor=wf.staff, title="财务科科长选拔", department=wf.department,
                                    post_title="财务科科长", level="51", method="individual")
    assert new_case.template == v2
    assert new_case.steps.get(number=2).definition.name == "提出动议（新）"


def test_a_gate_without_any_decider_is_refused(client, wf):
    step = WorkflowTemplate.objects.get(is_current=True).steps.get(number=12)
    log_in(client, wf.staff)
    response = client.post(edit_url(step), {"name": step.name, "actor_text": "纪检监察", "decided_by_role": "",
                                            "required_records": "廉政意见", "missing_materials": "confirm"})
    assert response.status_code == 200
    assert messages.GATE_NEEDS_DECIDER in response.content.decode()
    step.refresh_from_db()
    assert step.decided_by_role == Role.DISCIPLINE
    assert not step_audits(step).exists()


def test_the_service_refuses_an_unknown_role_and_blank_record_names(wf):
    step = WorkflowTemplate.objects.get(is_current=True).steps.get(number=1)
    with pytest.raises(ValidationError) as exc:
        step_definition_update(actor=wf.staff, step=step, name="分析研判", actor_text="人事部门",
                                         decided_by_role=Role.AUDIT_ADMIN, approvers=[],
                                         required_records=["分析研判报告", "  "])
    assert set(exc.value.message_dict) == {"decided_by_role", "required_records"}
    # A record step may stay without a decider.
    step_definition_update(actor=wf.staff, step=step, name="分析研判", actor_text="人事部门",
                                     decided_by_role="", approvers=[], required_records=["分析研判报告"])
