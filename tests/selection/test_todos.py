"""Issue 11, fault 4: to-dos.

A step returned for revision shows as 已退回 with its reason on the case list and on a 待办 page of
personnel staff; 人事干部 who decide gates see 待我审批 in the navigation; a submit, return or approve
lands the user back on the step it concerns, with its message shown there.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cadre_office.accounts.roles import Role
from selection import services
from selection.selectors import todos
from tests.factories import DepartmentFactory, log_in, role_user
from tests.selection.conftest import MISSING_REASON, OPINION

pytestmark = pytest.mark.django_db

TODOS = reverse("selection:todo_list")
LIST = reverse("selection:case_list")
REASON = "动议理由不充分，请补充岗位空缺情况"


@pytest.fixture
def returned(wf):
    case = wf.advance(wf.new_case(), through=1)
    wf.submit(case, 2)
    services.step_return(actor=wf.leader, case=case, number=2, opinion=REASON)
    return case


@pytest.fixture
def awaiting(wf):
    case = services.case_create(actor=wf.staff, title="财务科科长选拔", department=DepartmentFactory(name="财务科"),
                                post_title="财务科科长", level="51", method="competitive")
    services.step_submit(actor=wf.staff, case=case, number=1, missing_reason=MISSING_REASON)
    wf.submit(case, 2)
    return case


# --- the case list -----------------------------------------------------------------------------------


def test_the_case_list_shows_a_returned_step_with_its_reason(client, wf, returned, awaiting):
    log_in(client, wf.staff)
    body = client.get(LIST).content.decode()
    assert 'data-testid="returned">已退回<' in body
    assert f"退回意见：{REASON}" in body
    response = client.get(LIST, {"progress": "returned"})
    assert list(response.context["cases"]) == [returned]
    assert list(client.get(LIST, {"progress": "submitted"}).context["cases"]) == [awaiting]


def test_a_resubmitted_step_is_no_longer_shown_returned(client, wf, returned):
    wf.submit(returned, 2)
    log_in(client, wf.staff)
    body = client.get(LIST).content.decode()
    assert 'data-testid="returned"' not in body and "待审批" in body


# --- the 待办 page -----------------------------------------------------------------------------------


def test_the_todo_page_lists_returned_steps_gates_awaiting_others_and_reminders(client, wf, returned, awaiting):
    log_in(client, wf.staff)
    response = client.get(TODOS)
    assert response.status_code == 200
    found = response.context["todos"]
    assert [(t.case, t.step_number, t.reason, t.who) for t in found.returned] == [
        (returned, 2, REASON, wf.leader.username)]
    assert [(t.case, t.step_number, t.who, t.mine) for t in found.awaiting] == [(awaiting, 2, Role.LEADER, False)]
    body = response.content.decode()
    assert REASON in body and f'href="/selection/{returned.pk}/#step-2"' in body


def test_todos_are_typed_items_a_dashboard_can_reuse(wf, returned):
    found = todos(wf.staff, today=dt.date(2025, 3, 20))
    assert [(t.kind, t.case, t.step_number) for t in found.returned] == [("returned", returned, 2)]
    assert found.awaiting == [] and found.reminders == [] and found.count == 1


def test_a_gate_the_user_decides_is_marked_as_theirs(wf, awaiting):
    awaiting.steps.get(number=2).definition.approvers.add(wf.staff2)
    [todo] = todos(wf.staff2, today=dt.date(2025, 3, 20)).awaiting
    assert todo.mine
    [todo] = todos(wf.staff, today=dt.date(2025, 3, 20)).awaiting  # the submitter may not decide it
    assert not todo.mine


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPARTMENT_HEAD, Role.DISCIPLINE, Role.AUDIT_ADMIN])
def test_the_todo_page_is_personnel_staffs(client, wf, role):
    assert client.get(TODOS).status_code == 302  # anonymous
    log_in(client, role_user(role))
    assert client.get(TODOS).status_code == 403


def test_the_todo_page_of_a_quiet_office_says_so(client, wf):
    log_in(client, wf.staff)
    body = client.get(TODOS).content.decode()
    assert "没有被退回的步骤" in body and "没有等待审批的关口" in body


# --- the navigation ----------------------------------------------------------------------------------


def test_personnel_staff_see_todo_and_inbox_in_the_navigation_with_counts_on_selection_pages(client, wf, returned):
    returned.steps.get(number=3).definition.approvers.add(wf.staff2)  # 人事部门负责人 decides step 3
    wf.submit(returned, 2)
    wf.approve(returned, 2)
    wf.submit(returned, 3)
    log_in(client, wf.staff2)
    body = client.get(LIST).content.decode()
    assert reverse("selection:inbox") in body and reverse("selection:todo_list") in body
    assert 'data-testid="inbox-count">1<' in body
    assert [s.number for s in client.get(reverse("selection:inbox")).context["steps"]] == [3]


def test_the_todo_badge_counts_returned_steps(client, wf, returned):
    log_in(client, wf.staff)
    assert 'data-testid="todo-count" title="退回修改的步骤">1<' in client.get(LIST).content.decode()


def test_leaders_see_no_todo_entry(client, wf, returned):
    log_in(client, wf.leader)
    body = client.get(LIST).content.decode()
    assert reverse("selection:inbox") in body and reverse("selection:todo_list") not in body


# --- landing back on the step ------------------------------------------------------------------------


def test_submit_return_and_approve_land_on_the_step_with_the_message_beside_it(client, wf):
    case = wf.advance(wf.new_case(), through=1)
    step_url = reverse("selection:case_detail", args=[case.pk]) + "#step-2"

    log_in(client, wf.staff)
    response = client.post(reverse("selection:step_submit", args=[case.pk, 2]),
                           {"opinion": OPINION, "missing_reason": MISSING_REASON})
    assert (response.status_code, response.url) == (302, step_url)
    step_two = _step_card(client.get(response.url).content.decode(), 2)
    assert 'data-testid="step-message"' in step_two and "第2步已提交，等待审批" in step_two

    log_in(client, wf.leader)
    response = client.post(reverse("selection:step_decide", args=[case.pk, 2]),
                           {"decision": "return", "opinion": REASON})
    assert (response.status_code, response.url) == (302, step_url)
    page = client.get(response.url).content.decode()
    assert "已退回第2步" in _step_card(page, 2)
    assert "已退回第2步" not in page.split('data-testid="timeline"')[0]  # shown by the step, not on top

    log_in(client, wf.staff)
    page = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="returned-banner"' in page and REASON in page
    client.post(reverse("selection:step_submit", args=[case.pk, 2]), {"opinion": OPINION,
                                                                        "missing_reason": MISSING_REASON})
    log_in(client, wf.leader)
    response = client.post(reverse("selection:step_decide", args=[case.pk, 2]),
                           {"decision": "approve", "opinion": OPINION, "missing_reason": MISSING_REASON})
    assert (response.status_code, response.url) == (302, step_url)
    assert "已同意第2步" in _step_card(client.get(response.url).content.decode(), 2)


def test_a_refused_action_posts_back_to_the_step(client, wf):
    case = wf.advance(wf.new_case(), through=1)
    log_in(client, wf.staff)
    response = client.post(reverse("selection:step_submit", args=[case.pk, 2]), {"opinion": ""})
    assert response.status_code == 200
    body = response.content.decode()
    # The form's own address carries the anchor, so the browser shows the step with its error.
    assert f'action="{reverse("selection:step_submit", args=[case.pk, 2])}#step-2"' in body
    assert "第2步须填写办理意见" in _step_card(body, 2)


def _step_card(page: str, number: int) -> str:
    start = page.index(f'id="step-{number}"')
    end = page.find(f'id="step-{number + 1}"', start)
    return page[start:end if end != -1 else len(page)]
