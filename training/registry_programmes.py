"""理论培训 (programmes, enrolments, hours): what this part registers (timeline sources, desk lines).

Imported from ``TrainingConfig.ready``. The source answers for one cadre in one query; each desk line
costs one or two queries and names the page that lists exactly what it counts.
"""

from django.urls import reverse

from cadre_office import desk
from cadres import timeline
from cadres.permissions import can_see_cadre
from training.models import Enrolment
from training.selectors.programmes import appointment_due, hours_text, shortfall_count

AREA = "教育培养"
# The yearly shortfall is shown on the desk from October on: earlier in the year nearly everyone is still
# short and the line would only be noise; from the fourth quarter there is still time to catch up.
SHORTFALL_FROM_MONTH = 10


@timeline.register
class TrainingSource(timeline.TimelineSource):
    """Completed enrolments: 参加培训：<name>（<hours>学时）, from the programme's start to its end."""

    kind = "training"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("training.view_enrolment") and can_see_cadre(user, cadre)):
            return []
        rows = timeline.between(Enrolment.objects.filter(cadre=cadre, state=Enrolment.State.COMPLETED),
                                "programme__start_date", start, end).select_related("programme")\
            .order_by("programme__start_date", "pk")
        entries = []
        for row in rows:
            programme = row.programme
            link = timeline.Link("培训项目", reverse("training:programme_detail", args=[programme.pk]))
            detail = "；".join(filter(None, [programme.organiser, programme.get_mode_display(),
                                             f"结业证书{row.certificate_no}" if row.certificate_no else ""]))
            entries.append(timeline.Entry(on=programme.start_date, until=programme.end_date, kind=self.kind,
                                          title=f"参加培训：{programme.name}（{hours_text(row.hours)}学时）",
                                          detail=detail, tone="info", links=(link,)))
        return entries


@desk.register
def appointment_training_due(*, user, today):
    """任职培训待完成: newly appointed 科级 cadres in scope without 任职培训 (one query)."""
    if not user.has_perm("training.view_enrolment") or not user.has_perm("training.change_enrolment"):
        return []
    count = appointment_due(user, today=today).count()
    return [desk.Task(area=AREA, title="任职培训待完成", count=count, url=reverse("training:appointment_due"),
                      nav="training")]


@desk.register
def hours_short_this_year(*, user, today):
    """本年度学时未达标: counted cadres in scope short of the requirement (from October; one query)."""
    if today.month < SHORTFALL_FROM_MONTH or not user.has_perm("training.view_cadreyearhours"):
        return []
    count = shortfall_count(user, year=today.year, today=today)
    return [desk.Task(area=AREA, title="本年度学时未达标", count=count,
                      url=f"{reverse('training:hours_shortfall')}?year={today.year}", tone="warning",
                      hint="第四季度仍可安排培训补足学时", nav="training", info=True)]  # the year's progress
