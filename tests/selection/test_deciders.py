"""Issue 11, fault 3: a bureau with one 人事干部 can take a case through every gate.

Steps 10 and 11 were decided by 人事干部, the role that submits every step; nobody approves their own
submission, so with one 人事干部 nobody could pass them. The default template now has them decided by
局领导 (migration 0004), a submitting role cannot be made a deciding role, and the demo case goes to
the end with the demo logins alone: renshi submits, lingdao decides, jijian decides step 12.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cadre_office.accounts.roles import Role
from selection import messages, services
from selection.demo import DEMO_CASE_TITLE
from selection.models import Candidate, CaseStep, SelectionCase, StepEvent, WorkflowTemplate
from tests.selection.conftest import MISSING_REASON, OPINION, PROBATION_OVER, valid_data

pytestmark = pytest.mark.django_db


def test_no_gate_of_the_default_template_is_decided_by_the_submitting_role():
    template = WorkflowTemplate.objects.get(is_current=True)  # as the migrations left it
    gates = {step.number: step.decided_by_role for step in template.steps.all() if step.is_gate}
    assert gates[10] == gates[11] == Role.LEADER
    assert Role.PERSONNEL not in gates.values()
    assert all(step.opinion_required for step in template.steps.all() if step.is_gate)
    history = template.steps.get(number=10).history.first()
    assert "局领导审批" in history.history_change_reason


def test_a_bureau_with_one_personnel_officer_passes_steps_10_and_11(wf):
    # wf has two 人事干部; only 人事甲 ever acts, and nobody but 局领导 decides.
    case = wf.advance(wf.new_case(), through=9)
    for number in (10, 11):
        wf.submit(case, number)
        services.step_approve(actor=wf.leader, case=case, number=number, opinion=OPINION,
                              missing_reason=MISSING_REASON)
        case.refresh_from_db()
    assert case.current_step == 12
    assert set(case.steps.filter(number__in=(10, 11)).values_list("decided_by", flat=True)) == {wf.leader.pk}


def test_a_personnel_officer_cannot_be_made_the_deciding_role_of_a_gate(wf):
    template = services.template_new_version(actor=wf.staff, template=WorkflowTemplate.objects.get(is_current=True))
    step = template.steps.get(number=10)
    with pytest.raises(ValidationError) as exc:
        services.step_definition_update(actor=wf.staff, step=step, name=step.name, actor_text=step.actor,
                                        decided_by_role=Role.PERSONNEL, approvers=[],
                                        required_records=step.required_records)
    assert exc.value.message_dict["decided_by_role"] == [messages.ROLE_SUBMITS.format(role=Role.PERSONNEL)]
    # 人事部门负责人 (a 人事干部) may still be named an approver.
    services.step_definition_update(actor=wf.staff, step=step, name=step.name, actor_text=step.actor,
                                    decided_by_role=Role.LEADER, approvers=[wf.staff2],
                                    required_records=step.required_records)
    assert list(step.approvers.all()) == [wf.staff2]


@pytest.fixture
def demo(db, settings):
    call_command("seed_demo", stdout=StringIO())
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["renshi", "lingdao", "jijian"])}
    return SelectionCase.objects.get(title=DEMO_CASE_TITLE), users


def test_the_demo_case_goes_to_the_end_with_the_demo_logins(demo):
    case, users = demo
    renshi, lingdao, jijian = users["renshi"], users["lingdao"], users["jijian"]
    assert (case.current_step, case.steps.get(number=2).state) == (2, CaseStep.State.SUBMITTED)
    assert list(get_user_model().objects.filter(groups__name=Role.PERSONNEL)) == [renshi]  # one 人事干部

    deciders = {Role.LEADER: lingdao, Role.DISCIPLINE: jijian}
    while case.state == SelectionCase.State.ACTIVE:
        number = case.current_step
        step = case.steps.select_related("definition").get(number=number)
        if step.state != CaseStep.State.SUBMITTED:
            step = services.step_submit(actor=renshi, case=case, number=number, data=valid_data(case, number),
                                        opinion=OPINION, missing_reason=MISSING_REASON, today=PROBATION_OVER)
        if step.definition.is_gate:
            services.step_approve(actor=deciders[step.definition.decided_by_role], case=case, number=number,
                                  opinion=OPINION, missing_reason=MISSING_REASON)
        case.refresh_from_db()

    assert case.state == SelectionCase.State.COMPLETED
    assert set(case.steps.values_list("state", flat=True)) == {CaseStep.State.DONE}
    approvals = dict(case.events.filter(action=StepEvent.Action.APPROVE).values_list("step__number", "actor"))
    assert approvals == {2: lingdao.pk, 3: lingdao.pk, 4: lingdao.pk, 7: lingdao.pk, 10: lingdao.pk,
                         11: lingdao.pk, 12: jijian.pk, 13: lingdao.pk, 14: lingdao.pk, 16: lingdao.pk}
    assert set(case.events.filter(action=StepEvent.Action.SUBMIT).values_list("actor", flat=True)) == {renshi.pk}
    assert case.candidates.filter(state=Candidate.State.CONFIRMED).count() == 1
