"""The edit form never shows the full ID number; correcting it is its own audited action; no version, no save."""

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadres import messages
from cadres.idnumbers import make_id_number
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return role_user("人事干部", username="staff")


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)


def _edit_data(cadre, **changes):
    data = {"name": cadre.name, "gender": cadre.gender, "birth_date": cadre.birth_date.isoformat(), "ethnicity": "01",
            "political_status": "01", "department": cadre.department_id, "version": cadre.version}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_edit_form_shows_personnel_staff_only_the_masked_number(staff_client):
    cadre = CadreFactory()
    response = staff_client.get(reverse("cadres:cadre_update", args=[cadre.pk]))
    assert response.status_code == 200
    assert cadre.id_number not in response.text
    assert cadre.masked_id_number in response.text
    assert "id_number" not in response.context["form"].fields
    assert reverse("cadres:cadre_id_number", args=[cadre.pk]) in response.text


def test_edit_form_ignores_a_posted_id_number(staff_client):
    cadre = CadreFactory()
    other = make_id_number("110105", cadre.birth_date, 7, cadre.gender)
    response = staff_client.post(reverse("cadres:cadre_update", args=[cadre.pk]), _edit_data(cadre, id_number=other))
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.id_number != other


def test_edit_posted_without_a_version_is_a_conflict_and_saves_nothing(staff_client):
    """Optimistic locking was skipped when the POST left the version field out."""
    cadre = CadreFactory(health="健康")
    response = staff_client.post(reverse("cadres:cadre_update", args=[cadre.pk]),
                                 _edit_data(cadre, health="一般", version=None), follow=True)
    assert messages.STALE_EDIT in response.text
    cadre.refresh_from_db()
    assert (cadre.health, cadre.version) == ("健康", 1)


def test_edit_with_a_forged_version_is_a_conflict(staff_client):
    cadre = CadreFactory(health="健康")
    response = staff_client.post(reverse("cadres:cadre_update", args=[cadre.pk]),
                                 _edit_data(cadre, health="一般", version=cadre.version + 5), follow=True)
    assert messages.STALE_EDIT in response.text
    cadre.refresh_from_db()
    assert cadre.health == "健康"


def test_correcting_the_number_needs_a_reason_and_writes_history_and_audit_without_numbers(staff_client, staff):
    cadre = CadreFactory(name="更正甲")
    new = make_id_number("110105", cadre.birth_date, 42, cadre.gender)
    url = reverse("cadres:cadre_id_number", args=[cadre.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and cadre.id_number not in page.text and cadre.masked_id_number in page.text

    refused = staff_client.post(url, {"id_number": new, "id_number_again": new, "reason": " ", "version": 1})
    assert refused.status_code == 200
    cadre.refresh_from_db()
    assert cadre.id_number != new

    response = staff_client.post(url, {"id_number": new, "id_number_again": new, "reason": "原录入有误",
                                       "version": cadre.version})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.id_number, cadre.version) == (new, 2)
    row = AuditEvent.objects.filter(event="update", object_id=str(cadre.pk)).latest("id")
    assert row.user == staff
    assert row.detail["fields"] == ["身份证号"] and "原录入有误" in row.detail["reason"]
    assert new not in str(row.detail) and new[6:14] not in str(row.detail)
    assert cadre.history.first().history_change_reason == "更正身份证号：原录入有误"


def test_a_corrected_number_with_another_birth_date_corrects_birth_date_and_gender(staff_client):
    cadre = CadreFactory(gender="1")
    import datetime as dt

    new = make_id_number("110105", dt.date(1979, 3, 4), 10, "2")
    staff_client.post(reverse("cadres:cadre_id_number", args=[cadre.pk]),
                      {"id_number": new, "id_number_again": new, "reason": "户籍更正", "version": 1})
    cadre.refresh_from_db()
    assert (cadre.birth_date, cadre.gender) == (dt.date(1979, 3, 4), "2")
    row = AuditEvent.objects.filter(event="update", object_id=str(cadre.pk)).latest("id")
    assert row.detail["fields"] == ["身份证号", "出生日期", "性别"]


@pytest.mark.parametrize(("again", "message"), [("different", messages.ID_AGAIN_DIFFERS),
                                                 ("same_as_now", messages.ID_UNCHANGED),
                                                 ("taken", messages.ID_NUMBER_TAKEN)])
def test_correction_refusals(staff_client, again, message):
    cadre, other = CadreFactory(), CadreFactory()
    new = make_id_number("110105", cadre.birth_date, 55, cadre.gender)
    first, second = {
        "different": (new, make_id_number("110105", cadre.birth_date, 56, cadre.gender)),
        "same_as_now": (cadre.id_number, cadre.id_number),
        "taken": (other.id_number, other.id_number),
    }[again]
    response = staff_client.post(reverse("cadres:cadre_id_number", args=[cadre.pk]),
                                 {"id_number": first, "id_number_again": second, "reason": "更正", "version": 1})
    assert response.status_code == 200
    assert message in response.text
    cadre.refresh_from_db()
    assert cadre.version == 1


def test_only_those_with_the_full_number_right_may_correct_it(client):
    department = DepartmentFactory()
    cadre = CadreFactory(department=department)
    url = reverse("cadres:cadre_id_number", args=[cadre.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    log_in(client, role_user("局领导"))
    assert client.get(url).status_code == 403
    log_in(client, role_user("科室负责人", departments=[DepartmentFactory()]))
    assert client.get(url).status_code == 404  # out of scope: not even found
