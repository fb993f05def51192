"""The default template after issue 11, and a number for every candidate within its case.

- Steps 10 and 11 (档案审核, 个人有关事项查核) were decided by 人事干部, the role that submits every step:
  a bureau with one 人事干部 could never pass them (nobody approves their own submission). They are
  decided by 局领导 now, like the other gates of the personnel office's work.
- Every gate asks for an opinion (the submission's 办理意见 and the approval's 审批意见).
- A missing required record asks for a confirmation with a reason (the field's default), nowhere a block.
- Candidates are numbered 1, 2, … within each case in the order they were added (人选编号), their
  history rows too.

Every changed row gets its history row, as a service would write it. Templates a bureau made
itself (another name) are left as they are.
"""

from django.db import migrations
from django.utils import timezone

DEFAULT_TEMPLATE = "科级干部选拔任用十六步工作法"
SUBMITTING_ROLE = "人事干部"
DECIDING_ROLE = "局领导"
REASON_DECIDERS = "第10、11步改由局领导审批：提交人不能审批本人提交的事项"
REASON_OPINIONS = "审批关口须填写意见"
REASON_NUMBER = "人选在本次工作内编号"


def _history(apps, model_name: str, obj, reason: str) -> None:
    """Write the '~' history row of ``obj`` as simple-history would after a save."""
    Historical = apps.get_model("selection", f"Historical{model_name}")
    values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
    Historical.objects.create(**values, history_date=timezone.now(), history_type="~",
                              history_change_reason=reason, history_user=None)


def update_default_template(apps, schema_editor=None):
    """Make the default template's gates decidable in a one-人事干部 bureau and ask for their opinions."""
    StepDefinition = apps.get_model("selection", "StepDefinition")
    steps = StepDefinition.objects.filter(template__name=DEFAULT_TEMPLATE).order_by("template_id", "number")
    for step in steps:
        reasons = []
        if step.number in (10, 11) and step.decided_by_role == SUBMITTING_ROLE:
            step.decided_by_role = DECIDING_ROLE
            reasons.append(REASON_DECIDERS)
        if step.kind == "gate" and not step.opinion_required:
            step.opinion_required = True
            reasons.append(REASON_OPINIONS)
        if reasons:
            step.save(update_fields=["decided_by_role", "opinion_required"])
            _history(apps, "StepDefinition", step, "；".join(reasons))


def number_candidates(apps, schema_editor=None):
    """Number each case's candidates in the order they were added; their earlier history rows carry it too."""
    Candidate = apps.get_model("selection", "Candidate")
    HistoricalCandidate = apps.get_model("selection", "HistoricalCandidate")
    numbers: dict[int, int] = {}
    for candidate in Candidate.objects.filter(number__isnull=True).order_by("case_id", "id"):
        numbers[candidate.case_id] = numbers.get(candidate.case_id, 0) + 1
        candidate.number = numbers[candidate.case_id]
        candidate.save(update_fields=["number"])
        # The number never changes, so the rows written before it existed may carry it (the column is NOT NULL).
        HistoricalCandidate.objects.filter(id=candidate.id, number__isnull=True).update(number=candidate.number)
        _history(apps, "Candidate", candidate, REASON_NUMBER)
    # History of candidates since deleted with their case: no number to give, 0 says "before numbering".
    HistoricalCandidate.objects.filter(number__isnull=True).update(number=0)


def forwards(apps, schema_editor):
    update_default_template(apps, schema_editor)
    number_candidates(apps, schema_editor)


def backwards(apps, schema_editor):
    """Give steps 10 and 11 back to 人事干部 (numbers and opinions stay: harmless to the old code)."""
    StepDefinition = apps.get_model("selection", "StepDefinition")
    for step in StepDefinition.objects.filter(template__name=DEFAULT_TEMPLATE, number__in=(10, 11),
                                              decided_by_role=DECIDING_ROLE):
        step.decided_by_role = SUBMITTING_ROLE
        step.save(update_fields=["decided_by_role"])
        _history(apps, "StepDefinition", step, "撤销迁移：第10、11步改回人事干部审批")


class Migration(migrations.Migration):
    dependencies = [("selection", "0003_materials_opinions_candidate_number")]

    operations = [migrations.RunPython(forwards, backwards)]
