"""Load a realistic roster of N cadres into the benchmark database, in bulk.

Departments form a bureau tree (sections, units and their sub-units); cadres get posts
(current and earlier ones), 职级, full-time and part-time education and a status, in the
proportions of a district bureau. Rows go in with ``bulk_create_with_history``, as the
roster import writes them, so every row has its history row.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from guardian.shortcuts import assign_perm
from simple_history.utils import bulk_create_with_history

from cadre_office.accounts.models import Profile
from cadre_office.history import service_account
from cadres.codes import Ethnicity, Gender, PoliticalStatus
from cadres.idnumbers import make_id_number
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment
from cadres.services import department_create, department_root

BATCH = 5000
SECTIONS = ["办公室", "人事科", "财务科", "法规科", "政策研究室", "规划科", "行政审批科", "安全监管科", "宣传科",
            "机关党委", "监察室", "信息中心", "统计科", "科技科", "审计科", "综合科", "督查室", "应急科",
            "发展改革科", "对外联络科"]
UNITS = ["综合执法大队", "档案馆", "第一所", "第二所", "第三所", "服务中心", "培训中心", "监测站", "检验所",
         "事务中心"]
SUB_UNITS = ["一中队", "二中队", "三中队", "四中队", "五中队"]
FULLTIME_LEVELS = [("21", 60), ("14", 14), ("11", 2), ("31", 19), ("22", 2), ("41", 3)]
PARTTIME_LEVELS = [("21", 55), ("14", 35), ("31", 10)]
MINORITIES = ["03", "04", "05", "06", "08", "15"]
RANKS = ["05", "06", "07", "08", "09", "10"]


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def load_departments(actor) -> list[Department]:
    """Create the bureau tree: 20 sections, 10 units with 5 sub-units each (81 departments)."""
    root = department_root(actor=actor)
    departments = []
    for n, name in enumerate(SECTIONS):
        departments.append(department_create(actor=actor, name=name, parent=root, sort_order=10 * (n + 1)))
    for n, name in enumerate(UNITS):
        unit = department_create(actor=actor, name=name, parent=root, kind=Department.Kind.UNIT,
                                 sort_order=500 + 10 * n)
        departments.append(unit)
        for m, sub in enumerate(SUB_UNITS):
            departments.append(department_create(actor=actor, name=f"{name}{sub}", parent=unit,
                                                 kind=Department.Kind.UNIT, sort_order=10 * (m + 1)))
    return departments


def _cadre(rng: random.Random, n: int, departments: list[Department], today: dt.date):
    gender = Gender.FEMALE if rng.random() < 0.34 else Gender.MALE
    birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 35 * 365))
    cadre = Cadre(
        name=rng.choice("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗") + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超")
        + rng.choice(["", "华", "平", "东", "文"]),
        gender=gender,
        ethnicity=rng.choice(MINORITIES) if rng.random() < 0.08 else Ethnicity.HAN,
        birth_date=birth,
        id_number=bench_id_number(110000, n, birth, gender),
        political_status=(PoliticalStatus.CPC_MEMBER if rng.random() < 0.85
                          else rng.choice([PoliticalStatus.MASSES, PoliticalStatus.NON_PARTISAN, "05", "07"])),
        work_start_date=birth + dt.timedelta(days=22 * 365),
        native_place="某省某市",
        health="健康",
        department=rng.choice(departments),
    )
    cadre.refresh_retirement_month()  # bulk_create does not call save
    roll = rng.random()
    if roll < 0.03:
        cadre.status, cadre.status_date = "retired", today - dt.timedelta(days=rng.randrange(1, 900))
    elif roll < 0.05:
        cadre.status, cadre.status_date = "transferred", today - dt.timedelta(days=rng.randrange(1, 900))
    return cadre


def bench_id_number(base_region: int, n: int, birth: dt.date, gender: str) -> str:
    """A valid ID number, distinct for every ``n`` below 100,000 (region and sequence number follow ``n``)."""
    return make_id_number(f"{base_region + n // 100:06d}", birth, n % 100, gender)


def load_roster(n: int, *, seed: int = 2026) -> dict:
    """Load ``n`` cadres with their records; return counts of the rows written."""
    rng = random.Random(seed)
    today = timezone.localdate()
    actor = service_account("bench_load")
    departments = load_departments(actor)
    counts = {"departments": len(departments) + 1, "cadres": 0, "posts": 0, "ranks": 0, "educations": 0}
    for start in range(0, n, BATCH):
        cadres = [_cadre(rng, i, departments, today) for i in range(start, min(n, start + BATCH))]
        posts, ranks, educations = [], [], []
        plans = []
        for cadre in cadres:
            roll = rng.random()
            level = "51" if roll < 0.25 else "52" if roll < 0.70 else ""
            post_start = today - dt.timedelta(days=rng.randrange(30, 3000))
            title = {"51": "科长", "52": "副科长", "": "科员"}[level]
            rank = rng.choice(RANKS) if rng.random() < 0.8 else ""
            rank_start = today - dt.timedelta(days=rng.randrange(30, 2500))
            cadre.current_post_title, cadre.current_level, cadre.current_post_start = title, level, post_start
            cadre.current_rank = rank
            cadre.current_rank_start = rank_start if rank else None
            plans.append((level, title, post_start, rank, rank_start))
        bulk_create_with_history(cadres, Cadre, batch_size=BATCH, default_user=actor, default_change_reason="基准数据")
        for cadre, (level, title, post_start, rank, rank_start) in zip(cadres, plans, strict=True):
            if rng.random() < 0.3:  # an earlier post, ended the day before the current one
                earlier = post_start - dt.timedelta(days=rng.randrange(400, 2000))
                posts.append(PostAssignment(cadre=cadre, department=cadre.department, title="科员", level="",
                                            start_date=earlier, end_date=post_start - dt.timedelta(days=1)))
            posts.append(PostAssignment(cadre=cadre, department=cadre.department, title=title, level=level,
                                        start_date=post_start))
            if rank:
                ranks.append(RankAssignment(cadre=cadre, rank=rank, start_date=rank_start))
            if rng.random() < 0.96:
                level_code = _weighted(rng, FULLTIME_LEVELS)
                educations.append(Education(cadre=cadre, kind=Education.Kind.FULL_TIME, level=level_code,
                                            school_major="某某大学"))
                if level_code == "21" and rng.random() < 0.1:
                    educations.append(Education(cadre=cadre, kind=Education.Kind.FULL_TIME, level="14",
                                                school_major="某某大学研究生院"))
            if rng.random() < 0.4:
                educations.append(Education(cadre=cadre, kind=Education.Kind.PART_TIME,
                                            level=_weighted(rng, PARTTIME_LEVELS), school_major="某省委党校"))
        for model, rows in ((PostAssignment, posts), (RankAssignment, ranks), (Education, educations)):
            bulk_create_with_history(rows, model, batch_size=BATCH, default_user=actor,
                                     default_change_reason="基准数据")
        counts["cadres"] += len(cadres)
        counts["posts"] += len(posts)
        counts["ranks"] += len(ranks)
        counts["educations"] += len(educations)
    return counts


def bench_user(username: str, role: str, departments=()):
    """An active account holding ``role`` (no forced password change), scoped to ``departments``."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": role})
    user.groups.set([Group.objects.get(name=role)])
    Profile.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now(),
                                                          "must_change_password": False})
    for department in departments:
        assign_perm("cadres.view_department_cadres", user, department)
    return user


def load_quotas(*, seed: int = 2026) -> int:
    """Approve 正科 and 副科 quotas for every unit near what it holds today (some over, some vacant), and a
    一级主任科员 quota; through the service, as personnel staff record them. Return how many."""
    from cadres.quotas import quota_occupancy
    from cadres.services import quota_create

    rng = random.Random(seed)
    actor = service_account("bench_load")
    today = timezone.localdate()
    approved_on = effective = dt.date(today.year - 3, 1, 1)
    occupancy = quota_occupancy(today)
    created = 0
    for unit in Department.objects.filter(parent__isnull=False).in_tree_order():
        for level in ("51", "52"):
            held = occupancy.figure(unit.pk, f"L{level}").occupied
            quota_create(actor=actor, department=unit, level=level, approved=max(0, held + rng.randint(-3, 3)),
                         document=f"区编发〔{effective.year}〕{created + 1}号", approved_on=approved_on,
                         effective_from=effective)
            created += 1
        quota_create(actor=actor, department=unit, rank="07", approved=rng.randint(30, 60),
                     document=f"区编发〔{effective.year}〕{created + 1}号", approved_on=approved_on,
                     effective_from=effective)
        created += 1
    return created


def load_training(*, per_cadre: int = 10, programmes: int = 200) -> dict:
    """Load ``per_cadre`` enrolments for every cadre (1,000,000 at N=100,000) and the yearly hours they give.

    Bench data, so straight SQL (PostgreSQL): the programmes over this year and last, then one
    INSERT … SELECT of the enrolments (each cadre in ``per_cadre`` distinct programmes, four in five
    completed), then ``CadreYearHours`` from one INSERT … SELECT … GROUP BY, as the services would keep it.
    """
    from django.db import connection

    from training.models import Enrolment, TrainingProgramme

    actor = service_account("bench_load")
    today = timezone.localdate()
    first = dt.date(today.year - 1, 1, 1)
    span = (today - first).days - 10
    rows = []
    for index in range(programmes):
        start = first + dt.timedelta(days=index * span // programmes)
        kind = TrainingProgramme.Kind.APPOINTMENT if index % 20 == 0 else TrainingProgramme.Kind.GENERAL
        rows.append(TrainingProgramme(
            name=f"基准培训班{index + 1}", category=TrainingProgramme.Category.POLICY, kind=kind,
            mode=TrainingProgramme.Mode.FULL_TIME, organiser="区委党校", start_date=start,
            end_date=start + dt.timedelta(days=4), hours=12 + index % 5 * 6, created_by=actor))
    TrainingProgramme.objects.bulk_create(rows, batch_size=BATCH)
    # 31 is prime to the number of programmes (200): the per_cadre picks of one cadre are distinct.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH p AS (SELECT id, hours, end_date, row_number() OVER (ORDER BY id) - 1 AS n
                       FROM {TrainingProgramme._meta.db_table})
            INSERT INTO {Enrolment._meta.db_table}
                (programme_id, cadre_id, state, attended_hours, absences, hours, credited_on, certificate_no, note)
            SELECT p.id, c.id,
                   CASE WHEN (c.id + k) %% 5 = 0 THEN 'enrolled' ELSE 'completed' END,
                   p.hours, 0,
                   CASE WHEN (c.id + k) %% 5 = 0 THEN NULL ELSE p.hours END,
                   CASE WHEN (c.id + k) %% 5 = 0 THEN NULL ELSE p.end_date END, '', ''
            FROM cadres_cadre c CROSS JOIN generate_series(0, %s - 1) AS k
            JOIN p ON p.n = (c.id * 7 + k * 31) %% %s
            """, [per_cadre, programmes])
        enrolments = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO training_cadreyearhours (cadre_id, year, hours, programmes, appointment_hours)
            SELECT e.cadre_id, EXTRACT(YEAR FROM e.credited_on)::int, SUM(e.hours), COUNT(*),
                   COALESCE(SUM(e.hours) FILTER (WHERE p.kind = 'appointment'), 0)
            FROM training_enrolment e JOIN training_trainingprogramme p ON p.id = e.programme_id
            WHERE e.state = 'completed'
            GROUP BY e.cadre_id, EXTRACT(YEAR FROM e.credited_on)
            """)
        years = cursor.rowcount
        cursor.execute("ANALYZE training_enrolment")
        cursor.execute("ANALYZE training_cadreyearhours")
    return {"programmes": programmes, "enrolments": enrolments, "cadre_years": years}
