"""The roster pages: anonymous, without permission, with permission; query counts pinned."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from cadres import messages
from cadres.models import Cadre, PostAssignment
from cadres.services import cadre_update, post_start
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return role_user("人事干部", username="staff")


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)


def _roster(n: int, departments: int = 5):
    depts = [DepartmentFactory() for _ in range(departments)]
    cadres = [CadreFactory(department=depts[i % departments]) for i in range(n)]
    for cadre in cadres:
        EducationFactory(cadre=cadre)
    return cadres


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_permission_is_forbidden(client):
    # An account with a current password but no role (as the system administrator creates them).
    log_in(client, role_user("人事干部", username="nobody"))
    get_user_model().objects.get(username="nobody").groups.clear()
    assert client.get(reverse("cadres:cadre_list")).status_code == 403
    assert client.get(reverse("cadres:cadre_export")).status_code == 403


def test_roster_lists_active_cadres_by_default(staff_client):
    active = CadreFactory(name="张在职")
    CadreFactory(name="李退休", status="retired")
    response = staff_client.get(reverse("cadres:cadre_list"))
    assert active.name in response.text
    assert "李退休" not in response.text
    response = staff_client.get(reverse("cadres:cadre_list"), {"status": "all"})
    assert "李退休" in response.text


def test_search_by_name_or_id_fragment(staff_client):
    wang = CadreFactory(name="王小明")
    CadreFactory(name="赵大海")
    by_name = staff_client.get(reverse("cadres:cadre_list"), {"q": "小明"})
    assert list(by_name.context["cadres"]) == [wang]
    by_id = staff_client.get(reverse("cadres:cadre_list"), {"q": wang.id_number[-6:]})
    assert list(by_id.context["cadres"]) == [wang]


def test_filters_by_department_including_sub_departments(staff_client):
    parent = DepartmentFactory(name="综合执法大队")
    child = DepartmentFactory(name="执法一中队", parent=parent)
    in_child = CadreFactory(department=child)
    CadreFactory()
    response = staff_client.get(reverse("cadres:cadre_list"), {"department": parent.pk})
    assert list(response.context["cadres"]) == [in_child]


def test_filters_by_age_band_on_full_years(staff_client):
    today = dt.date.today()
    forty = CadreFactory(birth_date=dt.date(today.year - 40, 1, 1))  # 40 full years since 1 January
    CadreFactory(birth_date=dt.date(today.year - 50, 1, 1))
    response = staff_client.get(reverse("cadres:cadre_list"), {"age_band": "36-40"})
    assert list(response.context["cadres"]) == [forty]


def test_filters_by_level_rank_gender_party_education(staff_client, actor):
    chief = CadreFactory(gender="2")
    post_start(actor=actor, cadre=chief, department=chief.department, title="科长", level="51",
               start_date=dt.date(2020, 1, 1))
    EducationFactory(cadre=chief, level="14")
    other = CadreFactory(political_status="13")
    EducationFactory(cadre=other, level="31")
    url = reverse("cadres:cadre_list")
    assert list(staff_client.get(url, {"level": "51"}).context["cadres"]) == [chief]
    assert list(staff_client.get(url, {"level": "none"}).context["cadres"]) == [other]
    assert list(staff_client.get(url, {"gender": "2"}).context["cadres"]) == [chief]
    assert list(staff_client.get(url, {"political_status": "non_party"}).context["cadres"]) == [other]
    assert list(staff_client.get(url, {"education": "postgraduate"}).context["cadres"]) == [chief]
    assert list(staff_client.get(url, {"education": "junior_college"}).context["cadres"]) == [other]


def test_sorting_by_birth_date_both_ways(staff_client):
    old = CadreFactory(birth_date=dt.date(1970, 1, 1))
    young = CadreFactory(birth_date=dt.date(1995, 1, 1))
    url = reverse("cadres:cadre_list")
    assert list(staff_client.get(url, {"sort": "birth_date"}).context["cadres"]) == [old, young]
    assert list(staff_client.get(url, {"sort": "-birth_date"}).context["cadres"]) == [young, old]


@pytest.mark.parametrize("size", [5, 60])
def test_roster_query_count_does_not_grow_with_rows_or_page_size(staff_client, django_assert_num_queries, size):
    _roster(size)
    # 1 session, 1 user, 1 the verified TOTP device (人事干部 sign in with a second factor), 2 permission
    # look-ups (user and group perms, cached for the request), 1 the user's roles in the top bar,
    # 1 departments of the filter bar, 1 count, 1 page of cadres with their departments, 1 prefetch of
    # their education, and 3 to refresh the session's idle timeout (savepoint, update, release).
    # Nothing per row.
    with django_assert_num_queries(13):
        response = staff_client.get(reverse("cadres:cadre_list"), {"per_page": 200})
    assert len(response.context["cadres"]) == size


def test_export_contains_the_filtered_rows_and_neutralises_formulas(staff_client):
    CadreFactory(name="王一", remarks="=HYPERLINK(\"http://x\")")
    CadreFactory(name="李二", status="retired")
    response = staff_client.get(reverse("cadres:cadre_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "身份证号" in header and "工作单位" in header
    names = [row[header.index("姓名")] for row in rows[1:]]
    assert names == ["王一"]
    cell = sheet.cell(row=2, column=header.index("备注") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_export_query_count_is_fixed(staff_client, django_assert_max_num_queries):
    _roster(30)
    # session, user, the verified TOTP device, 2 permissions, departments (filter form), cadres +
    # education prefetch per 2,000-row chunk, 3 for the session refresh.
    with django_assert_max_num_queries(11):
        response = staff_client.get(reverse("cadres:cadre_export"))
        b"".join(response.streaming_content)


def test_record_page_shows_history_with_author(staff_client, staff):
    cadre = CadreFactory(name="周记录")
    cadre_update(actor=staff, cadre=cadre, data={"health": "良好"})
    response = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert response.status_code == 200
    history = response.context["history"]
    change = next(entry for entry in history if entry.action == "修改")
    assert change.who == "staff"
    assert ("健康状况", "（空）", "良好") in change.changes


def test_edit_form_saves_through_service_with_history(staff_client, staff):
    cadre = CadreFactory(name="吴修改")
    url = reverse("cadres:cadre_update", args=[cadre.pk])
    form = staff_client.get(url).context["form"]
    data = {name: (value if value is not None else "") for name, value in form.initial.items() if name != "photo"}
    data.update(department=cadre.department_id, native_place="四川绵阳", version=cadre.version)
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    cadre.refresh_from_db()
    assert cadre.native_place == "四川绵阳"
    assert cadre.history.first().history_user == staff


def test_stale_edit_keeps_the_newer_data(staff_client, staff):
    cadre = CadreFactory(name="郑并发", health="健康")
    url = reverse("cadres:cadre_update", args=[cadre.pk])
    loaded_version = cadre.version
    cadre_update(actor=staff, cadre=cadre, data={"health": "良好"})  # someone else saves first
    data = {"name": cadre.name, "gender": cadre.gender, "id_number": cadre.id_number, "ethnicity": "01",
            "political_status": "01", "department": cadre.department_id, "health": "一般", "version": loaded_version}
    response = staff_client.post(url, data, follow=True)
    assert messages.STALE_EDIT in response.text
    cadre.refresh_from_db()
    assert cadre.health == "良好"


def test_create_form_shows_chinese_errors(staff_client):
    response = staff_client.post(reverse("cadres:cadre_create"), {"name": "钱错误", "id_number": "110105199001011235"})
    assert response.status_code == 200
    assert "校验位错误" in response.text


def test_post_form_starts_new_post_and_ends_previous(staff_client, staff):
    cadre = CadreFactory()
    post_start(actor=staff, cadre=cadre, department=cadre.department, title="副科长", level="52",
               start_date=dt.date(2018, 1, 1))
    response = staff_client.post(reverse("cadres:post_create", args=[cadre.pk]), {
        "department": cadre.department_id, "title": "科长", "level": "51", "start_date": "2022-03-01",
    })
    assert response.status_code == 302
    posts = list(PostAssignment.objects.filter(cadre=cadre).order_by("start_date"))
    assert posts[0].end_date == dt.date(2022, 2, 28)
    assert Cadre.objects.get(pk=cadre.pk).current_post_title == "科长"


def test_child_record_of_another_cadre_is_not_found(staff_client, staff):
    first, second = CadreFactory(), CadreFactory()
    education = EducationFactory(cadre=first)
    url = reverse("cadres:education_update", args=[second.pk, education.pk])
    assert staff_client.get(url).status_code == 404


def test_photo_is_served_only_through_the_permission_checked_view(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    cadre = CadreFactory()
    url = reverse("cadres:cadre_photo", args=[cadre.pk])
    assert staff_client.get(url).status_code == 404  # no photo yet
    cadre.photo = SimpleUploadedFile("p.png", b"\x89PNG fake", content_type="image/png")
    cadre.save()
    response = staff_client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert Client().get(url).status_code == 302


@pytest.mark.parametrize("kind", ["education", "post", "rank"])
def test_deleting_a_child_record_goes_through_its_service_with_history(staff_client, staff, kind):
    from tests.factories import PostFactory, RankFactory

    cadre = CadreFactory()
    factory = {"education": EducationFactory, "post": PostFactory, "rank": RankFactory}[kind]
    record = factory(cadre=cadre)
    url = reverse(f"cadres:{kind}_delete", args=[cadre.pk, record.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url)
    assert response.status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()
    deletion = type(record).history.filter(id=record.pk, history_type="-").get()
    assert deletion.history_user == staff
