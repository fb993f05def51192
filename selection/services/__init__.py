"""Every write of the selection app (十六步工作法, docs/selection.md).

Every transition is one atomic function that first locks the case row (``select_for_update``) and reads
its state again, so two people acting at once are serialised and the second sees what the first did.
It then asks ``selection.actions.allowed_actions`` — the verdicts the case page shows — whether the
actor may do it now, on the locked rows, and raises the verdict's coded error if not. Each writes one
``StepEvent`` (the trail), one ``Event.WORKFLOW`` audit row with ``{"step", "action"}``, and saves every
tracked row through ``tracked_save`` so its history names the actor.

States:

- case: active ⇄ paused; active/paused → terminated; active → completed (after step 16).
- step: waiting → open → (record) done | (gate) submitted → done | returned → submitted …
- candidate: active → dropped | vetoed | appointed → confirmed | removed.

Records are attached with ``attachment_add``. A step's ``required_records`` not uploaded when it is
submitted, or when its gate is approved, either block it (``missing_materials`` = block) or need a
reason (confirm, the default), which the trail and the 纪实表 keep. A step may require an opinion.

The workflow template (``workflow_templates``) and the holiday calendar (``calendar``) are written here too.
"""

from selection.rules import WorkflowError
from selection.services.attachments import attachment_add
from selection.services.calendar import calendar_year_save
from selection.services.cases import (
    candidate_add,
    candidate_drop,
    candidate_veto,
    case_create,
    case_pause,
    case_resume,
    case_terminate,
)
from selection.services.steps import step_approve, step_return, step_submit
from selection.services.workflow_templates import step_definition_update, template_new_version

__all__ = [
    "WorkflowError", "attachment_add", "calendar_year_save", "candidate_add", "candidate_drop", "candidate_veto",
    "case_create", "case_pause", "case_resume", "case_terminate", "step_approve", "step_definition_update",
    "step_return", "step_submit", "template_new_version",
]
