"""Writes of the LRMX import: upload (checked, held for preview), apply (all or nothing), discard.

Applying goes through the roster's services (``cadres.services``): the cadre's basic data and photo
(``cadre_create`` / ``cadre_update``), the highest 全日制 and 在职 education records
(``education_save``), the family members, replaced (``child_record_save`` / ``child_record_delete``),
each with its history row and audit row, in one transaction with the import's own audit row. The
parts the system derives from its own records (简历, 奖惩, 年度考核, 现任职务) are not written into
those records: the applied import keeps the file's texts (``LrmxImport.parsed``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, Outcome, audit_record
from cadre_office.history import tracked_save
from cadre_office.reports.appointment import messages
from cadre_office.reports.appointment.lrmx import LrmxRefused, parse_lrmx, photo_bytes
from cadre_office.reports.models import LrmxImport
from cadres.codes import PoliticalStatus
from cadres.dates import MonthDate, with_precisions
from cadres.models import Cadre, Education, FamilyMember
from cadres.permissions import visible_to
from cadres.services.cadres import StaleEditError, cadre_create, cadre_update, education_save
from cadres.services.records import child_record_delete, child_record_save

REASON = "导入任免审批表（LRMX）"
BASIC_FIELDS = ("name", "gender", "ethnicity", "native_place", "birthplace", "health", "professional_title",
                "familiar_expertise")


def _month(value: str | None) -> MonthDate | None:
    if not value:
        return None
    day = dt.date.fromisoformat(value)
    return MonthDate(day.year, day.month)


def lrmx_import_upload(*, actor, filename: str, data: bytes) -> LrmxImport:
    """Check an uploaded file and hold it for preview; refuse the whole file on any error (audited either way).

    The cadre is matched by ID number; one outside ``actor``'s scope refuses the file. A refusal's
    audit row is written on its own (no transaction to roll it back with).
    """
    try:
        parsed = parse_lrmx(data)
        cadre = Cadre.objects.filter(id_number=parsed.cadre["id_number"]).first()
        if cadre is not None and not visible_to(actor).filter(pk=cadre.pk).exists():
            raise LrmxRefused([messages.OUT_OF_SCOPE])
    except LrmxRefused as exc:
        audit_record(Event.IMPORT, actor=actor, object_type="reports.lrmximport", object_repr=filename[:200],
                     outcome=Outcome.FAILURE, detail={"file": filename[:200], "errors": len(exc.errors)})
        raise
    content = parsed.as_json()
    content["cadre_version"] = cadre.version if cadre else None
    return _hold(actor=actor, filename=filename, content=content, cadre=cadre)


@transaction.atomic
def _hold(*, actor, filename: str, content: dict, cadre) -> LrmxImport:
    lrmx_import = LrmxImport(filename=filename[:200], parsed=content, cadre=cadre, uploaded_by=actor)
    tracked_save(lrmx_import, actor=actor, reason=REASON)
    audit_record(Event.IMPORT, actor=actor, obj=lrmx_import,
                 detail={"file": lrmx_import.filename, "step": "预览", "existing_cadre": cadre is not None})
    return lrmx_import


def same_photo(cadre: Cadre | None, parsed: dict) -> bool:
    """Whether the file's photo is the cadre's photo already (byte for byte)."""
    if cadre is None or not cadre.photo or not parsed.get("photo"):
        return False
    try:
        with cadre.photo.open("rb") as handle:
            return handle.read() == photo_bytes(parsed)
    except OSError:
        return False


def _photo_file(parsed: dict) -> ContentFile | None:
    content = photo_bytes(parsed)
    if content is None:
        return None
    extension = "png" if content.startswith(b"\x89PNG") else "jpg"
    return ContentFile(content, name=f"lrmx-{secrets.token_hex(8)}.{extension}")


def cadre_values(parsed: dict, cadre: Cadre | None) -> dict:
    """Return the cadre's fields as the file sets them (an existing cadre keeps what the file leaves blank)."""
    values = {name: parsed["cadre"][name] for name in BASIC_FIELDS}
    values["party_join_date"] = _month(parsed["cadre"]["party_join_date"])
    values["work_start_date"] = _month(parsed["cadre"]["work_start_date"])
    status = parsed["cadre"]["political_status"]
    if cadre is not None and status == PoliticalStatus.CPC_MEMBER and \
            cadre.political_status == PoliticalStatus.CPC_PROBATIONARY:
        status = PoliticalStatus.CPC_PROBATIONARY  # the file writes a month for both: keep the finer status
    if status:
        values["political_status"] = status
    elif cadre is None:
        values["political_status"] = PoliticalStatus.MASSES
    return values


@transaction.atomic
def lrmx_import_apply(*, actor, lrmx_import: LrmxImport, department=None) -> Cadre:
    """Apply a previewed file to the roster in one transaction; a new cadre goes to ``department``.

    Raise ValidationError (nothing written) when the import is no longer a preview, a new cadre has no
    unit, or the matched cadre changed after the preview.
    """
    locked = LrmxImport.objects.select_for_update().get(pk=lrmx_import.pk)
    if locked.state != LrmxImport.State.PREVIEW:
        raise ValidationError(messages.ALREADY_DONE.format(state=locked.get_state_display()))
    parsed = locked.parsed
    cadre = locked.cadre
    values = cadre_values(parsed, cadre)
    photo = _photo_file(parsed)
    if photo is not None and not same_photo(cadre, parsed):
        values["photo"] = photo
    if cadre is None:
        if department is None:
            raise ValidationError(messages.UNIT_REQUIRED)
        cadre = cadre_create(actor=actor, reason=REASON, id_number=parsed["cadre"]["id_number"],
                             birth_date=dt.date.fromisoformat(parsed["cadre"]["birth_date"]), department=department,
                             **values)
        locked.department = department
    else:
        try:
            cadre = cadre_update(actor=actor, cadre=cadre, data=values, expected_version=parsed.get("cadre_version"),
                                 reason=REASON)
        except StaleEditError:
            raise ValidationError(messages.STALE) from None
    _apply_educations(actor=actor, cadre=cadre, educations=parsed["educations"])
    _replace_family(actor=actor, cadre=cadre, family=parsed["family"])
    locked.cadre = cadre
    locked.state = LrmxImport.State.APPLIED
    locked.applied_at = timezone.now()
    tracked_save(locked, actor=actor, reason=REASON)
    audit_record(Event.IMPORT, actor=actor, obj=cadre,
                 detail={"file": locked.filename, "step": "导入", "import": locked.pk,
                         "created": locked.department_id is not None})
    return cadre


def _apply_educations(*, actor, cadre: Cadre, educations: list[dict]) -> None:
    """Add or correct the highest education of each kind the file gives (matched by kind and level)."""
    existing = {(e.kind, e.level): e for e in Education.objects.filter(cadre=cadre)}
    for item in educations:
        record = existing.get((item["kind"], item["level"])) or Education(cadre=cadre, kind=item["kind"],
                                                                           level=item["level"])
        if not record._state.adding and (record.degree, record.school_major) == (item["degree"], item["school_major"]):
            continue
        record.degree, record.school_major = item["degree"], item["school_major"]
        education_save(actor=actor, education=record, reason=REASON)


def _replace_family(*, actor, cadre: Cadre, family: list[dict]) -> None:
    """Replace the cadre's family members by the file's."""
    for member in FamilyMember.objects.filter(cadre=cadre).order_by("pk"):
        child_record_delete(actor=actor, obj=member, reason=REASON)
    for item in family:
        values = with_precisions(FamilyMember, {**item, "birth_date": _month(item["birth_date"])})
        child_record_save(actor=actor, obj=FamilyMember(cadre=cadre, **values), reason=REASON)


@transaction.atomic
def lrmx_import_discard(*, actor, lrmx_import: LrmxImport) -> None:
    """Discard a previewed file: nothing is written to the roster."""
    locked = LrmxImport.objects.select_for_update().get(pk=lrmx_import.pk)
    if locked.state != LrmxImport.State.PREVIEW:
        raise ValidationError(messages.ALREADY_DONE.format(state=locked.get_state_display()))
    locked.state = LrmxImport.State.DISCARDED
    tracked_save(locked, actor=actor, reason="放弃导入")
    audit_record(Event.IMPORT, actor=actor, obj=locked, detail={"file": locked.filename, "step": "放弃"})


@transaction.atomic
def appointment_form_exported(*, actor, obj, file_format: str, detail: dict | None = None) -> None:
    """Record the download of a form (PDF downloads are audited by ``cadre_office.pdf``)."""
    audit_record(Event.DOWNLOAD, actor=actor, obj=obj, detail={"report": "干部任免审批表", "format": file_format,
                                                               **(detail or {})})


@transaction.atomic
def candidate_reason_set(*, actor, candidate, reason: str):
    """Record the 任免理由 of a candidate (written into the candidate's appointment form)."""
    candidate.appointment_reason = reason.strip()
    tracked_save(candidate, actor=actor, reason="填写任免理由")
    audit_record(Event.UPDATE, actor=actor, obj=candidate.case,
                 detail={"candidate": candidate.number, "field": "任免理由"})
    return candidate
