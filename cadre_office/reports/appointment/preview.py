"""What an LRMX import would change, field by field, for the preview page (reads only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cadre_office.reports.appointment.content import DERIVED_PARTS
from cadres.codes import EducationLevel, Ethnicity, Gender, PoliticalStatus
from cadres.models import Cadre, Education
from cadres.selectors import highest_education

LABELS = {"name": "姓名", "gender": "性别", "ethnicity": "民族", "political_status": "政治面貌",
          "party_join_date": "入党时间", "work_start_date": "参加工作时间", "native_place": "籍贯",
          "birthplace": "出生地", "health": "健康状况", "professional_title": "专业技术职务",
          "familiar_expertise": "熟悉专业有何专长"}
CHOICES = {"gender": Gender, "ethnicity": Ethnicity, "political_status": PoliticalStatus}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class Preview:
    new_cadre: bool
    id_number: str
    rows: list[Change] = field(default_factory=list)
    family_old: list[str] = field(default_factory=list)
    family_new: list[str] = field(default_factory=list)
    derived: list[tuple[str, str]] = field(default_factory=list)  # (label, what the form will use)

    @property
    def changed_count(self) -> int:
        return sum(row.changed for row in self.rows) + (self.family_old != self.family_new)


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name in CHOICES:
        return CHOICES[name](value).label
    if isinstance(value, dt.date):
        return f"{value:%Y.%m}"
    if isinstance(value, str) and name.endswith("_date"):
        return f"{dt.date.fromisoformat(value):%Y.%m}"
    return str(value)


def _education_text(level: str, degree: str, school: str) -> str:
    if not level:
        return ""
    return "，".join(filter(None, (EducationLevel(level).label, degree, school)))


def _family_text(relation, name, birth, political, unit) -> str:
    return " ".join(filter(None, (relation, name, _shown("birth_date", birth),
                                  _shown("political_status", political), unit)))


def import_preview(lrmx_import, *, derived_own: dict[str, bool] | None = None) -> Preview:
    """Return what applying ``lrmx_import`` would change (an existing cadre) or create (a new one).

    ``derived_own`` says, per derived part (``content.DERIVED_PARTS``), whether the cadre has records of
    its own for it (then the form keeps writing those, the file's text is only kept).
    """
    from cadre_office.reports.appointment.services import cadre_values, same_photo

    parsed = lrmx_import.parsed
    cadre: Cadre | None = lrmx_import.cadre
    values = cadre_values(parsed, cadre)
    preview = Preview(new_cadre=cadre is None, id_number=parsed["cadre"]["id_number"])
    for name, label in LABELS.items():
        new = _shown(name, values.get(name, getattr(cadre, name, "") if cadre else ""))
        old = _shown(name, getattr(cadre, name)) if cadre else ""
        preview.rows.append(Change(label, old, new))
    preview.rows.append(Change("出生日期", f"{cadre.birth_date:%Y.%m}" if cadre else "",
                               f"{dt.date.fromisoformat(parsed['cadre']['birth_date']):%Y.%m}"))
    for kind, label in Education.Kind.choices:
        item = next((e for e in parsed["educations"] if e["kind"] == kind), None)
        current = highest_education(cadre, kind) if cadre else None
        old = _education_text(current.level, current.degree, current.school_major) if current else ""
        new = _education_text(item["level"], item["degree"], item["school_major"]) if item else old
        preview.rows.append(Change(f"{label}教育", old, new))
    has_photo = bool(cadre and cadre.photo)
    if not parsed.get("photo") or same_photo(cadre, parsed):
        new_photo = "有" if has_photo or parsed.get("photo") else "无"
    else:
        new_photo = "更换为文件中的照片" if has_photo else "文件中的照片"
    preview.rows.append(Change("照片", ("有" if has_photo else "无") if cadre else "", new_photo))
    if cadre:
        preview.family_old = [_family_text(m.relation, m.name, m.birth_date, m.political_status, m.work_unit_and_post)
                              for m in cadre.family_members.all()]
    preview.family_new = [_family_text(m["relation"], m["name"], m["birth_date"], m["political_status"],
                                       m["work_unit_and_post"]) for m in parsed["family"]]
    texts = parsed.get("texts", {})
    for key, label in DERIVED_PARTS.items():
        if not texts.get(key):
            continue
        if (derived_own or {}).get(key):
            preview.derived.append((label, "系统中已有该部分的记录，表中仍按系统记录填写；文件中的文字保存备查"))
        else:
            preview.derived.append((label, "系统中尚无该部分的记录，表中使用文件中的文字（不写入记录）"))
    return preview
