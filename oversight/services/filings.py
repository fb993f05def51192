"""备案: every write of a filing, one guarded service per step, each with history and audit.

Each transition locks the row, re-reads it, asks ``filing_actions`` (the verdict the page shows)
and raises ``FilingError`` with a coded Chinese message when the state does not allow it, or
PermissionDenied when the user may not act; nothing is written then. 归档 of an education
completion adds the 在职 education record, of an honour the reward record, through the roster's
child-record service, each exactly once (the filing keeps the record it added).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.attachments.services import attachment_add
from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.models import Education, Reward
from cadres.services.records import child_record_save
from oversight import filing_messages as texts
from oversight.filing_selectors import ADD, VIEW_PETITION, filing_actions, rules_by_kind
from oversight.models import Filing
from oversight.models.filings import add_months

State = Filing.State

ACTION_NAMES = {"receive": "接收", "review": "审核", "file": "归档", "return": "退回", "reject": "不予备案",
                "resubmit": "重新报送", "outcome": "录入核查结论", "attach": "上传材料"}

# 县级以上荣誉 levels as the roster's reward levels.
REWARD_LEVELS = {
    Filing.HonourLevel.COUNTY: Reward.Level.COUNTY,
    Filing.HonourLevel.MUNICIPAL: Reward.Level.MUNICIPAL,
    Filing.HonourLevel.PROVINCIAL: Reward.Level.PROVINCIAL,
    Filing.HonourLevel.NATIONAL: Reward.Level.NATIONAL,
}


class FilingError(ValidationError):
    """A step refused: the filing's state does not allow it, or a rule of the step is not met."""


def _audit(filing: Filing, *, actor, action: str, event=Event.WORKFLOW, **detail) -> None:
    audit_record(event, actor=actor, obj=filing,
                 detail={"action": action, "cadre": filing.cadre_id, "kind": filing.kind, **detail})


def _locked(filing: Filing, *, actor, action: str) -> Filing:
    """Lock and re-read ``filing``; require ``action`` in ``filing_actions`` on the row as it is now."""
    filing = Filing.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=filing.pk)
    if action not in filing_actions(filing, actor):
        if action in ("outcome",) and filing.kind != Filing.Kind.PETITION:
            raise FilingError(texts.NOT_PETITION, code="not_petition")
        if _permitted_in_some_state(action, actor, filing):
            raise FilingError(texts.WRONG_STATE.format(state=filing.get_state_display(), action=ACTION_NAMES[action]),
                              code="wrong_state")
        raise PermissionDenied
    return filing


def _permitted_in_some_state(action: str, actor, filing: Filing) -> bool:
    """Whether ``actor`` could do ``action`` on ``filing`` in some state (so the refusal is about the state)."""
    for state in State.values:
        probe = Filing(kind=filing.kind, state=state, submitted_by_id=filing.submitted_by_id, cadre_id=filing.cadre_id)
        if action in filing_actions(probe, actor):
            return True
    return False


def _require_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FilingError({"reason": texts.REASON_REQUIRED}, code="reason_required")
    return text


@transaction.atomic
def filing_submit(*, actor, filing: Filing) -> Filing:
    """报送 a new filing (``filing`` unsaved, its cadre and kind fields set): due by its kind's rule."""
    if not actor.has_perm(ADD) or (filing.kind == Filing.Kind.PETITION and not actor.has_perm(VIEW_PETITION)):
        raise PermissionDenied
    rule = rules_by_kind()[filing.kind] if filing.kind in Filing.Kind.values else None
    if filing.event_date and rule is not None:
        filing.due_on = add_months(filing.event_date, rule.due_months)
    filing.state = State.SUBMITTED
    filing.submitted_by = actor
    filing.submitted_at = timezone.now()
    if filing.kind != Filing.Kind.PETITION:
        filing.outcome = filing.handling = ""
    tracked_save(filing, actor=actor, reason="报送备案")
    _audit(filing, actor=actor, action="submit", event=Event.CREATE)
    return filing


@transaction.atomic
def filing_receive(*, actor, filing: Filing) -> Filing:
    """接收: the personnel office has the filing's materials."""
    filing = _locked(filing, actor=actor, action="receive")
    filing.state, filing.received_by, filing.received_at = State.RECEIVED, actor, timezone.now()
    tracked_save(filing, actor=actor, reason="接收备案", update_fields=["state", "received_by", "received_at"])
    _audit(filing, actor=actor, action="receive")
    return filing


@transaction.atomic
def filing_review(*, actor, filing: Filing, opinion: str = "") -> Filing:
    """审核: the materials are checked (a 信访 filing needs 纪检监察's outcome first)."""
    filing = _locked(filing, actor=actor, action="review")
    if filing.kind == Filing.Kind.PETITION and not filing.outcome:
        raise FilingError(texts.OUTCOME_REQUIRED_FIRST, code="outcome_required")
    filing.state, filing.reviewed_by, filing.reviewed_at = State.REVIEWED, actor, timezone.now()
    filing.review_opinion = (opinion or "").strip()[:200]
    tracked_save(filing, actor=actor, reason="审核备案",
                 update_fields=["state", "reviewed_by", "reviewed_at", "review_opinion"])
    _audit(filing, actor=actor, action="review")
    return filing


def _add_education(*, actor, filing: Filing) -> None:
    """An education completion filed: the cadre's 在职 education record, unless one of that level is there."""
    if filing.education_record_id or not (filing.kind == Filing.Kind.EDUCATION
                                          and filing.education_stage == Filing.EducationStage.COMPLETION):
        return
    if Education.objects.filter(cadre=filing.cadre, level=filing.education_level,
                                kind=Education.Kind.PART_TIME).exists():
        return  # already on the record (entered by hand, or by an earlier filing): never twice
    school_major = " ".join(part for part in (filing.school, filing.major) if part)
    record = Education(cadre=filing.cadre, kind=Education.Kind.PART_TIME, level=filing.education_level,
                       degree=filing.degree, school_major=school_major[:200], graduation_date=filing.event_date)
    filing.education_record = child_record_save(actor=actor, obj=record, reason=f"备案归档（编号{filing.pk}）")


def _add_reward(*, actor, filing: Filing) -> None:
    """An honour filed: the cadre's reward record (荣誉称号 at the honour's level)."""
    if filing.reward_record_id or filing.kind != Filing.Kind.HONOUR:
        return
    record = Reward(cadre=filing.cadre, kind=Reward.Kind.TITLE, name=filing.honour_title,
                    level=REWARD_LEVELS.get(filing.honour_level, Reward.Level.OTHER),
                    granted_by=filing.awarding_body, granted_on=filing.event_date)
    filing.reward_record = child_record_save(actor=actor, obj=record, reason=f"备案归档（编号{filing.pk}）")


@transaction.atomic
def filing_file(*, actor, filing: Filing) -> Filing:
    """归档: the filing is complete; an education completion or an honour reaches the cadre's record."""
    filing = _locked(filing, actor=actor, action="file")
    _add_education(actor=actor, filing=filing)
    _add_reward(actor=actor, filing=filing)
    filing.state, filing.filed_by, filing.filed_at = State.FILED, actor, timezone.now()
    tracked_save(filing, actor=actor, reason="归档备案",
                 update_fields=["state", "filed_by", "filed_at", "education_record", "reward_record"])
    _audit(filing, actor=actor, action="file", education=filing.education_record_id, reward=filing.reward_record_id)
    return filing


def _close(*, actor, filing: Filing, action: str, state: str, reason: str) -> Filing:
    filing = _locked(filing, actor=actor, action=action)
    reason = _require_text(reason)[:200]
    filing.state, filing.closed_by, filing.closed_at, filing.closed_reason = state, actor, timezone.now(), reason
    tracked_save(filing, actor=actor, reason=f"{ACTION_NAMES[action]}备案：{reason}",
                 update_fields=["state", "closed_by", "closed_at", "closed_reason"])
    _audit(filing, actor=actor, action=action, reason=reason)
    return filing


@transaction.atomic
def filing_return(*, actor, filing: Filing, reason: str) -> Filing:
    """退回: back to the submitter to correct or complete (they may submit it again)."""
    return _close(actor=actor, filing=filing, action="return", state=State.RETURNED, reason=reason)


@transaction.atomic
def filing_reject(*, actor, filing: Filing, reason: str) -> Filing:
    """不予备案: closed without reaching the file (final)."""
    return _close(actor=actor, filing=filing, action="reject", state=State.REJECTED, reason=reason)


@transaction.atomic
def filing_resubmit(*, actor, filing: Filing) -> Filing:
    """重新报送 a returned filing: it starts again at 已报送 (the earlier steps stay in its history)."""
    filing = _locked(filing, actor=actor, action="resubmit")
    filing.state, filing.submitted_by, filing.submitted_at = State.SUBMITTED, actor, timezone.now()
    filing.received_by = filing.reviewed_by = None
    filing.received_at = filing.reviewed_at = None
    tracked_save(filing, actor=actor, reason="重新报送备案",
                 update_fields=["state", "submitted_by", "submitted_at", "received_by", "received_at",
                                "reviewed_by", "reviewed_at"])
    _audit(filing, actor=actor, action="resubmit")
    return filing


@transaction.atomic
def petition_outcome_record(*, actor, filing: Filing, outcome: str, handling: str) -> Filing:
    """纪检监察 records a 信访 filing's verification outcome (属实/部分属实/不属实/其他) and its handling."""
    filing = _locked(filing, actor=actor, action="outcome")
    errors = {}
    if outcome not in Filing.Outcome.values:
        errors["outcome"] = texts.REQUIRED.format(label="核查结论")
    handling = (handling or "").strip()
    if not handling:
        errors["handling"] = texts.REQUIRED.format(label="处理情况")
    if errors:
        raise FilingError(errors, code="outcome_incomplete")
    filing.outcome, filing.handling = outcome, handling[:500]
    filing.outcome_by, filing.outcome_at = actor, timezone.now()
    tracked_save(filing, actor=actor, reason="录入信访核查结论",
                 update_fields=["outcome", "handling", "outcome_by", "outcome_at"])
    _audit(filing, actor=actor, action="outcome", outcome=outcome)
    return filing


@transaction.atomic
def filing_attach(*, actor, filing: Filing, file, label: str):
    """Upload a material to an open filing (checked by the attachment store's rules)."""
    filing = _locked(filing, actor=actor, action="attach")
    return attachment_add(actor=actor, owner=filing, file=file, label=label)


def filing_export(*, actor, data) -> tuple[bytes, str, int]:
    """Return the 备案 list ``actor`` may see, filtered by ``data``, as a workbook (content, name, rows); audited.

    Built from the list's own FilterSet over the user's scope: a 科室负责人's export holds no 信访.
    """
    from cadre_office.xlsx import Column, write_xlsx
    from oversight.filing_selectors import filing_filterset

    rows = list(filing_filterset(actor, data).qs)
    columns = [
        Column("姓名", lambda f: f.cadre.name, 10), Column("单位", lambda f: f.cadre.department.name, 18),
        Column("类别", lambda f: f.get_kind_display(), 12), Column("事项", lambda f: f.subject, 36, wrap=True),
        Column("事项发生日期", lambda f: f"{f.event_date:%Y-%m-%d}", 13),
        Column("应归档日期", lambda f: f"{f.due_on:%Y-%m-%d}", 12), Column("状态", lambda f: f.get_state_display(), 10),
        Column("报送时间", lambda f: f"{timezone.localtime(f.submitted_at):%Y-%m-%d}", 12),
        Column("归档时间", lambda f: f"{timezone.localtime(f.filed_at):%Y-%m-%d}" if f.filed_at else "", 12),
    ]
    today = timezone.localdate()
    content = write_xlsx(title="备案", columns=columns, rows=rows, heading=f"备案情况（截至 {today:%Y-%m-%d}）")
    audit_record(Event.EXPORT, actor=actor, object_type="oversight.filing", object_repr="备案列表",
                 detail={"filters": {key: value for key, value in data.items() if value and key != "page"},
                         "rows": len(rows)})
    return content, f"备案_{today:%Y%m%d}.xlsx", len(rows)
