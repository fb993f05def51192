"""积分 and 谈心谈话 in the apps' shared registries: the 全程记实 sources and the 工作台 lines.

Imported from ``OversightConfig.ready``. Each source answers for one cadre in one query whatever
the number of entries; each desk provider costs one or two queries and names the list page that
shows exactly the items it counts.
"""

import datetime as dt

from django.urls import reverse

from cadre_office import desk
from cadres import timeline
from cadres.permissions import can_see_cadre
from oversight.models import PointEntry, Talk
from oversight.models.points import points_text
from oversight.selectors.points import reviewable_by
from oversight.selectors.talks import (
    SOON_DAYS,
    coverage_queryset,
    due_talks_for,
    follow_ups_due_for,
    plan_for,
)

AREA = "日常监督"


@timeline.register
class PointsSource(timeline.TimelineSource):
    """Approved points entries (加分 / 减分), on the day they occurred."""

    kind = "points"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("oversight.view_pointentry") and can_see_cadre(user, cadre)):
            return []
        rows = timeline.between(PointEntry.objects.filter(cadre=cadre, state=PointEntry.State.APPROVED), "occurred_on",
                      start, end).select_related("rule").order_by("occurred_on", "pk")
        return [timeline.Entry(on=row.occurred_on, kind=self.kind,
                               title=f"{row.rule.name}（{points_text(row.points, sign=True)}分）",
                               detail="；".join(filter(None, [row.evidence, f"有效期至{row.valid_until:%Y-%m-%d}"])),
                               tone="success" if row.points > 0 else "danger")
                for row in rows]


@timeline.register
class TalksSource(timeline.TimelineSource):
    """Talks held with the cadre: who talked, and the requirements made."""

    kind = "talk"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("oversight.view_talk") and can_see_cadre(user, cadre)):
            return []
        rows = timeline.between(Talk.objects.filter(cadre=cadre, state=Talk.State.HELD), "held_on", start, end) \
            .select_related("talker").order_by("held_on", "pk")
        entries = []
        for row in rows:
            link = timeline.Link("谈话记录", reverse("oversight:talk_detail", args=[row.pk]))
            entries.append(timeline.Entry(
                on=row.held_on, kind=self.kind, title=f"{row.get_kind_display()}（谈话人：{row.talker_display}）",
                detail=f"提出要求：{row.requirements}" if row.requirements else "", tone="info", links=(link,)))
        return entries


@desk.register
def points_to_review(*, user, today):
    """积分待审核: the pending entries this user may review (one query)."""
    if not user.has_perm("oversight.review_pointentry"):
        return []
    count = reviewable_by(user).count()
    return [desk.Task(area=AREA, title="积分记录待审核", count=count, url=reverse("oversight:points_review"),
                      nav="oversight")]


@desk.register
def talks_due(*, user, today):
    """Talks due (in the next 30 days) and overdue: all for personnel staff, their own for a leader."""
    if not (user.has_perm("oversight.record_any_talk") or user.has_perm("oversight.record_own_talk")):
        return []
    due = due_talks_for(user)
    overdue = due.filter(due_on__lt=today).count()
    soon = due.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS)).count()
    base = reverse("oversight:talk_list")
    mine = "" if user.has_perm("oversight.record_any_talk") else "&mine=true"
    return [
        desk.Task(area=AREA, title="谈话已逾期", count=overdue, url=f"{base}?due=overdue{mine}", tone="danger",
                  nav="oversight"),
        desk.Task(area=AREA, title=f"{SOON_DAYS}日内应谈话", count=soon, url=f"{base}?due=soon{mine}", tone="warning",
                  nav="oversight"),
    ]


@desk.register
def follow_ups_due(*, user, today):
    """Follow-ups of talks open and due within 30 days or overdue (one query)."""
    if not (user.has_perm("oversight.record_any_talk") or user.has_perm("oversight.record_own_talk")):
        return []
    count = follow_ups_due_for(user, today=today).count()
    return [desk.Task(area=AREA, title="谈话跟踪事项待完成", count=count, url=reverse("oversight:followup_list"),
                      tone="warning")]


@desk.register
def talk_plan_left(*, user, today):
    """For the plan's leader: the 科级 cadres not yet talked with this year (two queries)."""
    if not user.has_perm("oversight.record_own_talk"):
        return []
    plan = plan_for(today.year)
    if plan is None or plan.leader_id != user.pk:
        return []
    left = coverage_queryset(user, plan, today=today).filter(plan_count__lt=plan.min_per_cadre).count()
    return [desk.Task(area=AREA, title=f"{today.year}年度谈心谈话计划尚未谈话", count=left,
                      url=reverse("oversight:talk_coverage"), hint=f"计划要求每人至少{plan.min_per_cadre}次",
                      nav="oversight", info=True)]  # the year's progress, not today's to-do

