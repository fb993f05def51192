"""Reports built from the roster."""

from django.utils import timezone

from cadre_office.dates import age_on
from cadre_office.xlsx import Column, write_xlsx
from cadres.models import Cadre, Education
from cadres.selectors import highest_education


def _labels(model, field: str) -> dict:
    """The display names of a choice field, looked up once (``get_FOO_display`` rebuilds them per call)."""
    return {str(key): str(label) for key, label in model._meta.get_field(field).flatchoices}


class RosterExport:
    """The roster as a workbook with the import's headers (plus 序号 and 年龄), so it can be read back."""

    title = "干部花名册"

    def __init__(self, cadres, *, full_id: bool):
        self.cadres = cadres
        self.full_id = full_id
        self.today = timezone.localdate()
        self.row_count = 0

    def columns(self) -> list[Column]:
        """The columns; a row is (序号, cadre, highest full-time education, highest part-time one)."""
        gender, ethnicity = _labels(Cadre, "gender"), _labels(Cadre, "ethnicity")
        political, status = _labels(Cadre, "political_status"), _labels(Cadre, "status")
        level, rank = _labels(Cadre, "current_level"), _labels(Cadre, "current_rank")
        education = _labels(Education, "level")
        today, full_id = self.today, self.full_id
        return [
            Column("序号", lambda row: row[0], 6),
            Column("姓名", lambda row: row[1].name, 10),
            Column("性别", lambda row: gender.get(row[1].gender, ""), 6),
            Column("民族", lambda row: ethnicity.get(row[1].ethnicity, ""), 8),
            Column("出生日期", lambda row: row[1].birth_date, 12),
            Column("年龄", lambda row: age_on(row[1].birth_date, today), 6),
            Column("身份证号", lambda row: row[1].id_number if full_id else row[1].masked_id_number, 21),
            Column("政治面貌", lambda row: political.get(row[1].political_status, ""), 10),
            Column("入党时间", lambda row: row[1].party_join_date, 12),
            Column("参加工作时间", lambda row: row[1].work_start_date, 12),
            Column("全日制学历", lambda row: education.get(row[2].level, "") if row[2] else "", 14),
            Column("全日制学位", lambda row: row[2].degree if row[2] else "", 10),
            Column("全日制毕业院校及专业", lambda row: row[2].school_major if row[2] else "", 24),
            Column("在职学历", lambda row: education.get(row[3].level, "") if row[3] else "", 14),
            Column("在职学位", lambda row: row[3].degree if row[3] else "", 10),
            Column("在职毕业院校及专业", lambda row: row[3].school_major if row[3] else "", 24),
            Column("工作单位", lambda row: row[1].department.name, 14),
            Column("现任职务", lambda row: row[1].current_post_title, 18),
            Column("职务层次", lambda row: level.get(row[1].current_level, ""), 12),
            Column("任现职时间", lambda row: row[1].current_post_start, 12),
            Column("职级", lambda row: rank.get(row[1].current_rank, ""), 12),
            Column("任现职级时间", lambda row: row[1].current_rank_start, 12),
            Column("人员状态", lambda row: status.get(row[1].status, ""), 8),
            Column("籍贯", lambda row: row[1].native_place, 10),
            Column("出生地", lambda row: row[1].birthplace, 10),
            Column("健康状况", lambda row: row[1].health, 8),
            Column("专业技术职务", lambda row: row[1].professional_title, 12),
            Column("备注", lambda row: row[1].remarks, 20),
        ]

    def _rows(self):
        fulltime, parttime = Education.Kind.FULL_TIME, Education.Kind.PART_TIME
        for number, cadre in enumerate(self.cadres.iterator(chunk_size=2000), start=1):
            self.row_count = number
            yield number, cadre, highest_education(cadre, fulltime), highest_education(cadre, parttime)

    def render(self) -> bytes:
        """Return the workbook; ``row_count`` then says how many cadres it holds (for the audit row)."""
        self.row_count = 0
        return write_xlsx(title=self.title, columns=self.columns(), rows=self._rows())
