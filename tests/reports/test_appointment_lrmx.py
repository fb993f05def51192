"""LRMX: export, the checked import (refused whole with the field named), preview, apply, the round trip."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from cadre_office.audit.models import AuditEvent
from cadre_office.reports.appointment import messages
from cadre_office.reports.appointment.content import cadre_form
from cadre_office.reports.appointment.lrmx import LrmxRefused, lrmx_bytes, parse_lrmx
from cadre_office.reports.appointment.services import lrmx_import_apply, lrmx_import_upload
from cadre_office.reports.models import LrmxImport
from cadres.models import Cadre, Department, FamilyMember
from tests.factories import DepartmentFactory, log_in, role_user
from tests.reports.appointment_data import full_cadre

pytestmark = pytest.mark.django_db


def _export(client, cadre) -> bytes:
    response = client.get(reverse("reports:appointment_lrmx", args=[cadre.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _with(content: bytes, tag: str, text: str) -> bytes:
    root = etree.fromstring(content)
    root.find(tag).text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_the_file_has_the_pinyin_elements_and_is_deterministic():
    cadre = full_cadre()
    staff = role_user("人事干部")
    first = lrmx_bytes(cadre_form(staff, cadre.pk))
    assert first == lrmx_bytes(cadre_form(staff, cadre.pk))
    root = etree.fromstring(first)
    assert root.tag == "Person"
    assert [child.tag for child in root][:4] == ["XingMing", "XingBie", "ChuShengNianYue", "MinZu"]
    assert root.findtext("ChuShengNianYue") == "198503" and root.findtext("RuDangShiJian") == "200806"
    assert root.findtext("QuanRiZhiJiaoYu_XueLi") == "大学本科毕业"
    assert [item.findtext("ChengWei") for item in root.find("JiaTingChengYuan")] == ["妻子", "儿子"]
    assert root.findtext("ZhaoPian") and root.findtext("Version")


def test_text_is_escaped_by_the_library():
    cadre = full_cadre()
    cadre.familiar_expertise = "<script>&\"'</script>"
    cadre.save()
    content = lrmx_bytes(cadre_form(role_user("人事干部"), cadre.pk))
    assert b"<script>" not in content
    assert etree.fromstring(content).findtext("ShuXiZhuanYeYouHeZhuanChang") == "<script>&\"'</script>"


def test_round_trip_into_an_empty_database_gives_the_same_file(client):
    cadre = full_cadre()
    department = cadre.department
    staff = role_user("人事干部")
    log_in(client, staff)
    first = _export(client, cadre)
    Cadre.objects.filter(pk=cadre.pk).delete()  # only the unit is left
    assert not Cadre.objects.exists() and Department.objects.filter(pk=department.pk).exists()

    lrmx_import = lrmx_import_upload(actor=staff, filename="王晓明.lrmx", data=first)
    assert lrmx_import.cadre is None
    imported = lrmx_import_apply(actor=staff, lrmx_import=lrmx_import, department=department)
    assert FamilyMember.objects.filter(cadre=imported).count() == 2
    assert imported.educations.count() == 2 and imported.photo
    second = _export(client, imported)
    assert second == first


@pytest.mark.parametrize(("tag", "value", "error"), [
    ("ShenFenZheng", "wrong-check", "身份证号（ShenFenZheng）：校验位不正确"),
    ("CanJiaGongZuoShiJian", "2007-13", "参加工作时间（CanJiaGongZuoShiJian）：" + messages.BAD_DATE),
    ("ChuShengNianYue", "198504", "出生年月（ChuShengNianYue）：与身份证号中的出生年月（1985.03）不一致"),
    ("MinZu", "火星族", "民族（MinZu）：“火星族”不是国家标准中的名称"),
])
def test_a_file_with_an_error_is_refused_whole_with_the_field_named(client, tag, value, error):
    cadre = full_cadre()
    staff = role_user("人事干部")
    content = lrmx_bytes(cadre_form(staff, cadre.pk))
    if value == "wrong-check":
        number = cadre.id_number
        value = number[:17] + ("0" if number[17] != "0" else "1")
    bad = _with(content, tag, value)
    with pytest.raises(LrmxRefused) as refused:
        parse_lrmx(bad)
    assert error in refused.value.errors
    log_in(client, staff)
    response = client.post(reverse("reports:lrmx_upload"), {"file": SimpleUploadedFile("x.lrmx", bad)})
    assert response.status_code == 200 and error in response.content.decode()
    assert not LrmxImport.objects.exists()
    assert AuditEvent.objects.filter(event="import", outcome="failure").exists()


def test_a_doctype_is_refused():
    with pytest.raises(LrmxRefused) as refused:
        parse_lrmx(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Person><XingMing>&a;</XingMing></Person>')
    assert refused.value.errors == [messages.DOCTYPE_REFUSED]


def test_preview_shows_old_and_new_then_confirm_applies_everything(client):
    cadre = full_cadre()
    staff = role_user("人事干部")
    content = _with(lrmx_bytes(cadre_form(staff, cadre.pk)), "JiGuan", "浙江杭州")
    log_in(client, staff)
    response = client.post(reverse("reports:lrmx_upload"), {"file": SimpleUploadedFile("王晓明.lrmx", content)})
    lrmx_import = LrmxImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:lrmx_preview",
                                                                           args=[lrmx_import.pk])
    page = client.get(response["Location"]).content.decode()
    assert "江苏南京" in page and "浙江杭州" in page and 'data-testid="changed"' in page
    assert "系统中已有该部分的记录" in page  # the résumé comes from the posts, not the file
    response = client.post(reverse("reports:lrmx_preview", args=[lrmx_import.pk]), {"action": "apply"})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.native_place == "浙江杭州"
    assert cadre.history.first().history_change_reason == "导入任免审批表（LRMX）"
    lrmx_import.refresh_from_db()
    assert lrmx_import.state == LrmxImport.State.APPLIED


def test_a_new_cadre_needs_a_unit(client):
    cadre = full_cadre()
    staff = role_user("人事干部")
    content = lrmx_bytes(cadre_form(staff, cadre.pk))
    Cadre.objects.filter(pk=cadre.pk).delete()
    log_in(client, staff)
    client.post(reverse("reports:lrmx_upload"), {"file": SimpleUploadedFile("new.lrmx", content)})
    lrmx_import = LrmxImport.objects.get()
    response = client.post(reverse("reports:lrmx_preview", args=[lrmx_import.pk]), {"action": "apply"})
    assert response.status_code == 200 and messages.UNIT_REQUIRED in response.content.decode()
    assert not Cadre.objects.exists()
    response = client.post(reverse("reports:lrmx_preview", args=[lrmx_import.pk]),
                           {"action": "apply", "department": DepartmentFactory().pk})
    assert response.status_code == 302 and Cadre.objects.count() == 1


def test_a_failure_while_applying_writes_nothing(monkeypatch):
    cadre = full_cadre()
    staff = role_user("人事干部")
    content = _with(lrmx_bytes(cadre_form(staff, cadre.pk)), "JiGuan", "浙江杭州")
    lrmx_import = lrmx_import_upload(actor=staff, filename="x.lrmx", data=content)

    def boom(**kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr("cadre_office.reports.appointment.services._replace_family", boom)
    with pytest.raises(RuntimeError):
        lrmx_import_apply(actor=staff, lrmx_import=lrmx_import)
    cadre.refresh_from_db()
    assert cadre.native_place == "江苏南京"
    assert LrmxImport.objects.get().state == LrmxImport.State.PREVIEW


def test_the_import_needs_its_permission(client):
    assert client.get(reverse("reports:lrmx_upload")).status_code == 302
    log_in(client, role_user("局领导"))
    assert client.get(reverse("reports:lrmx_upload")).status_code == 403
    other = role_user("人事干部")
    lrmx_import = LrmxImport.objects.create(filename="x.lrmx", parsed={}, uploaded_by=other)
    log_in(client, role_user("人事干部"))
    assert client.get(reverse("reports:lrmx_preview", args=[lrmx_import.pk])).status_code == 404
