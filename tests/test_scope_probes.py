"""Requests for records outside one's scope are recorded (docs/security.md items 11 and 33).

They still answer 404 (a department head must not learn that another unit's cadre exists), but
each one leaves an 越权访问 row in the audit log. A number that exists nowhere is no probe of
anyone's data and leaves none.
"""

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.scope import OUT_OF_SCOPE
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    head = role_user("科室负责人", departments=[office])
    return {"head": head, "own": CadreFactory(department=office), "other": CadreFactory(department=finance)}


def _probes():
    return AuditEvent.objects.filter(event=AuditEvent.Event.ACCESS_DENIED)


@pytest.mark.parametrize("name", ["cadres:cadre_detail", "cadres:cadre_photo", "cadres:cadre_update",
                                  "cadres:cadre_status", "cadres:education_create"])
def test_each_request_for_another_units_cadre_is_a_404_and_one_audit_row(client, world, name):
    log_in(client, world["head"])
    other = world["other"]
    response = client.get(reverse(name, args=[other.pk]))
    assert response.status_code == 404
    (row,) = _probes()
    assert (row.user, row.object_type, row.object_id, row.outcome) == (world["head"], "cadres.cadre", str(other.pk),
                                                                       "denied")
    assert row.detail["reason"] == OUT_OF_SCOPE and row.detail["path"] == reverse(name, args=[other.pk])


def test_a_hundred_probes_leave_a_hundred_rows(client, world):
    log_in(client, world["head"])
    url = reverse("cadres:cadre_detail", args=[world["other"].pk])
    for _ in range(100):
        assert client.get(url).status_code == 404
    assert _probes().count() == 100


def test_a_number_that_exists_nowhere_is_a_plain_404(client, world):
    log_in(client, world["head"])
    assert client.get(reverse("cadres:cadre_detail", args=[999_999])).status_code == 404
    assert not _probes().exists()


def test_the_own_units_cadre_is_no_probe(client, world):
    log_in(client, world["head"])
    assert client.get(reverse("cadres:cadre_detail", args=[world["own"].pk])).status_code == 200
    assert not _probes().exists()


def test_another_units_selection_case_is_a_recorded_probe(client, world):
    from selection import services
    from tests.selection.conftest import ensure_default_template

    ensure_default_template()
    staff = role_user("人事干部")
    case = services.case_create(actor=staff, title="财务科副科长选拔", department=world["other"].department,
                                post_title="财务科副科长", level="52", method="competitive",
                                cadres=[world["other"]])
    log_in(client, world["head"])
    assert client.get(reverse("selection:case_detail", args=[case.pk])).status_code == 404
    (row,) = _probes()
    assert (row.object_type, row.object_id) == ("selection.selectioncase", str(case.pk))
