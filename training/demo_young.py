"""Demo 年轻干部选育 for seed_demo: this year's round under review, nominations of both kinds, a pool.

Everything goes through the services as the demo logins (renshi runs the round and records
nominations, keshi nominates 办公室's cadres, lingdao decides), so history and audit rows are real.
One nomination is recorded as lingdao's own recommendation: it stays pending, for another leader.
Created once: a second seed finds the round and writes nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from training.models import YoungCadreRound
from training.selectors.young import eligible_queryset
from training.services import young as services

# (kind, reason or statement): believable grounds, used in turn; a recommendation comes from the unit's branch.
GROUNDS = [
    ("recommended", "政治立场坚定，文字综合能力强，参与起草多份重要文件，群众认可度高。"),
    ("recommended", "业务扎实，牵头完成年度预算编制和专项资金绩效评价，统筹协调能力较强。"),
    ("self", "本人陈述：参加工作以来在窗口和综合岗位锻炼，希望到基层一线和急难险重岗位接受锻炼。"),
    ("recommended", "工作主动，担任青年理论学习小组组长，组织开展主题党日活动效果好。"),
    ("recommended", "熟悉法律法规，承办行政复议和规范性文件审查，依法行政意识强。"),
    ("self", "本人陈述：具有经济管理专业背景，愿意在经济运行分析和项目服务岗位发挥专长。"),
    ("recommended", "在疫情防控和防汛工作中表现突出，敢于担当，作风过硬。"),
    ("recommended", "服务意识强，牵头推进“一网通办”事项梳理，成效明显。"),
    ("self", "本人陈述：希望通过轮岗交流提升综合管理能力，补齐基层工作经历短板。"),
    ("recommended", "调研能力突出，撰写的调研报告获区领导批示肯定。"),
]


def ensure_demo_young(*, today: dt.date | None = None) -> int:
    """Seed this year's round unless one exists; return the number of nominations written."""
    today = today or timezone.localdate()
    if YoungCadreRound.objects.filter(year=today.year).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["renshi", "lingdao", "keshi"])}
    if len(users) < 3:
        return 0
    staff, leader, head = users["renshi"], users["lingdao"], users["keshi"]
    deadline = today - dt.timedelta(days=7)
    round_ = services.round_create(actor=staff, round_=YoungCadreRound(
        year=today.year, name=f"{today.year}年度年轻干部选育", quota=8, age_limit=35, min_education="bachelor",
        nomination_deadline=deadline,
        note="各科室结合平时考核和年度考核情况，按照“好中选优”原则推荐，每个科室推荐1至2名；本人可自荐。"))
    candidates = list(eligible_queryset(staff, round_).order_by("department__path", "birth_date", "pk"))
    office_ids = set(eligible_queryset(head, round_).values_list("pk", flat=True))
    picked, units = [], {}
    for cadre in candidates:  # at most two a unit, ten in all
        if units.get(cadre.department_id, 0) < 2 and len(picked) < len(GROUNDS):
            picked.append(cadre)
            units[cadre.department_id] = units.get(cadre.department_id, 0) + 1
    nominations = []
    on = deadline - dt.timedelta(days=12)
    for index, cadre in enumerate(picked):
        kind, reason = GROUNDS[index]
        actor = head if cadre.pk in office_ids and kind == "recommended" else staff
        recommender = f"{cadre.department.name}党支部" if kind == "recommended" else ""
        extra = {}
        if index == 3:  # a recommendation lingdao made at the party group meeting, recorded by renshi
            recommender, extra = "局领导（演示）", {"recommended_by": leader}
        nominations.append(services.nomination_create(
            actor=actor, round_=round_, cadre=cadre, kind=kind, reason=reason, recommender=recommender,
            today=on + dt.timedelta(days=index), **extra))
    services.round_advance(actor=staff, round_=round_, to="review")
    for index, nomination in enumerate(nominations[:6]):
        if index == 3:
            continue  # lingdao's own recommendation waits for another leader
        if index == 5:
            services.nomination_reject(actor=leader, nomination=nomination,
                                       reason="参加工作时间较短，建议继续在现岗位锻炼，下一年度再推荐。")
        else:
            services.nomination_approve(actor=leader, nomination=nomination, reason="同意列为年轻干部培养人选。")
    return len(nominations)
