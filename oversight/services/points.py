"""Writes of the points ledger (积分管理): the rule table and the entries, their review.

Every function is atomic and writes the history row (naming ``actor``) and one audit row in the same
transaction. The rules of the ledger live here, not in the views:

- an entry takes its points from the rule, at most what the rule's yearly cap leaves for that cadre
  (pending and approved entries of the rule in the same calendar year use it up); a full cap is refused;
- evidence is required where the rule says so;
- an entry is reviewed by someone who holds the rule's reviewer role and did not enter it, once
  (the row is locked and re-read, so a second click finds it already reviewed).
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Abs
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadre_office.xlsx import Column, write_xlsx
from cadres.permissions import can_see_cadre
from cadres.services.exports import ExportFile
from oversight import events
from oversight.models import PointEntry, PointRule
from oversight.models.points import points_text

RULE_INACTIVE = "积分项目“{name}”已停用，不能再录入。"
CAP_REACHED = "{name}：{year}年度已累计{used}分，达到年度上限{cap}分，不能再录入。"
EVIDENCE_REQUIRED = "积分项目“{name}”须填写依据（{hint}）。"
FUTURE_DATE = "发生日期不能晚于今天。"
NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
CANNOT_ENTER = "您没有录入积分的权限。"
NOT_PENDING = "该积分记录已审核（{state}），不能重复审核。"
OWN_ENTRY = "不能审核本人录入的积分记录，请由其他审核人审核。"
WRONG_REVIEWER = "积分项目“{name}”须由{role}审核。"
NOTE_REQUIRED = "不予通过时须填写审核意见。"
CANNOT_EDIT_RULES = "您没有维护积分规则的权限。"

# The bureau's default table (seeded once by the data migration and by ``point_rules_seed``).
# (name, category, points, yearly cap, validity months, evidence required, evidence hint, reviewer role)
DEFAULT_RULES = [
    ("获得县级以上表彰", "bonus", "5", "10", 24, True, "表彰文件文号", "人事干部"),
    ("完成急难险重任务", "bonus", "3", "9", 12, True, "任务交办文件或情况说明", "局领导"),
    ("年度考核优秀", "bonus", "5", "5", 12, True, "年度考核结果通知文号", "人事干部"),
    ("工作经验被上级推广", "bonus", "2", "6", 12, True, "上级转发文件文号", "人事干部"),
    ("信息调研被区级以上采用", "bonus", "1", "5", 12, True, "采用刊物名称及期号", "人事干部"),
    ("受到群众书面表扬", "bonus", "1", "3", 12, False, "表扬信或锦旗情况", "人事干部"),
    ("受到诫勉", "penalty", "-5", None, 24, True, "诫勉决定书文号", "局领导"),
    ("被通报批评", "penalty", "-3", None, 12, True, "通报文件文号", "人事干部"),
    ("工作推进不力被督办", "penalty", "-2", "6", 12, True, "督办通知文号", "人事干部"),
    ("被有效投诉", "penalty", "-1", "5", 12, True, "投诉核查结论", "人事干部"),
    ("无故缺席集中学习", "penalty", "-0.5", "3", 12, False, "考勤记录", "人事干部"),
]


def default_rule_rows():
    """Yield the default table as field dicts (the data migration and the demo share them)."""
    for order, (name, category, points, cap, months, required, hint, role) in enumerate(DEFAULT_RULES, start=1):
        yield {"name": name, "category": category, "points": Decimal(points),
               "yearly_cap": Decimal(cap) if cap else None, "validity_months": months,
               "evidence_required": required, "evidence_hint": hint, "reviewer_role": role, "order": order * 10}


# --- the rule table ---------------------------------------------------------------------------------


@transaction.atomic
def point_rule_save(*, actor, rule: PointRule, reason: str = "") -> PointRule:
    """Add or change a rule of the table (existing entries keep the points they were given)."""
    if not actor.has_perm("oversight.add_pointrule" if rule._state.adding else "oversight.change_pointrule"):
        raise ValidationError(CANNOT_EDIT_RULES)
    adding = rule._state.adding
    tracked_save(rule, actor=actor, reason=reason or ("新增积分规则" if adding else "修改积分规则"))
    audit_record(Event.CREATE if adding else Event.UPDATE, actor=actor, obj=rule,
                 detail={"reason": reason} if reason else None)
    return rule


@transaction.atomic
def point_rules_seed(*, actor) -> int:
    """Add the default rules the table lacks (by name); return how many were added. Idempotent."""
    existing = set(PointRule.objects.values_list("name", flat=True))
    added = 0
    for row in default_rule_rows():
        if row["name"] not in existing:
            rule = PointRule(**row)
            tracked_save(rule, actor=actor, reason="预置积分规则")
            added += 1
    return added


# --- entries ---------------------------------------------------------------------------------------


def rule_used(*, cadre_id: int, rule: PointRule, year: int, exclude_pk=None) -> Decimal:
    """Return the points (absolute) pending or approved on ``rule`` for the cadre in ``year``."""
    used = (PointEntry.objects.filter(cadre_id=cadre_id, rule=rule, occurred_on__year=year,
                                      state__in=[PointEntry.State.PENDING, PointEntry.State.APPROVED])
            .exclude(pk=exclude_pk).aggregate(total=Sum(Abs("points")))["total"])
    return used or Decimal(0)


def entry_points(*, cadre_id: int, rule: PointRule, occurred_on: dt.date) -> Decimal:
    """Return the points an entry of ``rule`` gets: the rule's, cut to what the yearly cap leaves.

    Refused when the cap is used up.
    """
    if rule.yearly_cap is None:
        return rule.points
    used = rule_used(cadre_id=cadre_id, rule=rule, year=occurred_on.year)
    left = rule.yearly_cap - used
    if left <= 0:
        raise ValidationError(CAP_REACHED.format(name=rule.name, year=occurred_on.year, used=points_text(used),
                                                 cap=points_text(rule.yearly_cap)))
    amount = min(abs(rule.points), left)
    return amount if rule.points > 0 else -amount


@transaction.atomic
def point_entry_create(*, actor, cadre, rule: PointRule, occurred_on: dt.date, evidence: str = "",
                       today: dt.date | None = None) -> PointEntry:
    """Enter ``rule`` for ``cadre`` on ``occurred_on``, pending review."""
    today = today or timezone.localdate()
    evidence = (evidence or "").strip()
    if not actor.has_perm("oversight.add_pointentry"):
        raise ValidationError(CANNOT_ENTER)
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)
    # Lock the rule so two entries of one cadre at the same moment cannot both take the cap's last points.
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    if not rule.active:
        raise ValidationError(RULE_INACTIVE.format(name=rule.name))
    if occurred_on > today:
        raise ValidationError({"occurred_on": FUTURE_DATE})
    if rule.evidence_required and not evidence:
        raise ValidationError({"evidence": EVIDENCE_REQUIRED.format(name=rule.name,
                                                                    hint=rule.evidence_hint or "文件文号或情况说明")})
    points = entry_points(cadre_id=cadre.pk, rule=rule, occurred_on=occurred_on)
    entry = PointEntry(cadre=cadre, rule=rule, occurred_on=occurred_on, evidence=evidence, points=points,
                       valid_until=occurred_on + relativedelta(months=rule.validity_months) - dt.timedelta(days=1),
                       entered_by=actor)
    tracked_save(entry, actor=actor, reason="录入积分")
    audit_record(Event.CREATE, actor=actor, obj=cadre,
                 detail={"record": "积分记录", "entry_id": entry.pk, "rule": rule.name, "points": str(points)})
    return entry


def holds_role(user, role: str) -> bool:
    return user.groups.filter(name=role).exists()


def _locked_pending(*, actor, entry: PointEntry) -> PointEntry:
    """Lock and re-read ``entry``; refuse unless it is pending and ``actor`` may review it."""
    entry = PointEntry.objects.select_for_update().select_related("rule", "cadre").get(pk=entry.pk)
    if entry.state != PointEntry.State.PENDING:
        raise ValidationError(NOT_PENDING.format(state=entry.get_state_display()))
    if entry.entered_by_id == actor.pk:
        raise ValidationError(OWN_ENTRY)
    if not (actor.has_perm("oversight.review_pointentry") and holds_role(actor, entry.rule.reviewer_role)):
        raise ValidationError(WRONG_REVIEWER.format(name=entry.rule.name, role=entry.rule.reviewer_role))
    if not can_see_cadre(actor, entry.cadre):
        raise ValidationError(NOT_IN_SCOPE)
    return entry


def _review(*, actor, entry: PointEntry, state: str, note: str) -> PointEntry:
    entry.state, entry.reviewed_by, entry.reviewed_at, entry.review_note = state, actor, timezone.now(), note
    label = "审核通过积分" if state == PointEntry.State.APPROVED else "审核不通过积分"
    tracked_save(entry, actor=actor, reason=label, clean=False,
                 update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(Event.WORKFLOW, actor=actor, obj=entry.cadre,
                 detail={"record": "积分记录", "entry_id": entry.pk, "action": label, "note": note})
    return entry


@transaction.atomic
def point_entry_approve(*, actor, entry: PointEntry, note: str = "") -> PointEntry:
    """Approve a pending entry; the 动态管理 rules re-read the cadre (``events.record_changed``)."""
    entry = _locked_pending(actor=actor, entry=entry)
    entry = _review(actor=actor, entry=entry, state=PointEntry.State.APPROVED, note=(note or "").strip())
    events.record_changed.send(actor=actor, cadre=entry.cadre)
    return entry


@transaction.atomic
def point_entry_reject(*, actor, entry: PointEntry, note: str) -> PointEntry:
    """Reject a pending entry, saying why (the points return to the rule's yearly cap)."""
    note = (note or "").strip()
    entry = _locked_pending(actor=actor, entry=entry)
    if not note:
        raise ValidationError({"note": NOTE_REQUIRED})
    return _review(actor=actor, entry=entry, state=PointEntry.State.REJECTED, note=note)


# --- the ranking export ---------------------------------------------------------------------------


def points_ranking_export(*, actor, data) -> ExportFile:
    """Return the ranking ``actor`` may see, filtered by ``data``, as a workbook; the export is audited."""
    from oversight.selectors.points import ranking_filterset

    filterset = ranking_filterset(actor, data)
    rows = list(filterset.qs)
    columns = [
        Column("名次", lambda row: row.rank, 6),
        Column("姓名", lambda row: row.name, 10),
        Column("工作单位", lambda row: row.department.name, 20),
        Column("现任职务", lambda row: row.current_post_title, 20),
        Column("加分", lambda row: float(row.bonus), 8),
        Column("减分", lambda row: float(row.penalty), 8),
        Column("合计", lambda row: float(row.total), 8),
        Column("计分条数", lambda row: row.entry_count, 8),
    ]
    heading = f"{filterset.year}年度干部积分排名（截至{filterset.day:%Y-%m-%d}）"
    content = write_xlsx(title="积分排名", columns=columns, rows=rows, heading=heading)
    audit_record(Event.EXPORT, actor=actor, object_type="oversight.pointentry", object_repr="干部积分排名",
                 detail={"filters": {key: value for key, value in data.items() if value and key != "page"},
                         "rows": len(rows), "year": filterset.year})
    return ExportFile(content=content, filename=f"干部积分排名_{filterset.year}.xlsx", rows=len(rows))
