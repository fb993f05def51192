"""The selection pages: who sees which cases, creating a case, deciding a gate through the page, the inbox."""

import pytest
from django.urls import reverse

from cadre_office.accounts.roles import Role
from selection import messages, services
from selection.forms import StepSubmitForm
from selection.models import CaseStep, SelectionCase, StepDefinition
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


def detail_url(case):
    return reverse("selection:case_detail", args=[case.pk])


def other_case(wf, department, *, post_title="副主任"):
    return services.case_create(actor=wf.staff, title=f"{department.name}{post_title}选拔", department=department,
                                post_title=post_title, level="52", method=SelectionCase.Method.INDIVIDUAL,
                                cadres=[CadreFactory(department=department)])


@pytest.fixture
def case(wf):
    return wf.new_case()


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["case_list", "case_create", "inbox"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(f"selection:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_is_sent_to_login_from_a_case_page(client, case):
    response = client.get(detail_url(case))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["case_list", "case_create", "inbox"])
def test_audit_admin_is_refused(client, wf, name):
    log_in(client, role_user(Role.AUDIT_ADMIN))
    assert client.get(reverse(f"selection:{name}")).status_code == 403


def test_audit_admin_is_refused_a_case_page(client, case):
    log_in(client, role_user(Role.AUDIT_ADMIN))
    assert client.get(detail_url(case)).status_code == 403


def test_personnel_staff_see_every_case_and_the_new_button(client, wf, case):
    second = other_case(wf, DepartmentFactory(name="财务科"))
    log_in(client, wf.staff2)
    response = client.get(reverse("selection:case_list"))
    assert response.status_code == 200
    assert list(response.context["cases"]) == [second, case]
    assert reverse("selection:case_create") in response.content.decode()


def test_personnel_staff_create_a_case_through_the_form(client, wf):
    cadres = [CadreFactory(name="王五"), CadreFactory(name="赵六")]
    log_in(client, wf.staff)
    assert client.get(reverse("selection:case_create")).status_code == 200
    response = client.post(reverse("selection:case_create"), {
        "title": "办公室副主任选拔", "department": wf.department.pk, "post_title": "办公室副主任", "level": "52",
        "post_count": 1, "method": SelectionCase.Method.COMPETITIVE, "cadres": [c.pk for c in cadres],
    })
    case = SelectionCase.objects.get(title="办公室副主任选拔")
    assert response.status_code == 302
    assert response.url == detail_url(case)
    assert case.created_by == wf.staff
    assert sorted(case.candidates.values_list("cadre__name", flat=True)) == ["王五", "赵六"]
    assert case.steps.get(number=1).state == CaseStep.State.OPEN


def test_a_second_open_case_for_the_same_post_is_refused_on_the_form(client, wf, case):
    log_in(client, wf.staff)
    response = client.post(reverse("selection:case_create"), {
        "title": "再次选拔", "department": case.department.pk, "post_title": case.post_title, "level": "51",
        "post_count": 1, "method": SelectionCase.Method.INDIVIDUAL,
    })
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SelectionCase.objects.count() == 1


def test_a_leader_sees_every_case_but_cannot_create_one(client, wf, case):
    second = other_case(wf, DepartmentFactory(name="财务科"))
    log_in(client, wf.leader)
    response = client.get(reverse("selection:case_list"))
    assert list(response.context["cases"]) == [second, case]
    assert reverse("selection:case_create") not in response.content.decode()
    assert client.get(reverse("selection:case_create")).status_code == 403
    assert client.post(reverse("selection:step_submit", args=[case.pk, 1]), {}).status_code == 403


def test_a_department_head_sees_only_the_cases_of_their_departments(client, wf, case):
    section = DepartmentFactory(name="秘书股", parent=wf.department)
    own_sub = other_case(wf, section)
    elsewhere = other_case(wf, DepartmentFactory(name="财务科"))
    head = role_user(Role.DEPARTMENT_HEAD, departments=[wf.department])
    log_in(client, head)
    response = client.get(reverse("selection:case_list"))
    assert set(response.context["cases"]) == {case, own_sub}
    assert elsewhere.number not in response.content.decode()
    assert client.get(detail_url(case)).status_code == 200
    assert client.get(detail_url(elsewhere)).status_code == 404
    assert reverse("selection:case_create") not in response.content.decode()


def test_discipline_inspection_sees_a_case_once_step_12_is_submitted(client, wf, case):
    early = other_case(wf, DepartmentFactory(name="财务科"))
    wf.advance(case, through=11)
    wf.submit(case, 12)
    log_in(client, wf.discipline)
    response = client.get(reverse("selection:case_list"))
    assert list(response.context["cases"]) == [case]
    assert client.get(detail_url(early)).status_code == 404
    page = client.get(detail_url(case))
    assert page.status_code == 200
    assert page.context["current"].actions["approve"]
    assert [s.number for s in client.get(reverse("selection:inbox")).context["steps"]] == [12]


# --- the list's filters -----------------------------------------------------------------------------


def test_the_list_filters_by_state_step_department_and_keyword(client, wf, case):
    finance = DepartmentFactory(name="财务科")
    second = other_case(wf, finance)
    wf.advance(case, through=2)
    services.case_pause(actor=wf.staff, case=second, reason="机构调整")
    log_in(client, wf.staff)
    url = reverse("selection:case_list")
    assert list(client.get(url, {"state": "paused"}).context["cases"]) == [second]
    assert list(client.get(url, {"step": 3}).context["cases"]) == [case]
    assert list(client.get(url, {"department": finance.pk}).context["cases"]) == [second]
    assert list(client.get(url, {"q": "财务科"}).context["cases"]) == [second]
    row = client.get(url, {"step": 3}).content.decode()
    assert "3. 酝酿并形成工作方案" in row


# --- the case page and its actions ------------------------------------------------------------------


def test_the_case_page_shows_the_sixteen_steps_and_the_submit_form_to_staff(client, wf, case):
    log_in(client, wf.staff)
    response = client.get(detail_url(case))
    body = response.content.decode()
    assert len(response.context["timeline"]) == 16
    assert 'data-testid="submit-form"' in body
    assert 'data-testid="decide-form"' not in body
    assert "分析研判报告" in body and "审批关口" in body


def test_staff_submit_a_record_step_through_the_page(client, wf, case):
    log_in(client, wf.staff)
    response = client.post(reverse("selection:step_submit", args=[case.pk, 1]),
                           {"opinion": "研判完毕", "missing_reason": "报告待签批后上传"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_step == 2
    assert "研判完毕" in client.get(detail_url(case)).content.decode()


def test_a_rule_refused_by_the_service_is_shown_on_the_page(client, wf, case):
    wf.advance(case, through=7)
    log_in(client, wf.staff)
    response = client.post(reverse("selection:step_submit", args=[case.pk, 8]),
                           {"notice_date": "2025-02-24", "inspection_date": "2025-03-10"})
    assert response.status_code == 200
    assert "考察预告应在考察前1至3个工作日发布" in response.content.decode()
    assert case.steps.get(number=8).state == CaseStep.State.OPEN


def test_a_leader_approves_a_submitted_gate_from_the_inbox_through_the_page(client, wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    log_in(client, wf.leader)
    inbox = client.get(reverse("selection:inbox"))
    assert [(s.case, s.number) for s in inbox.context["steps"]] == [(case, 2)]
    assert "提出动议" in inbox.content.decode()
    page = client.get(detail_url(case))
    assert 'data-testid="decide-form"' in page.content.decode()

    response = client.post(reverse("selection:step_decide", args=[case.pk, 2]),
                           {"decision": "approve", "opinion": "同意启动", "missing_reason": "动议材料会后补交"})
    assert response.status_code == 302
    step = case.steps.get(number=2)
    assert (step.state, step.decided_by) == (CaseStep.State.DONE, wf.leader)
    body = client.get(detail_url(case)).content.decode()
    assert f"审批：{wf.leader.username} {step.decided_at.astimezone().strftime('%Y-%m-%d %H:%M')}" in body
    assert "同意启动" in body
    assert list(client.get(reverse("selection:inbox")).context["steps"]) == []


def test_returning_without_an_opinion_shows_the_service_message(client, wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    log_in(client, wf.leader)
    response = client.post(reverse("selection:step_decide", args=[case.pk, 2]), {"decision": "return"})
    assert response.status_code == 200
    assert messages.OPINION_REQUIRED in response.content.decode()
    assert case.steps.get(number=2).state == CaseStep.State.SUBMITTED


def test_a_staff_member_cannot_decide_a_leaders_gate(client, wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    log_in(client, wf.staff2)
    assert 'data-testid="decide-form"' not in client.get(detail_url(case)).content.decode()
    response = client.post(reverse("selection:step_decide", args=[case.pk, 2]), {"decision": "approve"})
    assert messages.NOT_APPROVER.format(number=2, role=Role.LEADER) in response.content.decode()


def test_an_action_on_a_step_that_is_not_current_is_not_found(client, wf, case):
    log_in(client, wf.staff)
    assert client.post(reverse("selection:step_submit", args=[case.pk, 5]), {}).status_code == 404


def test_a_candidate_is_vetoed_at_a_veto_step(client, wf, case):
    wf.advance(case, through=3)
    first = case.candidates.order_by("pk").first()
    log_in(client, wf.staff)
    assert 'data-testid="veto-form"' in client.get(detail_url(case)).content.decode()
    response = client.post(reverse("selection:candidate_veto", args=[case.pk, 4]),
                           {"candidate": first.pk, "reason": "不符合任职资格"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.state, first.stopped_at_step) == ("vetoed", 4)


def test_discipline_inspection_may_veto_at_step_12(client, wf, case):
    wf.advance(case, through=11)
    wf.submit(case, 12)
    first = case.candidates.filter(state="active").order_by("pk").first()
    log_in(client, wf.discipline)
    assert 'data-testid="veto-form"' in client.get(detail_url(case)).content.decode()
    response = client.post(reverse("selection:candidate_veto", args=[case.pk, 12]),
                           {"candidate": first.pk, "reason": "有信访问题待核实"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == "vetoed"


# --- the inbox --------------------------------------------------------------------------------------


def test_the_inbox_leaves_out_the_users_own_submissions(client, wf, case):
    # Both personnel officers are named approvers of step 10 (as 人事部门负责人 might be).
    case.steps.get(number=10).definition.approvers.add(wf.staff, wf.staff2)
    wf.advance(case, through=9)
    services.step_submit(actor=wf.staff2, case=case, number=10, data={}, opinion="档案审核无异常",
                         missing_reason="审核表待签字")
    log_in(client, wf.staff2)
    assert list(client.get(reverse("selection:inbox")).context["steps"]) == []
    assert 'data-testid="decide-form"' not in client.get(detail_url(case)).content.decode()
    client.logout()
    log_in(client, wf.staff)
    assert [s.number for s in client.get(reverse("selection:inbox")).context["steps"]] == [10]


def test_the_nav_shows_the_inbox_count_to_deciders(client, wf, case):
    wf.advance(case, through=1)
    wf.submit(case, 2)
    log_in(client, wf.leader)
    body = client.get(reverse("selection:case_list")).content.decode()
    assert 'data-testid="inbox-count">1<' in body


def test_the_inbox_holds_only_gates_of_the_users_role(client, wf, case):
    wf.advance(case, through=11)
    wf.submit(case, 12)  # decided by 纪检监察
    log_in(client, wf.leader)
    assert list(client.get(reverse("selection:inbox")).context["steps"]) == []
    client.logout()
    log_in(client, wf.discipline)
    assert [s.number for s in client.get(reverse("selection:inbox")).context["steps"]] == [12]


# --- query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 10])
def test_the_case_list_runs_a_fixed_number_of_queries(client, wf, django_assert_num_queries, count):
    for i in range(count):
        other_case(wf, wf.department, post_title=f"职务{i}")
    log_in(client, wf.leader)
    # Middleware: session, user, its TOTP device, and the session's touch (savepoint, update, release): 6.
    # Permissions (user's, groups'): 2. The page: count, the page of cases (candidate count and step name
    # annotated), the filter bar's departments: 3. The reminders (steps, candidates): 2. The nav's inbox
    # badge: 1. The nav's count of account changes awaiting a 局领导's confirmation: 1. The top bar's roles: 1.
    with django_assert_num_queries(16):
        response = client.get(reverse("selection:case_list"))
    assert len(response.context["cases"]) == count


@pytest.mark.parametrize("through", [2, 9])
def test_the_case_page_runs_a_fixed_number_of_queries(client, wf, case, django_assert_num_queries, through):
    wf.advance(case, through=through)
    log_in(client, wf.leader)
    # Middleware: 6 and permissions: 2 (as for the list). The page: the case, its steps (with definitions
    # and people), the steps' attachments (with uploaders), its events, its candidates (cadres, units), their
    # full-time education, the gates the user decides (selection.actions, one query for all sixteen), the
    # candidates' points this year (oversight.selectors.points.points_totals, one for all): 8.
    # The nav's inbox badge: 1. The nav's count of account changes awaiting a 局领导's confirmation: 1.
    # The top bar's roles: 1.
    with django_assert_num_queries(19):
        response = client.get(detail_url(case))
    assert len(response.context["timeline"]) == StepDefinition.objects.filter(template=case.template).count() == 16


# --- the step form ----------------------------------------------------------------------------------


def _meeting_step():
    return StepDefinition(number=6, name="会议推荐", rule=StepDefinition.Rule.RECOMMENDATION_VOTE)


def test_the_vote_lines_are_parsed_into_ballots(wf, case):
    # Votes name a candidate by its 人选编号 within the case (the candidate table's first column); the
    # service is handed the candidate's id.
    second = case.candidates.get(number=2)
    form = StepSubmitForm({"meeting_date": "2025-02-10", "members_due": "7", "attending": "6",
                           "votes": "张委员,2,同意\n李委员，2，缓议\n"}, definition=_meeting_step(),
                          candidates=case.candidates.all())
    assert form.is_valid(), form.errors
    assert form.data_for_service()["votes"] == [{"member": "张委员", "candidate": second.pk, "choice": "agree"},
                                                {"member": "李委员", "candidate": second.pk, "choice": "defer"}]


def test_a_malformed_vote_line_is_an_error_on_the_field(wf, case):
    form = StepSubmitForm({"meeting_date": "2025-02-10", "members_due": "7", "attending": "6",
                           "votes": "张委员,2"}, definition=_meeting_step(), candidates=case.candidates.all())
    assert not form.is_valid()
    assert "第1行" in form.errors["votes"][0]


def test_a_vote_for_a_number_outside_the_case_is_an_error_on_the_field(wf, case):
    form = StepSubmitForm({"meeting_date": "2025-02-10", "members_due": "7", "attending": "6",
                           "votes": "张委员,3,同意"}, definition=_meeting_step(), candidates=case.candidates.all())
    assert not form.is_valid()
    assert form.errors["votes"] == ["人选编号“3”不是本次工作的人选"]


def test_the_timeline_shows_what_a_step_recorded(client, wf):
    from tests.factories import log_in

    case = wf.new_case()
    wf.advance(case, through=8)
    log_in(client, wf.leader)
    html = client.get(f"/selection/{case.pk}/").content.decode()
    assert "应到会人数" in html and "实到会人数" in html and "同意 " in html
    assert "预告日期" in html and "2025-02-24" in html and "考察日期" in html
