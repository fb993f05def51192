"""个人培养计划: what this part registers (timeline sources, desk lines).

- the record page's 培养 tab (``cadres.records.register_tab``): pool membership, the plan and its
  progress, the hours of the last three years against the requirement, programmes, placements and
  rotation plans, at a fixed number of queries (``training.selectors.plans.cultivation_of``);
- the 全程记实 source (kind ``training``): the plan made, and each half-year review;
- the 工作台 line 培养计划待考评 (``training.selectors.plans.review_due_q`` says when a review is due).
"""

from django.urls import reverse
from django.utils import timezone

from cadre_office import desk
from cadres import timeline
from cadres.permissions import can_see_cadre
from cadres.records import Tab, TabSummary, register_tab
from training.models import DevelopmentPlan, PlanReview
from training.selectors.plans import cultivation_of, half_label, plans_due_for_review

AREA = "教育培养"


def _cultivation_summary(cadre) -> TabSummary:
    context = cultivation_of(cadre, today=timezone.localdate())
    count = sum(len(context[key]) for key in ("memberships", "enrolments", "placements", "rotations"))
    return TabSummary("training/plans/_record_tab.html", context, count=count)


CULTIVATION_TAB = register_tab(Tab("training", "培养", 58, summary=_cultivation_summary,
                                   permission="training.view_developmentplan"))


@timeline.register
class PlansSource(timeline.TimelineSource):
    """The plan made (制定个人培养计划) and each half-year review (培养计划考评：2026年下半年 好)."""

    kind = "training"

    def entries(self, *, cadre, user, start=None, end=None):
        if not (user.has_perm("training.view_developmentplan") and can_see_cadre(user, cadre)):
            return []
        entries = []
        plans = DevelopmentPlan.objects.filter(cadre=cadre).select_related("mentor").order_by("created_at", "pk")
        for plan in timeline.between(plans, "created_at__date", start, end):
            link = timeline.Link("培养计划", reverse("training:plan_detail", args=[plan.pk]))
            detail = "；".join(filter(None, [f"{plan.start_year}—{plan.end_year}年", f"培养方向：{plan.direction}",
                                              f"培养导师：{plan.mentor.name}" if plan.mentor else ""]))
            entries.append(timeline.Entry(on=timezone.localtime(plan.created_at).date(), kind=self.kind,
                                          title="制定个人培养计划", detail=detail, tone="primary", links=(link,)))
        reviews = PlanReview.objects.filter(plan__cadre=cadre).order_by("reviewed_on", "pk")
        for review in timeline.between(reviews, "reviewed_on", start, end):
            link = timeline.Link("培养计划", reverse("training:plan_detail", args=[review.plan_id]))
            entries.append(timeline.Entry(
                on=review.reviewed_on, kind=self.kind,
                title=f"培养计划考评：{half_label(review.year, review.half)} {review.get_rating_display()}",
                detail=f"培养进展：{review.progress}", tone="info", links=(link,)))
        return entries


@desk.register
def plans_to_review(*, user, today):
    """培养计划待考评: the active plans in scope whose half-year review is due (one query)."""
    if not user.has_perm("training.review_plan"):
        return []
    count = plans_due_for_review(user, today=today).count()
    return [desk.Task(area=AREA, title="培养计划待考评", count=count, url=reverse("training:plan_list") + "?plan=due",
                      tone="warning", hint="每年6月、12月考评当期；上期漏评的一并列出", nav="training")]
