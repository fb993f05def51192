"""Who may edit which cadre; the audited reads and the export go through services."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.http import QueryDict
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from cadres import permissions, services
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = pytest.mark.django_db


def test_can_edit_cadre_asks_whether_the_cadre_is_in_the_users_scope():
    own, other = DepartmentFactory(), DepartmentFactory()
    head = role_user("科室负责人", departments=[own])
    head.user_permissions.add(Permission.objects.get(codename="change_cadre"))
    head = type(head).objects.get(pk=head.pk)  # a fresh permission cache
    assert permissions.can_edit_cadre(head, CadreFactory(department=own))
    assert not permissions.can_edit_cadre(head, CadreFactory(department=other))
    staff = role_user("人事干部")
    assert permissions.can_edit_cadre(staff, CadreFactory(department=other))
    assert not permissions.can_edit_cadre(role_user("局领导"), CadreFactory(department=own))


def test_the_unused_export_helper_is_gone():
    assert not hasattr(permissions, "can_export")  # exporting is the export_roster permission on the view


def test_the_roster_export_service_writes_the_workbook_and_one_audit_row():
    staff = role_user("人事干部")
    CadreFactory(name="王一")
    CadreFactory(name="李二", status="retired")
    export = services.roster_export(actor=staff, data=QueryDict("status=all&page=2"))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert export.rows == 2 and sheet.max_row == 3 and export.filename.endswith(".xlsx")
    row = AuditEvent.objects.get(event=AuditEvent.Event.EXPORT)
    assert row.user == staff and row.detail["rows"] == 2 and row.detail["filters"] == {"status": "all"}


def test_viewing_a_record_and_revealing_a_number_are_audited_by_services():
    staff, cadre = role_user("人事干部"), CadreFactory()
    services.cadre_record_viewed(actor=staff, cadre=cadre)
    services.cadre_id_number_revealed(actor=staff, cadre=cadre)
    rows = AuditEvent.objects.filter(object_id=str(cadre.pk), event__in=["view_record", "reveal"]).order_by("id")
    assert [(r.event, r.detail.get("field")) for r in rows] == [("view_record", None), ("reveal", "身份证号")]
