"""Issue 11, fault 2: required records and opinions.

A step used to be completed, and a gate approved, with every required record missing and an empty
opinion. Now each step of the template says, as data, whether a missing record blocks it or asks for
a confirmation with a reason (the default); the reason is kept in the trail and the 纪实表. A step may
ask for an opinion: the submission (and, at a gate, the approval) is refused without one.
"""

import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from selection import messages, services
from selection.models import CaseStep, StepDefinition, StepEvent, WorkflowTemplate
from selection.reports import case_record_pdf
from tests.factories import log_in
from tests.selection.conftest import MISSING_REASON, OPINION
from tests.selection.test_rules import refused

pytestmark = pytest.mark.django_db

Mode = StepDefinition.MissingMaterials


def pdf(name="a.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n", content_type="application/pdf")


@pytest.fixture
def case(wf):
    return wf.new_case()


def set_step(case, number, **fields):
    """Change the case's step definition as the template editor would have (tests only: in place)."""
    StepDefinition.objects.filter(pk=case.steps.get(number=number).definition_id).update(**fields)


# --- missing records: confirm with a reason (the default) -------------------------------------------


def test_a_step_with_its_records_missing_is_refused_without_a_reason(wf, case):
    refused(lambda: services.step_submit(actor=wf.staff, case=case, number=1, opinion="研判完毕"),
            messages.MATERIALS_UNCONFIRMED.format(number=1, names="分析研判报告"), case)


def test_a_reason_confirms_the_missing_records_and_the_trail_keeps_it(wf, case):
    services.step_submit(actor=wf.staff, case=case, number=1, opinion="研判完毕", missing_reason="报告待签批")
    event = StepEvent.objects.get(case=case, step__number=1, action=StepEvent.Action.SUBMIT)
    assert (event.missing_records, event.missing_reason) == (["分析研判报告"], "报告待签批")
    assert case.steps.get(number=1).state == CaseStep.State.DONE


def test_uploaded_records_need_no_reason_and_leave_none_in_the_trail(wf, case):
    services.attachment_add(actor=wf.staff, case=case, number=1, record_name="分析研判报告", file=pdf())
    services.step_submit(actor=wf.staff, case=case, number=1, opinion="研判完毕")
    event = StepEvent.objects.get(case=case, step__number=1, action=StepEvent.Action.SUBMIT)
    assert (event.missing_records, event.missing_reason) == ([], "")


def test_only_the_records_still_missing_are_asked_for(wf, case):
    wf.advance(case, through=1)
    services.attachment_add(actor=wf.staff, case=case, number=2, record_name="动议材料", file=pdf())
    refused(lambda: services.step_submit(actor=wf.staff, case=case, number=2, opinion=OPINION),
            messages.MATERIALS_UNCONFIRMED.format(number=2, names="初步建议"), case)


def test_approving_a_gate_with_records_missing_needs_the_approvers_own_reason(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    refused(lambda: services.step_approve(actor=wf.leader, case=case, number=2, opinion="同意"),
            messages.MATERIALS_UNCONFIRMED.format(number=2, names="动议材料、初步建议"), case)
    services.step_approve(actor=wf.leader, case=case, number=2, opinion="同意", missing_reason="会后补交")
    event = StepEvent.objects.get(case=case, step__number=2, action=StepEvent.Action.APPROVE)
    assert (event.missing_records, event.missing_reason, event.actor) == (["动议材料", "初步建议"], "会后补交",
                                                                          wf.leader)


# --- missing records: block --------------------------------------------------------------------------


def test_a_blocking_step_refuses_even_with_a_reason_until_the_record_is_uploaded(wf, case):
    set_step(case, 1, missing_materials=Mode.BLOCK)
    refused(lambda: services.step_submit(actor=wf.staff, case=case, number=1, opinion="x", missing_reason="后补"),
            messages.MATERIALS_MISSING_BLOCK.format(number=1, names="分析研判报告"), case)
    services.attachment_add(actor=wf.staff, case=case, number=1, record_name="分析研判报告", file=pdf())
    services.step_submit(actor=wf.staff, case=case, number=1, opinion="x")
    assert case.steps.get(number=1).state == CaseStep.State.DONE


def test_a_blocking_gate_cannot_be_approved_until_the_record_is_uploaded_but_may_be_returned(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)  # confirmed with a reason while the step still asked for one
    set_step(case, 2, missing_materials=Mode.BLOCK)
    refused(lambda: wf.approve(case, 2), messages.MATERIALS_MISSING_BLOCK.format(number=2, names="动议材料、初步建议"),
            case)
    services.step_return(actor=wf.leader, case=case, number=2, opinion="请补齐材料")
    assert case.steps.get(number=2).state == CaseStep.State.RETURNED


def test_the_rule_is_the_templates_not_the_step_number(wf):
    """A new template version that blocks step 5 (and asks step 1 for nothing) is what new cases follow."""
    template = services.template_new_version(actor=wf.staff, template=WorkflowTemplate.objects.get(is_current=True))
    first, fifth = template.steps.get(number=1), template.steps.get(number=5)
    services.step_definition_update(actor=wf.staff, step=first, name=first.name, actor_text=first.actor,
                                    decided_by_role="", approvers=[], required_records=[])
    services.step_definition_update(actor=wf.staff, step=fifth, name=fifth.name, actor_text=fifth.actor,
                                    decided_by_role="", approvers=[], required_records=fifth.required_records,
                                    missing_materials=Mode.BLOCK, opinion_required=True)
    case = wf.new_case()
    services.step_submit(actor=wf.staff, case=case, number=1)  # nothing required, nothing asked
    wf.advance(case, through=4)
    refused(lambda: wf.submit(case, 5), messages.MATERIALS_MISSING_BLOCK.format(number=5, names="谈话推荐记录"), case)
    services.attachment_add(actor=wf.staff, case=case, number=5, record_name="谈话推荐记录", file=pdf())
    refused(lambda: wf.submit(case, 5, opinion=""), messages.SUBMIT_OPINION_REQUIRED.format(number=5), case)
    wf.submit(case, 5)


# --- opinions --------------------------------------------------------------------------------------


def test_a_gate_is_submitted_only_with_an_opinion(wf, case):
    wf.advance(case, through=1)
    refused(lambda: wf.submit(case, 2, opinion="  "), messages.SUBMIT_OPINION_REQUIRED.format(number=2), case)


def test_a_gate_is_approved_only_with_an_opinion(wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    refused(lambda: wf.approve(case, 2, opinion=""), messages.APPROVE_OPINION_REQUIRED.format(number=2), case)


def test_a_step_that_asks_for_no_opinion_goes_without(wf, case):
    assert not case.steps.get(number=1).definition.opinion_required
    services.step_submit(actor=wf.staff, case=case, number=1, missing_reason=MISSING_REASON)
    assert case.steps.get(number=1).state == CaseStep.State.DONE


# --- the page --------------------------------------------------------------------------------------


def detail_url(case):
    return reverse("selection:case_detail", args=[case.pk])


def test_the_page_asks_for_the_reason_beside_the_missing_records_and_shows_it_in_the_trail(client, wf, case):
    log_in(client, wf.staff)
    page = client.get(detail_url(case)).content.decode()
    assert 'data-testid="missing-materials"' in page and 'name="missing_reason"' in page

    url = reverse("selection:step_submit", args=[case.pk, 1])
    response = client.post(url, {"opinion": "研判完毕"})
    assert response.status_code == 200
    assert messages.MATERIALS_UNCONFIRMED.format(number=1, names="分析研判报告") in response.content.decode()
    assert case.steps.get(number=1).state == CaseStep.State.OPEN

    response = client.post(url, {"opinion": "研判完毕", "missing_reason": "报告待签批"})
    assert response.status_code == 302
    trail = client.get(detail_url(case)).content.decode()
    assert 'data-testid="missing-confirmed"' in trail and "缺少材料：分析研判报告；原因：报告待签批" in trail


def test_a_blocking_step_shows_why_and_its_url_refuses_too(client, wf, case):
    set_step(case, 1, missing_materials=Mode.BLOCK)
    log_in(client, wf.staff)
    page = client.get(detail_url(case)).content.decode()
    assert 'data-testid="submit-form"' not in page and 'data-testid="submit-blocked"' in page
    assert 'data-testid="attachment-form"' in page  # the way out: upload the record
    response = client.post(reverse("selection:step_submit", args=[case.pk, 1]),
                           {"opinion": "x", "missing_reason": "后补"})
    assert response.status_code == 200
    assert messages.MATERIALS_MISSING_BLOCK.format(number=1, names="分析研判报告") in response.content.decode()
    assert case.steps.get(number=1).state == CaseStep.State.OPEN


def test_the_approval_form_asks_the_approver_for_the_reason(client, wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    log_in(client, wf.leader)
    page = client.get(detail_url(case)).content.decode()
    assert 'id="id_decide_missing_reason"' in page
    url = reverse("selection:step_decide", args=[case.pk, 2])
    response = client.post(url, {"decision": "approve", "opinion": "同意"})
    assert response.status_code == 200 and case.steps.get(number=2).state == CaseStep.State.SUBMITTED
    response = client.post(url, {"decision": "approve", "opinion": "", "missing_reason": "会后补交"})
    assert messages.APPROVE_OPINION_REQUIRED.format(number=2) in response.content.decode()
    response = client.post(url, {"decision": "approve", "opinion": "同意", "missing_reason": "会后补交"})
    assert response.status_code == 302 and case.steps.get(number=2).state == CaseStep.State.DONE


def test_the_template_page_edits_what_a_missing_record_does_and_the_opinion(client, wf):
    template = services.template_new_version(actor=wf.staff, template=WorkflowTemplate.objects.get(is_current=True))
    step = template.steps.get(number=9)
    log_in(client, wf.staff)
    url = reverse("selection:step_definition_update", args=[step.pk])
    response = client.post(url, {"name": step.name, "actor_text": step.actor, "decided_by_role": "",
                                 "required_records": "\n".join(step.required_records),
                                 "missing_materials": Mode.BLOCK, "opinion_required": "on"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.missing_materials, step.opinion_required) == (Mode.BLOCK, True)
    page = client.get(reverse("selection:workflow_template_detail")).content.decode()
    assert "缺少材料时" in page and "须先上传" in page


def test_the_record_pdf_shows_the_missing_records_and_the_reason(wf, case, tmp_path):
    services.step_submit(actor=wf.staff, case=case, number=1, opinion="研判完毕", missing_reason="报告待签批")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is missing: make test installs it"
    path = tmp_path / "record.pdf"
    path.write_bytes(case_record_pdf(case, viewer=wf.leader))
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "缺少材料：分析研判报告；原因：报告待签批" in "".join(text.split())
