"""selection.actions: one verdict per (case, user, action), read alike by the services, the pages and the inbox."""

import pytest
from django.urls import reverse

from cadre_office.accounts.roles import Role
from selection import messages, services
from selection.actions import Action, allowed_actions
from selection.models import CaseStep
from selection.selectors import case_page_queryset, inbox
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


def page_actions(case, user):
    """The verdicts as the case page computes them (everything prefetched)."""
    case = case_page_queryset(user).prefetch_related("steps__attachments").get(pk=case.pk)
    return allowed_actions(case, user)


@pytest.fixture
def people(wf):
    head = role_user(Role.DEPARTMENT_HEAD, departments=[wf.department])
    return {"staff": wf.staff, "staff2": wf.staff2, "leader": wf.leader, "leader2": wf.leader2,
            "discipline": wf.discipline, "head": head}


def start(wf, title):
    return services.case_create(actor=wf.staff, title=title, department=DepartmentFactory(), post_title=title,
                                level="52", method="individual", cadres=[CadreFactory(), CadreFactory()])


@pytest.fixture
def cases(wf):
    """Cases at different points: 局领导's gate submitted, one returned, one paused, a gate of a named
    人事干部 (人事部门负责人) submitted, 纪检监察's gate submitted."""
    at_2 = wf.advance(start(wf, "二"), through=1)
    wf.submit(at_2, 2)
    returned = wf.advance(start(wf, "退回"), through=1)
    wf.submit(returned, 2)
    services.step_return(actor=wf.leader, case=returned, number=2, opinion="请修改")
    paused = wf.advance(start(wf, "暂停"), through=1)
    wf.submit(paused, 2)
    services.case_pause(actor=wf.staff, case=paused, reason="等待")
    at_3 = wf.advance(start(wf, "三"), through=2)
    at_3.steps.get(number=3).definition.approvers.add(wf.staff2)
    wf.submit(at_3, 3)
    at_12 = wf.advance(start(wf, "十二"), through=11)
    wf.submit(at_12, 12)
    return [at_2, returned, paused, at_3, at_12]


def test_the_inbox_holds_exactly_the_steps_the_verdicts_allow_to_approve(wf, people, cases):
    for name, user in people.items():
        listed = {(step.case_id, step.number) for step in inbox(user)}
        allowed = set()
        for case in cases:
            if case_page_queryset(user).filter(pk=case.pk).exists():  # a case out of sight has no verdicts
                actions = page_actions(case, user)
                allowed |= {(case.pk, n) for n in range(1, 17) if actions.check(Action.APPROVE, n)}
        assert listed == allowed, name
    # Step 3 is decided by 局领导 and, named, by 人事乙: both see it; nobody sees a paused or returned gate.
    assert {(s.case_id, s.number) for s in inbox(wf.leader)} == {(cases[0].pk, 2), (cases[3].pk, 3)}
    assert {(s.case_id, s.number) for s in inbox(wf.staff2)} == {(cases[3].pk, 3)}
    assert {(s.case_id, s.number) for s in inbox(wf.discipline)} == {(cases[4].pk, 12)}


def test_the_service_refuses_what_the_verdict_refuses_with_the_same_message(wf):
    case = wf.advance(wf.new_case(), through=1)
    wf.submit(case, 2)
    verdict = allowed_actions(case, wf.staff, steps=list(case.steps.select_related("definition"))).check(
        Action.APPROVE, 2)
    assert not verdict and verdict.code == "self_approval"
    with pytest.raises(services.WorkflowError) as exc:
        services.step_approve(actor=wf.staff, case=case, number=2, opinion="x", missing_reason="y")
    assert exc.value.messages == [verdict.message] == [messages.SELF_APPROVAL]
    assert exc.value.code == verdict.code


@pytest.mark.parametrize(("action", "url_name", "data"), [
    ("pause", "case_state", {"action": "pause", "reason": "x"}),
    ("submit", "step_submit", {"opinion": "x", "missing_reason": "y"}),
    ("attach", "attachment_add", {"record_name": "分析研判报告"}),
    ("drop", "candidate_drop", {"reason": "x"}),
])
def test_a_leader_is_refused_at_the_url_not_only_by_a_missing_button(client, wf, action, url_name, data):
    case = wf.new_case()
    verdict = page_actions(case, wf.leader).check(action, 1)
    assert verdict.forbidden
    log_in(client, wf.leader)
    form = {"pause": "state", "submit": "submit", "attach": "attachment", "drop": "drop"}[action]
    page = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
    assert f'data-testid="{form}-form"' not in page
    args = [case.pk] if url_name in ("case_state", "candidate_drop") else [case.pk, 1]
    if url_name == "candidate_drop":
        data = {**data, "candidate": case.candidates.first().pk}
    assert client.post(reverse(f"selection:{url_name}", args=args), data).status_code == 403
    assert case.events.count() == 1  # only the creation


def test_a_step_that_is_not_in_progress_is_not_found_at_its_url(client, wf):
    case = wf.new_case()
    log_in(client, wf.staff)
    for url_name in ("step_submit", "step_decide", "candidate_veto"):
        assert client.post(reverse(f"selection:{url_name}", args=[case.pk, 5]), {}).status_code in (200, 404)
    assert client.post(reverse("selection:step_submit", args=[case.pk, 5]), {}).status_code == 404
    assert client.post(reverse("selection:step_submit", args=[case.pk, 99]), {}).status_code == 404
    assert case.steps.get(number=1).state == CaseStep.State.OPEN


def test_one_verdict_per_action_on_the_page(client, wf):
    case = wf.advance(wf.new_case(), through=1)
    wf.submit(case, 2)
    actions = page_actions(case, wf.leader)
    assert set(actions.on_case) == {"add_candidate", "drop", "pause", "resume", "terminate", "download_record"}
    assert set(actions.step(2)) == {"submit", "approve", "return", "veto", "attach"}
    assert actions.step(2)["approve"] and actions.step(2)["approve"].missing == ("动议材料", "初步建议")
    assert actions.step(2)["submit"].forbidden and not actions.on_case["pause"]
