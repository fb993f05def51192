"""The child records of a cadre from one core: the registry, the one view set, the one save / delete service."""

import datetime as dt

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadres import records
from cadres.views.records import ChildRecordCreateView, ChildRecordDeleteView, ChildRecordUpdateView
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

# Valid form data for each registered kind (a kind added later adds its line here).
def _visit(cadre):
    """The 考察 a shortcoming belongs to: the one entered before it, or one made here when tested alone."""
    from oversight.models import InspectionVisit

    return cadre.inspection_visits.first() or InspectionVisit.objects.create(
        cadre=cadre, visited_on="2024-10-10", inspectors="组织人事科 张某", political_rating="good",
        performance_rating="fair", morale_rating="good", integrity_rating="good")


FORM_DATA = {
    ("cadres", "education"): {"kind": "fulltime", "level": "21", "degree": "法学学士", "school_major": "某大学法学"},
    ("cadres", "post"): lambda cadre: {"department": cadre.department_id, "title": "科员", "start_date": "2020-01-01"},
    ("cadres", "rank"): {"rank": "08", "start_date": "2019-06-01"},
    ("cadres", "resume"): {"start_date": "2006.09", "end_date": "2010.07", "unit": "某某大学法学院", "post": "学生"},
    ("cadres", "reward"): {"kind": "title", "name": "区优秀公务员", "level": "county", "granted_on": "2019.12"},
    ("oversight", "appraisal"): {"year": 2024, "grade": "competent"},
    ("oversight", "discipline"): {"kind": "warning", "decided_on": "2024-09-01", "effect_until": "2025-09-01"},
    ("oversight", "recognition"): {"occasion": "2024年度民主测评", "evaluated_on": "2024-12-20", "participants": 30,
                                   "approving": 27},
    ("oversight", "inspection_visit"): {"visited_on": "2024-10-10", "inspectors": "组织人事科 张某",
                                        "political_rating": "good", "performance_rating": "fair",
                                        "morale_rating": "good", "integrity_rating": "good"},
    ("oversight", "shortcoming"): lambda cadre: {"visit": _visit(cadre).pk, "area": "performance",
                                                 "description": "统筹协调能力有待提高"},
    ("cadres", "family"): {"relation": "妻子", "name": "李某某", "birth_date": "1989.03", "political_status": "13",
                           "work_unit_and_post": "某某公司职员"},
}



def test_the_registry_holds_the_roster_kinds_and_the_ones_oversight_registers():
    kinds = [(t.namespace, t.slug) for t in records.record_types()]
    assert kinds == list(FORM_DATA)
    assert [(tab.key, tab.label) for tab in records.tabs()] == [
        ("education", "学历学位"), ("posts", "职务任职"), ("ranks", "职级"), ("resume", "简历"),
        ("oversight", "考核与奖惩"), ("inspection", "定期考察"), ("training", "培养"), ("family", "家庭成员")]


@pytest.mark.parametrize("key", list(FORM_DATA), ids=lambda key: key[1])
def test_every_kind_is_added_edited_and_deleted_through_the_one_view_set_and_service(staff_client, staff, key):
    record_type = next(t for t in records.record_types() if (t.namespace, t.slug) == key)
    cadre = CadreFactory()
    data = FORM_DATA[key](cadre) if callable(FORM_DATA[key]) else FORM_DATA[key]
    name = f"{record_type.namespace}:{record_type.slug}"
    page = reverse("cadres:cadre_detail", args=[cadre.pk]) + f"#{record_type.tab.key}"

    create = reverse(f"{name}_create", args=[cadre.pk])
    response = staff_client.get(create)
    assert response.status_code == 200 and isinstance(response.context["view"], ChildRecordCreateView)
    assert response.context["heading"] == record_type.heading("add")
    response = staff_client.post(create, data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == page
    obj = record_type.model.objects.get(cadre=cadre)
    assert obj.history.get().history_user == staff

    update = reverse(f"{name}_update", args=[cadre.pk, obj.pk])
    response = staff_client.get(update)
    assert isinstance(response.context["view"], ChildRecordUpdateView)
    assert staff_client.post(update, data).status_code == 302

    delete = reverse(f"{name}_delete", args=[cadre.pk, obj.pk])
    assert isinstance(staff_client.get(delete).context["view"], ChildRecordDeleteView)
    assert staff_client.post(delete).status_code == 302
    assert not record_type.model.objects.filter(pk=obj.pk).exists()
    history = list(record_type.model.history.filter(id=obj.pk).order_by("history_date"))
    assert [(h.history_type, h.history_user) for h in history] == [("+", staff), ("~", staff), ("-", staff)]
    assert history[-1].history_change_reason == record_type.reason("delete")
    audit = AuditEvent.objects.filter(object_type="cadres.cadre", object_id=str(cadre.pk), detail__record_id=obj.pk)
    assert sorted(audit.values_list("event", flat=True)) == sorted(["create", "update", "delete"])
    assert {row.detail["record"] for row in audit} == {str(record_type.model._meta.verbose_name)}


def test_the_record_page_shows_each_registered_tab_with_its_records(staff_client, staff):
    cadre = CadreFactory()
    for key, data in FORM_DATA.items():
        namespace, slug = key
        staff_client.post(reverse(f"{namespace}:{slug}_create", args=[cadre.pk]),
                          data(cadre) if callable(data) else data)
    response = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    tabs = {view.tab.key: view for view in response.context["record_tabs"]}
    # The 简历 tab counts the lines of the résumé: the one entered and the one drawn from the post.
    assert {key: view.count for key, view in tabs.items()} == {
        "education": 1, "posts": 1, "ranks": 1, "resume": 2, "oversight": 4, "inspection": 2, "training": 0,
        "family": 1}
    for key in tabs:
        assert f'data-bs-target="#{key}"' in response.text and f'id="{key}"' in response.text
    assert 'data-testid="appraisal-row"' in response.text and "科员" in response.text
    # The change history reads the same registry.
    subjects = {entry.subject for entry in response.context["history"]}
    assert {"学历学位", "职务任职", "职级任职", "简历", "奖励", "年度考核", "处分与诫勉", "家庭成员"} <= subjects


def test_a_department_head_with_the_right_to_edit_meets_404_for_a_cadre_outside_the_scope(client):
    from django.contrib.auth.models import Permission

    own, other = DepartmentFactory(), DepartmentFactory()
    head = role_user("科室负责人", departments=[own])
    head.user_permissions.add(Permission.objects.get(codename="change_cadre"))
    log_in(client, head)
    outside, inside = CadreFactory(department=other), CadreFactory(department=own)
    assert client.get(reverse("cadres:education_create", args=[outside.pk])).status_code == 404
    assert client.get(reverse("cadres:education_create", args=[inside.pk])).status_code == 200


def test_a_new_post_ends_the_open_one_through_its_kinds_hook(staff):
    from cadres.models import Cadre, PostAssignment
    from cadres.services import child_record_save

    cadre = CadreFactory()
    first = child_record_save(actor=staff, obj=PostAssignment(cadre=cadre, department=cadre.department, title="副科长",
                                                               level="52", start_date=dt.date(2018, 1, 1)),
                              close_previous=True)
    child_record_save(actor=staff, obj=PostAssignment(cadre=cadre, department=cadre.department, title="科长",
                                                      level="51", start_date=dt.date(2022, 3, 1)), close_previous=True)
    first.refresh_from_db()
    assert first.end_date == dt.date(2022, 2, 28)
    assert Cadre.objects.get(pk=cadre.pk).current_post_title == "科长"
