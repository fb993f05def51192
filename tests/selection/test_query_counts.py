"""Query counts of the selection pages: fixed whatever the number of rows (docs/architecture.md, tests).

Every page costs the same "frame" first. Middleware: the session, the user, its TOTP device, and the
session's touch (savepoint, update, release): 6. Permissions (the user's, their groups'): 2. The top
bar's roles: 1. Then the navigation's selection badges, one query where a page shows them (a decider's
待我审批 everywhere, personnel staff's two counts on the selection pages). Each test states what its page
adds to that frame.
"""

import datetime as dt

import pytest
from django.urls import reverse

from selection import services
from selection.models import CalendarDay, WorkflowTemplate
from selection.reports import case_record_context
from tests.factories import CadreFactory, EducationFactory, log_in
from tests.selection.conftest import MISSING_REASON

pytestmark = pytest.mark.django_db

FRAME = 6 + 2 + 1  # middleware, permissions, the top bar's roles
NAV_BADGE = 1  # the selection badges of the navigation (one aggregate query)
ACCOUNT_CHANGES = 1  # a 局领导's count of account changes awaiting confirmation (accounts' context processor)


def cases_at_step_2(wf, count, *, returned=0):
    """Start ``count`` cases with step 2 submitted; return the first ``returned`` of them for revision."""
    cases = []
    for i in range(count):
        case = services.case_create(actor=wf.staff, title=f"选拔{i}", department=wf.department,
                                    post_title=f"职务{i}", level="52", method="individual",
                                    cadres=[CadreFactory(), CadreFactory()])
        services.step_submit(actor=wf.staff, case=case, number=1, missing_reason=MISSING_REASON)
        wf.submit(case, 2)
        if i < returned:
            services.step_return(actor=wf.leader, case=case, number=2, opinion="请补充材料")
        cases.append(case)
    return cases


@pytest.mark.parametrize("count", [1, 6])
def test_the_inbox(client, wf, django_assert_num_queries, count):
    cases_at_step_2(wf, count)
    log_in(client, wf.leader)
    # The page: the paginator's count and the page of steps (case, unit, definition, submitter joined): 2.
    # The reminders (steps, candidates): 2. The nav: 待我审批 and the account changes a 局领导 confirms.
    with django_assert_num_queries(FRAME + 2 + 2 + NAV_BADGE + ACCOUNT_CHANGES):
        response = client.get(reverse("selection:inbox"))
    assert len(response.context["steps"]) == count


@pytest.mark.parametrize("count", [1, 6])
def test_the_todo_page(client, wf, django_assert_num_queries, count):
    cases_at_step_2(wf, count, returned=count // 2 + 1 if count > 1 else 1)
    log_in(client, wf.staff)
    # The page: the returned and submitted steps (case, unit, definition, people joined, the last return's
    # opinion and "mine" annotated): 1. The reminders: 2. The nav's two counts: 1.
    with django_assert_num_queries(FRAME + 1 + 2 + NAV_BADGE):
        response = client.get(reverse("selection:todo_list"))
    todos = response.context["todos"]
    assert len(todos.returned) + len(todos.awaiting) == count


@pytest.mark.parametrize("years", [1, 4])
def test_the_holidays_page(client, wf, django_assert_num_queries, years):
    for year in range(2027, 2027 + years):
        services.calendar_year_save(actor=wf.staff, year=year,
                                    days=[(dt.date(year, 1, 1), CalendarDay.Kind.HOLIDAY, "元旦"),
                                          (dt.date(year, 10, 1), CalendarDay.Kind.HOLIDAY, "国庆节")])
    log_in(client, wf.staff)
    # The page: the year asked for, its days (the form's initial lines), the years entered (with who
    # entered them): 3. The nav's counts: 1.
    with django_assert_num_queries(FRAME + 3 + NAV_BADGE):
        response = client.get(reverse("selection:calendar_year_edit"), {"year": 2027})
    assert len(response.context["years"]) == years


@pytest.mark.parametrize("versions", [1, 4])
def test_the_workflow_template_page(client, wf, django_assert_num_queries, versions):
    for _ in range(versions - 1):
        services.template_new_version(actor=wf.staff, template=WorkflowTemplate.objects.get(is_current=True))
    log_in(client, wf.staff)
    # The page: the current template, how many cases use it, its steps, their approvers, the versions with
    # their case counts: 5. The nav's counts: 1.
    with django_assert_num_queries(FRAME + 5 + NAV_BADGE):
        response = client.get(reverse("selection:workflow_template_detail"))
    assert len(response.context["versions"]) == versions


@pytest.mark.parametrize("approvers", [1, 5])
def test_the_step_definition_page(client, wf, django_assert_num_queries, approvers):
    step = WorkflowTemplate.objects.get(is_current=True).steps.get(number=2)
    step.approvers.set([wf.leader, wf.leader2, wf.discipline, wf.staff2, wf.staff][:approvers])
    log_in(client, wf.staff)
    # The page: the step (with its template), how many cases use the template, its approvers (the form's
    # initial), the users who may be named: 4. The nav's counts: 1.
    with django_assert_num_queries(FRAME + 4 + NAV_BADGE):
        response = client.get(reverse("selection:step_definition_update", args=[step.pk]))
    assert len(response.context["form"].initial["approvers"]) == approvers


@pytest.mark.parametrize("through", [2, 9])
def test_the_case_record_pdf_context(wf, django_assert_num_queries, through):
    case = wf.advance(wf.new_case(cadres=[CadreFactory(), CadreFactory(), CadreFactory()]), through=through)
    viewer = wf.leader
    viewer.has_perm("selection.view_selectioncase")  # the viewer's permissions, as a request would have them
    # The case, its steps (definitions, people), its events (actors, steps, candidates), its candidates
    # (cadres, units): 4. Bureau-wide viewers need no query to hide candidates.
    with django_assert_num_queries(4):
        context = case_record_context(case, viewer=viewer)
        rows = [(step.definition.name, [e.actor.username for e in events]) for step, events in context["steps"]]
    assert len(rows) == 16


@pytest.mark.parametrize("count", [2, 12])
def test_the_candidate_search(client, wf, django_assert_num_queries, count):
    for i in range(count):
        EducationFactory(cadre=CadreFactory(name=f"王{i:02d}", department=wf.department))
    chosen = CadreFactory(name="王已选", department=wf.department)
    log_in(client, wf.staff)
    # A fragment (no navigation, no top bar): the unit asked for, the chosen cadres and their full-time
    # education, the results and theirs: 5. The frame without the top bar's roles.
    with django_assert_num_queries(FRAME - 1 + 5):
        response = client.get(reverse("selection:candidate_search"),
                              {"candidate_q": "王", "department": wf.department.pk, "cadres": [chosen.pk]})
    assert len(response.context["results"]) == count
