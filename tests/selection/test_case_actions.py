"""The case page's own actions: records attached to steps (upload, ✓/✗, audited download), pausing,
resuming and terminating with a reason, and leaving a candidate off the list (未列入) before step 7."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from oversight.models import DisciplineAction
from selection import messages, services
from selection.models import Candidate, CaseStep, SelectionCase, StepAttachment, StepEvent
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a minutes file\n"


def detail_url(case):
    return reverse("selection:case_detail", args=[case.pk])


def upload_url(case, number):
    return reverse("selection:attachment_add", args=[case.pk, number])


def pdf(name="分析研判报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def case(wf):
    return wf.new_case()


def upload(client, case, number, record_name, file=None, **extra):
    return client.post(upload_url(case, number), {"record_name": record_name, "file": file or pdf(), **extra})


# --- attachments ------------------------------------------------------------------------------------


def test_a_runner_uploads_a_record_and_the_step_shows_it_present(client, wf, case):
    log_in(client, wf.staff)
    page = client.get(detail_url(case)).content.decode()
    assert "✗ 分析研判报告" in page and 'data-testid="attachment-form"' in page

    response = upload(client, case, 1, "分析研判报告")
    assert response.status_code == 302 and response.url == detail_url(case) + "#step-1"  # back at the step
    attachment = StepAttachment.objects.get()
    assert (attachment.step.number, attachment.record_name, attachment.uploaded_by) == (1, "分析研判报告", wf.staff)
    assert attachment.file.read() == PDF
    event = StepEvent.objects.get(step=attachment.step, opinion="上传材料：分析研判报告")
    assert event.action == StepEvent.Action.RECORD and event.actor == wf.staff
    audit = AuditEvent.objects.filter(event="workflow", object_id=str(case.pk)).latest("pk")
    assert audit.detail["attachment"] == attachment.pk

    page = client.get(detail_url(case)).content.decode()
    assert "✓ 分析研判报告" in page
    assert reverse("selection:attachment_download", args=[case.pk, attachment.pk]) in page


def test_another_record_may_be_named_freely_and_a_done_step_takes_records(client, wf, case):
    wf.advance(case, through=1)
    log_in(client, wf.staff)
    response = upload(client, case, 1, "", other_name="补充说明")
    assert response.status_code == 302
    assert StepAttachment.objects.get().record_name == "补充说明"
    page = client.get(detail_url(case)).content.decode()
    assert "✗ 分析研判报告" in page  # a free-text record does not satisfy a required one


def test_a_step_not_reached_refuses_records(client, wf, case):
    log_in(client, wf.staff)
    response = upload(client, case, 3, "工作方案")
    assert response.status_code == 200
    assert messages.ATTACHMENT_STEP_NOT_REACHED.format(number=3) in response.content.decode()
    assert not StepAttachment.objects.exists()


@pytest.mark.parametrize("name", ["脚本.exe", "报告.pdf.html", "无扩展名"])
def test_a_file_of_another_type_is_refused(client, wf, case, name):
    log_in(client, wf.staff)
    response = upload(client, case, 1, "分析研判报告", file=pdf(name))
    assert response.status_code == 200
    assert 'data-testid="attachment-errors"' in response.content.decode()
    assert "只能上传以下格式的文件" in response.content.decode()
    assert not StepAttachment.objects.exists()
    assert not StepEvent.objects.filter(opinion__startswith="上传材料").exists()


def test_a_file_over_the_limit_is_refused(wf, case, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF) - 1
    with pytest.raises(services.WorkflowError) as error:
        services.attachment_add(actor=wf.staff, case=case, number=1, record_name="分析研判报告", file=pdf())
    assert error.value.code == "attachment_too_large"
    assert not StepAttachment.objects.exists()


def test_a_leader_cannot_upload(client, wf, case):
    log_in(client, wf.leader)
    assert 'data-testid="attachment-form"' not in client.get(detail_url(case)).content.decode()
    assert upload(client, case, 1, "分析研判报告").status_code == 403
    assert not StepAttachment.objects.exists()


def test_a_download_is_scoped_no_store_and_audited(client, wf, case):
    attachment = services.attachment_add(actor=wf.staff, case=case, number=1, record_name="分析研判报告",
                                         file=pdf())
    url = reverse("selection:attachment_download", args=[case.pk, attachment.pk])

    response = client.get(url)  # anonymous
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    log_in(client, wf.leader)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    downloads = AuditEvent.objects.filter(event="download", object_id=str(case.pk))
    assert downloads.count() == 1 and downloads.get().detail["attachment"] == attachment.pk

    head = role_user(Role.DEPARTMENT_HEAD, departments=[DepartmentFactory(name="财务科")])
    log_in(client, head)
    assert client.get(url).status_code == 404
    other = services.case_create(actor=wf.staff, title="财务科副科长选拔", department=DepartmentFactory(name="审计科"),
                                 post_title="副科长", level="52", method=SelectionCase.Method.INDIVIDUAL,
                                 cadres=[CadreFactory()])
    log_in(client, wf.leader)  # the attachment under another case's address is not found either
    assert client.get(reverse("selection:attachment_download", args=[other.pk, attachment.pk])).status_code == 404
    assert downloads.count() == 1


# --- pause, resume, terminate -----------------------------------------------------------------------


def test_pause_resume_and_terminate_through_the_page_with_reasons(client, wf, case):
    url = reverse("selection:case_state", args=[case.pk])
    log_in(client, wf.staff)
    assert 'data-testid="state-form"' in client.get(detail_url(case)).content.decode()

    response = client.post(url, {"action": "pause", "reason": ""})
    assert response.status_code == 200 and 'data-testid="state-errors"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == SelectionCase.State.ACTIVE

    assert client.post(url, {"action": "pause", "reason": "人选需进一步了解"}).status_code == 302
    case.refresh_from_db()
    assert case.state == SelectionCase.State.PAUSED

    response = client.post(url, {"action": "pause", "reason": "再次暂停"})  # the service's refusal
    assert response.status_code == 200
    assert messages.CASE_NOT_ACTIVE.format(state="暂停") in response.content.decode()

    assert client.post(url, {"action": "resume", "reason": "情况已查清"}).status_code == 302
    case.refresh_from_db()
    assert case.state == SelectionCase.State.ACTIVE

    assert client.post(url, {"action": "terminate", "reason": "机构调整，职位撤销"}).status_code == 302
    case.refresh_from_db()
    assert case.state == SelectionCase.State.TERMINATED
    trail = list(case.events.filter(action__in=["pause", "resume", "terminate"]).values_list("action", "opinion"))
    assert trail == [("pause", "人选需进一步了解"), ("resume", "情况已查清"), ("terminate", "机构调整，职位撤销")]
    page = client.get(detail_url(case)).content.decode()
    assert 'data-testid="state-form"' not in page and 'data-testid="attachment-form"' not in page


def test_a_leader_cannot_pause(client, wf, case):
    log_in(client, wf.leader)
    assert 'data-testid="state-form"' not in client.get(detail_url(case)).content.decode()
    response = client.post(reverse("selection:case_state", args=[case.pk]), {"action": "pause", "reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == SelectionCase.State.ACTIVE


# --- dropping a candidate ---------------------------------------------------------------------------


def test_a_dropped_candidate_keeps_step_7_clear_of_the_negative_list(client, wf):
    disciplined, second, third = CadreFactory(name="甲"), CadreFactory(name="乙"), CadreFactory(name="丙")
    DisciplineAction.objects.create(cadre=disciplined, kind=DisciplineAction.Kind.ADMONITION,
                                    decided_on=dt.date(2024, 9, 1), effect_until=dt.date(2025, 6, 1))
    case = wf.new_case(cadres=[disciplined, second, third])
    wf.advance(case, through=6)
    by_name = {c.cadre.name: c for c in case.candidates.select_related("cadre")}
    url = reverse("selection:candidate_drop", args=[case.pk])
    log_in(client, wf.staff)
    assert 'data-testid="drop-form"' in client.get(detail_url(case)).content.decode()

    response = client.post(url, {"candidate": by_name["甲"].pk, "reason": ""})
    assert response.status_code == 200 and 'data-testid="drop-errors"' in response.content.decode()

    response = client.post(url, {"candidate": by_name["甲"].pk, "reason": "诫勉影响期内"})
    assert response.status_code == 302
    dropped = Candidate.objects.get(pk=by_name["甲"].pk)
    assert (dropped.state, dropped.reason, dropped.stopped_at_step) == (Candidate.State.DROPPED, "诫勉影响期内", 7)

    wf.submit(case, 7, {"date": "2025-02-20"})  # the negative-list check passes for 乙 and 丙
    assert case.steps.get(number=7).state == CaseStep.State.SUBMITTED
    wf.approve(case, 7)
    page = client.get(detail_url(case)).content.decode()
    assert 'data-testid="drop-form"' not in page  # the list is closed once step 7 is done
    response = client.post(url, {"candidate": by_name["乙"].pk, "reason": "本人原因"})
    assert response.status_code == 200 and messages.CANDIDATE_LIST_CLOSED in response.content.decode()
    assert Candidate.objects.get(pk=by_name["乙"].pk).state == Candidate.State.ACTIVE


def test_a_leader_cannot_drop_a_candidate(client, wf, case):
    log_in(client, wf.leader)
    candidate = case.candidates.first()
    response = client.post(reverse("selection:candidate_drop", args=[case.pk]),
                           {"candidate": candidate.pk, "reason": "x"})
    assert response.status_code == 403
