"""The printable case record (纪实表) as a PDF: Chinese text, the whole trail, nothing fetched from outside."""

import datetime as dt
import shutil
import subprocess

import pytest

from cadre_office.pdf import ExternalFetchRefused, StaticOnlyFetcher
from selection.models import Candidate, CaseStep, SelectionCase, StepEvent, WorkflowTemplate
from selection.reports import case_record_pdf
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is missing: make test installs it"
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def case(db):
    staff, leader = role_user("人事干部", first_name="王人事"), role_user("局领导", first_name="李局长")
    template = WorkflowTemplate.objects.get(is_current=True)
    department = DepartmentFactory(name="法规科")
    case = SelectionCase.objects.create(number="2026-007", title="法规科副科长选拔", department=department,
                                        post_title="法规科副科长", level="52", template=template, current_step=3,
                                        created_by=staff)
    candidate = Candidate.objects.create(case=case, number=1,
                                         cadre=CadreFactory(name="张候选", department=department))
    for definition in template.steps.all():
        step = CaseStep.objects.create(case=case, definition=definition, number=definition.number,
                                       state="done" if definition.number < 3 else "waiting")
        if definition.number == 2:
            step.submitted_by, step.decided_by = staff, leader
            step.submitted_at = step.decided_at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
            step.save()
            StepEvent.objects.create(case=case, step=step, action="submit", actor=staff, opinion="拟启动选拔")
            StepEvent.objects.create(case=case, step=step, action="approve", actor=leader,
                                     opinion="同意。<script>alert(1)</script>", candidate=candidate)
    return case


def test_the_record_shows_the_case_the_candidates_and_who_did_what(case, tmp_path):
    pdf = case_record_pdf(case, viewer=role_user("局领导"))
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    for expected in ("选拔任用工作纪实表", "2026-007", "法规科副科长选拔", "张候选", "分析研判", "试用期满考核",
                     "王人事", "李局长", "拟启动选拔", "同意"):
        assert expected in text, expected
    # User text is escaped, shown as text: the tag is printed, not interpreted.
    assert "<script>alert(1)</script>" in text


def test_the_renderer_fetches_only_the_apps_static_files():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch("file:///static/css/case-record-pdf.css")  # the record's own stylesheet
    assert b"@page" in response.read()
    for url in ("http://example.com/x.css", "file:///etc/passwd", "file:///static/../../etc/passwd",
                "https://cdn.example.com/bootstrap.css"):
        with pytest.raises(ExternalFetchRefused):
            fetcher.fetch(url)


def test_the_record_downloads_from_the_case_page_scoped_and_audited(client, case):
    from django.urls import reverse

    from cadre_office.audit.models import AuditEvent
    from tests.factories import log_in

    url = reverse("selection:case_record_pdf", args=[case.pk])
    log_in(client, role_user("局领导"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="download", object_id=str(case.pk)).count() == 1
    head = role_user("科室负责人", departments=[DepartmentFactory(name="财务科")])
    log_in(client, head)
    assert client.get(url).status_code == 404  # another department's case
