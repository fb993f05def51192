"""Query counts of pages that list things, pinned and flat in the number of rows.

(The roster, dashboard, drill-down, selection and account pages pin theirs beside their other
tests; these are the pages that had none.)
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_office.dashboard.services import snapshot_compute
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, log_in, role_user

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    cache.clear()  # the 职数 figures computed afresh, not kept from the call before (cadres.quotas)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _grow_tree(n: int) -> None:
    for _ in range(n):
        parent = DepartmentFactory()
        for _ in range(2):
            DepartmentFactory(parent=parent)


def test_the_unit_list_costs_the_same_queries_whatever_the_number_of_units(client):
    # Session, user, OTP device, user and group permissions, the top bar's roles, the units in tree
    # order (with their parents), the state of the data, the quotas in force and the posts occupying
    # them grouped by unit and level (cadres.quotas: no 职级 quota here, so no third), and the session's
    # save (savepoint, update, release).
    log_in(client, role_user("系统管理员"))
    _grow_tree(2)
    small = _queries(client, reverse("cadres:department_list"))
    _grow_tree(20)
    assert _queries(client, reverse("cadres:department_list")) == small
    assert small == 13, small


def test_a_trend_costs_the_same_queries_whatever_the_number_of_stored_dates(client):
    # Session, user, OTP device, user and group permissions, the top bar's roles, the nav's counts
    # (gates awaiting a leader, account changes to confirm), the plan in force, its targets, the
    # snapshots and the stored figures of that target over every date (one query each), and the
    # session's save (savepoint, update, release).
    log_in(client, role_user("局领导"))
    unit = DepartmentFactory()
    for n in range(3):
        PostFactory(cadre=CadreFactory(department=unit, gender="2" if n % 2 else "1",
                                       birth_date=dt.date(1985, 1, 1 + n)),
                    level="52", start_date=dt.date(2020, 1, 1))
    snapshot_compute(as_of=dt.date(2026, 1, 1))
    url = reverse("dashboard:trend", args=["female"])
    small = _queries(client, url)
    for n in range(1, 15):
        snapshot_compute(as_of=dt.date(2026, 1, 1) + dt.timedelta(days=7 * n))
    assert _queries(client, url) == small
    assert small == 15, small
