"""动态管理's source of the 全程记实 (``cadres.timeline``): the flags raised and the decisions; one query."""

from cadres.timeline import Entry, TimelineSource, between, register
from oversight.models import AdjustmentFlag

_DECISION_TONES = {"remove": "danger", "reassign": "warning", "keep": "secondary"}


@register
class AdjustmentSource(TimelineSource):
    """动态管理: the flags raised on the cadre and the decisions on them (one query, decisions joined)."""

    kind = "adjustment"

    def entries(self, *, cadre, user, start=None, end=None):
        flags = between(AdjustmentFlag.objects.filter(cadre=cadre).select_related("rule", "decision"), "raised_on",
                        start, end)
        found, decisions = [], {}
        for flag in flags:
            found.append(Entry(on=flag.raised_on, kind=self.kind, title=f"动态管理预警：{flag.rule}",
                               detail=flag.evidence, tone="warning"))
            if flag.decision is not None:
                decisions[flag.decision.pk] = flag.decision
        for decision in decisions.values():
            if (start and decision.decided_on < start) or (end and decision.decided_on > end):
                continue
            post = f"；新任{decision.new_title}" if decision.new_title else ""
            found.append(Entry(on=decision.decided_on, kind=self.kind,
                               title=f"动态管理决定：{decision.get_outcome_display()}",
                               detail=f"{decision.reason}（{decision.effective_date:%Y-%m-%d}起{post}）"
                                      + (f"，文号：{decision.document}" if decision.document else ""),
                               tone=_DECISION_TONES.get(decision.outcome, "secondary")))
        return found

