"""Demo data for the personal record: résumé lines, family members and rewards of some demo cadres.

The roster's demo cadres (``cadres.demo``) come with education, posts and ranks; this gives the
leaders of the demo bureau, and a share of the others, the sections of the 干部任免审批表 too, so
that a new user finds a full record to read and print. Generated from each cadre's own data with
a ``random.Random`` seeded by the ID number: every run gives the same lines. Writing them is
``cadres.services.demo_records``'s.
"""

import datetime as dt
import random
from dataclasses import dataclass

from cadres import demo_data as data
from cadres.codes import Gender, PoliticalStatus

# Where the demo cadres studied and worked before they joined the bureau (the résumé's early lines).
FIRST_JOBS = (
    ("区某某街道办事处", "科员"),
    ("区某某镇人民政府", "科员"),
    ("市某某局", "科员"),
    ("区某某中心", "工作人员"),
    ("区某某事业单位", "干部"),
    ("某某县某某局", "科员"),
)
BUREAU_STAFF = "区某某局机关"
FAMILY_UNITS = (
    "区第一中学教师", "区人民医院医生", "某某银行区支行职员", "区某某街道办事处科员", "某某有限公司职员",
    "市某某局科员", "区实验小学教师", "个体经营", "某某科技公司工程师", "区某某事业单位职工",
)
PARENT_UNITS = ("已退休", "已退休", "已退休", "务农", "已去世", "某某厂退休职工")
CHILD_UNITS_ADULT = ("某某大学学生", "某某公司职员", "某某区某某街道科员")
CHILD_UNITS_YOUNG = ("区实验小学学生", "区第一中学学生", "区某某幼儿园")

# (kind, name, level, granted_by): the rewards an office of this kind gives most often.
REWARDS = (
    ("commendation", "{year}年度考核优秀", "county", "区某某局"),
    ("commendation", "{year}年度考核优秀", "county", "区某某局"),
    ("title", "区优秀共产党员", "county", "中共某某区委"),
    ("title", "区优秀公务员", "county", "某某区人民政府"),
    ("merit3", "{year}年度连续三年考核优秀", "county", "某某区人民政府"),
    ("title", "市人民满意公务员", "municipal", "某某市人民政府"),
    ("title", "全市法治宣传教育先进个人", "municipal", "中共某某市委宣传部"),
)


@dataclass(frozen=True)
class DemoLine:
    start: dt.date
    end: dt.date
    unit: str
    post: str


@dataclass(frozen=True)
class DemoRelative:
    relation: str
    name: str
    birth_date: dt.date | None
    political_status: str
    work_unit_and_post: str


@dataclass(frozen=True)
class DemoReward:
    kind: str
    name: str
    level: str
    granted_by: str
    granted_on: dt.date


@dataclass(frozen=True)
class DemoRecord:
    resume: tuple[DemoLine, ...]
    family: tuple[DemoRelative, ...]
    rewards: tuple[DemoReward, ...]


def _month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _given_name(rng: random.Random, gender: str) -> str:
    singles, firsts, seconds = data.GIVEN[gender]
    return rng.choice(singles) if rng.random() < 0.4 else rng.choice(firsts) + rng.choice(seconds)


def _resume(rng: random.Random, *, birth: dt.date, school: str, graduated: dt.date | None,
            work_start: dt.date | None, first_post: dt.date | None) -> tuple[DemoLine, ...]:
    """The lines before the post history: university, the first job, the bureau's own staff until the first post."""
    graduated = graduated or work_start
    if first_post is None or graduated is None or graduated >= first_post:
        return ()
    graduated = _month(graduated.year, graduated.month)
    lines = [DemoLine(_month(graduated.year - 4, 9), graduated, school or "某某大学", "学生")]
    job_end = _months_before(first_post, 1)
    if job_end > graduated:
        unit, post = rng.choice(FIRST_JOBS)
        years = job_end.year - graduated.year
        if years >= 8:  # a long road: the first job, then the bureau's own staff before the first post
            moved = _month(graduated.year + rng.randint(3, years // 2), rng.randint(1, 12))
            lines.append(DemoLine(graduated, _months_before(moved, 1), unit, post))
            lines.append(DemoLine(moved, job_end, BUREAU_STAFF, rng.choice(("科员", "一级科员", "四级主任科员"))))
        else:
            lines.append(DemoLine(graduated, job_end, unit, post))
    return tuple(line for line in lines if line.start > birth)


def _family(rng: random.Random, *, surname: str, gender: str, birth: dt.date,
            as_of: dt.date) -> tuple[DemoRelative, ...]:
    spouse_gender = Gender.FEMALE if gender == Gender.MALE else Gender.MALE
    spouse_birth = dt.date(birth.year + rng.randint(-3, 3), rng.randint(1, 12), 1)
    spouse_surname = rng.choice(data.SURNAMES)
    relatives = [DemoRelative("妻子" if gender == Gender.MALE else "丈夫",
                              spouse_surname + _given_name(rng, spouse_gender), spouse_birth,
                              rng.choice((PoliticalStatus.CPC_MEMBER, PoliticalStatus.MASSES)),
                              rng.choice(FAMILY_UNITS))]
    child_birth = dt.date(birth.year + rng.randint(26, 33), rng.randint(1, 12), 1)
    if child_birth < as_of:
        son = rng.random() < 0.5
        child_surname = surname if gender == Gender.MALE else spouse_surname
        adult = (as_of - child_birth).days > 18 * 365
        relatives.append(DemoRelative("儿子" if son else "女儿",
                                      child_surname + _given_name(rng, Gender.MALE if son else Gender.FEMALE),
                                      child_birth, PoliticalStatus.MASSES,
                                      rng.choice(CHILD_UNITS_ADULT if adult else CHILD_UNITS_YOUNG)))
    father_birth = dt.date(birth.year - rng.randint(25, 32), rng.randint(1, 12), 1)
    mother_birth = dt.date(father_birth.year + rng.randint(0, 3), rng.randint(1, 12), 1)
    relatives.append(DemoRelative("父亲", surname + _given_name(rng, Gender.MALE), father_birth,
                                  rng.choice((PoliticalStatus.CPC_MEMBER, PoliticalStatus.MASSES)),
                                  rng.choice(PARENT_UNITS)))
    relatives.append(DemoRelative("母亲", rng.choice(data.SURNAMES) + _given_name(rng, Gender.FEMALE), mother_birth,
                                  PoliticalStatus.MASSES, rng.choice(PARENT_UNITS)))
    return tuple(relatives)


def _rewards(rng: random.Random, *, work_start: dt.date | None, as_of: dt.date) -> tuple[DemoReward, ...]:
    first_year = max((work_start.year if work_start else 2010) + 2, 2012)
    years = list(range(first_year, as_of.year))
    count = min(len(years), rng.choice((0, 1, 1, 2, 2, 3)))
    rewards = []
    for year in sorted(rng.sample(years, count)):
        kind, name, level, granted_by = rng.choice(REWARDS)
        if "年度" in name:  # a year's appraisal is rewarded early the next year
            granted_on = dt.date(year + 1, rng.randint(1, 4), 1)
        else:
            granted_on = dt.date(year, rng.choice((6, 12)), 1)
        if granted_on >= as_of:
            continue
        rewards.append(DemoReward(kind, name.format(year=year), level, granted_by, granted_on))
    return tuple(rewards)


def demo_record(*, id_number: str, name: str, gender: str, birth: dt.date, work_start: dt.date | None,
                school: str, graduated: dt.date | None, first_post: dt.date | None, as_of: dt.date) -> DemoRecord:
    """Return the résumé lines, family members and rewards of one demo cadre (the same every run)."""
    rng = random.Random(id_number)  # noqa: S311 - demo data, not a secret
    return DemoRecord(
        resume=_resume(rng, birth=birth, school=school, graduated=graduated, work_start=work_start,
                       first_post=first_post),
        family=_family(rng, surname=name[0], gender=gender, birth=birth, as_of=as_of),
        rewards=_rewards(rng, work_start=work_start, as_of=as_of),
    )
