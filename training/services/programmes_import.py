"""The attendance workbook of a programme (培训考勤表): its template, reading it, and writing it all or nothing.

``attendance_template`` gives the workbook to fill (the programme's enrolled cadres listed). ``attendance_plan``
reads an uploaded workbook and checks every row against the roster (name and 身份证号 of one cadre in the
uploader's scope, numbers in range, 出勤学时 at most the programme's, no cadre twice) and reports the row errors
the way the roster import does (row, column, problem). ``attendance_import_apply`` writes a plan that had no
error in one transaction: it enrols the cadres not yet enrolled, records attendance, completes those marked 是;
it checks the rows again under a lock first, and writes nothing if anything changed since the preview.
"""

import datetime as dt
import io
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadre_office.xlsx import Column, write_xlsx
from cadres import messages as roster_messages
from cadres.codes import PersonnelStatus
from cadres.idnumbers import IdNumberError, parse_id_number
from cadres.permissions import can_see_full_id_number, visible_to
from cadres.roster_workbook import RowError, WorkbookRejected, clean_header, clean_text, first_sheet
from cadres.services.exports import ExportFile
from training.models import Enrolment, TrainingProgramme
from training.services.programmes import _hours, hours_recompute

MAX_ROWS = 2000
BATCH = 1000

NAME, ID_NUMBER, ATTENDED, ABSENCES, COMPLETED, CERTIFICATE, NOTE = (
    "姓名", "身份证号", "出勤学时", "缺勤次数", "是否结业", "结业证书编号", "备注")
HEADERS = [NAME, ID_NUMBER, ATTENDED, ABSENCES, f"{COMPLETED}（是/否）", CERTIFICATE, NOTE]
REQUIRED = (NAME, ID_NUMBER)

CANNOT_IMPORT = "您没有导入培训考勤的权限。"
NOT_FOUND = "管辖范围内没有该身份证号的干部"
NAME_DISAGREES = "与身份证号对应的干部姓名（{name}）不符"
NOT_IN_SERVICE = "该干部不是在职干部"
NOT_A_NUMBER = "应为数字"
NOT_WHOLE = "应为0或正整数"
TOO_MANY_DECIMALS = "最多一位小数"
OVER_PROGRAMME = "超过培训项目的学时（{hours}学时）"
NEGATIVE = "不能为负数"
ABSENCES_TOO_MANY = "不能超过{limit}次"
YES_OR_NO = "应填写“是”或“否”"
CERTIFICATE_WITHOUT_COMPLETION = "未结业的不应填写结业证书编号"
NOT_ENDED = "培训到{date:%Y-%m-%d}结束，结束前不能结业"
WITHDRAWN = "该干部已退训，不能导入考勤"
COMPLETED_ALREADY = "该干部已结业；如结业有误，请先在培训项目页面标记为未结业"
CHANGED_SINCE_PREVIEW = "预览后数据已变化，未写入任何数据；请重新上传后再确认。"
IMPORTED = "已导入{rows}行考勤：新报名{enrolled}人，结业{completed}人。"

TEXT_LIMITS = {CERTIFICATE: 40, NOTE: 200}
ABSENCES_LIMIT = 999


@dataclass
class AttendanceRow:
    """One valid row of the workbook, tied to the cadre it names."""

    row: int
    cadre_id: int
    name: str
    department: str
    attended_hours: str  # Decimal as text ("" when blank): the plan travels through the session
    absences: int
    complete: bool
    certificate_no: str
    note: str
    enrolled: bool  # already enrolled before the import


@dataclass
class AttendancePlan:
    rows: list[AttendanceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def as_data(self) -> list[dict]:
        return [asdict(row) for row in self.rows]

    def error_table(self, shown: int = 200) -> dict:
        """The errors as the roster import's error table reads them (``cadres/_import_errors.html``)."""
        errors = sorted(self.errors, key=lambda e: (e.row, HEADERS.index(_header(e.column))
                                                    if _header(e.column) in HEADERS else 99))
        return {"preview": {"errors": [(e.row, e.column, e.message) for e in errors[:shown]],
                            "errors_total": len(errors), "errors_shown": min(shown, len(errors))}}


def _header(text: str) -> str:
    return f"{COMPLETED}（是/否）" if text == COMPLETED else text


def _column(value) -> str:
    """A header cell as a column name: spaces gone, a trailing （是/否） or (是/否) hint dropped."""
    text = clean_header(value)
    for bracket in ("（", "("):
        if bracket in text:
            text = text.split(bracket, 1)[0]
    return text


# --- the template -----------------------------------------------------------------------------------


def attendance_template(*, actor, programme: TrainingProgramme) -> ExportFile:
    """Return the workbook to fill for ``programme``: its enrolled cadres in the actor's scope, one line each.

    The 身份证号 is filled in only for those who may see full numbers; others type it. Audited as an export.
    """
    full = can_see_full_id_number(actor)
    enrolments = (Enrolment.objects.filter(programme=programme, cadre__in=visible_to(actor))
                  .exclude(state=Enrolment.State.WITHDRAWN).select_related("cadre")
                  .order_by("cadre__department__path", "cadre__name_pinyin", "pk"))
    rows = list(enrolments)
    columns = [
        Column(NAME, lambda e: e.cadre.name, 10),
        Column(ID_NUMBER, lambda e: e.cadre.id_number if full else "", 22),
        Column(ATTENDED, lambda e: float(e.attended_hours) if e.attended_hours is not None else None, 10),
        Column(ABSENCES, lambda e: e.absences or None, 10),
        Column(HEADERS[4], lambda e: "是" if e.state == Enrolment.State.COMPLETED else "", 14),
        Column(CERTIFICATE, lambda e: e.certificate_no, 18),
        Column(NOTE, lambda e: e.note, 30),
    ]
    content = write_xlsx(title="培训考勤", columns=columns, rows=rows)
    audit_record(Event.EXPORT, actor=actor, obj=programme,
                 detail={"record": "培训考勤表模板", "rows": len(rows), "full_id_numbers": full})
    return ExportFile(content=content, filename=f"培训考勤表_{programme.name}.xlsx", rows=len(rows))


# --- reading ----------------------------------------------------------------------------------------


def _read(content: bytes) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Return the workbook's non-blank rows as (row number, {column: cell}) and the missing-column errors."""
    with first_sheet(io.BytesIO(content), max_rows=MAX_ROWS) as (_shape, sheet, header):
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            name = _column(value)
            if name in (NAME, ID_NUMBER, ATTENDED, ABSENCES, COMPLETED, CERTIFICATE, NOTE):
                positions.setdefault(name, index)
        missing = [RowError(1, column, roster_messages.IMPORT_MISSING_COLUMN.format(column=column))
                   for column in REQUIRED if column not in positions]
        if missing:
            return [], missing
        rows = []
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1,
                                                        values_only=True), start=2):
            if values is None or all(clean_text(v) == "" for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise WorkbookRejected(roster_messages.IMPORT_TOO_MANY_ROWS.format(limit=MAX_ROWS))
            rows.append((number, {name: values[index] if index < len(values) else None
                                  for name, index in positions.items()}))
        if not rows:
            raise WorkbookRejected(roster_messages.IMPORT_EMPTY)
        return rows, []


def _decimal(value) -> Decimal:
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return Decimal(clean_text(value))


def _check_row(number: int, cells: dict, *, programme: TrainingProgramme, today: dt.date,
               seen: dict[str, int]) -> tuple[dict | None, list[RowError]]:
    """Validate one row's own cells (not yet against the roster); return its values and its errors."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    name = "".join(clean_text(cells.get(NAME)).split())
    if not name:
        fail(NAME, roster_messages.IMPORT_REQUIRED)
    id_number = ""
    raw_id = clean_text(cells.get(ID_NUMBER))
    if not raw_id:
        fail(ID_NUMBER, roster_messages.IMPORT_REQUIRED)
    else:
        try:
            id_number = parse_id_number(raw_id).value
        except IdNumberError as exc:
            fail(ID_NUMBER, str(exc))
        else:
            if id_number in seen:
                fail(ID_NUMBER, roster_messages.IMPORT_DUPLICATE_ID.format(row=seen[id_number]))
            else:
                seen[id_number] = number

    attended = None
    if clean_text(cells.get(ATTENDED)):
        try:
            attended = _decimal(cells.get(ATTENDED))
        except (InvalidOperation, ValueError):
            fail(ATTENDED, NOT_A_NUMBER)
        else:
            if not attended.is_finite():
                fail(ATTENDED, NOT_A_NUMBER)
                attended = None
            elif attended < 0:
                fail(ATTENDED, NEGATIVE)
            elif attended != attended.quantize(Decimal("0.1")):
                fail(ATTENDED, TOO_MANY_DECIMALS)
            elif attended > programme.hours:
                fail(ATTENDED, OVER_PROGRAMME.format(hours=_hours(programme.hours)))

    absences = 0
    if clean_text(cells.get(ABSENCES)):
        try:
            value = _decimal(cells.get(ABSENCES))
            if not value.is_finite() or value != value.to_integral_value() or value < 0:
                raise ValueError
            absences = int(value)
        except (InvalidOperation, ValueError):
            fail(ABSENCES, NOT_WHOLE)
        else:
            if absences > ABSENCES_LIMIT:
                fail(ABSENCES, ABSENCES_TOO_MANY.format(limit=ABSENCES_LIMIT))

    answer = clean_text(cells.get(COMPLETED))
    complete = answer == "是"
    if answer not in ("", "是", "否"):
        fail(COMPLETED, YES_OR_NO)
    elif complete and programme.end_date > today:
        fail(COMPLETED, NOT_ENDED.format(date=programme.end_date))

    texts = {}
    for column, limit in TEXT_LIMITS.items():
        texts[column] = clean_text(cells.get(column))
        if len(texts[column]) > limit:
            fail(column, roster_messages.IMPORT_TOO_LONG.format(limit=limit))
    if texts[CERTIFICATE] and not complete and answer in ("", "否"):
        fail(CERTIFICATE, CERTIFICATE_WITHOUT_COMPLETION)

    values = {"name": name, "id_number": id_number, "attended": attended, "absences": absences,
              "complete": complete, "certificate_no": texts[CERTIFICATE], "note": texts[NOTE]}
    return values, errors


def attendance_plan(*, actor, programme: TrainingProgramme, content: bytes,
                    today: dt.date | None = None) -> AttendancePlan:
    """Read an attendance workbook and check every row; raise WorkbookRejected if it cannot be read at all.

    A fixed number of queries per 1,000 rows (the cadres named, their enrolments in the programme).
    """
    today = today or timezone.localdate()
    rows, missing = _read(content)
    plan = AttendancePlan(errors=missing)
    if missing:
        return plan
    seen: dict[str, int] = {}
    checked = [(number, *_check_row(number, cells, programme=programme, today=today, seen=seen))
               for number, cells in rows]
    ids = [values["id_number"] for _, values, _ in checked if values["id_number"]]
    cadres, enrolments = {}, {}
    scope = visible_to(actor)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for cadre in scope.filter(id_number__in=chunk).select_related("department"):
            cadres[cadre.id_number] = cadre
    for enrolment in Enrolment.objects.filter(programme=programme, cadre_id__in=[c.pk for c in cadres.values()]):
        enrolments[enrolment.cadre_id] = enrolment
    for number, values, errors in checked:
        plan.errors.extend(errors)
        cadre = cadres.get(values["id_number"]) if values["id_number"] else None
        if values["id_number"] and cadre is None:
            plan.errors.append(RowError(number, ID_NUMBER, NOT_FOUND))
            continue
        if cadre is None:
            continue
        row_errors = []
        if values["name"] and cadre.name != values["name"]:
            row_errors.append(RowError(number, NAME, NAME_DISAGREES.format(name=cadre.name)))
        enrolment = enrolments.get(cadre.pk)
        if enrolment is None and cadre.status != PersonnelStatus.ACTIVE:
            row_errors.append(RowError(number, NAME, NOT_IN_SERVICE))
        elif enrolment is not None and enrolment.state == Enrolment.State.WITHDRAWN:
            row_errors.append(RowError(number, NAME, WITHDRAWN))
        elif enrolment is not None and enrolment.state == Enrolment.State.COMPLETED and not values["complete"]:
            row_errors.append(RowError(number, COMPLETED, COMPLETED_ALREADY))
        plan.errors.extend(row_errors)
        if errors or row_errors:
            continue
        plan.rows.append(AttendanceRow(
            row=number, cadre_id=cadre.pk, name=cadre.name, department=cadre.department.name,
            attended_hours="" if values["attended"] is None else str(values["attended"]),
            absences=values["absences"], complete=values["complete"], certificate_no=values["certificate_no"],
            note=values["note"], enrolled=enrolment is not None))
    if plan.errors:
        plan.rows = []
    return plan


# --- writing ----------------------------------------------------------------------------------------


@transaction.atomic
def attendance_import_apply(*, actor, programme: TrainingProgramme, rows: list[dict],
                            today: dt.date | None = None, file_name: str = "") -> dict[str, int]:
    """Write a checked plan's rows (``AttendancePlan.as_data()``): all of them, or none.

    The programme is locked and every row checked again against the roster and the enrolments as they
    are now; if anything no longer holds (a cadre out of scope, enrolled or withdrawn meanwhile, the
    programme's 学时 cut), nothing is written. Returns the counts for the message.
    """
    today = today or timezone.localdate()
    if not (actor.has_perm("training.import_attendance") and actor.has_perm("training.add_enrolment")
            and actor.has_perm("training.change_enrolment")):
        raise ValidationError(CANNOT_IMPORT)
    programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
    cadre_ids = [row["cadre_id"] for row in rows]
    cadres = {c.pk: c for c in visible_to(actor).filter(pk__in=cadre_ids)}
    existing = {e.cadre_id: e for e in Enrolment.objects.select_for_update().filter(programme=programme,
                                                                                     cadre_id__in=cadre_ids)}
    if not rows or len(cadres) != len(set(cadre_ids)) or len(cadre_ids) != len(set(cadre_ids)):
        raise ValidationError(CHANGED_SINCE_PREVIEW)
    counts = {"rows": len(rows), "enrolled": 0, "completed": 0}
    pairs = set()
    for row in rows:
        cadre = cadres[row["cadre_id"]]
        enrolment = existing.get(cadre.pk)
        attended = Decimal(row["attended_hours"]) if row["attended_hours"] else None
        if (row["enrolled"] != (enrolment is not None)
                or (enrolment is None and cadre.status != PersonnelStatus.ACTIVE)
                or (enrolment is not None and enrolment.state == Enrolment.State.WITHDRAWN)
                or (enrolment is not None and enrolment.state == Enrolment.State.COMPLETED and not row["complete"])
                or (attended is not None and attended > programme.hours)
                or (row["complete"] and programme.end_date > today)):
            raise ValidationError(CHANGED_SINCE_PREVIEW)
        if enrolment is None:
            enrolment = Enrolment(programme=programme, cadre=cadre)
            counts["enrolled"] += 1
        else:
            enrolment.programme, enrolment.cadre = programme, cadre
        old_year = enrolment.credited_on.year if enrolment.credited_on else None
        enrolment.attended_hours, enrolment.absences = attended, row["absences"]
        if row["note"]:
            enrolment.note = row["note"]
        if row["complete"]:
            # Credit the programme's 学时 on its last day (the import never moves hours between years by itself
            # except where a completion is re-dated: both years are rewritten below).
            enrolment.state, enrolment.hours, enrolment.credited_on = (Enrolment.State.COMPLETED, programme.hours,
                                                                       programme.end_date)
            if row["certificate_no"]:
                enrolment.certificate_no = row["certificate_no"]
            counts["completed"] += 1
            pairs.add((cadre.pk, programme.end_date.year))
        if old_year:
            pairs.add((cadre.pk, old_year))
        tracked_save(enrolment, actor=actor, reason="导入培训考勤")
    hours_recompute(pairs)
    audit_record(Event.IMPORT, actor=actor, obj=programme,
                 detail={"record": "培训考勤", "file": file_name, **counts})
    return counts

