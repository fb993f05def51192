"""Writes to the roster: cadres, posts, ranks, education, status and the department tree."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadres import messages
from cadres.codes import EducationLevel, LeadershipLevel, PersonnelStatus, PoliticalStatus, Rank
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment
from cadres.services import (
    StaleEditError,
    cadre_create,
    cadre_set_status,
    cadre_update,
    department_create,
    department_for_roster_name,
    department_root,
    department_update,
    education_delete,
    education_save,
    post_delete,
    post_end,
    post_save,
    post_start,
    rank_delete,
    rank_save,
    rank_start,
    refresh_current_assignments,
)
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, unique_id_number

pytestmark = pytest.mark.django_db

D = dt.date
DEPUTY, CHIEF = LeadershipLevel.TOWNSHIP_DEPUTY, LeadershipLevel.TOWNSHIP_CHIEF


@pytest.fixture
def cadre():
    return CadreFactory()


def start_post(actor, cadre, start, level=DEPUTY, title="副科长", **kwargs):
    return post_start(actor=actor, cadre=cadre, department=cadre.department, title=title, level=level,
                      start_date=start, **kwargs)


def latest_history(obj):
    return obj.history.order_by("-history_id").first()


# --- posts ---------------------------------------------------------------------------------------


def test_post_start_ends_the_open_post_the_day_before(actor, cadre):
    first = start_post(actor, cadre, D(2020, 1, 1))
    second = start_post(actor, cadre, D(2024, 3, 1), level=CHIEF, title="科长")
    first.refresh_from_db()
    assert first.end_date == D(2024, 2, 29)
    assert second.end_date is None
    assert list(cadre.posts.open()) == [second]
    assert latest_history(first).history_change_reason == "任职"


def test_post_start_sets_the_cached_current_post(actor, cadre):
    start_post(actor, cadre, D(2024, 3, 1), level=CHIEF, title="科长")
    cadre.refresh_from_db()
    assert (cadre.current_post_title, cadre.current_level, cadre.current_post_start) == ("科长", CHIEF, D(2024, 3, 1))


@pytest.mark.parametrize("start", [D(2020, 1, 1), D(2019, 12, 31)])
def test_post_start_on_or_before_the_open_post_start_is_refused(actor, cadre, start):
    first = start_post(actor, cadre, D(2020, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        start_post(actor, cadre, start, level=CHIEF, title="科长")
    assert "start_date" in excinfo.value.message_dict
    first.refresh_from_db()
    assert first.end_date is None
    assert cadre.posts.count() == 1
    cadre.refresh_from_db()
    assert cadre.current_post_title == "副科长"


def test_post_start_without_closing_keeps_both_posts_open(actor, cadre):
    start_post(actor, cadre, D(2020, 1, 1))
    start_post(actor, cadre, D(2021, 1, 1), level="", title="党支部书记", close_previous=False)
    assert cadre.posts.open().count() == 2


def test_leadership_post_needs_a_start_date(actor, cadre):
    with pytest.raises(ValidationError) as excinfo:
        start_post(actor, cadre, None)
    assert excinfo.value.message_dict["start_date"] == [messages.POST_START_REQUIRED]
    assert not cadre.posts.exists()


def test_refresh_current_assignments_picks_the_highest_level_open_post(actor, cadre):
    start_post(actor, cadre, D(2023, 1, 1), level=DEPUTY, title="副主任")
    start_post(actor, cadre, D(2020, 1, 1), level=CHIEF, title="主任", close_previous=False)
    start_post(actor, cadre, D(2024, 1, 1), level="", title="工会主席", close_previous=False)
    cadre.refresh_from_db()
    assert (cadre.current_post_title, cadre.current_level, cadre.current_post_start) == ("主任", CHIEF, D(2020, 1, 1))


def test_refresh_current_assignments_ignores_ended_posts_and_clears_when_none_open(actor, cadre):
    post = start_post(actor, cadre, D(2020, 1, 1), level=CHIEF, title="主任")
    post_end(actor=actor, post=post, end_date=D(2025, 6, 30))
    cadre.refresh_from_db()
    assert (cadre.current_post_title, cadre.current_level, cadre.current_post_start) == ("", "", None)
    assert latest_history(post).history_change_reason == "免职"


def test_refresh_current_assignments_writes_nothing_when_nothing_changed(actor, cadre):
    start_post(actor, cadre, D(2020, 1, 1))
    cadre.refresh_from_db()
    before = cadre.history.count()
    refresh_current_assignments(actor=actor, cadre=cadre)
    assert cadre.history.count() == before


def test_post_save_corrects_a_post_and_the_cache(actor, cadre):
    post = start_post(actor, cadre, D(2020, 1, 1))
    post.title, post.level = "科长", CHIEF
    post_save(actor=actor, post=post)
    cadre.refresh_from_db()
    assert (cadre.current_post_title, cadre.current_level) == ("科长", CHIEF)


def test_post_end_before_start_is_refused(actor, cadre):
    post = start_post(actor, cadre, D(2020, 1, 1))
    with pytest.raises(ValidationError):
        post_end(actor=actor, post=post, end_date=D(2019, 12, 31))
    post.refresh_from_db()
    assert post.end_date is None


def test_post_delete_leaves_history_and_refreshes_the_cache(actor, cadre):
    post = start_post(actor, cadre, D(2020, 1, 1))
    pk = post.pk
    post_delete(actor=actor, post=post)
    assert not PostAssignment.objects.filter(pk=pk).exists()
    deleted = PostAssignment.history.filter(id=pk).latest()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == ("-", actor, "删除任职记录")
    cadre.refresh_from_db()
    assert cadre.current_post_title == ""


# --- ranks ---------------------------------------------------------------------------------------


def test_rank_start_ends_the_open_rank_the_day_before(actor, cadre):
    first = rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_4, start_date=D(2019, 6, 1))
    second = rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_3, start_date=D(2022, 1, 1))
    first.refresh_from_db()
    assert first.end_date == D(2021, 12, 31)
    assert list(cadre.ranks.open()) == [second]
    cadre.refresh_from_db()
    assert (cadre.current_rank, cadre.current_rank_start) == (Rank.PRINCIPAL_STAFF_3, D(2022, 1, 1))


@pytest.mark.parametrize("start", [D(2019, 6, 1), D(2018, 1, 1)])
def test_rank_start_on_or_before_the_open_rank_start_is_refused(actor, cadre, start):
    first = rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_4, start_date=D(2019, 6, 1))
    with pytest.raises(ValidationError):
        rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_3, start_date=start)
    first.refresh_from_db()
    assert first.end_date is None
    assert cadre.ranks.count() == 1


def test_refresh_current_assignments_picks_the_most_senior_open_rank(actor, cadre):
    rank_start(actor=actor, cadre=cadre, rank=Rank.STAFF_1, start_date=D(2023, 1, 1))
    rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_2, start_date=D(2020, 1, 1), close_previous=False)
    cadre.refresh_from_db()
    assert (cadre.current_rank, cadre.current_rank_start) == (Rank.PRINCIPAL_STAFF_2, D(2020, 1, 1))


def test_rank_save_and_delete_keep_the_cache(actor, cadre):
    assignment = rank_start(actor=actor, cadre=cadre, rank=Rank.STAFF_1, start_date=D(2023, 1, 1))
    assignment.rank = Rank.STAFF_2
    rank_save(actor=actor, assignment=assignment)
    cadre.refresh_from_db()
    assert cadre.current_rank == Rank.STAFF_2
    rank_delete(actor=actor, assignment=assignment)
    cadre.refresh_from_db()
    assert cadre.current_rank == ""
    assert not RankAssignment.objects.exists()


# --- cadres --------------------------------------------------------------------------------------


def test_cadre_create_takes_birth_date_and_gender_from_the_id_number(actor):
    department = DepartmentFactory()
    number = unique_id_number(D(1990, 2, 3), "2")
    cadre = cadre_create(actor=actor, name="李\u3000娜", id_number=number.lower(), political_status="13",
                         department=department, gender="", birth_date=None)
    assert (cadre.birth_date, cadre.gender, cadre.name, cadre.id_number) == (D(1990, 2, 3), "2", "李娜", number)


def test_cadre_create_refuses_a_birth_date_disagreeing_with_the_id_number(actor):
    department = DepartmentFactory()
    with pytest.raises(ValidationError) as excinfo:
        cadre_create(actor=actor, name="李娜", id_number=unique_id_number(D(1990, 2, 3), "2"), political_status="13",
                     department=department, gender="2", birth_date=D(1990, 2, 4))
    assert excinfo.value.message_dict["birth_date"] == [messages.BIRTH_DATE_DISAGREES]
    assert not Cadre.objects.exists()


def test_cadre_create_refuses_a_taken_id_number(actor, cadre):
    with pytest.raises(ValidationError) as excinfo:
        cadre_create(actor=actor, name="李娜", id_number=cadre.id_number, political_status="13",
                     department=cadre.department)
    assert "id_number" in excinfo.value.message_dict
    assert Cadre.objects.count() == 1


def test_cadre_update_changes_fields_and_bumps_the_version(actor, cadre):
    updated = cadre_update(actor=actor, cadre=cadre, data={"name": "新名字"}, expected_version=1)
    assert updated.version == 2
    cadre.refresh_from_db()
    assert (cadre.name, cadre.version) == ("新名字", 2)


def test_cadre_update_with_a_stale_version_raises_and_changes_nothing(actor, cadre):
    cadre_update(actor=actor, cadre=cadre, data={"name": "第一次"}, expected_version=1)
    history_before = cadre.history.count()
    with pytest.raises(StaleEditError) as excinfo:
        cadre_update(actor=UserFactory(username="late"), cadre=cadre, data={"name": "第二次"}, expected_version=1)
    assert str(excinfo.value) == messages.STALE_EDIT
    cadre.refresh_from_db()
    assert (cadre.name, cadre.version) == ("第一次", 2)
    assert cadre.history.count() == history_before


def test_cadre_update_refuses_fields_that_are_not_basic_data(actor, cadre):
    with pytest.raises(ValueError, match="not editable"):
        cadre_update(actor=actor, cadre=cadre, data={"current_level": CHIEF})


def test_cadre_update_refuses_a_gender_disagreeing_with_the_id_number(actor, cadre):
    with pytest.raises(ValidationError):
        cadre_update(actor=actor, cadre=cadre, data={"gender": "2"})
    cadre.refresh_from_db()
    assert (cadre.gender, cadre.version) == ("1", 1)


def test_cadre_set_status_leaving_service_needs_a_date(actor, cadre):
    with pytest.raises(ValidationError) as excinfo:
        cadre_set_status(actor=actor, cadre=cadre, status=PersonnelStatus.RETIRED, status_date=None)
    assert excinfo.value.message_dict["status_date"] == [messages.STATUS_DATE_REQUIRED]
    cadre_set_status(actor=actor, cadre=cadre, status=PersonnelStatus.RETIRED, status_date=D(2026, 1, 31))
    cadre.refresh_from_db()
    assert (cadre.status, cadre.status_date, cadre.is_in_service) == (PersonnelStatus.RETIRED, D(2026, 1, 31), False)
    cadre_set_status(actor=actor, cadre=cadre, status=PersonnelStatus.ACTIVE, status_date=D(2026, 3, 1))
    cadre.refresh_from_db()
    assert (cadre.status, cadre.status_date) == (PersonnelStatus.ACTIVE, None)


def test_education_save_refuses_a_second_record_of_the_same_kind_and_level(actor, cadre):
    education_save(actor=actor, education=Education(cadre=cadre, kind=Education.Kind.FULL_TIME, level="21"))
    with pytest.raises(ValidationError):
        education_save(actor=actor, education=Education(cadre=cadre, kind=Education.Kind.FULL_TIME, level="21"))
    education_save(actor=actor, education=Education(cadre=cadre, kind=Education.Kind.PART_TIME, level="21"))
    assert cadre.educations.count() == 2


# --- every write leaves a history row naming its author and a reason --------------------------------


def _write_cadre_create(actor):
    return cadre_create(actor=actor, name="王强", id_number=unique_id_number(D(1985, 5, 5), "1"),
                        political_status=PoliticalStatus.MASSES, department=DepartmentFactory())


def _write_cadre_update(actor):
    return cadre_update(actor=actor, cadre=CadreFactory(), data={"health": "良好"})


def _write_cadre_set_status(actor):
    return cadre_set_status(actor=actor, cadre=CadreFactory(), status=PersonnelStatus.TRANSFERRED,
                            status_date=D(2026, 1, 1))


def _write_education_save(actor):
    return education_save(actor=actor, education=Education(cadre=CadreFactory(), kind=Education.Kind.FULL_TIME,
                                                          level=EducationLevel.BACHELOR))


def _write_post_start(actor):
    cadre = CadreFactory()
    return start_post(actor, cadre, D(2020, 1, 1))


def _write_post_end(actor):
    post = _write_post_start(UserFactory(username="earlier"))
    return post_end(actor=actor, post=post, end_date=D(2021, 1, 1))


def _write_post_start_refreshing_cadre(actor):
    post = _write_post_start(actor)
    return Cadre.objects.get(pk=post.cadre_id)  # the cached current post is a write to the cadre too


def _write_rank_start(actor):
    return rank_start(actor=actor, cadre=CadreFactory(), rank=Rank.STAFF_1, start_date=D(2020, 1, 1))


def _write_rank_save(actor):
    assignment = _write_rank_start(UserFactory(username="earlier"))
    assignment.start_date = D(2020, 2, 1)
    return rank_save(actor=actor, assignment=assignment)


def _write_department_create(actor):
    return department_create(actor=actor, name="新科室", parent=department_root(actor=actor))


def _write_department_update(actor):
    return department_update(actor=actor, department=DepartmentFactory(), name="改名科")


def _write_department_for_roster_name(actor):
    return department_for_roster_name(actor=actor, name="新大队", cache={})


@pytest.mark.parametrize(
    "write",
    [_write_cadre_create, _write_cadre_update, _write_cadre_set_status, _write_education_save, _write_post_start,
     _write_post_end, _write_post_start_refreshing_cadre, _write_rank_start, _write_rank_save,
     _write_department_create, _write_department_update, _write_department_for_roster_name],
    ids=lambda f: f.__name__.removeprefix("_write_"),
)
def test_every_service_write_leaves_a_history_row_with_actor_and_reason(actor, write):
    obj = write(actor)
    record = latest_history(obj)
    assert record is not None
    assert record.history_user == actor
    assert record.history_change_reason


def test_department_creation_leaves_one_history_row(actor):
    department = department_create(actor=actor, name="新科室", parent=department_root(actor=actor))
    assert department.history.count() == 1
    assert department.history.get().history_type == "+"


def test_deletes_leave_a_history_row_with_actor_and_reason(actor, cadre):
    education = education_save(actor=actor, education=Education(cadre=cadre, kind=Education.Kind.FULL_TIME,
                                                                 level=EducationLevel.BACHELOR))
    pk = education.pk
    education_delete(actor=actor, education=education)
    deleted = Education.history.filter(id=pk).latest()
    assert (deleted.history_type, deleted.history_user, deleted.history_change_reason) == ("-", actor, "删除学历学位")


# --- departments -----------------------------------------------------------------------------------


def test_department_root_is_created_once(actor, settings):
    settings.BUREAU_NAME = "区测试局"
    root = department_root(actor=actor)
    assert (root.name, root.kind, root.parent, root.path) == ("区测试局", Department.Kind.BUREAU, None,
                                                               f"/00000-{root.pk:07d}/")
    assert department_root(actor=actor) == root
    assert Department.objects.count() == 1


def test_department_path_lists_the_tree_in_order(actor):
    root = department_root(actor=actor)
    second = department_create(actor=actor, name="第二科", parent=root, sort_order=20)
    first = department_create(actor=actor, name="第一科", parent=root, sort_order=10)
    child = department_create(actor=actor, name="第一科下属组", parent=first, sort_order=5)
    assert list(Department.objects.in_tree_order()) == [root, first, child, second]
    assert child.path.startswith(first.path)
    assert (root.depth, first.depth, child.depth) == (0, 1, 2)


def test_department_update_moving_a_department_repaths_its_subtree(actor):
    root = department_root(actor=actor)
    office = department_create(actor=actor, name="办公室", parent=root, sort_order=10)
    team = department_create(actor=actor, name="文秘组", parent=office)
    desk = department_create(actor=actor, name="收发室", parent=team)
    legal = department_create(actor=actor, name="法规科", parent=root, sort_order=20)

    department_update(actor=actor, department=team, parent=legal)

    team.refresh_from_db()
    desk.refresh_from_db()
    office.refresh_from_db()
    assert team.path == legal.path + team.path_segment()
    assert desk.path == team.path + desk.path_segment()
    assert office.path == root.path + office.path_segment()
    assert set(Department.objects.filter(path__startswith=legal.path)) == {legal, team, desk}
    assert list(Department.objects.in_tree_order()) == [root, office, legal, team, desk]


def test_department_update_changing_sort_order_reorders_the_tree(actor):
    root = department_root(actor=actor)
    first = department_create(actor=actor, name="甲科", parent=root, sort_order=10)
    child = department_create(actor=actor, name="甲科一组", parent=first)
    second = department_create(actor=actor, name="乙科", parent=root, sort_order=20)
    department_update(actor=actor, department=first, sort_order=30)
    child.refresh_from_db()
    assert list(Department.objects.in_tree_order()) == [root, second, first, child]
    assert child.path.startswith(first.path)


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_department_update_refuses_moving_under_itself_or_its_subtree(actor, target):
    root = department_root(actor=actor)
    office = department_create(actor=actor, name="办公室", parent=root)
    team = department_create(actor=actor, name="文秘组", parent=office)
    desk = department_create(actor=actor, name="收发室", parent=team)
    parent = {"itself": office, "child": team, "grandchild": desk}[target]
    with pytest.raises(ValidationError) as excinfo:
        department_update(actor=actor, department=office, parent=parent)
    assert "parent" in excinfo.value.message_dict
    office.refresh_from_db()
    assert office.parent == root
    assert office.history.count() == 1


def test_department_for_roster_name_creates_new_names_under_the_root_once(actor):
    cache = {}
    first = department_for_roster_name(actor=actor, name="档案馆", cache=cache)
    again = department_for_roster_name(actor=actor, name="档案馆", cache={})
    assert first == again
    assert first.parent == department_root(actor=actor)
    assert first.kind == Department.Kind.UNIT
    assert department_for_roster_name(actor=actor, name="人事科", cache=cache).kind == Department.Kind.SECTION
