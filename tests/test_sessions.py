"""Polling a job's progress is not activity: the 30-minute idle timeout still ends the session (issue 10 item 12).

SESSION_SAVE_EVERY_REQUEST moves a session's expiry 30 minutes ahead on every request it saves. Before,
a page left open that polled a recompute every second kept its session alive for ever. The polled
status views are passive (``cadre_office.sessions``): their requests do not save the session.
"""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from cadre_office.dashboard.models import RecomputeJob
from cadre_office.sessions import IdleSessionMiddleware, is_passive
from cadres.models import RosterImport
from tests.factories import log_in, role_user

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def at(minutes: float):
    return mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(minutes=minutes))


@pytest.fixture
def staff(db):
    return role_user("人事干部", username="renshi_idle")


def polls(staff):
    """The status URLs a page polls: a dashboard recompute's and a roster import's."""
    with at(0):
        job = RecomputeJob.objects.create(as_of=dt.date(2026, 6, 30), requested_by=staff)
        upload = RosterImport.objects.create(uploaded_by=staff, file_name="a.xlsx",
                                             state=RosterImport.State.QUEUED, job_started_at=timezone.now())
    return [reverse("dashboard:job_status", args=[job.pk]), reverse("cadres:import_status", args=[upload.pk])]


def expiry(client) -> dt.datetime | None:
    row = Session.objects.filter(session_key=client.session.session_key).first()
    return row and row.expire_date


@pytest.mark.parametrize("which", [0, 1], ids=["dashboard-job", "roster-import"])
def test_a_session_whose_only_requests_are_polls_expires_30_minutes_after_the_last_real_one(client, staff, which):
    url = polls(staff)[which]
    with at(0):
        log_in(client, staff)
        assert client.get(reverse("cadres:import_upload")).status_code == 200  # the last real request
    assert expiry(client) == T0 + dt.timedelta(minutes=30)
    for minute in (1, 15, 29):
        with at(minute):
            poll = client.get(url, HTTP_HX_REQUEST="true")
        assert poll.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in poll.cookies  # nothing saved, no new cookie
    assert expiry(client) == T0 + dt.timedelta(minutes=30)  # before: T0 + 59 minutes
    with at(31):
        late = client.get(url, HTTP_HX_REQUEST="true")
        page = client.get(reverse("cadres:import_upload"))
    assert late.status_code == 302 and late["Location"].startswith(reverse("login"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_a_real_request_still_keeps_the_session_alive(client, staff):
    url = polls(staff)[0]
    with at(0):
        log_in(client, staff)
        client.get(reverse("cadres:import_upload"))
    with at(29):
        client.get(url, HTTP_HX_REQUEST="true")
        client.get(reverse("cadres:import_upload"))
    assert expiry(client) == T0 + dt.timedelta(minutes=59)
    with at(31):
        assert client.get(reverse("cadres:import_upload")).status_code == 200


def test_only_the_polled_status_views_are_passive():
    from django.urls import get_resolver

    passive = {name for name, view in _views(get_resolver()) if getattr(view, "passive_request", False)}
    assert passive == {"dashboard:job_status", "cadres:import_status", "reports:monthly_status"}


def _views(resolver, namespace=""):
    from django.urls import URLPattern, URLResolver

    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def test_a_passive_view_that_changes_its_session_does_not_save_it(rf, caplog):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from cadre_office.sessions import passive

    store = SessionStore()
    store["kept"] = 1
    store.save()

    @passive
    def view(request):
        request.session["changed"] = 2
        return HttpResponse("ok")

    request = rf.get("/x")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = store.session_key
    middleware = IdleSessionMiddleware(lambda request: view(request))
    middleware.process_request(request)
    middleware.process_view(request, view, (), {})
    response = middleware.process_response(request, view(request))
    assert is_passive(request) and settings.SESSION_COOKIE_NAME not in response.cookies
    assert "changed" not in SessionStore(store.session_key).load()
    assert "changed its session" in caplog.text
