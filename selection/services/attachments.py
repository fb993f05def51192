"""Records attached to a step."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.attachments.services import check_upload
from cadre_office.history import tracked_save
from selection import messages
from selection.actions import Action as Act
from selection.models import (
    SelectionCase,
    StepAttachment,
)
from selection.rules import (
    WorkflowError,
)
from selection.services.base import (
    Action,
    _locked,
    _record,
    _require_text,
)

RECORD_NAME_MAX = StepAttachment._meta.get_field("record_name").max_length


def _check_attachment_file(file) -> None:
    """The attachment store's one set of upload rules (size, then type on the content and name agreeing)."""
    if not file:
        raise WorkflowError(messages.ATTACHMENT_FILE_REQUIRED, code="attachment_required")
    try:
        check_upload(file)
    except ValidationError as exc:
        raise WorkflowError(exc.messages[0], code=f"attachment_{exc.code}") from None


@transaction.atomic
def attachment_add(*, actor, case: SelectionCase, number: int, record_name: str, file) -> StepAttachment:
    """Attach a document to step ``number`` (the current step or a done one) of an open case.

    Who and when is ``allowed_actions``' verdict on ``attach``, checked on the locked rows.
    ``record_name`` is one of the step's ``required_records`` or free text (another record). The file is
    checked by the attachment store's rules: size first, then the type on its content, which the
    extension must name (``cadre_office.attachments.services.check_upload``).
    """
    case, step, _ = _locked(Act.ATTACH, actor=actor, case=case, number=number)
    record_name = _require_text(record_name, messages.RECORD_NAME_REQUIRED)
    if len(record_name) > RECORD_NAME_MAX:
        raise WorkflowError(messages.RECORD_NAME_TOO_LONG.format(max=RECORD_NAME_MAX), code="record_name_too_long")
    _check_attachment_file(file)
    attachment = StepAttachment(step=step, record_name=record_name, file=file, uploaded_by=actor)
    tracked_save(attachment, actor=actor, reason=f"上传第{number}步材料", clean=False)
    _record(actor=actor, case=case, action=Action.RECORD, step=step, opinion=f"上传材料：{record_name}",
            attachment=attachment.pk, record_name=record_name)
    return attachment
