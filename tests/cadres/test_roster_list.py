"""The roster as offices read it (issue: roster order, blanks last, pinyin search, header in view)."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from cadres.services import post_start, rank_start
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def staff_client(client):
    return log_in(client, role_user("人事干部"))


def _names(response):
    return [cadre.name for cadre in response.context["cadres"]]


def _cadre(name, department, *, level="", start=None, rank=""):
    cadre = CadreFactory(name=name, department=department)
    actor = role_user("人事干部", username=f"a{cadre.pk}")
    if level or start:
        title = {"51": "科长", "52": "副科长"}.get(level, "科员")
        post_start(actor=actor, cadre=cadre, department=department, title=title, level=level, start_date=start)
    if rank:
        rank_start(actor=actor, cadre=cadre, rank=rank, start_date=D(2020, 1, 1))
    return cadre


def test_default_order_is_unit_then_chief_deputy_others_then_post_start_with_blanks_last(staff_client):
    second = DepartmentFactory(name="二科", sort_order=2)
    tenth = DepartmentFactory(name="十科", sort_order=10)  # a unit numbered 10 comes after 2, not before
    _cadre("十科科长", tenth, level="51", start=D(2020, 1, 1))
    _cadre("二科科员甲", second, rank="10")
    _cadre("二科副科长新", second, level="52", start=D(2024, 1, 1))
    _cadre("二科副科长老", second, level="52", start=D(2019, 1, 1))
    _cadre("二科科长", second, level="51", start=D(2022, 1, 1))
    response = staff_client.get(reverse("cadres:cadre_list"))
    assert _names(response) == ["二科科长", "二科副科长老", "二科副科长新", "二科科员甲", "十科科长"]


@pytest.mark.parametrize("sort", ["post_start", "-post_start", "level", "-level", "rank", "-rank"])
def test_blanks_sort_last_whichever_way(staff_client, sort):
    unit = DepartmentFactory()
    _cadre("有职务早", unit, level="52", start=D(2018, 1, 1), rank="08")
    _cadre("有职务晚", unit, level="51", start=D(2023, 1, 1), rank="07")
    _cadre("无职务无职级", unit)
    names = _names(staff_client.get(reverse("cadres:cadre_list"), {"sort": sort}))
    assert names[-1] == "无职务无职级", (sort, names)
    assert set(names[:2]) == {"有职务早", "有职务晚"}


def test_the_other_way_reverses_the_filled_values(staff_client):
    unit = DepartmentFactory()
    _cadre("早", unit, level="52", start=D(2018, 1, 1))
    _cadre("晚", unit, level="52", start=D(2023, 1, 1))
    assert _names(staff_client.get(reverse("cadres:cadre_list"), {"sort": "post_start"})) == ["早", "晚"]
    assert _names(staff_client.get(reverse("cadres:cadre_list"), {"sort": "-post_start"})) == ["晚", "早"]


@pytest.mark.parametrize(("q", "found"), [
    ("zhangxiao", {"张晓明"}), ("zxm", {"张晓明"}), ("ZXM", {"张晓明"}), ("晓明", {"张晓明"}),
    ("zengguo", {"曾国华"}), ("cengguo", {"曾国华"}), ("zgh", {"曾国华"}),  # 曾 as a surname reads zēng
    ("法规", {"曾国华"}),  # the unit's name
    ("办公室主任", {"张晓明"}),  # the post's title
])
def test_search_matches_pinyin_initials_unit_and_post(staff_client, q, found):
    office, legal = DepartmentFactory(name="办公室"), DepartmentFactory(name="法规科")
    _cadre("张晓明", office, level="51", start=D(2020, 1, 1)).__class__.objects.filter(name="张晓明").update(
        current_post_title="办公室主任")
    _cadre("曾国华", legal)
    _cadre("李四", office)
    assert set(_names(staff_client.get(reverse("cadres:cadre_list"), {"q": q}))) == found


def test_the_header_row_stays_in_view_while_the_list_scrolls(staff_client):
    CadreFactory()
    html = staff_client.get(reverse("cadres:cadre_list")).content.decode()
    assert 'class="table-responsive table-scroll"' in html
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert ".table-scroll thead th { position: sticky; top: 0;" in css


def test_a_bad_filter_or_sort_is_ignored_not_an_error(staff_client):
    CadreFactory(name="照常")
    response = staff_client.get(reverse("cadres:cadre_list"), {"department": "x", "sort": "nonsense", "per_page": "7",
                                                               "age_band": "99-", "level": "<script>"})
    assert response.status_code == 200 and _names(response) == ["照常"]
    assert response.context["paginator"].per_page == 50
