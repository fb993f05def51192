"""备案 pages: report, act on, upload, list and count, through the views as users do."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadre_office import desk
from cadre_office.accounts.roles import Role
from cadre_office.attachments import messages as attachment_texts
from cadre_office.attachments.models import Attachment
from cadres.models import Reward
from oversight import filing_messages as texts
from oversight.models import Filing
from oversight.services import filing_submit
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

HONOUR = {"honour_title": "全区优秀公务员", "honour_level": "county", "awarding_body": "中共某某区委",
          "event_date": "2026-11-20"}


@pytest.fixture
def world(db):
    unit = DepartmentFactory(name="办公室")
    return {"unit": unit, "cadre": CadreFactory(department=unit, name="李强"), "staff": role_user(Role.PERSONNEL),
            "head": role_user(Role.DEPARTMENT_HEAD, departments=[unit]), "discipline": role_user(Role.DISCIPLINE)}


def submit(world, kind="honour", event_date=dt.date(2026, 11, 20), **fields):
    fields = fields or {k: v for k, v in HONOUR.items() if k != "event_date"}
    return filing_submit(actor=world["staff"], filing=Filing(cadre=world["cadre"], kind=kind, event_date=event_date,
                                                             **fields))


def act(client, filing, action, **data):
    return client.post(reverse("oversight:filing_action", args=[filing.pk, action]), data)


def test_an_honour_goes_from_report_to_the_record(client, world):
    log_in(client, world["head"])
    response = client.post(reverse("oversight:filing_create", args=[world["cadre"].pk, "honour"]), HONOUR)
    filing = Filing.objects.get()
    assert response.status_code == 302 and response.url == reverse("oversight:filing_detail", args=[filing.pk])
    assert (filing.submitted_by, filing.due_on) == (world["head"], dt.date(2026, 12, 20))
    assert act(client, filing, "receive").status_code == 403  # a department head reports, does not handle

    log_in(client, world["staff"])
    for action in ("receive", "review", "file"):
        assert act(client, filing, action).status_code == 302
    filing.refresh_from_db()
    assert filing.state == "filed" and filing.reward_record == Reward.objects.get(cadre=world["cadre"])
    page = client.get(reverse("cadres:cadre_detail", args=[world["cadre"].pk])).content.decode()
    assert "被评为全区优秀公务员" in page


def test_a_missing_field_shows_on_the_form(client, world):
    log_in(client, world["staff"])
    response = client.post(reverse("oversight:filing_create", args=[world["cadre"].pk, "honour"]),
                           {**HONOUR, "honour_title": ""})
    assert response.status_code == 200
    assert texts.REQUIRED.format(label="荣誉名称") in response.content.decode()
    assert not Filing.objects.exists()


def test_a_step_in_the_wrong_state_shows_the_reason_and_changes_nothing(client, world):
    filing = submit(world)
    log_in(client, world["staff"])
    response = act(client, filing, "file")
    assert response.status_code == 200
    assert texts.WRONG_STATE.format(state="已报送", action="归档") in response.content.decode()
    assert Filing.objects.get().state == "submitted"
    response = act(client, filing, "return", reason="")
    assert "理由" in response.content.decode() and Filing.objects.get().state == "submitted"


def test_an_html_page_renamed_pdf_is_refused_on_upload(client, world):
    filing = submit(world)
    log_in(client, world["staff"])
    page = SimpleUploadedFile("荣誉证书.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = act(client, filing, "attach", label="荣誉证书", file=page)
    assert response.status_code == 200
    assert attachment_texts.ACTIVE_CONTENT in response.content.decode()
    assert not Attachment.objects.exists()
    pdf = SimpleUploadedFile("荣誉证书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert act(client, filing, "attach", label="荣誉证书", file=pdf).status_code == 302
    assert Attachment.objects.get().owner == filing


def test_discipline_records_a_petitions_outcome(client, world):
    filing = submit(world, kind="petition", petition_source="letter", petition_summary="反映其违规收受礼金")
    log_in(client, world["discipline"])
    page = client.get(reverse("oversight:filing_detail", args=[filing.pk])).content.decode()
    assert 'data-testid="outcome-form"' in page and 'data-testid="action-receive"' not in page
    assert act(client, filing, "outcome", outcome="untrue", handling="经核查不属实").status_code == 302
    assert Filing.objects.get().outcome == "untrue"


def test_the_list_filters_overdue_and_hides_petitions_from_department_heads(client, world):
    late = submit(world, event_date=timezone.localdate() - dt.timedelta(days=45))
    fresh = submit(world, event_date=timezone.localdate())
    petition = submit(world, kind="petition", petition_source="letter", petition_summary="反映问题")
    log_in(client, world["staff"])
    url = reverse("oversight:filing_list")
    page = client.get(url, {"due": "overdue"}).content.decode()
    assert page.count('data-testid="filing-row"') == 1 and f"/filings/{late.pk}/" in page
    assert page.count('data-testid="filing-row"') == 1 and f"/filings/{fresh.pk}/" not in page
    assert client.get(url).content.decode().count('data-testid="filing-row"') == 3
    log_in(client, world["head"])
    page = client.get(url).content.decode()
    assert page.count('data-testid="filing-row"') == 2 and f"/filings/{petition.pk}/" not in page
    assert client.get(reverse("oversight:filing_detail", args=[petition.pk])).status_code == 404


def test_the_list_costs_the_same_queries_with_2_and_with_40_filings(client, world):
    # Session, user, OTP device, user and group permissions, the navigation's to-do counts, the units
    # for the filter, the count and the page of filings (cadre and unit joined), and the session's save.
    log_in(client, world["staff"])
    url = reverse("oversight:filing_list")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        submit(world)
    small = count()
    for _ in range(38):
        submit(world)
    assert count() == small
    assert small == 12, small


def test_the_desk_shows_overdue_and_petitions_awaiting_an_outcome(world):
    today = timezone.localdate()
    submit(world, event_date=today - dt.timedelta(days=45))
    submit(world, event_date=today - dt.timedelta(days=27))
    submit(world, kind="petition", petition_source="letter", petition_summary="反映问题")
    staff_tasks = {task.title: task for task in desk.tasks_for(world["staff"], today=today)}
    assert staff_tasks["备案已逾期未归档"].count == 1
    assert staff_tasks["备案即将到期"].count == 1
    assert staff_tasks["备案待接收"].count == 3
    assert staff_tasks["备案已逾期未归档"].url == reverse("oversight:filing_list") + "?due=overdue"
    discipline_tasks = {task.title: task for task in desk.tasks_for(world["discipline"], today=today)}
    assert discipline_tasks["信访备案待录入核查结论"].count == 1
    head_titles = {task.title for task in desk.tasks_for(world["head"], today=today)}
    assert not {"备案已逾期未归档", "信访备案待录入核查结论"} & head_titles


def test_the_export_holds_what_the_list_shows_and_is_audited(client, world):
    import io

    from openpyxl import load_workbook

    from cadre_office.audit.models import AuditEvent

    submit(world)
    submit(world, kind="petition", petition_source="letter", petition_summary="反映问题")
    url = reverse("oversight:filing_export")
    for user, expected in ((world["staff"], 2), (world["head"], 1)):
        log_in(client, user)
        response = client.get(url)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        kinds = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert len(kinds) == expected and (expected == 2 or "信访" not in kinds)
        assert AuditEvent.objects.filter(event="export", user=user, object_type="oversight.filing").count() == 1
