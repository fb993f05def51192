"""Every write of the attachment store, and the one way a stored file is served.

``check_upload`` is the one set of rules for uploads, used by this store and by the selection
workflow's step documents alike; ``download_response`` the one response for downloads.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404

from cadre_office.attachments import messages
from cadre_office.attachments.content import EXTENSIONS, HEAD_BYTES, TYPES, extension_of, has_active_content, sniff
from cadre_office.attachments.models import Attachment
from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NAME_MAX = Attachment._meta.get_field("original_name").max_length
LABEL_MAX = Attachment._meta.get_field("label").max_length
SAFE_CONTENT_TYPES = frozenset(t.content_type for t in TYPES.values())


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_upload(file) -> str:
    """Check an uploaded ``file`` and return the key of its type (``content.TYPES``).

    In this order, so that nothing large is read before it is refused: present, not empty, not
    over the size limit (from the upload's declared size), an allowed extension, then the content:
    no markup or script, an allowed type, and the same type as the extension names.
    Raises ValidationError with a code: required, empty, too_large, bad_extension, active_content,
    bad_content, mismatch.
    """
    if not file:
        raise ValidationError(messages.FILE_REQUIRED, code="required")
    if not file.size:
        raise ValidationError(messages.EMPTY_FILE, code="empty")
    limit = max_bytes()
    if file.size > limit:
        raise ValidationError(messages.TOO_LARGE.format(mb=limit // (1024 * 1024)), code="too_large")
    extension = extension_of(file.name)
    if extension not in EXTENSIONS:
        raise ValidationError(messages.BAD_EXTENSION.format(types="、".join(sorted(EXTENSIONS))),
                              code="bad_extension")
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if has_active_content(head):
        raise ValidationError(messages.ACTIVE_CONTENT, code="active_content")
    kind = sniff(file)
    if kind is None:
        raise ValidationError(messages.BAD_CONTENT, code="bad_content")
    if extension not in TYPES[kind].extensions:
        raise ValidationError(messages.MISMATCH.format(actual=TYPES[kind].label, extension=extension),
                              code="mismatch")
    return kind


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def attachment_add(*, actor, owner, file, label: str) -> Attachment:
    """Store ``file`` as an attachment of ``owner`` named ``label``, after ``check_upload``.

    The owner's app checks beforehand that ``actor`` may attach to ``owner`` (its state, its
    permission); the history row and one audit row (新增, on the owner) are written here.
    """
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": messages.LABEL_REQUIRED}, code="label_required")
    if len(label) > LABEL_MAX:
        label = label[:LABEL_MAX]
    kind = check_upload(file)
    original = (file.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if len(original) > NAME_MAX:
        raise ValidationError(messages.NAME_TOO_LONG.format(max=NAME_MAX), code="name_too_long")
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk, label=label,
        original_name=original, content_type=TYPES[kind].content_type, size=file.size, sha256=_sha256(file),
        uploaded_by=actor,
    )
    attachment.file.save(f"{kind}", file, save=False)  # the name is replaced by ``stored_name``
    tracked_save(attachment, actor=actor, reason=f"上传材料：{label}")
    audit_record(Event.CREATE, actor=actor, obj=owner,
                 detail={"attachment": attachment.pk, "label": label, "size": attachment.size})
    return attachment


def attachments_of(owner):
    """Return the attachments of ``owner`` in upload order (one query), uploaders fetched."""
    return (Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
            .select_related("uploaded_by").order_by("uploaded_at", "id"))


def download_response(*, actor, file_field, filename: str, audit_obj=None, detail: dict | None = None):
    """Return ``file_field``'s file as a download no browser renders, and audit it (下载).

    The content type is taken from the content (an allowed type's own, else octet-stream), never
    from the name or what was stored; ``Content-Disposition: attachment``, ``nosniff`` and
    ``Cache-Control: private, no-store`` always. A file missing on disk is a 404.
    """
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = sniff(handle)
    content_type = TYPES[kind].content_type if kind else "application/octet-stream"
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    audit_record(Event.DOWNLOAD, actor=actor, obj=audit_obj, detail=detail or {})
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
