"""The 干部任免审批表's electronic form, ``.lrmx``: XML with root ``<Person>`` and pinyin element names.

``lrmx_bytes`` writes a form (``content.AppointmentForm``) with lxml: the library escapes every text,
and the output is deterministic (same form → same bytes: a fixed element order, no timestamps but
the form's own dates). ``parse_lrmx`` reads a file back and checks every field, collecting each
error with the field's Chinese label and element name; a file with any error is refused whole.

Dates are written YYYYMM; YYYY.MM is accepted on reading. Names (性别, 民族, 政治面貌, 学历) are the
national standards' names (``cadres.codes``), mapped back to codes on reading.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from lxml import etree

from cadre_office.reports.appointment import messages
from cadre_office.reports.appointment.content import AppointmentForm
from cadres.codes import (
    EDUCATION_ALIASES,
    POLITICAL_STATUS_ALIASES,
    EducationLevel,
    Ethnicity,
    Gender,
    PoliticalStatus,
    choice_by_name,
)
from cadres.idnumbers import WRONG_CHECK_DIGIT, IdNumberError, parse_id_number
from cadres.models import Cadre, Education, FamilyMember

VERSION = "1.0"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_FAMILY = 30

# Element → the form's label, in the order the file writes them.
LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "ChuShengDi": "出生地", "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况", "ZhuanYeJiShuZhiWu": "专业技术职务",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制教育学历", "QuanRiZhiJiaoYu_XueWei": "全日制教育学位",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制教育学历毕业院校系及专业",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "全日制教育学位毕业院校系及专业",
    "ZaiZhiJiaoYu_XueLi": "在职教育学历", "ZaiZhiJiaoYu_XueWei": "在职教育学位",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职教育学历毕业院校系及专业",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "在职教育学位毕业院校系及专业",
    "XianRenZhiWu": "现任职务", "NiRenZhiWu": "拟任职务", "NiMianZhiWu": "拟免职务", "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况", "NianDuKaoHeJieGuo": "年度考核结果", "RenMianLiYou": "任免理由",
    "JiaTingChengYuan": "家庭成员及主要社会关系", "ChengBaoDanWei": "呈报单位",
    "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间", "TianBiaoRen": "填表人",
    "ShenFenZheng": "身份证号", "ZhaoPian": "照片", "Version": "版本",
}
ITEM_LABELS = {"ChengWei": "称谓", "XingMing": "姓名", "ChuShengRiQi": "出生日期", "ZhengZhiMianMao": "政治面貌",
               "GongZuoDanWeiJiZhiWu": "工作单位及职务"}
EDUCATION_PREFIXES = {Education.Kind.FULL_TIME: "QuanRiZhiJiaoYu", Education.Kind.PART_TIME: "ZaiZhiJiaoYu"}
# The texts kept as the file says them (the system derives these parts from its own records, or they
# belong to a case): stored with the applied import, never written into the records.
TEXT_ELEMENTS = ("XianRenZhiWu", "NiRenZhiWu", "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo",
                 "RenMianLiYou", "ChengBaoDanWei", "TianBiaoRen", "TianBiaoShiJian", "JiSuanNianLingShiJian")


def month_code(value: dt.date | None) -> str:
    return f"{value:%Y%m}" if value else ""


# --- writing ---------------------------------------------------------------------------------------


def _sub(parent, tag: str, text: str = ""):
    element = etree.SubElement(parent, tag)
    element.text = text or ""
    return element


def lrmx_bytes(form: AppointmentForm, *, full_id_number: bool = True) -> bytes:
    """Return the form as an ``.lrmx`` file (UTF-8 XML); the ID number masked without ``full_id_number``."""
    cadre = form.cadre
    root = etree.Element("Person")
    values = {
        "XingMing": form.name, "XingBie": form.gender, "ChuShengNianYue": month_code(form.birth_date),
        "MinZu": form.ethnicity, "JiGuan": form.native_place, "ChuShengDi": form.birthplace,
        "RuDangShiJian": month_code(cadre.party_join_date) if form.party_join[:1].isdigit() else form.party_join,
        "CanJiaGongZuoShiJian": month_code(cadre.work_start_date), "JianKangZhuangKuang": form.health,
        "ZhuanYeJiShuZhiWu": form.professional_title, "ShuXiZhuanYeYouHeZhuanChang": form.familiar_expertise,
    }
    for kind, cell in ((Education.Kind.FULL_TIME, form.full_time), (Education.Kind.PART_TIME, form.part_time)):
        prefix = EDUCATION_PREFIXES[kind]
        values |= {f"{prefix}_XueLi": cell.level, f"{prefix}_XueWei": cell.degree,
                   f"{prefix}_XueLi_BiYeYuanXiaoXi": cell.level_school,
                   f"{prefix}_XueWei_BiYeYuanXiaoXi": cell.degree_school}
    values |= {"XianRenZhiWu": form.current_post, "NiRenZhiWu": form.proposed_post, "NiMianZhiWu": form.removed_post,
               "JianLi": form.resume_text, "JiangChengQingKuang": form.rewards,
               "NianDuKaoHeJieGuo": form.appraisals, "RenMianLiYou": form.reason}
    for tag, text in values.items():
        _sub(root, tag, text)
    family = etree.SubElement(root, "JiaTingChengYuan")
    for member in form.family:
        item = etree.SubElement(family, "Item")
        _sub(item, "ChengWei", member.relation)
        _sub(item, "XingMing", member.name)
        _sub(item, "ChuShengRiQi", month_code(member.birth_date))
        _sub(item, "ZhengZhiMianMao", member.political_status)
        _sub(item, "GongZuoDanWeiJiZhiWu", member.work_unit_and_post)
    _sub(root, "ChengBaoDanWei", form.reporting_unit)
    _sub(root, "JiSuanNianLingShiJian", month_code(form.age_date))
    _sub(root, "TianBiaoShiJian", month_code(form.filled_on))
    _sub(root, "TianBiaoRen", form.filled_by)
    _sub(root, "ShenFenZheng", form.id_number if full_id_number else cadre.masked_id_number)
    _sub(root, "ZhaoPian", base64.b64encode(form.photo).decode("ascii") if form.photo else "")
    _sub(root, "Version", VERSION)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- reading ---------------------------------------------------------------------------------------


class LrmxRefused(Exception):
    """The file has errors; ``errors`` lists each one, naming the field."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ParsedLrmx:
    """What a checked file says: values ready for the roster (JSON-serialisable, kept in ``LrmxImport.parsed``)."""

    cadre: dict = field(default_factory=dict)
    educations: list[dict] = field(default_factory=list)
    family: list[dict] = field(default_factory=list)
    photo: str = ""  # Base64, as in the file
    texts: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"cadre": self.cadre, "educations": self.educations, "family": self.family, "photo": self.photo,
                "texts": self.texts}


_MONTH = re.compile(r"^(\d{4})\.?(\d{2})$")


def parse_month(text: str) -> dt.date:
    """Return the first of the month written YYYYMM or YYYY.MM; raise ValueError otherwise."""
    match = _MONTH.match(text)
    if not match:
        raise ValueError(text)
    year, month = int(match[1]), int(match[2])
    if year < 1900:
        raise ValueError(text)
    return dt.date(year, month, 1)


class _Reader:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, element: str, message: str, *, label: str = "") -> None:
        self.errors.append(messages.FIELD_ERROR.format(label=label or LABELS.get(element, element), element=element,
                                                       message=message))

    @staticmethod
    def text(parent, tag: str) -> str:
        found = parent.find(tag)
        return (found.text or "").replace("\r\n", "\n").replace("\r", "\n").strip() if found is not None else ""

    def limited(self, parent, tag: str, model, field_name: str, *, required=False, label="") -> str:
        value = self.text(parent, tag)
        if required and not value:
            self.error(tag, messages.REQUIRED, label=label)
        max_length = model._meta.get_field(field_name).max_length
        if max_length and len(value) > max_length:
            self.error(tag, messages.TOO_LONG.format(max_length=max_length), label=label)
        return value

    def month(self, parent, tag: str, *, label: str = "") -> dt.date | None:
        value = self.text(parent, tag)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError:
            self.error(tag, messages.BAD_DATE, label=label)
            return None

    def named(self, parent, tag: str, choices, aliases=None, *, label: str = "", required=False) -> str:
        value = self.text(parent, tag)
        if not value:
            if required:
                self.error(tag, messages.REQUIRED, label=label)
            return ""
        member = choice_by_name(choices, value, aliases)
        if member is None:
            self.error(tag, messages.UNKNOWN_NAME.format(value=value), label=label)
            return ""
        return member.value


def _ethnicity_aliases() -> dict:
    return {member.label.removesuffix("族"): member for member in Ethnicity if member.label.endswith("族")}


def parse_lrmx(data: bytes, *, today: dt.date | None = None) -> ParsedLrmx:
    """Read and check an ``.lrmx`` file; raise ``LrmxRefused`` with every error found."""
    today = today or dt.date.today()
    if len(data) > MAX_FILE_BYTES:
        raise LrmxRefused([messages.FILE_TOO_LARGE.format(size=MAX_FILE_BYTES // 1024 // 1024)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError:
        raise LrmxRefused([messages.NOT_XML]) from None
    if tree.docinfo.doctype:
        raise LrmxRefused([messages.DOCTYPE_REFUSED])
    root = tree.getroot()
    if root.tag != "Person":
        raise LrmxRefused([messages.NOT_PERSON])

    r = _Reader()
    parsed = ParsedLrmx()
    c = parsed.cadre
    c["name"] = "".join(r.limited(root, "XingMing", Cadre, "name", required=True).split())
    id_text = r.text(root, "ShenFenZheng")
    id_number = None
    if not id_text:
        r.error("ShenFenZheng", messages.REQUIRED)
    else:
        try:
            id_number = parse_id_number(id_text)
        except IdNumberError as exc:
            r.error("ShenFenZheng", messages.ID_CHECK_DIGIT if str(exc) == WRONG_CHECK_DIGIT else str(exc))
    c["id_number"] = id_number.value if id_number else ""
    c["gender"] = r.named(root, "XingBie", Gender, required=True)
    if id_number and c["gender"] and c["gender"] != id_number.gender:
        r.error("XingBie", messages.GENDER_DISAGREES.format(gender=Gender(id_number.gender).label))
    birth_month = r.month(root, "ChuShengNianYue")
    if not r.text(root, "ChuShengNianYue"):
        r.error("ChuShengNianYue", messages.REQUIRED)
    if id_number and birth_month and (birth_month.year, birth_month.month) != (
            id_number.birth_date.year, id_number.birth_date.month):
        r.error("ChuShengNianYue", messages.BIRTH_DISAGREES.format(month=f"{id_number.birth_date:%Y.%m}"))
    c["birth_date"] = id_number.birth_date.isoformat() if id_number else ""
    c["ethnicity"] = r.named(root, "MinZu", Ethnicity, _ethnicity_aliases(), required=True)
    c["native_place"] = r.limited(root, "JiGuan", Cadre, "native_place")
    c["birthplace"] = r.limited(root, "ChuShengDi", Cadre, "birthplace")
    c["health"] = r.limited(root, "JianKangZhuangKuang", Cadre, "health")
    c["professional_title"] = r.limited(root, "ZhuanYeJiShuZhiWu", Cadre, "professional_title")
    c["familiar_expertise"] = r.limited(root, "ShuXiZhuanYeYouHeZhuanChang", Cadre, "familiar_expertise")

    def dated(tag: str) -> str | None:
        value = r.month(root, tag)
        if value and id_number and value < id_number.birth_date.replace(day=1):
            r.error(tag, messages.DATE_BEFORE_BIRTH)
        if value and value > today:
            r.error(tag, messages.DATE_IN_FUTURE)
        return value.isoformat() if value else None

    c["work_start_date"] = dated("CanJiaGongZuoShiJian")
    party = r.text(root, "RuDangShiJian")
    c["party_join_date"], c["political_status"] = None, ""
    if party[:1].isdigit():  # a month: a member of the CPC
        c["party_join_date"] = dated("RuDangShiJian")
        c["political_status"] = PoliticalStatus.CPC_MEMBER.value
    elif party:
        c["political_status"] = r.named(root, "RuDangShiJian", PoliticalStatus, POLITICAL_STATUS_ALIASES)

    for kind, prefix in EDUCATION_PREFIXES.items():
        level = r.named(root, f"{prefix}_XueLi", EducationLevel, EDUCATION_ALIASES)
        degree = r.limited(root, f"{prefix}_XueWei", Education, "degree")
        school = r.limited(root, f"{prefix}_XueLi_BiYeYuanXiaoXi", Education, "school_major")
        degree_school = r.limited(root, f"{prefix}_XueWei_BiYeYuanXiaoXi", Education, "school_major")
        if not level and (degree or school or degree_school):
            r.error(f"{prefix}_XueLi", messages.REQUIRED)
        if level:
            parsed.educations.append({"kind": str(kind), "level": level, "degree": degree,
                                      "school_major": school or degree_school})

    family = root.find("JiaTingChengYuan")
    items = family.findall("Item") if family is not None else []
    if len(items) > MAX_FAMILY:
        r.error("JiaTingChengYuan", messages.TOO_MANY_FAMILY.format(count=MAX_FAMILY))
        items = []
    for number, item in enumerate(items, start=1):
        def label(tag, number=number):
            return f"家庭成员第{number}行{ITEM_LABELS[tag]}"

        member = {
            "relation": r.limited(item, "ChengWei", FamilyMember, "relation", required=True, label=label("ChengWei")),
            "name": r.limited(item, "XingMing", FamilyMember, "name", required=True, label=label("XingMing")),
            "work_unit_and_post": r.limited(item, "GongZuoDanWeiJiZhiWu", FamilyMember, "work_unit_and_post",
                                            label=label("GongZuoDanWeiJiZhiWu")),
            "political_status": r.named(item, "ZhengZhiMianMao", PoliticalStatus, POLITICAL_STATUS_ALIASES,
                                        label=label("ZhengZhiMianMao")),
        }
        birth = r.month(item, "ChuShengRiQi", label=label("ChuShengRiQi"))
        if birth and birth > today:
            r.error("ChuShengRiQi", messages.DATE_IN_FUTURE, label=label("ChuShengRiQi"))
        member["birth_date"] = birth.isoformat() if birth else None
        parsed.family.append(member)

    photo = r.text(root, "ZhaoPian")
    if photo:
        parsed.photo = _checked_photo(r, photo)

    for tag in TEXT_ELEMENTS:
        parsed.texts[tag] = r.text(root, tag)
    for tag in ("JiSuanNianLingShiJian", "TianBiaoShiJian"):
        r.month(root, tag)
    if r.errors:
        raise LrmxRefused(r.errors)
    return parsed


def _checked_photo(reader: _Reader, text: str) -> str:
    """Return the photo's Base64 when it decodes to a JPEG or PNG image Pillow can read, else record an error."""
    from PIL import Image, UnidentifiedImageError

    compact = "".join(text.split())
    try:
        content = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        reader.error("ZhaoPian", messages.BAD_PHOTO)
        return ""
    if len(content) > MAX_PHOTO_BYTES:
        reader.error("ZhaoPian", messages.PHOTO_TOO_LARGE.format(size=MAX_PHOTO_BYTES // 1024))
        return ""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            if image.format not in ("JPEG", "PNG"):
                raise UnidentifiedImageError(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        reader.error("ZhaoPian", messages.BAD_PHOTO)
        return ""
    return compact


def photo_bytes(parsed: dict) -> bytes | None:
    return base64.b64decode(parsed["photo"]) if parsed.get("photo") else None
