"""Reports built from the roster."""

from django.utils import timezone

from cadre_office.dates import age_on
from cadre_office.xlsx import Column, write_xlsx
from cadres.models import Education
from cadres.selectors import highest_education


def _education_text(cadre, kind) -> str:
    education = highest_education(cadre, kind)
    return education.get_level_display() if education else ""


def _education_field(cadre, kind, field) -> str:
    education = highest_education(cadre, kind)
    return getattr(education, field) if education else ""


class RosterExport:
    """The roster as a workbook with the import's headers (plus 序号 and 年龄), so it can be read back."""

    title = "干部花名册"

    def __init__(self, cadres, *, full_id: bool):
        self.cadres = cadres
        self.full_id = full_id
        self.today = timezone.localdate()
        self.row_count = 0

    def columns(self) -> list[Column]:
        fulltime, parttime = Education.Kind.FULL_TIME, Education.Kind.PART_TIME
        return [
            Column("序号", lambda row: row[0], 6),
            Column("姓名", lambda row: row[1].name, 10),
            Column("性别", lambda row: row[1].get_gender_display(), 6),
            Column("民族", lambda row: row[1].get_ethnicity_display(), 8),
            Column("出生日期", lambda row: row[1].birth_date, 12),
            Column("年龄", lambda row: age_on(row[1].birth_date, self.today), 6),
            Column("身份证号", lambda row: row[1].id_number if self.full_id else row[1].masked_id_number, 21),
            Column("政治面貌", lambda row: row[1].get_political_status_display(), 10),
            Column("入党时间", lambda row: row[1].party_join_date, 12),
            Column("参加工作时间", lambda row: row[1].work_start_date, 12),
            Column("全日制学历", lambda row: _education_text(row[1], fulltime), 14),
            Column("全日制学位", lambda row: _education_field(row[1], fulltime, "degree"), 10),
            Column("全日制毕业院校及专业", lambda row: _education_field(row[1], fulltime, "school_major"), 24),
            Column("在职学历", lambda row: _education_text(row[1], parttime), 14),
            Column("在职学位", lambda row: _education_field(row[1], parttime, "degree"), 10),
            Column("在职毕业院校及专业", lambda row: _education_field(row[1], parttime, "school_major"), 24),
            Column("工作单位", lambda row: row[1].department.name, 14),
            Column("现任职务", lambda row: row[1].current_post_title, 18),
            Column("职务层次", lambda row: row[1].get_current_level_display(), 12),
            Column("任现职时间", lambda row: row[1].current_post_start, 12),
            Column("职级", lambda row: row[1].get_current_rank_display(), 12),
            Column("任现职级时间", lambda row: row[1].current_rank_start, 12),
            Column("人员状态", lambda row: row[1].get_status_display(), 8),
            Column("籍贯", lambda row: row[1].native_place, 10),
            Column("出生地", lambda row: row[1].birthplace, 10),
            Column("健康状况", lambda row: row[1].health, 8),
            Column("专业技术职务", lambda row: row[1].professional_title, 12),
            Column("备注", lambda row: row[1].remarks, 20),
        ]

    def _rows(self):
        for number, cadre in enumerate(self.cadres.iterator(chunk_size=2000), start=1):
            self.row_count = number
            yield number, cadre

    def render(self) -> bytes:
        """Return the workbook; ``row_count`` then says how many cadres it holds (for the audit row)."""
        self.row_count = 0
        return write_xlsx(title=self.title, columns=self.columns(), rows=self._rows())
