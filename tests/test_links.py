"""Every link a page shows leads somewhere its reader may go (issue 11, item 5).

On the demo data (``seed_demo``: 16 units, 300 cadres, the demo selection cases — one of them decided, with
its candidates' 干部任免审批表 — one login per role),
each demo login walks the pages it can reach from the home page, breadth first, following every
same-origin link (``<a href>``), the downloads (Excel, PDF) included. No link may answer 403 (a link
shown where its target is forbidden: each click was audited as 越权访问), 404 or 500, nor send the
reader back to the login page.

The walk visits every URL pattern it meets at least once (a pattern and the names of its query
parameters: ``/cadres/<pk>/?tab=``), each at most ``PER_PATTERN`` times, new patterns first, and at
most ``MAX_PAGES`` pages per login. What it visited is printed (``pytest -s`` shows it).
"""

from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from tests.factories import log_in

MAX_PAGES = 520
PER_PATTERN = 3
DEMO_LOGINS = ["renshi", "lingdao", "keshi", "jijian", "xitong", "anquan", "shenji"]
CHEAP_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Links the walk does not follow: leaving (a POST form, not a link, but named all the same) and the
# login steps, which a logged-in reader passes through only once.
NOT_FOLLOWED = {"logout", "login", "otp_setup", "otp_verify"}


@pytest.fixture(autouse=True)
def _test_settings(settings, _session_media):
    """As tests/conftest.py's, but with the session's uploads folder: the demo's report files, seeded once for
    the module (``demo``), are there, and the walk downloads them."""
    settings.MEDIA_ROOT = _session_media
    settings.PASSWORD_HASHERS = CHEAP_HASHERS


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module inside a transaction rolled back at its end."""
    from tests.selection.conftest import ensure_default_template

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=CHEAP_HASHERS), transaction.atomic():
        ensure_default_template()  # a transactional test run before this module flushed the migration's one
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str, base: str) -> list[str]:
    """Return the same-origin paths (with query) the page's ``<a href>`` point to."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href, _ = urldefrag(href)
        if not href or href.startswith(("javascript:", "mailto:", "tel:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # another site (there should be none: no CDN, no outside link)
        path = parts.path or urlsplit(base).path
        if not path.startswith("/"):
            path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
        if path.startswith(settings.STATIC_URL) or path.startswith(settings.MEDIA_URL):
            continue
        found.append(f"{path}?{parts.query}" if parts.query else path)
    return found


def pattern_of(url: str) -> tuple | None:
    """Return what makes two URLs the same page: the URL name, its argument names, its query names."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name, tuple(sorted(match.kwargs)), tuple(sorted({key for key, _ in parse_qsl(parts.query)}))


def _normalised(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.path}?{query}" if query else parts.path


def walk(client: Client, start: str = "/"):
    """Visit the pages reachable from ``start``; return (visited pages, dead links, patterns seen, patterns left).

    ``patterns left`` are those linked but never visited because the walk reached ``MAX_PAGES`` first.
    """
    fresh, again = deque([(start, "（起点）")]), deque()
    queued = {_normalised(start)}
    visits: dict[tuple, int] = {}
    visited, dead = [], []
    login = reverse("login")
    while (fresh or again) and len(visited) < MAX_PAGES:
        url, source = fresh.popleft() if fresh else again.popleft()
        pattern = pattern_of(url)
        if pattern is not None and visits.get(pattern, 0) >= PER_PATTERN:
            continue
        visits[pattern] = visits.get(pattern, 0) + 1
        response = client.get(url)
        hops = 0
        while response.status_code in (301, 302) and hops < 5:
            location = response["Location"]
            if urlsplit(location).path.startswith(login):
                break
            response = client.get(location)
            hops += 1
        visited.append(url)
        status = response.status_code
        location = response.get("Location", "")
        if status >= 400 or (status in (301, 302) and urlsplit(location).path.startswith(login)):
            dead.append((url, status, source))
        if response.streaming:
            # Read to the end (a download): the test client's wrapper then closes it without ending the
            # test's database connection, as ``response.close()`` would.
            b"".join(response.streaming_content)
        content_type = response.get("Content-Type", "")
        if status != 200 or not content_type.startswith("text/html"):
            continue
        for link in links_of(response.content.decode(), url):
            key = _normalised(link)
            if key in queued:
                continue
            queued.add(key)
            target = pattern_of(link)
            if target is not None and target[0] in NOT_FOLLOWED:
                continue
            (fresh if target not in visits else again).append((link, url))
    left = {pattern_of(url) for url, _ in fresh} - visits.keys()
    return visited, dead, visits, left


# The walk is no walk if it stays on the first page: each login reaches its main pages. Checked on the
# walk each login's test makes anyway (a second walk of its own cost as much again).
REACHED = {
    "renshi": {"cadres:cadre_list", "cadres:cadre_detail", "cadres:cadre_export", "selection:case_detail",
               "selection:case_record_pdf", "dashboard:index", "cadres:department_list",
               # the decided demo case's 干部任免审批表 (from step 13 on)
               "reports:candidate_pdf", "reports:candidate_docx", "reports:candidate_lrmx", "reports:case_forms_zip"},
    "keshi": {"cadres:cadre_list", "cadres:cadre_detail"},
    "xitong": {"accounts:user_list", "accounts:user_detail", "cadres:department_list"},
    "shenji": {"audit:event_list", "audit:event_export"},
}


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_no_link_a_demo_login_is_shown_answers_403_404_or_500(demo, db, username):
    user = get_user_model().objects.get(username=username)
    client = log_in(Client(), user)
    visited, dead, patterns, left = walk(client)
    print(f"\n{username}: {len(visited)} pages, {len(patterns)} URL patterns, {len(dead)} dead links")
    assert len(visited) >= 2, visited  # the home page led somewhere
    assert left == set(), f"the walk stopped at {MAX_PAGES} pages before visiting {left}"
    assert dead == [], "\n".join(f"{status} {url}  (linked from {source})" for url, status, source in dead)
    reached = {pattern[0] for pattern in patterns if pattern}
    missing = REACHED.get(username, set()) - reached
    assert missing == set(), (username, missing)


def test_the_reach_list_names_demo_logins():
    assert set(REACHED) <= set(DEMO_LOGINS)
