"""The sections of the appointment form on the record page: 家庭成员, 奖励 and 奖惩情况, 专长 and 专业技术职务.

(The résumé has tests/cadres/test_resume.py.)
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres import messages
from cadres.dates import MonthDate
from cadres.models import Cadre, FamilyMember, PostAssignment, ResumeEntry, Reward
from cadres.selectors import cadre_record, rewards_and_penalties, rewards_and_penalties_text
from cadres.services import child_record_save
from oversight.models import DisciplineAction
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

NEW_KINDS = {
    "resume": {"start_date": "2002.09", "end_date": "2006.07", "unit": "某某大学法律系", "post": "学生"},
    "family": {"relation": "妻子", "name": "李晓雨", "birth_date": "1990.04", "political_status": "01",
               "work_unit_and_post": "区人民医院护士"},
    "reward": {"kind": "title", "name": "区优秀公务员", "level": "county", "granted_by": "中共某某区委",
               "granted_on": "2019.12"},
}


# --- who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(NEW_KINDS))
def test_each_new_kind_anonymous_without_permission_out_of_scope_and_permitted(client, slug):
    own, other = DepartmentFactory(), DepartmentFactory()
    inside, outside = CadreFactory(department=own), CadreFactory(department=other)
    url = reverse(f"cadres:{slug}_create", args=[inside.pk])

    response = client.get(url)  # anonymous: to the login page
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    log_in(client, role_user(Role.LEADER))  # reads every record, changes none
    assert client.get(url).status_code == 403
    assert client.post(url, NEW_KINDS[slug]).status_code == 403

    log_in(client, role_user(Role.DEPARTMENT_HEAD, departments=[own]))
    assert client.get(reverse(f"cadres:{slug}_create", args=[outside.pk])).status_code == 404  # out of scope
    assert client.get(url).status_code == 403  # in scope, no right to change

    staff = role_user(Role.PERSONNEL)
    log_in(client, staff)
    response = client.post(url, NEW_KINDS[slug])
    assert response.status_code == 302, response.context and response.context["form"].errors
    model = {"resume": ResumeEntry, "family": FamilyMember, "reward": Reward}[slug]
    obj = model.objects.get(cadre=inside)
    assert obj.history.get().history_user == staff
    row = AuditEvent.objects.get(object_type="cadres.cadre", object_id=str(inside.pk), detail__record_id=obj.pk)
    assert row.event == "create" and row.user == staff
    # A record of one cadre is not found under another.
    assert client.get(reverse(f"cadres:{slug}_update", args=[outside.pk, obj.pk])).status_code == 404


def test_the_leader_reads_the_sections_without_links_to_change_them(client, staff):
    cadre = CadreFactory()
    child_record_save(actor=staff, obj=FamilyMember(cadre=cadre, relation="父亲", name="张建国"))
    child_record_save(actor=staff, obj=Reward(cadre=cadre, kind="commendation", level="county",
                                              granted_on=dt.date(2018, 1, 1)))
    log_in(client, role_user(Role.LEADER))
    response = client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert "张建国" in response.text and "2018.01 获嘉奖（县级）" in response.text
    assert reverse("cadres:family_create", args=[cadre.pk]) not in response.text
    assert reverse("cadres:reward_create", args=[cadre.pk]) not in response.text


# --- family members -------------------------------------------------------------------------------


def test_family_members_are_listed_as_the_form_lists_them(staff_client, staff):
    cadre = CadreFactory()
    url = reverse("cadres:family_create", args=[cadre.pk])
    for data in (
        {"relation": "父亲", "name": "张建国", "birth_date": "1958.02", "political_status": "13",
         "work_unit_and_post": "已退休"},
        {"relation": "女儿", "name": "张小雨", "birth_date": "2016.09", "work_unit_and_post": "学生"},
        {"relation": "表哥", "name": "王某", "work_unit_and_post": "某某公司经理"},  # a 称谓 of its own
        {"relation": "妻子", "name": "李晓雨", "birth_date": "1988-04-12", "political_status": "01",
         "work_unit_and_post": "区人民医院护士"},
        {"relation": "儿子", "name": "张子涵", "birth_date": "2013.06", "work_unit_and_post": "学生"},
    ):
        response = staff_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
    wife = FamilyMember.objects.get(name="李晓雨")
    assert (wife.birth_date_precision, wife.get_political_status_display()) == ("day", "中共党员")
    assert FamilyMember.objects.get(name="张建国").birth_date_precision == "month"

    page = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    tab = next(t for t in page.context["record_tabs"] if t.tab.key == "family")
    assert [row.obj.name for row in tab.sections[0].rows] == ["李晓雨", "张子涵", "张小雨", "张建国", "王某"]
    assert [row.cells[2][1] for row in tab.sections[0].rows] == ["1988-04-12", "2013.06", "2016.09", "1958.02", "—"]
    # Each field in a box of its own; 称谓 offers the usual ones.
    form = staff_client.get(url).text
    assert 'list="id_relation-options"' in form and '<option value="岳母"></option>' in form
    assert staff_client.post(url, {"relation": "", "name": ""}).context["form"].errors.keys() == {"relation", "name"}


# --- rewards and 奖惩情况 --------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "name", "level", "words"), [
    ("title", "区优秀公务员", "county", "被评为区优秀公务员（县级）"),
    ("commendation", "", "county", "获嘉奖（县级）"),
    ("commendation", "2017年度考核优秀", "county", "2017年度考核优秀，获嘉奖（县级）"),
    ("merit3", "2020年度考核优秀", "municipal", "2020年度考核优秀，记三等功（市厅级）"),
    ("merit1", "", "provincial", "记一等功（省部级）"),
    ("title", "全国优秀公务员", "national", "被评为全国优秀公务员（国家级）"),
    ("other", "获全区法治征文一等奖", "other", "获全区法治征文一等奖"),  # level 其他: no brackets
])
def test_a_reward_is_worded_as_the_appointment_form_words_it(kind, name, level, words):
    assert Reward(kind=kind, name=name, level=level).phrase == words


def test_a_title_or_other_reward_needs_its_name(staff):
    cadre = CadreFactory()
    with pytest.raises(ValidationError) as exc:
        child_record_save(actor=staff, obj=Reward(cadre=cadre, kind="title", level="county",
                                                  granted_on=dt.date(2019, 12, 1)))
    assert exc.value.message_dict == {"name": [messages.REWARD_NAME_REQUIRED]}
    assert not Reward.objects.exists()


def test_rewards_and_penalties_read_as_one_text_in_date_order(staff):
    cadre = CadreFactory()
    assert rewards_and_penalties_text(cadre_record(staff, cadre.pk)) == "无"

    child_record_save(actor=staff, obj=Reward(cadre=cadre, kind="title", name="区优秀公务员", level="county",
                                              granted_on=MonthDate(2019, 12)))
    child_record_save(actor=staff, obj=Reward(cadre=cadre, kind="merit3", name="2015年度考核优秀", level="county",
                                              granted_on=MonthDate(2016, 2)))
    # 处分 are oversight's: they reach the text through the record registry, not an import.
    DisciplineAction.objects.create(cadre=cadre, kind="warning", decided_on=dt.date(2021, 3, 15),
                                    effect_until=dt.date(2021, 9, 15))
    DisciplineAction.objects.create(cadre=cadre, kind="admonition", decided_on=dt.date(2018, 5, 10),
                                    effect_until=dt.date(2018, 11, 10))
    record = cadre_record(staff, cadre.pk)
    assert rewards_and_penalties_text(record) == (
        "2016.02 2015年度考核优秀，记三等功（县级）\n"
        "2018.05 被诫勉\n"
        "2019.12 被评为区优秀公务员（县级）\n"
        "2021.03 受到警告处分"
    )
    assert [line.date for line in rewards_and_penalties(record)] == sorted(line.date for line in
                                                                          rewards_and_penalties(record))


def test_the_tab_shows_rewards_and_penalties_above_its_tables(staff_client, staff):
    cadre = CadreFactory()
    response = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert '<div class="resume-text" data-testid="rewards-penalties-text"><div>无</div></div>' in response.text
    staff_client.post(reverse("cadres:reward_create", args=[cadre.pk]), {
        "kind": "title", "name": "区优秀公务员", "level": "county", "granted_on": "2019.12"})
    response = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    assert "<div>2019.12 被评为区优秀公务员（县级）</div>" in response.text
    tab = next(t for t in response.context["record_tabs"] if t.tab.key == "oversight")
    assert [s.record_type.label for s in tab.sections] == ["奖励", "年度考核", "处分与诫勉", "民主测评"]


# --- 专长, 专业技术职务 and its date -----------------------------------------------------------------


def test_the_basic_data_form_takes_the_expertise_fields(staff_client, staff):
    cadre = CadreFactory()
    url = reverse("cadres:cadre_update", args=[cadre.pk])
    form = staff_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "photo"}
    data.update(professional_title="经济师", professional_title_date="2015.06", specialty="财务",
                familiar_expertise="熟悉财务管理工作，有审计专长")
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    cadre.refresh_from_db()
    assert (cadre.professional_title, cadre.professional_title_date, cadre.professional_title_date_precision,
            cadre.specialty, cadre.familiar_expertise) == (
        "经济师", dt.date(2015, 6, 1), "month", "财务", "熟悉财务管理工作，有审计专长")
    page = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).text
    assert "2015.06 取得" in page and "熟悉财务管理工作，有审计专长" in page
    history = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).context["history"]
    assert ("专业技术职务取得时间", "（空）", "2015.06") in history[0].changes

    # A date without the title it is the date of is refused.
    data.update(professional_title="", professional_title_date="2016.01")
    response = staff_client.post(url, {**data, "version": Cadre.objects.get(pk=cadre.pk).version})
    assert response.status_code == 200
    assert response.context["form"].errors["professional_title"] == [messages.TITLE_DATE_WITHOUT_TITLE]


# --- the record page's queries ---------------------------------------------------------------------


def _fill(staff, cadre, n: int, *, first: int = 0) -> None:
    for i in range(first, first + n):
        year = 2000 + 3 * i
        child_record_save(actor=staff, obj=ResumeEntry(cadre=cadre, start_date=MonthDate(1990 + i, 9),
                                                       end_date=MonthDate(1990 + i, 12), unit=f"学校{i}", post="学生"))
        child_record_save(actor=staff, obj=PostAssignment(cadre=cadre, department=cadre.department, title=f"职务{i}",
                                                          start_date=dt.date(year, 1, 1),
                                                          end_date=dt.date(year + 2, 12, 31)))
        child_record_save(actor=staff, obj=FamilyMember(cadre=cadre, relation="哥哥", name=f"兄{i}"))
        child_record_save(actor=staff, obj=Reward(cadre=cadre, kind="commendation", level="county",
                                                  granted_on=dt.date(year, 6, 1)))
        DisciplineAction.objects.create(cadre=cadre, kind="warning", decided_on=dt.date(year, 1, 1),
                                        effect_until=dt.date(year, 6, 1))


def test_the_record_page_costs_the_same_queries_whatever_the_number_of_lines(staff_client, staff):
    cadre = CadreFactory()
    _fill(staff, cadre, 1)
    url = reverse("cadres:cadre_detail", args=[cadre.pk])
    staff_client.get(url)  # the session settles
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    _fill(staff, cadre, 6, first=1)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert response.context["record_tabs"][3].count == 14  # the résumé: 7 entered lines and 7 posts
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
    # 36: session, user, OTP device, user and group permissions (5); the cadre, its scope a subquery (1);
    # one prefetch per kind of record: 学历, 任职, 职级, 简历, 奖励, 年度考核, 处分, 民主测评, 考察, 考察发现的
    # 不足, 家庭成员 (11); the departments above the posts, for the résumé's units (1); the change history:
    # every department's name and the history rows of the cadre and of each kind, with their authors (13);
    # the audit row of the view (1); the top bar's roles (1); the session's save: savepoint, update, release (3);
    # training's 培养 tab (7): pool memberships with their plans and progress, the plans' reviews, the training
    # settings, the hours of three years, enrolments, placements, rotation plans.
    assert len(few) == 43, "\n".join(q["sql"][:120] for q in few.captured_queries)

