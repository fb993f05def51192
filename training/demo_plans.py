"""Demo 个人培养计划 for seed_demo: plans for most of the reserve pool, in every state, some reviewed.

Everything goes through the services as the demo logins (renshi writes the plans, lingdao reviews some),
so history and audit rows are real. The gaps come from the cadres' open 考察 shortcomings; items link
the demo programmes, placements and rotation plans where the other parts' demos made them.

The pool is the young-cadre round's (``training.demo_young`` runs first); when it is empty (that demo not
there), a handful of young cadres are entered in the pool here so the plans have someone to serve.
Created once: a second seed finds plans and writes nothing.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cadre_office.history import tracked_save
from cadres.codes import SECTION_LEVELS
from cadres.models import Cadre
from oversight.models import InspectionShortcoming
from oversight.selectors_inspection import open_shortcomings
from training.models import DevelopmentPlan, Enrolment, PlanGoal, PlanItem, PoolMember, TrainingProgramme
from training.selectors.plans import half_of
from training.services import plans as services
from training.services.programmes import enrolment_complete, enrolments_add

DIRECTIONS = ["综合管理", "经济工作", "基层治理", "法治建设", "文稿起草与调查研究", "项目管理"]
GOALS = [
    ("熟悉全局业务，能独立牵头完成综合性工作", 1), ("具备胜任科室副职岗位的能力", 2),
    ("形成一篇有质量的调研报告", 0), ("熟练掌握经济管理和政策法规知识", 1),
]
EXTRA_GAPS = ["基层工作经历较少", "经济工作经验不足", "处理复杂问题和群众工作的经验不足"]
MENTOR_DUTIES = ["每季度谈心谈话一次，指导重要文稿起草", "带领参加重点项目调度，每半年点评一次",
                 "指导基层工作方法，定期听取思想和工作汇报"]


def _ensure_pool(actor, today: dt.date) -> list[PoolMember]:
    members = list(PoolMember.objects.filter(state=PoolMember.State.ACTIVE).select_related("cadre")
                   .order_by("entered_on", "pk"))
    if members:
        return members
    # Young cadres not yet in a 科级 post, those a 考察 found shortcomings in first (their plans show the 拾缺补漏).
    found = Exists(InspectionShortcoming.objects.filter(cadre=OuterRef("pk"), resolved_on__isnull=True))
    young = (Cadre.objects.active().filter(birth_date__gt=today - relativedelta(years=36))
             .exclude(current_level__in=SECTION_LEVELS).annotate(found=found)
             .order_by("-found", "birth_date", "pk")[:8])
    for index, cadre in enumerate(young):
        member = PoolMember(cadre=cadre, kind=PoolMember.Kind.RESERVE if index % 3 else PoolMember.Kind.STANDBY,
                            entered_on=dt.date(today.year, 3, 15))
        tracked_save(member, actor=actor, reason="演示：列入后备干部库")
        members.append(member)
    return members


def _mentor(cadre, chiefs: list, index: int):
    """The head of the cadre's own unit, else one of the bureau's section chiefs in turn."""
    own = [chief for chief in chiefs if chief.department_id == cadre.department_id and chief.pk != cadre.pk]
    others = [chief for chief in chiefs if chief.pk != cadre.pk]
    return own[0] if own else others[index % len(others)] if others else None


def _attend(actor, programme, cadre, today: dt.date) -> None:
    """Enrol ``cadre`` in a programme that has ended and complete it, through the training services."""
    enrolment = Enrolment.objects.filter(programme=programme, cadre=cadre).first()
    if enrolment is None:
        enrolment = enrolments_add(actor=actor, programme=programme, cadres=[cadre])[0]
    if enrolment.state == Enrolment.State.ENROLLED:
        enrolment_complete(actor=actor, enrolment=enrolment, today=today)


def ensure_demo_plans(*, today: dt.date | None = None) -> int:
    """Write the demo plans unless some exist; return the number written."""
    today = today or timezone.localdate()
    if DevelopmentPlan.objects.exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["renshi", "lingdao"])}
    if len(users) < 2:
        return 0
    staff, leader = users["renshi"], users["lingdao"]
    members = _ensure_pool(staff, today)
    start = today.year
    programmes = list(TrainingProgramme.objects.filter(start_date__year__gte=start - 1).order_by("start_date"))
    chiefs = list(Cadre.objects.active().filter(current_level=SECTION_LEVELS[0]).order_by("department__path", "pk"))
    written = 0
    # The last member is left without a plan: the list shows what is still to be written.
    for index, member in enumerate(members[:-1] if len(members) > 1 else members):
        cadre = member.cadre
        shortcomings = list(open_shortcomings(cadre))
        plan = services.plan_create(
            actor=staff, member=member, start_year=start, end_year=start + 2, direction=DIRECTIONS[index % 6],
            mentor=_mentor(cadre, chiefs, index * 3), mentor_note=MENTOR_DUTIES[index % 3], shortcomings=shortcomings,
            extra_gaps=[] if shortcomings else [EXTRA_GAPS[index % 3]])
        for text, offset in (GOALS[index % 4], GOALS[(index + 1) % 4]):
            services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text=text, due_year=start + offset))
        gap = plan.gaps.first()
        finished = [p for p in programmes if p.start_date.year == start and p.end_date <= today]
        programme = finished[index % len(finished)] if finished else \
            next((p for p in programmes if p.start_date.year <= start <= p.end_date.year), None)
        if programme is not None and index % 2 == 0 and programme.end_date <= today:
            _attend(staff, programme, cadre, today)  # this item then shows as done: the progress is real
        placement = cadre.placements.order_by("planned_start").first()
        rotation = cadre.rotation_plans.order_by("planned_date").first()
        items = [
            PlanItem(plan=plan, kind="training", title=programme.name if programme else "参加区委党校中青年干部培训班",
                     due_year=start, gap=gap, programme=programme),
            PlanItem(plan=plan, kind="practice", title="到街道（社区）一线实践锻炼半年", due_year=start + 1, gap=gap,
                     placement=placement),
            PlanItem(plan=plan, kind="rotation", title="交流到业务科室任职", due_year=start + 2,
                     rotation=rotation),
        ]
        for item in items:
            if item.placement_id and item.placement.planned_start.year != item.due_year:
                item.due_year = min(max(item.placement.planned_start.year, start), start + 2)
            if item.rotation_id:
                item.due_year = min(max(item.rotation.planned_date.year, start), start + 2)
            services.plan_row_save(actor=staff, row=item)
        written += 1
        if index % 5 == 4:
            continue  # left in draft: to be completed and activated
        services.plan_activate(actor=staff, plan=plan)
        if index % 3 == 0:
            year, half = half_of(today)
            services.plan_review_record(actor=leader, plan=plan, year=year, half=half,
                                        rating=["good", "fair", "average"][index % 3],
                                        progress="按计划参加理论培训，能较好完成综合性工作任务；调研报告已形成初稿。",
                                        next_steps="下一步安排到基层一线实践锻炼，重点补齐群众工作经验。", today=today)
    return written
