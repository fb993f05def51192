"""What a 干部任免审批表 says about a cadre, read once and shared by the PDF, the Word file and the LRMX.

``cadre_form`` reads a cadre the user may see (404 outside the scope, audited) with every record the
form writes from, in a fixed number of queries whatever the number of records:

1. the cadre with its unit and every kind of child record (``cadres.selectors.cadre_record``: one
   query for the cadre, one per registered kind of record — posts, résumé lines, family, rewards,
   appraisals, 处分 …);
2. the departments above the posts' (``cadres.selectors.resume_of``; none without posts);
3. the last applied LRMX import of the cadre, whose texts stand in for a part (简历, 奖惩情况,
   年度考核结果, 现任职务) only while the system has no records of its own for that part.

``candidate_form`` adds the case's 拟任职务, 拟免职务 and 任免理由 for a candidate of a selection case
from step 13 (党组讨论决定) on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from cadre_office.dates import age_on
from cadre_office.reports.models import LrmxImport
from cadres.codes import LeadershipLevel, PoliticalStatus
from cadres.models import Cadre, Education
from cadres.permissions import visible_to
from cadres.selectors import cadre_record, highest_education, resume_of, rewards_and_penalties
from selection.models import Candidate, SelectionCase
from selection.permissions import cases_visible_to

# The step from which a candidate's form exists: the Party group's decision (党组讨论决定).
FORM_FROM_STEP = 13
# Candidates whose form may be made (not dropped or vetoed).
FORM_CANDIDATE_STATES = (Candidate.State.ACTIVE, Candidate.State.APPOINTED, Candidate.State.CONFIRMED,
                         Candidate.State.REMOVED)
APPRAISAL_YEARS = 3
# Levels from the most senior down: a new post at the same level or above replaces the current one.
_LEVEL_ORDER = [level.value for level in LeadershipLevel]

# The parts the system derives from its own records; an import's text stands in only while there are none.
DERIVED_PARTS = {
    "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果",
    "XianRenZhiWu": "现任职务",
}


@dataclass(frozen=True)
class EducationCell:
    """The highest education of one kind (全日制 or 在职) as the form writes it."""

    level: str = ""  # the GB/T 4658 name: 大学本科毕业
    degree: str = ""  # 法学学士
    level_school: str = ""  # 毕业院校系及专业 of the 学历
    degree_school: str = ""  # 毕业院校系及专业 of the 学位

    @property
    def level_short(self) -> str:
        """Return the 学历 as the paper form writes it (大学本科, 硕士研究生): 毕业 is understood."""
        return self.level.removesuffix("毕业")


@dataclass(frozen=True)
class FamilyRow:
    relation: str
    name: str
    birth_date: dt.date | None
    age: int | None
    political_status: str
    work_unit_and_post: str


@dataclass
class AppointmentForm:
    """The content of one form, every value as the form writes it (text; dates to the month)."""

    cadre: Cadre
    name: str
    gender: str
    birth_date: dt.date
    age: int
    ethnicity: str
    native_place: str
    birthplace: str
    party_join: str  # 2008.06, or the party's name for a cadre outside the CPC (民盟盟员), or ""
    work_start: str
    health: str
    professional_title: str
    familiar_expertise: str
    full_time: EducationCell
    part_time: EducationCell
    current_post: str
    proposed_post: str
    removed_post: str
    resume: list[str]
    rewards: str
    appraisals: str
    reason: str
    family: list[FamilyRow]
    reporting_unit: str
    age_date: dt.date  # 计算年龄时间
    filled_by: str
    filled_on: dt.date
    id_number: str
    photo: bytes | None
    photo_type: str = ""  # image/jpeg, image/png
    from_import: list[str] = field(default_factory=list)  # labels of the parts taken from an imported file

    @property
    def birth_text(self) -> str:
        return f"{self.birth_date:%Y.%m}"

    @property
    def birth_and_age(self) -> str:
        return f"{self.birth_text}（{self.age}岁）"

    @property
    def resume_text(self) -> str:
        return "\n".join(self.resume)


def _month(value, precision=None) -> str:
    return f"{value:%Y.%m}" if value else ""


def party_join_text(cadre: Cadre) -> str:
    """Return 入党时间 as the form writes it: the month for a CPC member, else the political status's name."""
    if cadre.political_status in (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY):
        return _month(cadre.party_join_date)
    if cadre.political_status == PoliticalStatus.MASSES:
        return ""
    return cadre.get_political_status_display()


def education_cell(cadre: Cadre, kind: str) -> EducationCell:
    """Return the highest education of ``kind`` and the highest one carrying a degree (prefetched records)."""
    highest = highest_education(cadre, kind)
    if highest is None:
        return EducationCell()
    with_degree = min((e for e in cadre.educations.all() if e.kind == kind and e.degree), key=lambda e: e.level,
                      default=None)
    return EducationCell(level=highest.get_level_display(), degree=with_degree.degree if with_degree else "",
                         level_school=highest.school_major,
                         degree_school=with_degree.school_major if with_degree else "")


def appraisal_text(appraisals, *, year: int) -> str:
    """Return the last three years' appraisals before ``year``: "2023年度称职，2024年度优秀，2025年度称职"."""
    wanted = range(year - APPRAISAL_YEARS, year)
    found = sorted((a for a in appraisals if a.year in wanted), key=lambda a: a.year)
    return "，".join(f"{a.year}年度{a.get_grade_display()}" for a in found)


def current_post_text(resume) -> str:
    """Return 现任职务 from the résumé's open lines, as written there (区某某局法规科科长), without past 其间."""
    return "；".join(line.text.split("（其间：", 1)[0] for line in resume.lines
                    if line.generated and line.end is None)


def photo_of(cadre: Cadre) -> tuple[bytes | None, str]:
    """Return the photo's bytes and content type (None when there is none or its file is missing)."""
    if not cadre.photo:
        return None, ""
    try:
        with cadre.photo.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None, ""
    return content, "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"


def last_applied_import(cadre: Cadre) -> LrmxImport | None:
    return LrmxImport.objects.filter(cadre=cadre, state=LrmxImport.State.APPLIED).order_by("-applied_at", "-pk").first()


def filler_name(user) -> str:
    return user.get_full_name() or user.get_username()


def own_texts(cadre: Cadre, *, today: dt.date) -> dict:
    """Return the derived parts (``DERIVED_PARTS``) as the cadre's own records give them ("" or [] for none)."""
    resume = resume_of(cadre)
    return {
        "JianLi": [str(line) for line in resume.lines],
        "JiangChengQingKuang": "\n".join(str(line) for line in rewards_and_penalties(cadre)),
        "NianDuKaoHeJieGuo": appraisal_text(cadre.appraisals.all(), year=today.year),
        "XianRenZhiWu": current_post_text(resume),
    }


def build_form(cadre: Cadre, *, user, today: dt.date | None = None) -> AppointmentForm:
    """Return the form of a cadre read by ``cadre_record`` (see the module's docstring for the queries)."""
    today = today or timezone.localdate()
    own = own_texts(cadre, today=today)
    imported = last_applied_import(cadre)
    from_import = []
    if imported is not None:
        texts = imported.parsed.get("texts", {})
        for key, label in DERIVED_PARTS.items():
            if not own[key] and texts.get(key):
                own[key] = texts[key].splitlines() if key == "JianLi" else texts[key]
                from_import.append(label)
    photo, photo_type = photo_of(cadre)
    family = [FamilyRow(relation=m.relation, name=m.name, birth_date=m.birth_date,
                        age=age_on(m.birth_date, today) if m.birth_date else None,
                        political_status=m.get_political_status_display() if m.political_status else "",
                        work_unit_and_post=m.work_unit_and_post)
              for m in cadre.family_members.all()]
    return AppointmentForm(
        cadre=cadre, name=cadre.name, gender=cadre.get_gender_display(), birth_date=cadre.birth_date,
        age=age_on(cadre.birth_date, today), ethnicity=cadre.get_ethnicity_display(),
        native_place=cadre.native_place, birthplace=cadre.birthplace, party_join=party_join_text(cadre),
        work_start=_month(cadre.work_start_date), health=cadre.health, professional_title=cadre.professional_title,
        familiar_expertise=cadre.familiar_expertise,
        full_time=education_cell(cadre, Education.Kind.FULL_TIME),
        part_time=education_cell(cadre, Education.Kind.PART_TIME),
        current_post=own["XianRenZhiWu"], proposed_post="", removed_post="", resume=own["JianLi"],
        rewards=own["JiangChengQingKuang"] or "无", appraisals=own["NianDuKaoHeJieGuo"], reason="",
        family=family, reporting_unit=settings.BUREAU_NAME, age_date=today, filled_by=filler_name(user),
        filled_on=today, id_number=cadre.id_number, photo=photo, photo_type=photo_type, from_import=from_import,
    )


def cadre_form(user, cadre_pk: int, *, path: str = "", today: dt.date | None = None) -> AppointmentForm:
    """Return the form of a cadre ``user`` may see, or 404 outside the scope (audited)."""
    return build_form(cadre_record(user, cadre_pk, path=path), user=user, today=today)


# --- a selection case's candidates ------------------------------------------------------------------


def case_has_forms(case: SelectionCase) -> bool:
    """Whether the case's candidates have forms: from step 13 on, or the case completed."""
    return case.state == SelectionCase.State.COMPLETED or (
        case.state in (SelectionCase.State.ACTIVE, SelectionCase.State.PAUSED)
        and case.current_step >= FORM_FROM_STEP)


def proposed_post_text(case: SelectionCase) -> str:
    """Return 拟任职务: the case's post with its unit (法规科副科长 already names it; 副科长 does not)."""
    unit = case.department.name
    title = case.post_title.strip()
    return title if title.startswith(unit) else f"{unit}{title}"


def replaces_current_post(cadre: Cadre, level: str) -> bool:
    """Whether the new post at ``level`` replaces the cadre's current one (same level or a promotion)."""
    if not cadre.current_post_title:
        return False
    if not cadre.current_level or cadre.current_level not in _LEVEL_ORDER or level not in _LEVEL_ORDER:
        return True  # a post without a leadership level (科员): any leadership post replaces it
    return _LEVEL_ORDER.index(level) <= _LEVEL_ORDER.index(cadre.current_level)


def apply_candidate(form: AppointmentForm, candidate: Candidate) -> AppointmentForm:
    """Fill 拟任职务, 拟免职务 and 任免理由 from the case (a reason not recorded stays blank)."""
    case = candidate.case
    form.proposed_post = proposed_post_text(case)
    if replaces_current_post(form.cadre, case.level):
        form.removed_post = form.current_post or form.cadre.current_post_title
    form.reason = candidate.appointment_reason
    return form


def form_candidates(user, case: SelectionCase) -> list[Candidate]:
    """Return the candidates of ``case`` whose forms ``user`` may make (their cadre in the user's scope)."""
    if not case_has_forms(case):
        return []
    visible = set(visible_to(user).filter(selection_candidacies__case=case).values_list("pk", flat=True))
    return [c for c in case.candidates.select_related("cadre").filter(state__in=FORM_CANDIDATE_STATES)
            .order_by("number") if c.cadre_id in visible]


def candidate_of(user, candidate_pk: int, *, path: str = "") -> Candidate:
    """Return a candidate whose form exists (404 otherwise); its cadre's scope is checked by ``candidate_form``."""
    candidate = (Candidate.objects.select_related("case", "case__department")
                 .filter(case__in=cases_visible_to(user), state__in=FORM_CANDIDATE_STATES, pk=candidate_pk).first())
    if candidate is None or not case_has_forms(candidate.case):
        raise Http404("No form for this candidate.")
    return candidate


def candidate_form(user, candidate: Candidate, *, path: str = "", today: dt.date | None = None) -> AppointmentForm:
    """Return the form of a candidate: the cadre's (404 outside the scope, audited) with the case's posts."""
    return apply_candidate(cadre_form(user, candidate.cadre_id, path=path, today=today), candidate)

