"""Sibling units sort by their set order as a number, then as created; never as text (unit 10 before 2)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from cadres.models import Department
from cadres.selectors import department_choices, roster
from cadres.services import department_root, department_update
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(actor):
    """Eleven sections of the same sort order (as the roster import creates them), ids 2 to 12."""
    root = department_root(actor=actor)
    made = [DepartmentFactory(name=f"科室{n}", sort_order=100) for n in range(11)]
    assert root.pk < made[0].pk
    return root, made


def test_siblings_of_one_sort_order_list_in_the_order_they_were_created(units):
    root, made = units
    assert list(Department.objects.in_tree_order()) == [root, *made]


def test_a_set_order_of_2_comes_before_10_and_a_moved_subtree_follows_its_parent(actor, units):
    root, made = units
    department_update(actor=actor, department=made[5], sort_order=10)
    department_update(actor=actor, department=made[9], sort_order=2)
    child = DepartmentFactory(name="下属组", parent=made[9], sort_order=1)
    order = list(Department.objects.in_tree_order())
    assert order[:4] == [root, made[9], child, made[5]]


def test_every_list_of_units_reads_the_tree_order(client, units):
    root, made = units
    staff = role_user("人事干部")
    expected = [root, *made]
    assert list(department_choices(staff)) == expected
    cadres = [CadreFactory(department=unit) for unit in reversed(made)]
    assert list(roster(staff, {})) == list(reversed(cadres))  # grouped by unit, in the units' order
    log_in(client, staff)
    page = client.get(reverse("cadres:department_list"))
    assert list(page.context["departments"]) == expected
    form = client.get(reverse("cadres:cadre_list")).context["filter_form"]
    assert list(form.fields["department"].queryset) == expected


def test_the_migration_rewrites_old_paths_with_fixed_width_segments(units):
    root, made = units
    # The paths as the old code wrote them: the id unpadded, so "-10/" sorted before "-2/".
    for unit in [root, *made]:
        old = f"/00000-{root.pk}/" if unit == root else f"/00000-{root.pk}/{unit.sort_order:05d}-{unit.pk}/"
        Department.objects.filter(pk=unit.pk).update(path=old)
    if len(str(made[0].pk)) != len(str(made[-1].pk)):  # ids of two widths (SQLite's 2 … 12; PostgreSQL's vary)
        assert list(Department.objects.in_tree_order()) != [root, *made]
    migration = importlib.import_module("cadres.migrations.0006_department_paths_sort_numerically")
    migration.repath(apps, None)
    assert list(Department.objects.in_tree_order()) == [root, *made]
    assert all(unit.path == (unit.parent.path if unit.parent else "/") + unit.path_segment()
               for unit in Department.objects.select_related("parent"))


def test_a_sort_order_wider_than_the_path_allows_is_refused(client):
    log_in(client, role_user("人事干部"))
    response = client.post(reverse("cadres:department_create"), {"name": "新科", "kind": "section",
                                                                  "sort_order": 100000, "is_active": "on"})
    assert response.status_code == 200 and "sort_order" in response.context["form"].errors
