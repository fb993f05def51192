"""Demo selection cases for seed_demo, taken through the services as the demo logins would take them.

- 法规科副科长 (``ensure_demo_case``): at step 2 (submitted), waiting for the leader's approval.
- 信息中心副主任 (``ensure_demo_decided_case``): decided by the Party group (step 13 approved) a couple
  of working days ago, waiting for the 任前公示; its 干部任免审批表 show on the case page. Three
  candidates: one left off the inspection list after the recommendation meeting, one without a majority
  at the decision meeting, one to be appointed (the reports demo records that one's 任免理由).

They go through the services as the demo personnel officer (renshi submits every step), the leader
(lingdao decides the gates, steps 10 and 11 included) and 纪检监察 (jijian decides step 12), so their
trail, history and audit rows are real. The dated records (meetings, the inspection notice) lie in the
past working days, counted back from today on the holiday calendar. Each case is created once: a second
seed finds it by its title and changes nothing. No record is uploaded: each submission and approval says
why (``MISSING``).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from cadre_office.dates import add_years
from cadres.codes import PARTY_MEMBER_CODES
from cadres.models import Cadre, Department
from oversight.models import AnnualAppraisal, DisciplineAction
from selection import services
from selection.models import Candidate, SelectionCase
from selection.rules import NEGATIVE_APPRAISAL_YEARS
from selection.workdays import UnknownCalendarYear, WorkdayCalendar

DEMO_CASE_TITLE = "法规科副科长选拔（演示）"
DEMO_DECIDED_CASE_TITLE = "信息中心副主任选拔（演示）"
DEMO_DECIDED_UNIT = "信息中心"
DEMO_DECIDED_POST = "信息中心副主任"
MISSING = "演示数据，未上传材料"

# The demo logins that act on the cases, by the role each step's decision needs.
STAFF, LEADER, DISCIPLINE = "renshi", "lingdao", "jijian"
DECIDERS = {"局领导": LEADER, "纪检监察": DISCIPLINE}


def ensure_demo_case() -> SelectionCase | None:
    """Create the demo case at step 2 (submitted) unless it exists; return it (None without the demo data)."""
    existing = SelectionCase.objects.filter(title=DEMO_CASE_TITLE).first()
    if existing is not None:
        return existing
    staff = get_user_model().objects.filter(username=STAFF).first()
    department = Department.objects.filter(name="法规科").first()
    if staff is None or department is None:
        return None
    cadres = list(Cadre.objects.active().filter(department=department, current_level="").order_by("birth_date")[:3])
    if len(cadres) < 2:
        return None
    case = services.case_create(actor=staff, title=DEMO_CASE_TITLE, department=department,
                                post_title="法规科副科长", level="52", post_count=1,
                                method=SelectionCase.Method.COMPETITIVE, cadres=cadres)
    services.step_submit(actor=staff, case=case, number=1, opinion="法规科副科长空缺一名，经分析研判拟启动选拔。",
                         missing_reason=MISSING)
    services.step_submit(actor=staff, case=case, number=2, opinion="建议采取竞争上岗方式，请局领导审定。",
                         missing_reason=MISSING)
    return case


# --- 信息中心副主任: decided at step 13 -------------------------------------------------------------

# Working days before today on which the dated records of the decided case fall.
RECOMMENDATION_MEETING = 16  # step 6, 会议推荐
CANDIDATES_DECIDED = 13  # step 7, the inspection candidates and their negative list
INSPECTION_NOTICE = 11  # step 8, 考察预告 (the inspection two working days later)
INSPECTION_AFTER_NOTICE = 2
DECISION_MEETING = 2  # step 13, 党组讨论决定

# The ballots: who attended, and how many agreed with each candidate in the order of their number.
RECOMMENDATION_DUE, RECOMMENDATION_ATTENDING, RECOMMENDATION_AGREE = 24, 22, (18, 15, 6)
DECISION_DUE, DECISION_ATTENDING, DECISION_AGREE = 7, 6, (6, 1)

# What renshi writes on submitting each step, and what the decider writes on approving a gate.
SUBMIT_OPINIONS = {
    1: "信息中心副主任空缺一名，经分析研判，拟从本单位符合条件的干部中选拔。",
    2: "建议采取竞争上岗方式选拔信息中心副主任一名，请局领导审定。",
    3: "工作方案已经党组会议酝酿，报请审定。",
    4: "经资格审查和档案初审，三名人选均符合任职资格条件。",
    5: "已开展个别谈话调研推荐，谈话范围覆盖信息中心全体干部和相关科室负责人。",
    6: "会议推荐已完成，推荐票当场计票。",
    7: "经党组研究，确定{names}为考察对象；已核查负面清单，均无不得列为考察对象的情形。",
    8: "考察预告已在信息中心发布。",
    9: "考察组已完成个别谈话、民主测评，形成考察报告。",
    10: "经审核干部人事档案，出生日期、参加工作时间、入党时间、学历学位等信息准确。",
    11: "个人有关事项报告已查核，查核结果与本人报告一致。",
    12: "已函请派驻纪检监察组出具廉政意见并核查信访情况。",
    13: "党组会议已讨论决定，表决结果附后，请局领导审批。",
}
APPROVE_OPINIONS = {
    2: "同意启动信息中心副主任选拔工作，采取竞争上岗方式。",
    3: "同意工作方案。",
    4: "同意资格审查意见。",
    7: "同意确定考察对象。",
    10: "同意档案审核意见。",
    11: "同意查核意见。",
    12: "经核查，考察对象无违纪违法问题，未收到反映其问题的信访举报。",
    13: "同意党组决定：{name}同志拟任信息中心副主任，按程序进行任前公示。",
}
DROP_REASON = "会议推荐得票较少，经研究未列入考察对象"


def _working_day_before(today: dt.date, count: int, calendar: WorkdayCalendar) -> dt.date:
    """Return the ``count``-th working day before ``today`` (``today`` itself not counted)."""
    day = today
    while count:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _decided_case_dates(today: dt.date) -> dict[str, dt.date]:
    """Return the dates of the decided case's records; ``UnknownCalendarYear`` when a year is not known."""
    calendar = WorkdayCalendar()
    notice = _working_day_before(today, INSPECTION_NOTICE, calendar)
    return {
        "recommendation": _working_day_before(today, RECOMMENDATION_MEETING, calendar),
        "candidates": _working_day_before(today, CANDIDATES_DECIDED, calendar),
        "notice": notice,
        "inspection": calendar.add_working_days(notice, INSPECTION_AFTER_NOTICE),
        "decision": _working_day_before(today, DECISION_MEETING, calendar),
    }


def _decided_case_cadres(department: Department, *, on: dt.date) -> list[Cadre]:
    """Return three cadres of ``department`` a believable choice for its deputy post, best first.

    In service, without a leadership post, Party members aged 28 to 45, nobody on the negative list on
    ``on``; those whose records (family, rewards) the demo wrote first, so their forms are full.
    """
    appraisals = AnnualAppraisal.objects.filter(grade__in=AnnualAppraisal.NEGATIVE_GRADES,
                                                year__gte=on.year - NEGATIVE_APPRAISAL_YEARS)
    disciplined = DisciplineAction.objects.filter(effect_until__gte=on)
    pool = (Cadre.objects.active()
            .filter(department=department, current_level="", political_status__in=PARTY_MEMBER_CODES,
                    birth_date__gt=add_years(on, -45), birth_date__lte=add_years(on, -28))
            .exclude(pk__in=appraisals.values("cadre")).exclude(pk__in=disciplined.values("cadre"))
            .annotate(records=Count("family_members"))
            .order_by("-records", "birth_date", "pk"))
    return list(pool[:3])


def _meeting(candidates: list[Candidate], *, day: dt.date, due: int, attending: int, agree: tuple[int, ...],
             member: str, against: str) -> dict:
    """Return a meeting's record: each attending member's ballot on each candidate."""
    votes = [{"member": f"{member}{index:02d}", "candidate": candidate.pk,
              "choice": "agree" if index <= yes else against}
             for candidate, yes in zip(candidates, agree, strict=True) for index in range(1, attending + 1)]
    return {"members_due": due, "attending": attending, "meeting_date": day.isoformat(), "votes": votes}


def ensure_demo_decided_case(today: dt.date | None = None) -> SelectionCase | None:
    """Create the 信息中心副主任 case, decided at step 13, unless it exists; return it.

    None without the demo data (logins, unit, three suitable cadres) or when the holiday calendar does not
    know a year its dates fall in — nothing is written then.
    """
    existing = SelectionCase.objects.filter(title=DEMO_DECIDED_CASE_TITLE).first()
    if existing is not None:
        return existing
    users = {user.username: user for user in get_user_model().objects.filter(username__in=[STAFF, LEADER, DISCIPLINE])}
    department = Department.objects.filter(name=DEMO_DECIDED_UNIT).first()
    if len(users) < 3 or department is None:
        return None
    today = today or timezone.localdate()
    try:
        dates = _decided_case_dates(today)
    except UnknownCalendarYear:
        return None
    cadres = _decided_case_cadres(department, on=dates["candidates"])
    if len(cadres) < 3:
        return None
    staff = users[STAFF]
    case = services.case_create(actor=staff, title=DEMO_DECIDED_CASE_TITLE, department=department,
                                post_title=DEMO_DECIDED_POST, level="52", post_count=1,
                                method=SelectionCase.Method.COMPETITIVE, cadres=cadres)
    candidates = list(case.candidates.select_related("cadre").order_by("number"))
    first, second, third = candidates

    def run(number: int, data: dict | None = None, **names) -> None:
        step = services.step_submit(actor=staff, case=case, number=number, data=data,
                                    opinion=SUBMIT_OPINIONS[number].format(**names), missing_reason=MISSING,
                                    today=today)
        if step.definition.is_gate:
            decider = users[DECIDERS[step.definition.decided_by_role]]
            services.step_approve(actor=decider, case=case, number=number,
                                  opinion=APPROVE_OPINIONS[number].format(**names), missing_reason=MISSING,
                                  today=today)

    for number in range(1, 6):
        run(number)
    run(6, _meeting(candidates, day=dates["recommendation"], due=RECOMMENDATION_DUE,
                    attending=RECOMMENDATION_ATTENDING, agree=RECOMMENDATION_AGREE, member="推荐人",
                    against="disagree"))
    services.candidate_drop(actor=staff, case=case, candidate=third, reason=DROP_REASON)
    run(7, {"date": dates["candidates"].isoformat()}, names=f"{first.cadre.name}、{second.cadre.name}")
    run(8, {"notice_date": dates["notice"].isoformat(), "inspection_date": dates["inspection"].isoformat()})
    for number in range(9, 13):
        run(number)
    run(13, _meeting([first, second], day=dates["decision"], due=DECISION_DUE, attending=DECISION_ATTENDING,
                     agree=DECISION_AGREE, member="党组成员", against="disagree"), name=first.cadre.name)
    case.refresh_from_db()
    return case
