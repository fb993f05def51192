"""Reports built from the roster."""

from itertools import islice
from operator import itemgetter

from django.utils import timezone

from cadre_office.dates import age_on, format_month
from cadre_office.xlsx import Column, write_xlsx
from cadres.dates import DatePrecision, format_precise
from cadres.idnumbers import mask_id_number
from cadres.models import Cadre, Education

CHUNK = 2000

# The cadre fields the export reads, as plain values (no model instances: at 100,000 rows
# building them cost more than writing the workbook).
FIELDS = (
    "id", "name", "gender", "ethnicity", "birth_date", "id_number", "political_status", "party_join_date",
    "work_start_date", "department__name", "current_post_title", "current_level", "current_post_start",
    "current_rank", "current_rank_start", "status", "native_place", "birthplace", "health",
    "professional_title", "remarks", "party_join_date_precision", "work_start_date_precision",
    "current_post_start_precision", "current_rank_start_precision", "professional_title_date",
    "professional_title_date_precision", "specialty", "familiar_expertise", "status_date", "status_reason",
)
_AT = {name: index for index, name in enumerate(FIELDS)}


def _labels(model, field: str) -> dict:
    """The display names of a choice field, looked up once (``get_FOO_display`` rebuilds them per call)."""
    return {str(key): str(label) for key, label in model._meta.get_field(field).flatchoices}


def _field(name: str):
    get = itemgetter(_AT[name])
    return lambda row: get(row[1])


def _precise(name: str):
    """A date recorded to the month as the text 2014.05 (as the import reads it back), else the date itself."""
    get, precision = itemgetter(_AT[name]), itemgetter(_AT[f"{name}_precision"])

    def value(row):
        day = get(row[1])
        return format_precise(day, DatePrecision.MONTH) if day and precision(row[1]) == DatePrecision.MONTH else day

    return value


def _label(name: str, labels: dict):
    get = itemgetter(_AT[name])
    return lambda row: labels.get(get(row[1]), "")


class RosterExport:
    """The roster as a workbook with the import's headers (plus 序号 and 年龄), so it can be read back.

    A row is (序号, the cadre's values, highest full-time education, highest part-time one),
    each education a (level, degree, school_major) tuple or None. Rows are read in chunks:
    one query for the cadres' values, one for the educations of each chunk.
    """

    title = "干部花名册"

    def __init__(self, cadres, *, full_id: bool):
        self.cadres = cadres
        self.full_id = full_id
        self.today = timezone.localdate()
        self.row_count = 0

    def columns(self) -> list[Column]:
        labels = {name: _labels(Cadre, name) for name in
                  ("gender", "ethnicity", "political_status", "status", "current_level", "current_rank")}
        education = _labels(Education, "level")
        today, full_id = self.today, self.full_id
        birth, id_number = itemgetter(_AT["birth_date"]), itemgetter(_AT["id_number"])
        return [
            Column("序号", itemgetter(0), 6),
            Column("姓名", _field("name"), 10),
            Column("性别", _label("gender", labels["gender"]), 6),
            Column("民族", _label("ethnicity", labels["ethnicity"]), 8),
            # In full only beside a full number: next to a masked one the day would complete it.
            Column("出生日期", _field("birth_date"), 12) if full_id
            else Column("出生年月", lambda row: format_month(birth(row[1])), 10),
            Column("年龄", lambda row: age_on(birth(row[1]), today), 6),
            Column("身份证号", lambda row: id_number(row[1]) if full_id else mask_id_number(id_number(row[1])), 21),
            Column("政治面貌", _label("political_status", labels["political_status"]), 10),
            Column("入党时间", _precise("party_join_date"), 12),
            Column("参加工作时间", _precise("work_start_date"), 12),
            Column("全日制学历", lambda row: education.get(row[2][0], "") if row[2] else "", 14),
            Column("全日制学位", lambda row: row[2][1] if row[2] else "", 10),
            Column("全日制毕业院校及专业", lambda row: row[2][2] if row[2] else "", 24, wrap=True),
            Column("在职学历", lambda row: education.get(row[3][0], "") if row[3] else "", 14),
            Column("在职学位", lambda row: row[3][1] if row[3] else "", 10),
            Column("在职毕业院校及专业", lambda row: row[3][2] if row[3] else "", 24, wrap=True),
            Column("工作单位", _field("department__name"), 14, wrap=True),
            Column("现任职务", _field("current_post_title"), 18, wrap=True),
            Column("职务层次", _label("current_level", labels["current_level"]), 12),
            Column("任现职时间", _precise("current_post_start"), 12),
            Column("职级", _label("current_rank", labels["current_rank"]), 12),
            Column("任现职级时间", _precise("current_rank_start"), 12),
            Column("人员状态", _label("status", labels["status"]), 8),
            Column("状态变更时间", _field("status_date"), 12),
            Column("状态变更原因", _field("status_reason"), 16),
            Column("籍贯", _field("native_place"), 10),
            Column("出生地", _field("birthplace"), 10),
            Column("健康状况", _field("health"), 8),
            Column("专业技术职务", _field("professional_title"), 12, wrap=True),
            Column("专业技术职务取得时间", _precise("professional_title_date"), 12),
            Column("专长", _field("specialty"), 12, wrap=True),
            Column("熟悉专业有何专长", _field("familiar_expertise"), 24, wrap=True),
            Column("备注", _field("remarks"), 20, wrap=True),
        ]

    def _rows(self):
        values = self.cadres.prefetch_related(None).values_list(*FIELDS).iterator(chunk_size=CHUNK)
        number = 0
        while chunk := list(islice(values, CHUNK)):
            highest = _highest_educations([row[0] for row in chunk])
            for row in chunk:
                number += 1
                self.row_count = number
                yield (number, row, highest.get((row[0], Education.Kind.FULL_TIME)),
                       highest.get((row[0], Education.Kind.PART_TIME)))

    def render(self) -> bytes:
        """Return the workbook; ``row_count`` then says how many cadres it holds (for the audit row)."""
        self.row_count = 0
        return write_xlsx(title=self.title, columns=self.columns(), rows=self._rows())


def _highest_educations(cadre_ids: list[int]) -> dict:
    """Return {(cadre id, kind): (level, degree, school_major)} of each cadre's highest education per kind.

    The highest is the lowest GB/T 4658 code, as on the record page (``selectors.highest_education``).
    """
    highest = {}
    rows = (Education.objects.filter(cadre_id__in=cadre_ids).order_by("cadre_id", "kind", "level", "id")
            .values_list("cadre_id", "kind", "level", "degree", "school_major"))
    for cadre_id, kind, level, degree, school_major in rows:
        highest.setdefault((cadre_id, kind), (level, degree, school_major))
    return highest


class RetirementExport:
    """The 到龄退休 list as a workbook: the page's columns, ID numbers full or masked as the roster's export."""

    title = "到龄退休名单"
    FIELDS = ("name", "gender", "birth_date", "id_number", "department__name", "current_post_title",
              "current_level", "current_rank", "status", "status_date")

    def __init__(self, cadres, *, full_id: bool, as_of, months: int):
        self.cadres = cadres
        self.full_id = full_id
        self.as_of = as_of
        self.months = months
        self.row_count = 0

    def heading(self) -> str:
        return f"到龄退休名单（截至 {self.as_of:%Y-%m-%d}，含已超期和其后 {self.months} 个月内到龄的在职人员）"

    def columns(self) -> list[Column]:
        labels = {name: _labels(Cadre, name) for name in ("gender", "current_level", "current_rank", "status")}
        full_id = self.full_id
        return [
            Column("序号", itemgetter(0), 6),
            Column("姓名", lambda row: row[1][0], 10),
            Column("性别", lambda row: labels["gender"].get(row[1][1], ""), 6),
            Column("出生日期", lambda row: row[1][2], 12) if full_id
            else Column("出生年月", lambda row: format_month(row[1][2]), 10),
            Column("身份证号", lambda row: row[1][3] if full_id else mask_id_number(row[1][3]), 21),
            Column("单位", lambda row: row[1][4], 14, wrap=True),
            Column("现任职务", lambda row: row[1][5], 18, wrap=True),
            Column("职务层次", lambda row: labels["current_level"].get(row[1][6], ""), 12),
            Column("职级", lambda row: labels["current_rank"].get(row[1][7], ""), 12),
            Column("法定退休时间", lambda row: f"{row[2].month:%Y-%m}", 12),
            Column("状态", lambda row: row[2].text, 14),
            Column("人员状态", lambda row: labels["status"].get(row[1][8], ""), 8),
        ]

    def _rows(self):
        from cadres.retirement import outlook

        values = self.cadres.values_list(*self.FIELDS).iterator(chunk_size=CHUNK)
        for number, row in enumerate(values, start=1):
            self.row_count = number
            yield number, row, outlook(row[2], row[1], self.as_of)

    def render(self) -> bytes:
        self.row_count = 0
        return write_xlsx(title=self.title, columns=self.columns(), rows=self._rows(), heading=self.heading())
