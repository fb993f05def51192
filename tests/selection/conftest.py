"""Fixtures for the selection workflow: the people who act, a case, and a driver through the steps."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps

from cadre_office.accounts.roles import Role
from selection import services
from selection.models import SelectionCase, StepDefinition, WorkflowTemplate
from tests.factories import CadreFactory, DepartmentFactory, role_user

DECISION_DATE = dt.date(2025, 3, 10)
PROBATION_OVER = dt.date(2026, 3, 10)  # one year after the decision


def ensure_default_template() -> WorkflowTemplate:
    """Return the current template; recreate the default after a transactional test's flush removed it.

    Built as the migrations build it: the sixteen steps of 0002, then 0004's changes (steps 10 and 11
    decided by 局领导, every gate asking for an opinion).
    """
    template = WorkflowTemplate.objects.filter(is_current=True).first()
    if template is not None:
        return template
    created = importlib.import_module("selection.migrations.0002_default_template")
    updated = importlib.import_module("selection.migrations.0004_default_template_deciders_opinions")
    template = WorkflowTemplate.objects.create(name="科级干部选拔任用十六步工作法", version=1, is_current=True)
    StepDefinition.objects.bulk_create(
        StepDefinition(template=template, number=number, name=name, kind=kind, actor=actor, decided_by_role=role,
                       required_records=records, rule=rule)
        for number, name, kind, actor, role, records, rule in created.STEPS
    )
    updated.update_default_template(django_apps)
    return template


def meeting(case_candidates, *, due=7, attending=6, date="2025-02-10", agree=None):
    """Return a meeting's data: ``agree`` maps a candidate to how many of the attending members agree."""
    votes = []
    for candidate in case_candidates:
        yes = attending if agree is None else agree.get(candidate, 0)
        votes += [{"member": f"成员{i}", "candidate": candidate.pk, "choice": "agree" if i < yes else "defer"}
                  for i in range(attending)]
    return {"members_due": due, "attending": attending, "meeting_date": date, "votes": votes}


# What the driver writes where a step asks for an opinion, and for records it does not upload.
OPINION = "经研究，同意"
MISSING_REASON = "材料原件在档案室，扫描后补传"


def valid_data(case, number):
    """Return records of step ``number`` that satisfy its rule (the dates are those of ``DECISION_DATE``'s year)."""
    candidates = list(case.candidates.filter(state="active").order_by("id"))
    if number == 6:
        return meeting(candidates)
    if number == 7:
        return {"date": "2025-02-20"}
    if number == 8:
        return {"notice_date": "2025-02-24", "inspection_date": "2025-02-26"}
    if number == 13:
        # The first candidate has 5 of 7 due; any other 3 of 7 (not more than half of those due).
        agree = {c: (5 if i == 0 else 3) for i, c in enumerate(candidates)}
        return meeting(candidates, date=DECISION_DATE.isoformat(), agree=agree)
    if number == 14:
        return {"start": "2025-03-11", "end": "2025-03-17"}
    if number == 16:
        return {"results": {str(c.pk): "competent" for c in case.candidates.filter(state="appointed")}}
    return {}


class Workflow:
    """The people of a case and a way to take it, with valid records, through its steps.

    It uploads no records: every submission and approval confirms the missing ones with
    ``MISSING_REASON``, and gives ``OPINION`` (each gate of the default template asks for one).
    """

    def __init__(self):
        self.staff = role_user(Role.PERSONNEL, username="人事甲")
        self.staff2 = role_user(Role.PERSONNEL, username="人事乙")
        self.leader = role_user(Role.LEADER, username="领导甲")
        self.leader2 = role_user(Role.LEADER, username="领导乙")
        self.discipline = role_user(Role.DISCIPLINE, username="纪检甲")
        self.department = DepartmentFactory(name="办公室")

    def deciders(self):
        return {Role.LEADER: self.leader, Role.DISCIPLINE: self.discipline}

    def new_case(self, *, cadres=None, post_count=1, method=SelectionCase.Method.COMPETITIVE):
        if cadres is None:
            cadres = [CadreFactory(name="张三"), CadreFactory(name="李四")]
        return services.case_create(actor=self.staff, title="办公室主任选拔", department=self.department,
                                    post_title="办公室主任", level="51", post_count=post_count, method=method,
                                    cadres=cadres)

    def valid_data(self, case, number):
        return valid_data(case, number)

    def submit(self, case, number, data=None, **kwargs):
        kwargs.setdefault("today", PROBATION_OVER)
        kwargs.setdefault("opinion", OPINION)
        kwargs.setdefault("missing_reason", MISSING_REASON)
        return services.step_submit(actor=self.staff, case=case, number=number,
                                    data=self.valid_data(case, number) if data is None else data, **kwargs)

    def approve(self, case, number, actor=None, **kwargs):
        step = case.steps.select_related("definition").get(number=number)
        actor = actor or self.deciders()[step.definition.decided_by_role]
        kwargs.setdefault("opinion", OPINION)
        kwargs.setdefault("missing_reason", MISSING_REASON)
        return services.step_approve(actor=actor, case=case, number=number, **kwargs)

    def run(self, case, number):
        """Submit step ``number`` with valid data and, for a gate, approve it."""
        step = self.submit(case, number)
        if step.definition.is_gate:
            self.approve(case, number, today=PROBATION_OVER)
        case.refresh_from_db()

    def advance(self, case, *, through):
        """Complete every step from the current one through ``through``."""
        case.refresh_from_db()
        while case.current_step <= through and case.state == SelectionCase.State.ACTIVE:
            self.run(case, case.current_step)
        return case


@pytest.fixture
def wf(db):
    ensure_default_template()
    return Workflow()
