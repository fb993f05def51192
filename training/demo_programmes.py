"""Demo 理论培训 for seed_demo: this year's and last year's programmes, their enrolments and completions.

Everything goes through the services as the demo personnel officer (renshi), so history, audit and the
yearly hours are real. The 科级 cadres take part in some programmes each, so some units reach the yearly
requirement and some fall short; one programme runs over New Year; one is 任职培训; two are still to come.
Created once: a second seed finds the demo programmes and writes nothing.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.codes import SECTION_LEVELS
from cadres.models import Cadre
from training.models import Enrolment, TrainingProgramme
from training.services.programmes import (
    enrolment_complete,
    enrolment_mark_incomplete,
    enrolment_record_attendance,
    enrolment_withdraw,
    enrolments_add,
    programme_save,
)

DEMO_MARK = "（演示）"
C, M, K = TrainingProgramme.Category, TrainingProgramme.Mode, TrainingProgramme.Kind

# (name, category, mode, kind, organiser, location, start offset in days from 1 January of this year, days, 学时,
#  certificate, share of the 科级 cadres taking part)
PROGRAMMES = [
    ("学习贯彻党的二十届四中全会精神专题培训班", C.POLICY, M.FULL_TIME, K.GENERAL, "区委组织部", "区委党校",
     -60, 5, "40", True, 0.45),
    ("年度冬训：科级干部政治理论轮训", C.POLICY, M.FULL_TIME, K.GENERAL, "区委党校", "区委党校",
     -10, 19, "60", True, 0.35),
    ("新任科级领导干部任职培训班", C.POLICY, M.FULL_TIME, K.APPOINTMENT, "区委组织部", "区委党校",
     95, 5, "40", True, 0.08),
    ("习近平法治思想专题网络培训", C.LAW, M.ONLINE, K.GENERAL, "区委依法治区办", "干部网络学院",
     40, 30, "24", False, 0.6),
    ("行政执法人员法律知识更新培训", C.LAW, M.ON_THE_JOB, K.GENERAL, "区司法局", "局三楼会议室",
     130, 2, "12", False, 0.4),
    ("优化营商环境与经济运行分析专题班", C.ECONOMY, M.FULL_TIME, K.GENERAL, "区发展改革委", "区行政中心",
     160, 3, "24", True, 0.35),
    ("政府会计准则与预算绩效管理培训", C.ECONOMY, M.ON_THE_JOB, K.GENERAL, "区财政局", "局二楼会议室",
     200, 2, "12", False, 0.3),
    ("公文写作与信息报送业务培训", C.BUSINESS, M.ON_THE_JOB, K.GENERAL, "局办公室", "局三楼会议室",
     75, 1, "6", False, 0.5),
    ("年轻干部能力提升专题培训班", C.BUSINESS, M.FULL_TIME, K.YOUNG, "区委组织部", "市委党校",
     240, 5, "40", True, 0.2),
    ("数字政府建设与数据安全网络专题", C.BUSINESS, M.ONLINE, K.GENERAL, "区大数据中心", "干部网络学院",
     265, 40, "30", False, 0.55),
    ("基层治理与群众工作方法专题班", C.OTHER, M.FULL_TIME, K.GENERAL, "区委党校", "区委党校",
     290, 3, "24", True, 0.3),
    ("保密知识与意识形态工作培训", C.POLICY, M.ON_THE_JOB, K.GENERAL, "局机关党委", "局三楼会议室",
     320, 1, "6", False, 0.7),
    ("上年度：科级干部经济管理能力提升班", C.ECONOMY, M.FULL_TIME, K.GENERAL, "区委党校", "区委党校",
     -300, 5, "40", True, 0.4),
    ("上年度：依法行政专题网络培训", C.LAW, M.ONLINE, K.GENERAL, "区司法局", "干部网络学院",
     -200, 30, "30", False, 0.5),
    ("下月：学习贯彻中央经济工作会议精神培训班", C.POLICY, M.FULL_TIME, K.GENERAL, "区委组织部", "区委党校",
     360, 3, "24", True, 0.3),
]


def ensure_demo_programmes(*, today: dt.date | None = None) -> int:
    """Seed the demo programmes and their enrolments unless they exist; return the number of enrolments."""
    today = today or timezone.localdate()
    if TrainingProgramme.objects.filter(description__endswith=DEMO_MARK).exists():
        return 0
    staff = get_user_model().objects.filter(username="renshi").first()
    if staff is None:
        return 0
    cadres = list(Cadre.objects.active().filter(current_level__in=SECTION_LEVELS).order_by("department__path", "id"))
    if not cadres:
        return 0
    rng = random.Random(14)  # noqa: S311 - demo data, the same on every seed
    new_year = dt.date(today.year, 1, 1)
    written = 0
    for name, category, mode, kind, organiser, location, offset, days, hours, certificate, share in PROGRAMMES:
        start = new_year + dt.timedelta(days=offset)
        end = start + dt.timedelta(days=days - 1)
        programme = programme_save(actor=staff, programme=TrainingProgramme(
            name=name.replace("上年度：", "").replace("下月：", ""), category=category, mode=mode, kind=kind,
            organiser=organiser, location=location, start_date=start, end_date=end, hours=Decimal(hours),
            certificate=certificate, description=f"{organiser}举办，{location}。{DEMO_MARK}"))
        chosen = rng.sample(cadres, max(1, int(len(cadres) * share)))
        enrolments_add(actor=staff, programme=programme, cadres=chosen)
        written += len(chosen)
        if end >= today:
            continue  # still running or to come: enrolled only
        for index, enrolment in enumerate(Enrolment.objects.filter(programme=programme).select_related("cadre")):
            roll = rng.random()
            try:
                if roll < 0.04:
                    enrolment_withdraw(actor=staff, enrolment=enrolment, note="因工作安排冲突退训")
                    continue
                # Most attend in full; some miss a session and still complete; a few miss too much (未结业).
                share = Decimal(1) if roll > 0.25 else Decimal("0.9") if roll > 0.1 else Decimal("0.6")
                attended = (programme.hours * share).quantize(Decimal("0.1"))
                enrolment_record_attendance(actor=staff, enrolment=enrolment, attended_hours=attended,
                                            absences=0 if share == 1 else 1 if share > Decimal("0.6") else 3)
                if roll <= 0.1:
                    enrolment_mark_incomplete(actor=staff, enrolment=enrolment, note="缺勤超过规定课时")
                    continue
                number = f"{start.year}{programme.pk:03d}{index + 1:03d}" if certificate else ""
                enrolment_complete(actor=staff, enrolment=enrolment, certificate_no=number, today=today)
            except ValidationError:
                continue
    return written
