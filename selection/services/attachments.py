"""Records attached to a step."""

import os

from django.db import transaction

from cadre_office.history import tracked_save
from selection import messages
from selection.models import (
    CaseStep,
    SelectionCase,
    StepAttachment,
)
from selection.rules import (
    WorkflowError,
)
from selection.services.base import (
    Action,
    _lock_case,
    _lock_step,
    _record,
    _require_runner,
    _require_text,
)

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "ofd"})
RECORD_NAME_MAX = StepAttachment._meta.get_field("record_name").max_length


def _check_attachment_file(file) -> None:
    if not file:
        raise WorkflowError(messages.ATTACHMENT_FILE_REQUIRED, code="attachment_required")
    extension = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        raise WorkflowError(messages.ATTACHMENT_BAD_TYPE.format(types="、".join(sorted(ATTACHMENT_EXTENSIONS))),
                            code="attachment_bad_type")
    if file.size > ATTACHMENT_MAX_BYTES:
        raise WorkflowError(messages.ATTACHMENT_TOO_LARGE.format(mb=ATTACHMENT_MAX_BYTES // (1024 * 1024)),
                            code="attachment_too_large")


@transaction.atomic
def attachment_add(*, actor, case: SelectionCase, number: int, record_name: str, file) -> StepAttachment:
    """Attach a document to step ``number`` (the current step or a done one) of an open case.

    ``record_name`` is one of the step's ``required_records`` or free text (another record). The file is
    checked by size and extension only (its content is not inspected).
    """
    _require_runner(actor)
    record_name = _require_text(record_name, messages.RECORD_NAME_REQUIRED)
    if len(record_name) > RECORD_NAME_MAX:
        raise WorkflowError(messages.RECORD_NAME_TOO_LONG.format(max=RECORD_NAME_MAX), code="record_name_too_long")
    _check_attachment_file(file)
    case = _lock_case(case)
    if case.state not in (SelectionCase.State.ACTIVE, SelectionCase.State.PAUSED):
        raise WorkflowError(messages.CASE_ENDED.format(state=case.get_state_display()), code="case_ended")
    step = _lock_step(case, number)
    if step.number != case.current_step and step.state != CaseStep.State.DONE:
        raise WorkflowError(messages.ATTACHMENT_STEP_NOT_REACHED.format(number=number),
                            code="attachment_step_not_reached")
    attachment = StepAttachment(step=step, record_name=record_name, file=file, uploaded_by=actor)
    tracked_save(attachment, actor=actor, reason=f"上传第{number}步材料", clean=False)
    _record(actor=actor, case=case, action=Action.RECORD, step=step, opinion=f"上传材料：{record_name}",
            attachment=attachment.pk, record_name=record_name)
    return attachment
