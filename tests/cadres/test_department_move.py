"""Issue 10, item 5: moving a unit widened a department head's scope silently (docs/security.md item 34).

A move now records the old and the new parent; when it changes what anyone sees it shows who
gains (or loses) how many cadres and waits for the security administrator's confirmation.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cadre_office.accounts import messages as account_messages
from cadre_office.accounts.models import ChangeRequest
from cadre_office.accounts.services import change_request_confirm
from cadre_office.audit.models import AuditEvent
from cadre_office.audit.reports import detail_text
from cadres.codes import PersonnelStatus
from cadres.models import Department
from cadres.permissions import visible_to
from cadres.services.departments import (
    MOVE_NEEDS_CONFIRMATION,
    DepartmentMoveNeedsConfirmation,
    department_move_impact,
    department_request_move,
    department_root,
    department_update,
)
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, log_in, role_user

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


@pytest.fixture
def tree(db):
    """The bureau with 办公室 (its head keshi) and 档案馆 (16 cadres, 15 in service) beside it."""
    root = department_root(actor=UserFactory(username="factory"))
    office = DepartmentFactory(name="办公室", parent=root)
    archive = DepartmentFactory(name="档案馆", parent=root, kind=Department.Kind.UNIT)
    reading_room = DepartmentFactory(name="阅览室", parent=archive)
    for i in range(12):
        CadreFactory(department=archive, name=f"档案{i}")
    for i in range(4):
        CadreFactory(department=reading_room, name=f"阅览{i}",
                     status=PersonnelStatus.RETIRED if i == 0 else PersonnelStatus.ACTIVE)
    CadreFactory(department=office, name="办公室甲")
    return {
        "root": root, "office": office, "archive": archive, "reading_room": reading_room,
        "keshi": role_user("科室负责人", username="keshi", first_name="张三", departments=[office]),
        "xitong": role_user("系统管理员", username="xitong", first_name="王某"),
        "anquan": role_user("安全管理员", username="anquan", first_name="李某"),
    }


def _edit_data(department, **changes):
    data = {"name": department.name, "short_name": department.short_name, "kind": department.kind,
            "parent": department.parent_id or "", "sort_order": department.sort_order, "is_active": "on"}
    data.update(changes)
    return data


def test_a_move_that_widens_a_scope_is_previewed_and_waits_for_the_security_administrator(tree):
    archive, office, keshi = tree["archive"], tree["office"], tree["keshi"]
    url = reverse("cadres:department_update", args=[archive.pk])
    xitong_client = log_in(Client(), tree["xitong"])

    # Saving the move shows who would gain sight of how many cadres, and moves nothing.
    response = xitong_client.post(url, _edit_data(archive, parent=office.pk))
    assert response.status_code == 200
    preview = response.context["impact"]
    assert preview.lines() == ["张三（keshi，科室负责人，管辖：办公室）将新增可见干部 16 人（其中在职 15 人）"]
    assert preview.lines()[0] in response.text and "提交安全管理员确认" in response.text
    archive.refresh_from_db()
    assert archive.parent == tree["root"]
    assert visible_to(keshi).count() == 1

    # Submitting it (with a reason) saves the other changes now and asks for the move.
    response = xitong_client.post(url, _edit_data(archive, parent=office.pk, sort_order=520, request_move="1",
                                                  move_reason="机构改革，档案馆划归办公室"))
    assert response.status_code == 302
    archive.refresh_from_db()
    assert (archive.parent, archive.sort_order) == (tree["root"], 520)
    change = ChangeRequest.objects.get(kind="move_department")
    assert (change.state, change.target_department, change.requested_by) == ("pending", archive, tree["xitong"])
    assert change.payload["parent"] == {"id": office.pk, "name": "办公室"}
    assert change.payload["gains"][0]["cadres"] == 16
    assert "移到“办公室”之下（xitong" in xitong_client.get(url).text  # the edit page says it waits

    # Only the security administrator confirms: not a 局领导, not the requester.
    for who in (role_user("局领导", username="lingdao"), tree["xitong"]):
        with pytest.raises(ValidationError) as exc:
            change_request_confirm(actor=who, request=change)
        assert exc.value.messages == [account_messages.CHANGE_NOT_CONFIRMER]
    anquan_client = log_in(Client(), tree["anquan"])
    page = anquan_client.get(reverse("accounts:change_list"))
    assert page.context["account_changes_count"] == 1 and "将新增可见干部 16 人" in page.text
    detail = anquan_client.get(reverse("accounts:change_detail", args=[change.pk]))
    assert detail.context["live_impact"].lines() == preview.lines()
    anquan_client.post(reverse("accounts:change_detail", args=[change.pk]), {"decision": "confirm"})

    archive.refresh_from_db()
    assert archive.parent == office and archive.path.startswith(office.path)
    assert visible_to(keshi).count() == 17
    row = AuditEvent.objects.get(event=Event.DEPARTMENT_MOVE)
    assert (row.user, row.object_id) == (tree["anquan"], str(archive.pk))
    assert row.detail["parent"] == {"from": {"id": tree["root"].pk, "name": tree["root"].name},
                                    "to": {"id": office.pk, "name": "办公室"}}
    assert row.detail["gains"][0]["user"] == "keshi" and row.detail["gains"][0]["cadres"] == 16
    assert row.detail["requested_by"] == "xitong" and row.detail["request"] == change.pk
    # As the audit administrator reads it.
    text = detail_text(row)
    assert f"上级单位：{tree['root'].name} → 办公室" in text
    assert "新增可见：账号：keshi" in text and "干部人数：16" in text and "申请人：xitong" in text


def test_the_service_refuses_such_a_move_without_a_confirmed_request(tree):
    """Not only the page: department_update itself refuses, whoever calls it."""
    with pytest.raises(DepartmentMoveNeedsConfirmation) as exc:
        department_update(actor=tree["xitong"], department=tree["archive"], parent=tree["office"])
    assert exc.value.message_dict == {"parent": [MOVE_NEEDS_CONFIRMATION]}
    assert exc.value.impact.gains[0].username == "keshi"
    tree["archive"].refresh_from_db()
    assert tree["archive"].parent == tree["root"]
    assert not AuditEvent.objects.filter(event=Event.DEPARTMENT_MOVE).exists()


def test_a_move_that_changes_nobodys_view_is_done_at_once_and_names_both_parents(tree):
    finance = DepartmentFactory(name="财务科", parent=tree["root"])
    client = log_in(Client(), tree["xitong"])
    response = client.post(reverse("cadres:department_update", args=[tree["archive"].pk]),
                           _edit_data(tree["archive"], parent=finance.pk))
    assert response.status_code == 302
    tree["archive"].refresh_from_db()
    assert tree["archive"].parent == finance
    row = AuditEvent.objects.get(event=Event.DEPARTMENT_MOVE)
    assert row.detail == {"reason": "移动单位", "gains": [], "losses": [],
                          "parent": {"from": {"id": tree["root"].pk, "name": tree["root"].name},
                                     "to": {"id": finance.pk, "name": "财务科"}}}
    assert not ChangeRequest.objects.exists()


def test_a_move_that_narrows_a_scope_needs_confirmation_too(tree):
    archive, office = tree["archive"], tree["office"]
    change = department_request_move(actor=tree["xitong"], department=archive, parent=office, reason="划入")
    change_request_confirm(actor=tree["anquan"], request=change)
    impact = department_move_impact(department=Department.objects.get(pk=archive.pk), parent=tree["root"])
    assert impact.lines() == ["张三（keshi，科室负责人，管辖：办公室）将不再能查看干部 16 人（其中在职 15 人）"]
    with pytest.raises(DepartmentMoveNeedsConfirmation):
        department_update(actor=tree["xitong"], department=Department.objects.get(pk=archive.pk),
                          parent=tree["root"])


def test_cadres_a_head_already_sees_inside_the_moved_unit_are_not_counted_and_a_head_above_both_gains_nothing(tree):
    role_user("科室负责人", username="yuelan", first_name="阅览室主任", departments=[tree["reading_room"]])
    role_user("科室负责人", username="juzhang", first_name="全局", departments=[tree["root"]])
    impact = department_move_impact(department=tree["archive"], parent=tree["office"])
    assert [change.username for change in impact.gains] == ["keshi"] and not impact.losses

    role_user("科室负责人", username="both", first_name="兼管", departments=[tree["office"], tree["reading_room"]])
    impact = department_move_impact(department=tree["archive"], parent=tree["office"])
    gains = {change.username: change.cadres for change in impact.gains}
    assert gains == {"keshi": 16, "both": 12}  # the reading room's 4 it already saw


def test_the_confirmation_recomputes_on_the_tree_as_it_is_then(tree):
    change = department_request_move(actor=tree["xitong"], department=tree["archive"], parent=tree["office"],
                                     reason="划入")
    role_user("科室负责人", username="keshi2", first_name="李四", departments=[tree["office"]])
    change_request_confirm(actor=tree["anquan"], request=change)
    row = AuditEvent.objects.get(event=Event.DEPARTMENT_MOVE)
    assert sorted(entry["user"] for entry in row.detail["gains"]) == ["keshi", "keshi2"]


def test_one_pending_move_per_unit(tree):
    department_request_move(actor=tree["xitong"], department=tree["archive"], parent=tree["office"], reason="划入")
    finance = DepartmentFactory(name="财务科", parent=tree["root"])
    with pytest.raises(ValidationError):
        department_update(actor=tree["xitong"], department=Department.objects.get(pk=tree["archive"].pk),
                          parent=finance)


@pytest.mark.parametrize("size", [2, 20])
def test_the_impact_costs_the_same_queries_whatever_the_accounts_and_units(tree, django_assert_num_queries, size):
    for i in range(size):
        unit = DepartmentFactory(name=f"单位{size}-{i}", parent=tree["office"])
        CadreFactory(department=unit)
        sub = DepartmentFactory(name=f"下级{size}-{i}", parent=tree["archive"])
        CadreFactory(department=sub)
        role_user("科室负责人", username=f"head{size}-{i}", departments=[tree["office"]])
        role_user("科室负责人", username=f"inside{size}-{i}", departments=[sub])
    archive = Department.objects.get(pk=tree["archive"].pk)
    office = Department.objects.get(pk=tree["office"].pk)
    # The old parent (for the audit row's "from"), the grants on the ancestors and inside the unit with
    # their accounts, those accounts' roles, and the unit's cadres counted per sub-unit: 4.
    with django_assert_num_queries(4):
        impact = department_move_impact(department=archive, parent=office)
    assert len(impact.gains) == size + 1 and all(change.cadres == 16 + size for change in impact.gains)
