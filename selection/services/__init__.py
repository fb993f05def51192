"""The transitions of the selection workflow (十六步工作法, DOMAIN.md section 5).

Every transition is one atomic function that first locks the case row (``select_for_update``) and reads
its state again, so two people acting at once are serialised and the second sees what the first did.
Each writes one ``StepEvent`` (the trail), one ``Event.WORKFLOW`` audit row with ``{"step", "action"}``,
and saves every tracked row through ``tracked_save`` so its history names the actor.

States:

- case: active ⇄ paused; active/paused → terminated; active → completed (after step 16).
- step: waiting → open → (record) done | (gate) submitted → done | returned → submitted …
- candidate: active → dropped | vetoed | appointed → confirmed | removed.

Who may act is enforced here too: running a case (starting it, submitting steps, candidates, pausing)
needs ``selection.run_selection``; deciding a gate needs its role or a named approver. Records are
attached with ``attachment_add`` (the case page shows ✓/✗ per required record), but a submission does
not yet require the records a step lists in ``required_records``: a step may be done before its files
are scanned and uploaded.
"""

from selection.rules import WorkflowError
from selection.services.attachments import attachment_add
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

__all__ = [
    "WorkflowError", "attachment_add", "candidate_add", "candidate_drop", "candidate_veto", "case_create", "case_pause",
    "case_resume", "case_terminate", "step_approve", "step_return", "step_submit",
]
