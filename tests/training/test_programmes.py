"""理论培训 services: enrolment once and in scope, attendance, completion and its corrections, the hours per
year kept from SQL sums (across year boundaries), the shortfall, appointment training due, the settings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, role_user
from tests.training.factories_programmes import ProgrammeFactory
from training.models import CadreYearHours, Enrolment, TrainingProgramme, TrainingSettings
from training.selectors import programmes as selectors
from training.services import programmes as messages
from training.services.programmes import (
    enrolment_complete,
    enrolment_mark_incomplete,
    enrolment_record_attendance,
    enrolment_withdraw,
    enrolments_add,
    hours_recompute,
    programme_save,
    rebuild_training_hours,
    training_settings_save,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def people(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    return {
        "office": office, "finance": finance,
        "staff": role_user(Role.PERSONNEL, username="staff"),
        "leader": role_user(Role.LEADER, username="leader"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "cadre": CadreFactory(department=office, name="张三", current_level="51"),
        "other": CadreFactory(department=finance, name="李四", current_level="52"),
    }


def snapshot():
    return (list(Enrolment.objects.order_by("pk").values_list("pk", "state", "hours", "credited_on",
                                                               "attended_hours")),
            list(CadreYearHours.objects.order_by("pk").values_list("cadre_id", "year", "hours")),
            Enrolment.history.count(), AuditEvent.objects.count())


def refused(call, message):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot() == before


def enrol(people, programme, cadre=None):
    return enrolments_add(actor=people["staff"], programme=programme, cadres=[cadre or people["cadre"]])[0]


def year_hours(cadre, year):
    return CadreYearHours.objects.filter(cadre=cadre, year=year).values_list("hours", "programmes",
                                                                             "appointment_hours").first()


# --- enrolment --------------------------------------------------------------------------------------


def test_a_cadre_is_enrolled_once_per_programme(people):
    programme = ProgrammeFactory()
    enrolment = enrol(people, programme)
    assert (enrolment.state, enrolment.history.first().history_user) == ("enrolled", people["staff"])
    refused(lambda: enrol(people, programme), messages.ALREADY_ENROLLED.format(name="张三"))


def test_a_department_head_cannot_enrol_and_staff_cannot_enrol_out_of_service(people):
    programme = ProgrammeFactory()
    refused(lambda: enrolments_add(actor=people["head"], programme=programme, cadres=[people["cadre"]]),
            messages.CANNOT_ENROL)
    people["other"].status, people["other"].status_date = "retired", dt.date(2026, 1, 1)
    people["other"].save()
    refused(lambda: enrol(people, programme, people["other"]), messages.NOT_IN_SERVICE.format(name="李四"))


def test_enrolling_several_is_all_or_nothing(people):
    programme = ProgrammeFactory()
    enrol(people, programme, people["other"])
    refused(lambda: enrolments_add(actor=people["staff"], programme=programme,
                                   cadres=[people["cadre"], people["other"]]),
            messages.ALREADY_ENROLLED.format(name="李四"))
    assert not Enrolment.objects.filter(cadre=people["cadre"]).exists()


def test_attendance_is_at_most_the_programme_hours(people):
    enrolment = enrol(people, ProgrammeFactory(hours=Decimal("40")))
    refused(lambda: enrolment_record_attendance(actor=people["staff"], enrolment=enrolment,
                                                attended_hours=Decimal("40.5"), absences=0),
            messages.ATTENDED_OVER.format(hours="40"))
    enrolment_record_attendance(actor=people["staff"], enrolment=enrolment, attended_hours=Decimal("36"), absences=1)
    enrolment.refresh_from_db()
    assert (enrolment.attended_hours, enrolment.absences, enrolment.state) == (Decimal("36"), 1, "enrolled")


# --- completion and the hours of the year -----------------------------------------------------------


def test_completing_credits_the_programme_hours_on_its_last_day(people):
    enrolment = enrol(people, ProgrammeFactory(hours=Decimal("40"), end_date=dt.date(2026, 3, 6)))
    enrolment_complete(actor=people["staff"], enrolment=enrolment, certificate_no="DX2026-001", today=TODAY)
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.hours, enrolment.credited_on, enrolment.certificate_no) == (
        "completed", Decimal("40"), dt.date(2026, 3, 6), "DX2026-001")
    assert year_hours(people["cadre"], 2026) == (Decimal("40"), 1, Decimal("0"))


def test_a_programme_spanning_new_year_counts_once_in_the_year_it_ends(people):
    programme = ProgrammeFactory(start_date=dt.date(2025, 12, 20), end_date=dt.date(2026, 1, 10),
                                 hours=Decimal("60"))
    enrolment_complete(actor=people["staff"], enrolment=enrol(people, programme), today=TODAY)
    assert year_hours(people["cadre"], 2025) is None
    assert year_hours(people["cadre"], 2026) == (Decimal("60"), 1, Decimal("0"))


def test_redating_a_completion_moves_the_hours_from_the_old_year_to_the_new_one(people):
    programme = ProgrammeFactory(start_date=dt.date(2025, 12, 20), end_date=dt.date(2026, 1, 10),
                                 hours=Decimal("60"))
    other = ProgrammeFactory(start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 5, 3), hours=Decimal("24"))
    enrolment_complete(actor=people["staff"], enrolment=enrol(people, other), today=TODAY)
    enrolment = enrol(people, programme)
    enrolment_complete(actor=people["staff"], enrolment=enrolment, today=TODAY)
    assert year_hours(people["cadre"], 2025) == (Decimal("24"), 1, Decimal("0"))
    # Corrected: the hours were credited on 2025-12-31 and fewer of them.
    enrolment_complete(actor=people["staff"], enrolment=enrolment, hours=Decimal("50"),
                       credited_on=dt.date(2025, 12, 31), today=TODAY)
    assert year_hours(people["cadre"], 2025) == (Decimal("74"), 2, Decimal("0"))
    assert year_hours(people["cadre"], 2026) is None  # the year left empty loses its row


def test_marking_a_completion_incomplete_takes_its_hours_out(people):
    enrolment = enrol(people, ProgrammeFactory(hours=Decimal("40")))
    enrolment_complete(actor=people["staff"], enrolment=enrolment, today=TODAY)
    enrolment_mark_incomplete(actor=people["staff"], enrolment=enrolment, note="缺勤超过三分之一")
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.hours, enrolment.credited_on) == ("incomplete", None, None)
    assert year_hours(people["cadre"], 2026) is None


def test_appointment_hours_are_summed_apart(people):
    appointment = ProgrammeFactory(kind=TrainingProgramme.Kind.APPOINTMENT, hours=Decimal("30"))
    general = ProgrammeFactory(hours=Decimal("15"), start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 2))
    for programme in (appointment, general):
        enrolment_complete(actor=people["staff"], enrolment=enrol(people, programme), today=TODAY)
    assert year_hours(people["cadre"], 2026) == (Decimal("45"), 2, Decimal("30"))


@pytest.mark.parametrize(("hours", "credited_on", "message"), [
    (Decimal("41"), None, messages.CREDIT_OVER.format(hours="40")),
    (Decimal("0"), None, messages.CREDIT_POSITIVE),
    (None, dt.date(2026, 3, 1), messages.CREDITED_BEFORE_START.format(date=dt.date(2026, 3, 2))),
    (None, dt.date(2026, 12, 3), messages.CREDITED_IN_FUTURE),
])
def test_a_completion_out_of_range_is_refused(people, hours, credited_on, message):
    enrolment = enrol(people, ProgrammeFactory(hours=Decimal("40"), start_date=dt.date(2026, 3, 2)))
    refused(lambda: enrolment_complete(actor=people["staff"], enrolment=enrolment, hours=hours,
                                       credited_on=credited_on, today=TODAY), message)


def test_withdrawal_closes_an_enrolment_but_not_a_completed_one(people):
    enrolment = enrol(people, ProgrammeFactory())
    enrolment_complete(actor=people["staff"], enrolment=enrolment, today=TODAY)
    refused(lambda: enrolment_withdraw(actor=people["staff"], enrolment=enrolment),
            messages.CANNOT_WITHDRAW_COMPLETED.format(name="张三"))
    second = enrol(people, ProgrammeFactory())
    enrolment_withdraw(actor=people["staff"], enrolment=second, note="工作冲突")
    refused(lambda: enrolment_complete(actor=people["staff"], enrolment=second, today=TODAY),
            messages.WITHDRAWN_CLOSED.format(name="张三"))


def test_a_department_head_cannot_record_and_is_kept_to_scope(people):
    enrolment = enrol(people, ProgrammeFactory(), people["other"])
    refused(lambda: enrolment_complete(actor=people["head"], enrolment=enrolment, today=TODAY),
            messages.CANNOT_RECORD)


def test_programme_hours_cannot_drop_below_what_was_credited(people):
    programme = ProgrammeFactory(hours=Decimal("40"))
    enrolment_complete(actor=people["staff"], enrolment=enrol(people, programme), today=TODAY)
    programme.hours = Decimal("30")
    with pytest.raises(ValidationError) as exc:
        programme_save(actor=people["staff"], programme=programme)
    assert exc.value.messages == [messages.HOURS_BELOW_CREDITED.format(hours="40")]


def test_a_programme_ending_before_it_starts_is_refused_in_words(people):
    programme = TrainingProgramme(name="测试", category="law", mode="online", organiser="区司法局",
                                  start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1), hours=Decimal("8"))
    with pytest.raises(ValidationError) as exc:
        programme_save(actor=people["staff"], programme=programme)
    assert exc.value.messages == [messages.END_BEFORE_START]
    assert not TrainingProgramme.objects.exists()


def test_the_rebuild_gives_the_rows_the_services_keep(people):
    for start, hours in ((dt.date(2025, 12, 29), "60"), (dt.date(2026, 4, 1), "12"), (dt.date(2025, 3, 1), "8")):
        programme = ProgrammeFactory(start_date=start, end_date=start + dt.timedelta(days=4), hours=Decimal(hours))
        enrolment_complete(actor=people["staff"], enrolment=enrol(people, programme), today=TODAY)
    kept = sorted(CadreYearHours.objects.values_list("cadre_id", "year", "hours", "programmes"))
    CadreYearHours.objects.update(hours=0)
    assert rebuild_training_hours() == 2
    assert sorted(CadreYearHours.objects.values_list("cadre_id", "year", "hours", "programmes")) == kept
    call_command("rebuild_training_hours", stdout=__import__("io").StringIO())
    assert sorted(CadreYearHours.objects.values_list("cadre_id", "year", "hours", "programmes")) == kept
    assert kept == [(people["cadre"].pk, 2025, Decimal("8"), 1), (people["cadre"].pk, 2026, Decimal("72"), 2)]


def test_recompute_of_nothing_is_a_no_op(people, django_assert_num_queries):
    with django_assert_num_queries(0):
        hours_recompute(set())


# --- hours by unit, shortfall ------------------------------------------------------------------------


def credit(people, cadre, hours, end=dt.date(2026, 3, 6), kind=TrainingProgramme.Kind.GENERAL):
    programme = ProgrammeFactory(hours=Decimal(hours), start_date=end - dt.timedelta(days=2), end_date=end, kind=kind)
    return enrolment_complete(actor=people["staff"], enrolment=enrol(people, programme, cadre), today=TODAY)


def test_hours_by_unit_counts_section_level_cadres_in_service_with_their_hours(people):
    CadreFactory(department=people["office"], name="无职务")  # no 科级 post: not counted
    third = CadreFactory(department=people["office"], name="王五", current_level="52")
    credit(people, people["cadre"], "90")
    credit(people, third, "30")
    credit(people, people["other"], "45", end=dt.date(2025, 11, 1))  # last year's: not this year's hours
    rows = {r["name"]: r for r in selectors.hours_by_unit(people["staff"], year=2026, today=TODAY)}
    assert (rows["办公室"]["counted"], rows["办公室"]["reached"], rows["办公室"]["short"],
            rows["办公室"]["total"], rows["办公室"]["average"]) == (2, 1, 1, Decimal("120"), Decimal("60.0"))
    assert (rows["财务科"]["counted"], rows["财务科"]["total"], rows["财务科"]["short"]) == (1, Decimal("0"), 1)
    # A department head sees their unit only.
    assert [r["name"] for r in selectors.hours_by_unit(people["head"], year=2026, today=TODAY)] == ["办公室"]


def test_a_past_year_counts_those_holding_a_section_post_on_31_december(people):
    past = CadreFactory(department=people["finance"], name="赵六")  # no cached level: the history decides
    PostFactory(cadre=past, level="52", start_date=dt.date(2024, 1, 1), end_date=dt.date(2025, 12, 31))
    credit(people, past, "20", end=dt.date(2025, 6, 1))
    rows = selectors.hours_by_unit(people["staff"], year=2025, today=TODAY)
    assert [(r["name"], r["counted"], r["total"]) for r in rows] == [("财务科", 1, Decimal("20"))]


def test_the_hours_table_is_one_query_whatever_the_rows(people, django_assert_num_queries):
    for index in range(6):
        credit(people, CadreFactory(department=people["office"], current_level="52"), str(10 + index))
    TrainingSettings.current()
    # 1 the settings row, 1 the grouped query (cadres LEFT JOIN their hours of the year, by unit), 1 the units.
    with django_assert_num_queries(3):
        rows = selectors.hours_by_unit(people["staff"], year=2026, today=TODAY)
    assert sum(r["counted"] for r in rows) == 8


def test_the_shortfall_follows_the_setting(people):
    credit(people, people["cadre"], "90")
    credit(people, people["other"], "60")
    assert selectors.shortfall_count(people["staff"], year=2026, today=TODAY) == 1
    settings = TrainingSettings.current()
    settings.required_hours = Decimal("60")
    training_settings_save(actor=people["staff"], settings=settings)
    assert selectors.shortfall_count(people["staff"], year=2026, today=TODAY) == 0
    settings.required_hours = Decimal("100")
    training_settings_save(actor=people["staff"], settings=settings)
    short = list(selectors.cadre_hours(people["staff"], year=2026, today=TODAY))
    assert [(c.name, c.hours, c.gap) for c in short] == [("李四", Decimal("60"), Decimal("40")),
                                                         ("张三", Decimal("90"), Decimal("10"))]


def test_only_personnel_staff_change_the_settings(people):
    settings = TrainingSettings.current()
    with pytest.raises(ValidationError) as exc:
        training_settings_save(actor=people["leader"], settings=settings)
    assert exc.value.messages == [messages.CANNOT_EDIT_SETTINGS]
    assert not TrainingSettings.objects.exists()


# --- appointment training due ------------------------------------------------------------------------


def test_appointment_training_is_due_until_an_appointment_programme_is_completed_after_the_post_began(people):
    people["cadre"].current_post_start = dt.date(2026, 5, 1)
    people["cadre"].save()
    people["other"].current_post_start = dt.date(2025, 6, 1)  # more than 12 months ago: out of the window
    people["other"].save()
    assert [c.name for c in selectors.appointment_due(people["staff"], today=TODAY)] == ["张三"]
    credit(people, people["cadre"], "30", end=dt.date(2026, 4, 20), kind=TrainingProgramme.Kind.APPOINTMENT)
    assert [c.name for c in selectors.appointment_due(people["staff"], today=TODAY)] == ["张三"]  # before the post
    credit(people, people["cadre"], "30", end=dt.date(2026, 6, 20), kind=TrainingProgramme.Kind.APPOINTMENT)
    assert list(selectors.appointment_due(people["staff"], today=TODAY)) == []
