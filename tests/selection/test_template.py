"""The default sixteen-step template is data (docs/selection.md), not code."""

import pytest

from selection.models import StepDefinition, WorkflowTemplate

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_sixteen_steps_with_their_gates_and_rules():
    template = WorkflowTemplate.objects.get(is_current=True)
    steps = list(template.steps.order_by("number"))
    assert [s.number for s in steps] == list(range(1, 17))
    assert [s.name for s in steps][:3] == ["分析研判", "提出动议", "酝酿并形成工作方案"]
    assert [s.number for s in steps if s.is_gate] == [2, 3, 4, 7, 10, 11, 12, 13, 14, 16]
    rules = {s.number: s.rule for s in steps if s.rule}
    assert rules == {4: "veto", 6: "recommendation_vote", 7: "candidates", 8: "inspection_notice", 10: "veto",
                     11: "veto", 12: "veto", 13: "decision_vote", 14: "publicity", 15: "appointment",
                     16: "probation"}
    assert steps[11].decided_by_role == "纪检监察"
    assert all(s.required_records for s in steps)


def test_only_one_template_is_current():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkflowTemplate.objects.create(name="另一版本", version=1, is_current=True)
    assert StepDefinition.objects.count() == 16
