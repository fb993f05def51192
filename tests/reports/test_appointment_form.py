"""干部任免审批表: the content, the PDF (two pages for 15 résumé lines), the Word file, the views and their scope."""

import datetime as dt
import io
import subprocess
import zipfile

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_office.audit.models import AuditEvent
from cadre_office.reports.appointment.content import cadre_form, candidate_form
from cadre_office.reports.appointment.docx import appointment_docx
from cadre_office.reports.appointment.pdf import appointment_pdf, split_resume, visual_lines
from selection.models import Candidate, SelectionCase
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, log_in, role_user
from tests.reports.appointment_data import full_cadre

pytestmark = pytest.mark.django_db


def pages(content: bytes) -> int:
    """Return the PDF's page count as ``pdfinfo`` (poppler) reads it."""
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(content: bytes, page: int | None = None) -> str:
    args = ["pdftotext", *(["-f", str(page), "-l", str(page)] if page else []), "-", "-"]
    return subprocess.run(args, input=content, capture_output=True, check=True).stdout.decode()


def test_the_form_carries_every_part_as_offices_write_it():
    cadre = full_cadre()
    staff = role_user("人事干部", first_name="王人事")
    form = cadre_form(staff, cadre.pk)
    year = timezone.localdate().year
    assert form.birth_and_age.startswith("1985.03（")
    assert form.party_join == "2008.06" and form.work_start == "2007.07"
    assert (form.full_time.level, form.full_time.degree) == ("大学本科毕业", "法学学士")
    assert form.part_time.level_short == "硕士研究生"
    assert form.part_time.degree_school == "某某大学公共管理学院公共管理专业"
    assert form.resume[0] == "2003.09--2007.07  某某大学法律系法学专业学习"  # joins the next line's start
    assert len(form.resume) == 15
    assert form.resume[-1].startswith("2020.07--至今")
    assert form.current_post == "区某某局法规科科员14"
    assert form.rewards == "2019.12 被评为区优秀公务员（县级）"
    assert form.appraisals == f"{year - 3}年度称职，{year - 2}年度优秀，{year - 1}年度称职"
    assert [(m.relation, m.name) for m in form.family] == [("妻子", "李娜"), ("儿子", "王小明")]
    assert form.reporting_unit == "区某某局" and form.filled_by == "王人事"
    assert form.photo and form.photo_type == "image/jpeg"
    assert form.proposed_post == form.removed_post == form.reason == ""


def test_the_form_reads_a_fixed_number_of_queries(django_assert_num_queries):
    cadre = full_cadre()
    more = full_cadre(resume_lines=25, department=cadre.department)
    # 2 the user's permissions and groups (the scope), 1 the cadre, 11 one per registered kind of record
    # (education, posts, ranks, résumé lines, rewards, appraisals, 处分, 民主测评, 巡察 visits and
    # shortcomings, family), 1 the departments above the posts, 1 the last applied LRMX import:
    # the same for 15 résumé lines as for 25.
    first, second = role_user("人事干部"), role_user("人事干部")  # each with its permissions not yet cached
    with django_assert_num_queries(16):
        cadre_form(first, cadre.pk)
    with django_assert_num_queries(16):
        cadre_form(second, more.pk)


def test_fifteen_resume_lines_give_exactly_two_pages():
    form = cadre_form(role_user("人事干部"), full_cadre(resume_lines=15).pk)
    assert pages(appointment_pdf(form)) == 2


def test_a_longer_resume_continues_on_an_extra_sheet():
    form = cadre_form(role_user("人事干部"), full_cadre(resume_lines=40).pk)
    first, rest = split_resume(form.resume)
    assert first and rest and first + rest == form.resume
    assert pages(appointment_pdf(form)) == 3
    text = pdf_text(appointment_pdf(form))
    assert "（续页）" in text and "（接续页）" in text


def test_page_one_holds_24_lines_and_the_25th_goes_to_the_extra_sheet():
    lines = [f"{2000 + i}.07--{2001 + i}.06  区某某局法规科科员" for i in range(25)]
    assert split_resume(lines[:24]) == (lines[:24], [])
    first, rest = split_resume(lines)
    assert len(first) == 23 and rest == lines[23:]  # a line is kept for "（接续页）"


def test_a_long_line_counts_as_the_lines_it_wraps_to():
    assert visual_lines("2015.07--2018.12  区某某局法规科科员") == 1
    assert visual_lines("2015.07--2018.12  " + "某" * 61) == 3


def test_the_word_file_has_both_sides_with_a_page_break():
    form = cadre_form(role_user("人事干部"), full_cadre().pk)
    document = docx.Document(io.BytesIO(appointment_docx(form)))
    assert len(document.tables) == 2
    side1, side2 = document.tables
    assert side1.cell(0, 1).text == "王晓明"
    assert "2003.09--2007.07  某某大学法律系法学专业学习" in side1.cell(9, 1).text
    assert "被评为区优秀公务员" in side2.cell(0, 1).text
    assert any('w:type="page"' in p._p.xml for p in document.paragraphs)


# --- a selection case's candidate ----------------------------------------------------------------------


def _case_at(step: int, *, cadre, level="52", state="active"):
    from tests.selection.conftest import ensure_default_template

    template = ensure_default_template()
    case = SelectionCase.objects.create(number=f"XB-{cadre.pk}-{step}", title="办公室副主任选拔",
                                        department=DepartmentFactory(name="办公室"), post_title="副主任",
                                        level=level, template=template, current_step=step, state=state,
                                        created_by=role_user("人事干部"))
    return Candidate.objects.create(case=case, number=1, cadre=cadre)


def test_a_candidate_from_step_13_carries_the_case_posts_and_the_recorded_reason():
    cadre = CadreFactory(current_post_title="法规科科员")
    PostFactory(cadre=cadre, title="法规科科员", level="", start_date=dt.date(2015, 7, 1))
    candidate = _case_at(13, cadre=cadre)
    staff = role_user("人事干部")
    form = candidate_form(staff, candidate)
    assert form.proposed_post == "办公室副主任"
    assert form.removed_post.endswith("法规科科员")
    assert form.reason == ""  # not recorded: blank, never a made-up default
    candidate.appointment_reason = "该同志政治素质好，经党组研究，拟任办公室副主任"
    candidate.save()
    assert candidate_form(staff, candidate).reason == "该同志政治素质好，经党组研究，拟任办公室副主任"
    pdf = appointment_pdf(candidate_form(staff, candidate))
    assert "办公室副主任" in pdf_text(pdf, page=1)


def test_a_candidate_before_step_13_has_no_form(client):
    candidate = _case_at(12, cadre=CadreFactory())
    log_in(client, role_user("人事干部"))
    assert client.get(reverse("reports:candidate_pdf", args=[candidate.pk])).status_code == 404


def test_a_case_zip_holds_each_candidate_pdf_word_and_lrmx(client):
    candidate = _case_at(14, cadre=full_cadre())
    staff = role_user("人事干部")
    log_in(client, staff)
    response = client.get(reverse("reports:case_forms_zip", args=[candidate.case.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == ["01_王晓明_干部任免审批表.pdf", "01_王晓明_干部任免审批表.docx", "01_王晓明_干部任免审批表.lrmx"]
    row = AuditEvent.objects.get(event="download", object_id=str(candidate.case.pk))
    assert row.detail["format"] == "zip"


# --- the views: anonymous, without permission, out of scope, with permission ---------------------------


@pytest.mark.parametrize(("name", "content_type"), [("appointment_pdf", "application/pdf"),
                                                      ("appointment_docx", "application/vnd.openxmlformats"),
                                                      ("appointment_lrmx", "application/xml")])
def test_downloads_are_scoped_and_audited(client, name, content_type):
    own, other = DepartmentFactory(), DepartmentFactory()
    cadre, stranger = CadreFactory(department=own), CadreFactory(department=other)
    url = reverse(f"reports:{name}", args=[cadre.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login
    head = role_user("科室负责人", departments=[own])
    log_in(client, head)
    assert client.get(url).status_code == 403  # in scope, but 科室负责人 may not export the form
    assert client.get(reverse(f"reports:{name}", args=[stranger.pk])).status_code == 404
    assert AuditEvent.objects.filter(event="access_denied", object_id=str(stranger.pk)).exists()
    staff = role_user("人事干部")
    log_in(client, staff)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    row = AuditEvent.objects.get(event="download", object_id=str(cadre.pk), user=staff)
    assert row.detail.get("format", "pdf") in name


def test_the_record_page_offers_the_form_to_those_who_may_export_it(client):
    cadre = CadreFactory()
    log_in(client, role_user("人事干部"))
    page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert reverse("reports:appointment_pdf", args=[cadre.pk]) in page
    assert reverse("reports:appointment_lrmx", args=[cadre.pk]) in page
    log_in(client, role_user("纪检监察"))
    page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert reverse("reports:appointment_pdf", args=[cadre.pk]) not in page
