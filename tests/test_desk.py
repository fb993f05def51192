"""The 工作台: each user's lines from every app, each a count and the list that shows exactly those items."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadre_office import desk
from cadre_office.accounts.roles import Role
from cadres.models import Cadre
from oversight.models import AnnualAppraisal
from oversight.services.adjustments import flags_raise
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user
from tests.oversight.test_adjustments import member

pytestmark = pytest.mark.django_db


def flagged(staff, **kwargs):
    cadre = member(**kwargs)
    AnnualAppraisal.objects.create(cadre=cadre, year=timezone.localdate().year - 1, grade="incompetent")
    flags_raise(actor=staff)
    return cadre


def lines(response):
    return {task.title: task for tasks in response.context["areas"].values() for task in tasks}


def test_personnel_desk_lists_flags_and_overdue_retirements(client):
    staff = role_user(Role.PERSONNEL, username="staff")
    flagged(staff), flagged(staff)
    retiree = CadreFactory(name="到龄甲")
    Cadre.objects.filter(pk=retiree.pk).update(birth_date=dt.date(1950, 1, 1), retirement_month=dt.date(2010, 1, 1))
    log_in(client, staff)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    found = lines(response)
    assert found["动态管理预警待研判"].count == 2
    assert found["动态管理预警待研判"].url == reverse("oversight:flag_list")
    assert found["到龄退休待办理"].count == 1
    # What the line counts is what its list shows.
    assert "到龄甲" in client.get(found["到龄退休待办理"].url).text
    # With the other parts' lines (grids not yet in …); informational lines (rotation candidates) not counted.
    total = sum(task.count for task in found.values() if not task.info)
    assert response.context["task_total"] == total
    assert 'data-testid="desk-count"' in response.text
    # The count stays in the navigation of the roster's pages, read from the session (no query).
    page = client.get(reverse("cadres:cadre_list"))
    assert page.context["desk_nav"]["total"] == total and page.context["desk_nav"]["adjustments"] == 2


def test_department_head_desk_has_nothing_of_others(client):
    own = DepartmentFactory(name="本科室")
    staff = role_user(Role.PERSONNEL, username="staff")
    flagged(staff, department=own)
    head = role_user(Role.DEPARTMENT_HEAD, username="head", departments=[own])
    log_in(client, head)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "动态管理预警待研判" not in lines(response)  # flags are for those who decide on them


@pytest.mark.parametrize("role, landing", [(Role.SYSTEM_ADMIN, "accounts:user_list"),
                                           (Role.AUDIT_ADMIN, "audit:event_list")])
def test_administrators_land_on_their_page(client, role, landing):
    log_in(client, role_user(role, username="admin1"))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_desk_queries_do_not_grow_with_the_items(client):
    staff = role_user(Role.PERSONNEL, username="staff")
    flagged(staff)
    log_in(client, staff)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(15):
        flagged(staff)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)


def test_nav_counts_add_lines_by_their_key():
    tasks = [desk.Task("a", "x", 2, "/x/", nav="selection"), desk.Task("a", "y", 3, "/y/", nav="selection"),
             desk.Task("b", "z", 1, "/z/")]
    assert desk.nav_counts(tasks) == {"total": 6, "selection": 5}


def test_an_informational_line_is_shown_but_left_out_of_the_totals():
    """Cadres who could be rotated are worth knowing, not a to-do: the badges do not count them."""
    tasks = [desk.Task(area="教育培养", title="岗位交流已到期待执行", count=2, url="/a", nav="training"),
             desk.Task(area="教育培养", title="同一岗位任职满5年", count=30, url="/b", info=True),
             desk.Task(area="教育培养", title="本年度学时未达标", count=59, url="/c", nav="training", info=True)]
    assert desk.nav_counts(tasks) == {"total": 2, "training": 2}
