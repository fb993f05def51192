"""Reminders of the selection workflow: 公示 ending, probation ending, recommendation result expiring."""

import datetime as dt

import pytest
from django.urls import reverse

from cadre_office.accounts.roles import Role
from selection import services
from selection.models import SelectionCase
from selection.reminders import reminders
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

D = dt.date
# From the ``wf`` fixture's records: the 公示 runs 2025-03-11 – 2025-03-17; the recommendation meeting is on
# 2025-02-10 (its result expires 2026-02-10); the decision is on 2025-03-10 (probation ends 2026-03-10).
PUBLICITY_END = D(2025, 3, 17)
RECOMMENDATION_EXPIRES = D(2026, 2, 10)
PROBATION_END = D(2026, 3, 10)


def summary(user, today):
    return [(r.kind, r.date, r.days_left) for r in reminders(user, today=today)]


def another_case(wf, i, department=None):
    department = department or wf.department
    return services.case_create(actor=wf.staff, title=f"选拔{i}", department=department, post_title=f"职务{i}",
                                level="52", method=SelectionCase.Method.INDIVIDUAL,
                                cadres=[CadreFactory(department=department), CadreFactory(department=department)])


@pytest.fixture
def in_publicity(wf):
    case = wf.advance(wf.new_case(), through=13)
    wf.submit(case, 14)
    return case


# --- 公示 ending --------------------------------------------------------------------------------------


def test_publicity_is_reminded_from_seven_days_before_its_end(wf, in_publicity):
    assert summary(wf.staff, D(2025, 3, 9)) == []
    [reminder] = reminders(wf.staff, today=D(2025, 3, 10))
    assert (reminder.kind, reminder.case, reminder.date, reminder.days_left) == (
        "publicity_end", in_publicity, PUBLICITY_END, 7)
    assert reminder.text == "公示将于 2025-03-17 期满（还有 7 天）"
    assert not reminder.overdue


def test_an_overdue_publicity_asks_for_its_result_to_be_approved(wf, in_publicity):
    [reminder] = reminders(wf.leader, today=D(2025, 3, 20))
    assert reminder.days_left == -3 and reminder.overdue
    assert reminder.text == "公示已于 2025-03-17 期满，请及时审批公示结果"


def test_a_decided_publicity_is_not_reminded(wf, in_publicity):
    wf.approve(in_publicity, 14, today=D(2025, 3, 20))
    assert [r.kind for r in reminders(wf.staff, today=D(2025, 3, 20))] == []


# --- recommendation result expiring -------------------------------------------------------------------


def test_a_recommendation_is_reminded_thirty_days_before_it_expires(wf):
    case = wf.advance(wf.new_case(), through=6)
    assert summary(wf.staff, D(2026, 1, 10)) == []
    [reminder] = reminders(wf.staff, today=D(2026, 1, 11))
    assert (reminder.kind, reminder.case, reminder.date, reminder.days_left) == (
        "recommendation_expiring", case, RECOMMENDATION_EXPIRES, 30)
    assert reminder.text == "会议推荐结果将于 2026-02-10 失效（有效期一年，还有 30 天）"
    overdue = reminders(wf.staff, today=D(2026, 2, 12))[0]
    assert overdue.days_left == -2
    assert overdue.text.startswith("会议推荐结果已于 2026-02-10 失效（有效期一年）")


def test_a_recommendation_is_not_reminded_once_the_decision_is_made(wf, in_publicity):
    # Step 13 done: only the 公示 is reminded, never the (now used) recommendation.
    assert [r.kind for r in reminders(wf.staff, today=D(2026, 3, 1))] == ["publicity_end"]


def test_an_open_recommendation_step_is_not_reminded(wf):
    wf.advance(wf.new_case(), through=5)
    assert summary(wf.staff, D(2027, 1, 1)) == []


# --- probation ending ---------------------------------------------------------------------------------


def test_probation_is_reminded_thirty_days_before_its_end_for_each_appointed_candidate(wf):
    case = wf.advance(wf.new_case(), through=15)
    assert case.current_step == 16 and case.decided_on == D(2025, 3, 10)
    assert summary(wf.staff, D(2026, 2, 7)) == []
    [reminder] = reminders(wf.staff, today=D(2026, 2, 8))
    assert (reminder.kind, reminder.case, reminder.date, reminder.days_left) == (
        "probation_end", case, PROBATION_END, 30)
    assert reminder.text == "张三 试用期将于 2026-03-10 期满（还有 30 天）"
    overdue = reminders(wf.staff, today=D(2026, 3, 12))[0]
    assert overdue.days_left == -2
    assert overdue.text == "张三 试用期已于 2026-03-10 期满，请及时进行试用期满考核"


def test_probation_is_not_reminded_once_assessed(wf):
    case = wf.advance(wf.new_case(), through=16)
    assert case.state == SelectionCase.State.COMPLETED
    assert summary(wf.staff, D(2026, 3, 12)) == []


# --- scope --------------------------------------------------------------------------------------------


def test_a_paused_case_is_not_reminded(wf, in_publicity):
    services.case_pause(actor=wf.staff, case=in_publicity, reason="等待上级意见")
    assert summary(wf.staff, D(2025, 3, 20)) == []


def test_a_department_head_is_reminded_only_of_their_departments_cases(wf, in_publicity):
    own = role_user(Role.DEPARTMENT_HEAD, departments=[wf.department])
    other = role_user(Role.DEPARTMENT_HEAD, departments=[DepartmentFactory(name="财务科")])
    assert [r.case for r in reminders(own, today=D(2025, 3, 20))] == [in_publicity]
    assert reminders(other, today=D(2025, 3, 20)) == []


def test_reminders_come_earliest_first(wf, in_publicity):
    later = wf.advance(another_case(wf, 1), through=6)
    found = reminders(wf.staff, today=D(2026, 3, 1))
    assert [(r.kind, r.case) for r in found] == [("publicity_end", in_publicity),
                                                 ("recommendation_expiring", later)]


@pytest.mark.parametrize("count", [2, 8])
def test_reminders_run_a_fixed_number_of_queries(wf, django_assert_max_num_queries, count):
    for i in range(count):
        case = another_case(wf, i)
        if i % 3 == 0:
            wf.advance(case, through=6)  # recommendation expiring
        elif i % 3 == 1:
            wf.advance(case, through=13)
            wf.submit(case, 14)  # 公示 ending
        else:
            wf.advance(case, through=15)  # probation ending
    with django_assert_max_num_queries(2):
        found = reminders(wf.staff, today=D(2026, 3, 1))
        texts = [r.text for r in found]  # everything the include shows is already fetched
        numbers = [(r.case.number, r.case.title) for r in found]
    assert len(found) == len(texts) == len(numbers) == count


# --- pages --------------------------------------------------------------------------------------------


def test_the_inbox_and_the_case_list_show_the_reminders(client, wf, in_publicity, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: D(2025, 3, 20))
    log_in(client, wf.leader)
    for name in ("inbox", "case_list"):
        response = client.get(reverse(f"selection:{name}"))
        assert [r.kind for r in response.context["reminders"]] == ["publicity_end"]
        page = response.content.decode()
        assert "公示已于 2025-03-17 期满，请及时审批公示结果" in page
        assert in_publicity.number in page


def test_the_pages_show_no_reminder_box_without_reminders(client, wf):
    log_in(client, wf.leader)
    assert 'data-testid="reminders"' not in client.get(reverse("selection:inbox")).content.decode()
