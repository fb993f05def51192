"""The young-cadre round and the reserve pool in the shared registries: 全程记实, 工作台, the decision hook.

Imported from ``TrainingConfig.ready``. The timeline source answers for one cadre in two queries
whatever the number of entries; the desk line costs one query; the ``oversight.events.decision_made``
receiver ends the cadre's pool membership when a 动态管理 decision takes them out of the pool.
"""

from django.urls import reverse

from cadre_office import desk
from cadres import timeline
from cadres.permissions import can_see_cadre
from oversight import events as oversight_events
from training.models import Nomination, PoolMember
from training.selectors.young import pending_decision_count
from training.services.young import pool_leave_by_decision

AREA = "教育培养"


@timeline.register
class YoungCadreSource(timeline.TimelineSource):
    """Nominated in a round, approved or not, entered the pool, left it."""

    kind = "training"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("training.view_nomination") and can_see_cadre(user, cadre)):
            return []
        entries = []
        nominations = Nomination.objects.filter(cadre=cadre).exclude(state=Nomination.State.WITHDRAWN) \
            .select_related("round").order_by("created_at", "pk")
        for row in nominations:
            link = timeline.Link("推荐人选", reverse("training:nomination_list", args=[row.round_id]))
            on = row.created_at.date()
            if (not start or on >= start) and (not end or on <= end):
                who = f"（{row.recommender}）" if row.recommender else ""
                entries.append(timeline.Entry(on=on, kind=self.kind, tone="info", links=(link,),
                                              title=f"{row.round.name}：{row.get_kind_display()}{who}",
                                              detail=row.reason[:120]))
            if row.decided_at:
                decided = row.decided_at.date()
                if (not start or decided >= start) and (not end or decided <= end):
                    approved = row.state == Nomination.State.APPROVED
                    entries.append(timeline.Entry(
                        on=decided, kind=self.kind,
                        title=f"{row.round.name}：局领导{'同意' if approved else '不同意'}列为年轻干部人选",
                        detail=row.decision_reason, tone="success" if approved else "secondary", links=(link,)))
        pool = PoolMember.objects.filter(cadre=cadre).order_by("entered_on", "pk")
        for member in pool:
            if (not start or member.entered_on >= start) and (not end or member.entered_on <= end):
                entries.append(timeline.Entry(on=member.entered_on, kind=self.kind,
                                              title=f"列入后备干部库（{member.get_kind_display()}）",
                                              until=member.left_on, tone="success"))
            if member.left_on and (not start or member.left_on >= start) and (not end or member.left_on <= end):
                entries.append(timeline.Entry(on=member.left_on, kind=self.kind, title="调出后备干部库",
                                              detail=member.left_reason, tone="warning"))
        return entries


@desk.register
def nominations_to_decide(*, user, today):
    """年轻干部推荐待审批: pending nominations of rounds under review this leader may decide (one query)."""
    if not user.has_perm("training.decide_nomination"):
        return []
    return [desk.Task(area=AREA, title="年轻干部推荐待审批", count=pending_decision_count(user),
                      url=reverse("training:nomination_review"), nav="training")]


@oversight_events.decision_made.register
def leave_pool_on_decision(*, actor, cadre, decision):
    """A 动态管理 decision that takes the cadre out of the pool (pool_exit, or 调出) ends their membership."""
    pool_leave_by_decision(actor=actor, cadre=cadre, decision=decision)
