"""干部任免审批表 in a real browser: the record page's dropdown, an LRMX download, its import with a preview
of what changes, the confirmation; and the forms card of a case from step 13 on."""

import os
from pathlib import Path

import pytest
from lxml import etree

from cadres.models import Cadre
from selection.models import Candidate, SelectionCase
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import role_user
from tests.reports.appointment_data import full_cadre

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"
SHOTS = os.environ.get("APPOINTMENT_SCREENSHOTS")  # a folder: save the pages' screenshots there to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def staff(transactional_db):
    return role_user("人事干部", username="renshi_f", first_name="人事干部丙", password=PASSWORD)


def test_download_the_form_from_the_record_page_and_import_it_back_with_a_preview(page, staff, tmp_path):
    cadre = full_cadre()
    log_in(page, "renshi_f", PASSWORD)
    page.goto(f"{page.base_url}/cadres/{cadre.pk}/")
    page.get_by_role("button", name="任免审批表").click()
    menu = page.get_by_test_id("appointment-form-menu")
    assert menu.get_by_role("link", name="PDF（打印）").is_visible()
    assert menu.get_by_role("link", name="Word（可编辑）").is_visible()
    _shot(page, "record-dropdown")
    with page.expect_download() as download:
        menu.get_by_role("link", name="LRMX（电子表）").click()
    content = Path(download.value.path()).read_bytes()
    assert etree.fromstring(content).findtext("XingMing") == "王晓明"

    root = etree.fromstring(content)
    root.find("JiGuan").text = "浙江杭州"
    edited = tmp_path / "王晓明.lrmx"
    edited.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    page.get_by_role("link", name="任免审批表导入").click()
    page.set_input_files("input[type=file]", str(edited))
    page.get_by_role("button", name="上传并预览").click()
    changed = page.get_by_test_id("changed")
    assert changed.count() == 1 and "浙江杭州" in changed.inner_text() and "江苏南京" in changed.inner_text()
    assert "表中仍按系统记录填写" in page.get_by_test_id("derived-parts").inner_text()
    _shot(page, "import-preview")
    assert_accessible(page)
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(f"**/cadres/{cadre.pk}/")
    assert "已导入 王晓明 的任免审批表" in page.content()
    assert Cadre.objects.get(pk=cadre.pk).native_place == "浙江杭州"


def test_a_refused_file_lists_each_error_with_its_field(page, staff, tmp_path):
    log_in(page, "renshi_f", PASSWORD)
    bad = tmp_path / "bad.lrmx"
    bad.write_text('<?xml version="1.0" encoding="UTF-8"?><Person><XingMing>张三</XingMing><XingBie>男</XingBie>'
                   "<ChuShengNianYue>1985-3</ChuShengNianYue><MinZu>汉族</MinZu>"
                   "<ShenFenZheng>110101198503120011</ShenFenZheng></Person>", encoding="utf-8")
    page.goto(f"{page.base_url}/reports/appointment-forms/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.get_by_test_id("lrmx-errors").inner_text()
    assert "出生年月（ChuShengNianYue）" in errors and "身份证号（ShenFenZheng）" in errors
    _shot(page, "import-refused")
    assert_accessible(page)


def test_the_case_page_offers_each_candidate_form_from_step_13(page, staff):
    from tests.selection.conftest import ensure_default_template

    cadre = full_cadre()
    case = SelectionCase.objects.create(number="XB-2026-009", title="办公室副主任选拔", department=cadre.department,
                                        post_title="办公室副主任", level="52", template=ensure_default_template(),
                                        current_step=13, created_by=staff)
    candidate = Candidate.objects.create(case=case, number=1, cadre=cadre)
    log_in(page, "renshi_f", PASSWORD)
    page.goto(f"{page.base_url}/selection/{case.pk}/")
    card = page.get_by_test_id("appointment-forms")
    assert "未填写" in card.inner_text()
    _shot(page, "case-forms")
    assert_accessible(page, context="[data-testid=appointment-forms]")
    card.get_by_role("link", name="填写").click()
    page.fill("textarea[name=appointment_reason]", "经党组研究，拟任办公室副主任")
    page.get_by_role("button", name="保存").click()
    assert "经党组研究，拟任办公室副主任" in page.get_by_test_id("appointment-forms").inner_text()
    candidate.refresh_from_db()
    assert candidate.appointment_reason == "经党组研究，拟任办公室副主任"
    with page.expect_download() as download:
        page.get_by_test_id("forms-zip").click()
    assert download.value.suggested_filename.endswith(".zip")
