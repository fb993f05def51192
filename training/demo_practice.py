"""Demo 实践锻炼 and 岗位交流 for seed_demo: placements at every step, rotations done and planned.

Everything goes through the services as the demo personnel officer (renshi), so history, audit rows and
the post changes of the rotations are real. Created once: a second seed finds the demo placements
(their note ends with the demo mark) and writes nothing.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.models import Cadre, Department
from training.models import PracticePlacement, RotationPlan
from training.services import practice as services

DEMO_MARK = "（演示）"

# (kind, host, role, mentor, planned start and end in days from today, step, assessment, assessment text)
PLACEMENTS = [
    ("grass_roots", "城关街道办事处", "挂任街道办事处副主任", "街道党工委书记 陈立新", -420, -240, "ended", "excellent",
     "扎根社区一线，牵头完成老旧小区改造群众工作，街道党工委评价优秀。"),
    ("secondment", "区政务服务中心", "挂任综合窗口负责人", "中心主任 王海", -380, -200, "ended", "good",
     "熟悉审批流程，推动“一窗通办”落地，协调能力明显提升。"),
    ("front_line", "区防汛抗旱指挥部", "驻点工作组副组长", "指挥部办公室 刘军", -300, -210, "ended", "pass",
     "按要求完成汛期驻点任务；统筹协调经验仍需积累。"),
    ("grass_roots", "东湖镇人民政府", "挂任镇党委委员、副镇长", "镇党委书记 孙明", -170, 12, "under_way", "", ""),
    ("secondment", "区信访局", "挂任接访科副科长", "局分管领导 赵琳", -190, -5, "under_way", "", ""),
    ("front_line", "区重点项目建设指挥部", "项目专班成员", "专班负责人 周涛", -60, 120, "under_way", "", ""),
    ("grass_roots", "西城街道新华社区", "挂任社区党委副书记", "社区党委书记 李红", 15, 195, "planned", "", ""),
    ("secondment", "市住房和城乡建设局", "跟班学习", "", 40, 220, "planned", "", ""),
]


def _demo_users():
    users = {u.username: u for u in get_user_model().objects.filter(username="renshi")}
    return users.get("renshi")


def ensure_demo_practice(*, today: dt.date | None = None) -> int:
    """Seed the demo placements and rotations unless they exist; return the number of records written."""
    today = today or timezone.localdate()
    if PracticePlacement.objects.filter(note__endswith=DEMO_MARK).exists():
        return 0
    staff = _demo_users()
    if staff is None:
        return 0
    cutoff = today - relativedelta(years=5)
    active = Cadre.objects.active().select_related("department").order_by("department__path", "id")
    # Placements go to cadres who took their post recently (the young and newly appointed), one in 办公室.
    recent = list(active.filter(current_post_start__gt=cutoff).exclude(current_post_title=""))
    office = [c for c in recent if c.department.name == "办公室"]
    others = [c for c in recent if c.department.name != "办公室"]
    chosen = (office[:1] + others[::max(1, len(others) // len(PLACEMENTS))])[:len(PLACEMENTS)]
    written = 0
    for cadre, (kind, host, role, mentor, start, end, step, assessment, text) in zip(chosen, PLACEMENTS, strict=False):
        placement = services.placement_create(actor=staff, placement=PracticePlacement(
            cadre=cadre, kind=kind, host=host, role=role, mentor=mentor, planned_start=today + dt.timedelta(days=start),
            planned_end=today + dt.timedelta(days=end), note=f"局党组研究同意{DEMO_MARK}"))
        written += 1
        if step in ("under_way", "ended"):
            services.placement_start(actor=staff, placement=placement, started_on=placement.planned_start, today=today)
        if step == "ended":
            services.placement_end(actor=staff, placement=placement, ended_on=placement.planned_end,
                                   assessment=assessment, assessment_text=text, today=today)
    written += _rotations(staff=staff, today=today, cutoff=cutoff, active=active)
    return written


def _rotations(*, staff, today: dt.date, cutoff: dt.date, active) -> int:
    """Three rotation plans of long-serving 副科 cadres outside 办公室, due in one week, three and six.

    None is carried out here: a rotation gives the cadre a newer post than the demo roster's, and the
    next seed_demo would then find the roster in conflict with the record. None is due yet, so the
    nightly task leaves the demo alone for a week; a user carries one out by making a plan dated today.
    """
    long_serving = list(active.filter(current_post_start__lte=cutoff, current_level="52")
                        .exclude(department__name="办公室"))
    units = {d.name: d for d in Department.objects.filter(name__in=["行政审批科", "规划科", "法规科", "宣传科"])}
    targets = [("行政审批科", "行政审批科副科长", 7), ("法规科", "法规科副科长", 20), ("宣传科", "宣传科副科长", 45)]
    written = 0
    for unit, title, days in targets:
        department = units.get(unit)
        cadre = next((c for c in long_serving if department and c.department_id != department.pk), None)
        if cadre is None:
            continue
        long_serving.remove(cadre)
        day = today + dt.timedelta(days=days)
        try:
            services.rotation_create(actor=staff, plan=RotationPlan(
                cadre=cadre, to_department=department, to_title=title, to_level="52", planned_date=day,
                reason="同一岗位任职满5年，按干部交流规定交流", document=f"局党组〔{day.year}〕{20 + written}号"))
            written += 1
        except ValidationError:  # a demo cadre whose record does not allow it: skip
            continue
    return written
