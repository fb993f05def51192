"""Every PDF of the system renders under production settings, after collectstatic (docs/security.md item 35).

Under production settings ``{% static %}`` writes hashed names (``case-record-pdf.c3caf59e0684.css``)
that only exist among the collected files. The renderer refused them, and WeasyPrint's fatal fetch
error (a BaseException) escaped Django: gunicorn answered a bare 500, without security headers and
without an audit row. Each PDF view is found by its base class, so a new one without a case here fails.
"""

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.pdf import PDF_CONTENT_TYPE, RENDER_FAILED, PdfDownloadMixin
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Run collectstatic once with the production storage into a folder of the test session."""
    from django.core.management import call_command

    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=root):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production(collected_static, settings):
    """Production's static storage and DEBUG off, for the duration of one test."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    return settings


def _case_record(db):
    from selection import services
    from tests.selection.conftest import ensure_default_template

    ensure_default_template()
    staff = role_user("人事干部")
    department = DepartmentFactory(name="法规科")
    case = services.case_create(actor=staff, title="法规科副科长选拔", department=department, post_title="法规科副科长",
                                level="52", post_count=1, method="competitive",
                                cadres=[CadreFactory(department=department), CadreFactory(department=department)])
    return reverse("selection:case_record_pdf", args=[case.pk]), staff, case


def _cadre_timeline(_):
    """A cadre's 全程记实 with an entry of each of a few kinds, printed by personnel staff."""
    import datetime as dt

    from oversight.models import Filing
    from oversight.services import filing_submit
    from tests.factories import PostFactory

    staff = role_user("人事干部")
    cadre = CadreFactory(department=DepartmentFactory(name="办公室"), name="王晓")
    PostFactory(cadre=cadre, department=cadre.department, title="科员", start_date=dt.date(2015, 7, 1))
    filing_submit(actor=staff, filing=Filing(cadre=cadre, kind="honour", event_date=dt.date(2026, 11, 20),
                                             honour_title="全区优秀公务员", awarding_body="中共某某区委",
                                             honour_level="county"))
    return reverse("oversight:cadre_timeline_pdf", args=[cadre.pk]), staff, cadre


def _dashboard_briefing(_):
    """The dashboard's cards for a briefing, on a stored date, printed by a leader."""
    import datetime as dt

    from cadre_office.dashboard.services import snapshot_compute
    from tests.factories import PostFactory

    cadre = CadreFactory(department=DepartmentFactory(name="办公室"), gender="2")
    PostFactory(cadre=cadre, department=cadre.department, level="52", start_date=dt.date(2020, 1, 1))
    snapshot = snapshot_compute(as_of=dt.date(2026, 6, 30))
    return reverse("dashboard:export_pdf") + "?as_of=2026-06-30", role_user("局领导"), snapshot


def _appointment_form(_):
    """A cadre's 干部任免审批表 with a photo (inlined as a data: URL), printed by personnel staff."""
    from tests.reports.appointment_data import full_cadre

    cadre = full_cadre()
    return reverse("reports:appointment_pdf", args=[cadre.pk]), role_user("人事干部"), cadre


def _candidate_form(_):
    """The form of a candidate of a case at step 13 (the audited object is the cadre)."""
    from selection.models import Candidate, SelectionCase
    from tests.reports.appointment_data import full_cadre
    from tests.selection.conftest import ensure_default_template

    staff = role_user("人事干部")
    cadre = full_cadre()
    case = SelectionCase.objects.create(number="XB-PDF", title="办公室副主任选拔", department=cadre.department,
                                        post_title="副主任", level="52", template=ensure_default_template(),
                                        current_step=13, created_by=staff)
    candidate = Candidate.objects.create(case=case, number=1, cadre=cadre)
    return reverse("reports:candidate_pdf", args=[candidate.pk]), staff, cadre


# URL name -> a function returning (url, a user allowed to download it, the audited object).
PDF_CASES = {
    "selection:case_record_pdf": _case_record,
    "oversight:cadre_timeline_pdf": _cadre_timeline,
    "dashboard:export_pdf": _dashboard_briefing,
    "reports:appointment_pdf": _appointment_form,
    "reports:candidate_pdf": _candidate_form,
}


def _pdf_url_names() -> set[str]:
    """Return the names of every URL whose view is a PDF download."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class is not None and issubclass(view_class, PdfDownloadMixin):
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_pdf_view_has_a_production_case_here():
    assert _pdf_url_names() == set(PDF_CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(PDF_CASES))
def test_pdf_renders_under_production_settings_with_hashed_static_files(url_name, production, client):
    url, user, obj = PDF_CASES[url_name](None)
    log_in(client, user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF_CONTENT_TYPE
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    row = AuditEvent.objects.filter(event="download", object_id=str(obj.pk)).get()
    assert row.outcome == "success"


@pytest.mark.django_db
def test_a_pdf_that_fails_gives_the_chinese_error_page_with_headers_and_an_audit_row(production, client, monkeypatch):
    """A stylesheet outside the app (here: a CDN) makes WeasyPrint stop; the user sees why, nothing escapes."""
    url, user, case = _case_record(None)
    monkeypatch.setattr("cadre_office.pdf.render_to_string", lambda *args, **kwargs: (
        '<link rel="stylesheet" href="https://cdn.example.com/bootstrap.css"><p>纪实表</p>'))
    log_in(client, user)
    response = client.get(url)
    assert response.status_code == 500
    assert RENDER_FAILED in response.text
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    row = AuditEvent.objects.filter(event="download", object_id=str(case.pk)).get()
    assert row.outcome == "failure"


@pytest.mark.django_db
def test_any_server_error_is_the_chinese_page_with_the_security_headers_and_is_audited(production, client, monkeypatch):
    from django.test import Client

    from cadre_office.views import HomeView

    def boom(self, request):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(HomeView, "get", boom)
    user = role_user("局领导")
    client = Client(raise_request_exception=False)
    log_in(client, user)
    response = client.get("/")
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    row = AuditEvent.objects.get(event="server_error")
    assert (row.user, row.outcome, row.detail["path"]) == (user, "failure", "/")
