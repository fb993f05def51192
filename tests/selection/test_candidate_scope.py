"""Scope holds inside a case (docs/security.md item 33).

A case of 办公室 may name a candidate from 法规科. The 办公室 head sees the case, but that
candidate appears without name, unit, post or reasons, on the page and in the 纪实表 alike:
the same cadre is a 404 for them on the roster.
"""

import shutil
import subprocess

import pytest
from django.urls import reverse

from selection import services
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

REASON = "负面清单：近三年年度考核有基本称职"


@pytest.fixture
def case(wf):
    legal = DepartmentFactory(name="法规科")
    own = CadreFactory(name="本科室人选", department=wf.department, current_post_title="办公室副主任")
    outsider = CadreFactory(name="外科室人选", department=legal, current_post_title="法规科科员")
    case = wf.new_case(cadres=[own, outsider])
    candidate = case.candidates.get(cadre=outsider)
    services.candidate_drop(actor=wf.staff, case=case, candidate=candidate, reason=REASON)
    return case


@pytest.fixture
def head(wf):
    return role_user("科室负责人", departments=[wf.department])


def test_the_department_head_sees_an_out_of_scope_candidate_without_identifying_data(client, case, head):
    log_in(client, head)
    html = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
    assert "本科室人选" in html and "办公室副主任" in html
    for secret in ("外科室人选", "法规科", "法规科科员", REASON):
        assert secret not in html, secret
    assert "非管辖范围人选" in html


def test_staff_and_leaders_see_every_candidate(client, case, wf):
    for user in (wf.staff, wf.leader):
        log_in(client, user)
        html = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
        assert "外科室人选" in html and REASON in html


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is missing: make test installs it"
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_case_record_pdf_hides_the_out_of_scope_candidate_from_the_department_head(client, case, head, wf,
                                                                                         tmp_path):
    url = reverse("selection:case_record_pdf", args=[case.pk])
    log_in(client, head)
    text = _pdf_text(b"".join(client.get(url).streaming_content), tmp_path)
    assert "本科室人选" in text and "非管辖范围人选" in text
    for secret in ("外科室人选", "法规科", REASON):
        assert secret not in text, secret
    log_in(client, wf.leader)
    text = _pdf_text(b"".join(client.get(url).streaming_content), tmp_path)
    assert "外科室人选" in text and REASON.split("：")[0] in text
