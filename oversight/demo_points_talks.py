"""Demo 积分 and 谈心谈话 for seed_demo: a few dozen entries (some pending), talks of every kind, the plan.

Everything goes through the services as the demo logins (keshi enters points for 办公室, renshi enters
the rest; renshi and lingdao review what their role reviews), so history and audit rows are real.
Created once: a second seed finds the demo entries and changes nothing.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.models import Cadre
from oversight import services
from oversight.models import PointEntry, PointRule, Talk, TalkPlan

DEMO_MARK = "（演示）"


def ensure_demo_points_talks(*, today: dt.date | None = None) -> int:
    """Seed the demo ledger and talks unless they exist; return the number of entries written."""
    today = today or timezone.localdate()
    if PointEntry.objects.filter(evidence__endswith=DEMO_MARK).exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["renshi", "lingdao", "keshi"])}
    if len(users) < 3:
        return 0
    staff, leader, head = users["renshi"], users["lingdao"], users["keshi"]
    services.point_rules_seed(actor=staff)
    rules = {rule.name: rule for rule in PointRule.objects.filter(active=True)}
    cadres = list(Cadre.objects.active().select_related("department").order_by("department__path", "id")[:60])
    if not cadres:
        return 0
    rng = random.Random(13)  # noqa: S311 - demo data, the same on every seed
    written = 0
    # (rule, documents) used in turn: believable evidence for each item.
    plan = [
        ("获得县级以上表彰", "区委〔{y}〕{n}号 表彰决定"), ("完成急难险重任务", "区防汛指挥部交办单第{n}号"),
        ("年度考核优秀", "区人社发〔{y}〕{n}号"), ("工作经验被上级推广", "市局简报{y}年第{n}期"),
        ("信息调研被区级以上采用", "《区委信息》{y}年第{n}期"), ("受到群众书面表扬", "群众来信表扬"),
        ("被通报批评", "局办通〔{y}〕{n}号"), ("工作推进不力被督办", "督办通知〔{y}〕{n}号"),
        ("无故缺席集中学习", "理论学习考勤记录"),
    ]
    for index, cadre in enumerate(cadres[:36]):
        name, evidence = plan[index % len(plan)]
        rule = rules.get(name)
        if rule is None:
            continue
        occurred = today - dt.timedelta(days=rng.randint(10, 330))
        in_office = cadre.department.name == "办公室"
        author = head if in_office and rule.reviewer_role == "人事干部" else staff
        try:
            entry = services.point_entry_create(
                actor=author, cadre=cadre, rule=rule, occurred_on=occurred,
                evidence=evidence.format(y=occurred.year, n=rng.randint(1, 60)) + DEMO_MARK, today=today)
        except ValidationError:  # a yearly cap reached in the demo: skip that line
            continue
        written += 1
        if index % 4 == 3:
            continue  # left pending: the review queue has work
        reviewer = leader if rule.reviewer_role == "局领导" else (staff if author != staff else None)
        if reviewer is None:
            continue  # renshi entered it and renshi may not review it: pending for another officer
        services.point_entry_approve(actor=reviewer, entry=entry, note="经核实，情况属实")

    # Talks: one of every kind held, a due 任职谈话, an overdue 提醒谈话, follow-ups.
    summaries = {
        "daily": ("工作认真负责，业务熟练", "统筹协调能力有待提升", "加强理论学习，提高统筹能力"),
        "appointment": ("政治立场坚定，群众基础好", "新岗位业务尚不熟悉", "尽快进入角色，廉洁履职"),
        "reminder": ("能正视问题", "工作作风不够扎实，存在拖延", "限期整改，按月报告整改情况"),
        "admonition": ("认错态度端正", "违反工作纪律，造成不良影响", "深刻反思，书面检查，接受监督"),
        "departure": ("任期内完成各项工作任务", "档案移交尚未完成", "做好工作交接，保持联系"),
    }
    for index, (kind, (praise, shortcomings, requirements)) in enumerate(summaries.items()):
        cadre = cadres[index]
        talk = services.talk_create(actor=staff, talk=Talk(
            cadre=cadre, kind=kind, talker=leader, held_on=today - dt.timedelta(days=20 + index * 17),
            place="局党组书记办公室", praise=praise, shortcomings=shortcomings, requirements=requirements,
            cadre_response="诚恳接受，认真整改"), today=today)
        if kind in ("reminder", "admonition"):
            services.follow_up_add(actor=staff, follow_up=talk.follow_ups.model(
                talk=talk, item="提交书面整改报告", due_on=today + dt.timedelta(days=10 - index * 5)))
    for cadre in cadres[5:15]:
        services.talk_create(actor=staff, talk=Talk(
            cadre=cadre, kind="daily", talker=leader, held_on=today - dt.timedelta(days=rng.randint(5, 300)),
            place="局党组书记办公室", praise="工作积极主动", requirements="保持良好作风"), today=today)
    due_cadre, overdue_cadre = cadres[20], cadres[21]
    services.talk_raise(actor=staff, cadre=due_cadre, kind="appointment", due_on=today + dt.timedelta(days=18),
                        reason=f"任{due_cadre.current_post_title or '新职务'}（演示）", source="demo:appointment")
    services.talk_raise(actor=staff, cadre=overdue_cadre, kind="reminder", due_on=today - dt.timedelta(days=3),
                        reason="受到通报批评（演示）", source="demo:reminder")
    if not TalkPlan.objects.filter(year=today.year).exists():
        services.talk_plan_save(actor=staff, plan=TalkPlan(year=today.year, leader=leader, min_per_cadre=1,
                                                           note="主要领导每年与每名在职科级干部至少谈心谈话一次"))
    return written
