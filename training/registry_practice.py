"""实践锻炼 and 岗位交流: what this part registers (timeline sources, desk lines).

Imported from ``TrainingConfig.ready``. Each 全程记实 source answers for one cadre in one query
whatever the number of records; each 工作台 provider costs one or two queries and links to the
list page showing exactly the items it counts.
"""

from django.db.models.functions import Coalesce
from django.urls import reverse

from cadre_office import desk
from cadres import timeline
from cadres.permissions import can_see_cadre
from training.models import PracticePlacement, RotationPlan, TrainingSettings
from training.selectors.practice import (
    DUE_OVERDUE,
    DUE_SOON,
    candidates_queryset,
    placements_due,
    post_text,
    rotations_due,
)

AREA = "教育培养"
ASSESSMENT_TONES = {"excellent": "success", "good": "success", "pass": "info", "fail": "danger"}


@timeline.register
class PlacementSource(timeline.TimelineSource):
    """Placements begun or planned (not cancelled): where, as what, and the assessment at the end."""

    kind = "training"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("training.view_practiceplacement") and can_see_cadre(user, cadre)):
            return []
        rows = (PracticePlacement.objects.filter(cadre=cadre).exclude(state=PracticePlacement.State.CANCELLED)
                .annotate(day=Coalesce("started_on", "planned_start")))
        rows = timeline.between(rows, "day", start, end).order_by("day", "pk")
        entries = []
        for row in rows:
            if row.state == PracticePlacement.State.ENDED:
                detail = f"期满考核：{row.get_assessment_display()}；{row.assessment_text}"
                tone, until = ASSESSMENT_TONES.get(row.assessment, "info"), row.ended_on
            else:
                detail = f"{row.get_state_display()}，计划{row.planned_start:%Y-%m-%d}至{row.planned_end:%Y-%m-%d}"
                tone, until = "secondary", row.planned_end
            if row.mentor:
                detail += f"；导师：{row.mentor}"
            link = timeline.Link("实践锻炼记录", reverse("training:placement_detail", args=[row.pk]))
            entries.append(timeline.Entry(on=row.day, until=until, kind=self.kind,
                                          title=f"{row.get_kind_display()}：{row.host}（{row.role}）",
                                          detail=detail, tone=tone, links=(link,)))
        return entries


@timeline.register
class RotationSource(timeline.TimelineSource):
    """Rotations carried out: from which post to which, on the day of the move."""

    kind = "training"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("training.view_rotationplan") and can_see_cadre(user, cadre)):
            return []
        rows = timeline.between(RotationPlan.objects.filter(cadre=cadre, state=RotationPlan.State.DONE), "done_on",
                                start, end).select_related("from_post__department", "to_department") \
            .order_by("done_on", "pk")
        entries = []
        for row in rows:
            old = post_text(row.from_post.department, row.from_post.title) if row.from_post else "原岗位"
            new = post_text(row.to_department, row.to_title)
            link = timeline.Link("交流计划", reverse("training:rotation_detail", args=[row.pk]))
            entries.append(timeline.Entry(
                on=row.done_on, kind=self.kind, title=f"岗位交流：从{old} 到 {new}",
                detail="；".join(filter(None, [f"交流理由：{row.reason}", row.document])), tone="primary",
                links=(link,)))
        return entries


@desk.register
def placements_ending(*, user, today):
    """Placements under way ending within the reminder window, and those past their end (two queries)."""
    if not user.has_perm("training.change_practiceplacement"):
        return []
    days = TrainingSettings.current().placement_reminder_days
    soon = placements_due(user, today=today, due=DUE_SOON, days=days).count()
    overdue = placements_due(user, today=today, due=DUE_OVERDUE, days=days).count()
    base = reverse("training:placement_list")
    return [
        desk.Task(area=AREA, title="实践锻炼已到期未结束", count=overdue, url=f"{base}?due={DUE_OVERDUE}",
                  tone="danger", hint="请办理期满考核", nav="training"),
        desk.Task(area=AREA, title="实践锻炼即将期满", count=soon, url=f"{base}?due={DUE_SOON}", tone="warning",
                  hint=f"{days}日内期满", nav="training"),
    ]


@desk.register
def rotations_to_settle(*, user, today):
    """Plans whose date has come but which the daily task could not carry out (one query)."""
    if not user.has_perm("training.change_rotationplan"):
        return []
    count = rotations_due(user, today=today).count()
    return [desk.Task(area=AREA, title="岗位交流已到期待执行", count=count,
                      url=reverse("training:rotation_list") + "?due=true", tone="warning", nav="training")]


@desk.register
def rotation_candidates(*, user, today):
    """Cadres in the same post for the set years or more with no plan yet (informational; two queries)."""
    if not user.has_perm("training.add_rotationplan"):
        return []
    years = TrainingSettings.current().same_post_years
    count = candidates_queryset(user, years=years, today=today).filter(planned_rotation_date__isnull=True).count()
    return [desk.Task(area=AREA, title=f"同一岗位任职满{years}年", count=count,
                      url=reverse("training:rotation_candidates") + "?planned=no", hint="可列为岗位交流人选",
                      info=True)]
