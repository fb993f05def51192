"""Issue 11, fault 1: choosing candidates, and the candidate table.

The picker on 新建选拔任用工作 listed retired and transferred cadres in a bare multi-select of hundreds
of names. It now offers only cadres in service within the user's scope, with a search (name, pinyin,
initials, unit, post) and the chosen unit's cadres first; it works with a plain form post and with htmx.
The service refuses a cadre not in service whatever the form sent. The case page's candidate table shows
出生年月, 现任职务, 职级, 全日制学历 and links to the record, and 人选编号 counts within a case.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadres.codes import PersonnelStatus
from selection import messages, services
from selection.models import SelectionCase
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, log_in, role_user
from tests.selection.test_rules import refused

pytestmark = pytest.mark.django_db

URL = reverse("selection:case_create")
SEARCH = reverse("selection:candidate_search")


@pytest.fixture
def roster(wf):
    legal = DepartmentFactory(name="法规科")
    return {
        "legal": legal,
        "zhang": CadreFactory(name="张伟", department=legal, current_post_title="法规科科员", current_rank="08",
                              birth_date=dt.date(1987, 7, 14)),
        "zeng": CadreFactory(name="曾晓", department=wf.department, current_post_title="办公室科员"),
        "retired": CadreFactory(name="张退休", department=legal, status=PersonnelStatus.RETIRED),
        "moved": CadreFactory(name="张调出", department=legal, status=PersonnelStatus.TRANSFERRED),
    }


def case_data(wf, **extra):
    return {"title": "办公室副主任选拔", "department": wf.department.pk, "post_title": "办公室副主任",
            "level": "52", "post_count": 1, "method": SelectionCase.Method.COMPETITIVE, **extra}


def names(response, key="results"):
    return [summary.cadre.name for summary in response.context[key]]


# --- what the picker offers ------------------------------------------------------------------------


def test_the_new_case_page_offers_no_retired_or_transferred_cadre(client, wf, roster):
    log_in(client, wf.staff)
    page = client.get(URL)
    body = page.content.decode()
    assert 'data-testid="candidate-picker"' in body and "<select name=\"cadres\"" not in body
    response = client.get(SEARCH, {"candidate_q": "张"})
    assert names(response) == ["张伟"]
    assert "张退休" not in response.content.decode() and "张调出" not in response.content.decode()


@pytest.mark.parametrize("query", ["张伟", "zhangwei", "zw", "ZW", "法规", "科员 法规"])
def test_the_search_matches_name_pinyin_initials_unit_and_post(client, wf, roster, query):
    log_in(client, wf.staff)
    assert "张伟" in names(client.get(SEARCH, {"candidate_q": query}))


def test_a_surname_read_otherwise_is_found_by_either_reading(client, wf, roster):
    log_in(client, wf.staff)
    assert names(client.get(SEARCH, {"candidate_q": "zengxiao"})) == ["曾晓"]


def test_the_chosen_units_cadres_come_first_and_alone_without_a_query(client, wf, roster):
    log_in(client, wf.staff)
    assert names(client.get(SEARCH, {"department": roster["legal"].pk})) == ["张伟"]
    assert names(client.get(SEARCH, {"department": wf.department.pk})) == ["曾晓"]
    found = names(client.get(SEARCH, {"department": wf.department.pk, "candidate_q": "科员"}))
    assert found == ["曾晓", "张伟"]
    found = names(client.get(SEARCH, {"department": roster["legal"].pk, "candidate_q": "科员"}))
    assert found == ["张伟", "曾晓"]


def test_the_results_are_limited_and_say_so(client, wf):
    for i in range(25):
        CadreFactory(name=f"王{i:02d}", department=wf.department)
    log_in(client, wf.staff)
    response = client.get(SEARCH, {"candidate_q": "王"})
    assert len(response.context["results"]) == 20 and response.context["more_results"]
    assert 'data-testid="more-results"' in response.content.decode()


def test_the_results_show_the_birth_month_never_the_date_nor_the_number(client, wf, roster):
    log_in(client, wf.staff)
    body = client.get(SEARCH, {"candidate_q": "张伟"}).content.decode()
    assert "1987.07" in body and "1987-07-14" not in body
    assert roster["zhang"].id_number not in body and roster["zhang"].id_number[:6] not in body


def test_chosen_cadres_are_left_out_of_the_results(client, wf, roster):
    log_in(client, wf.staff)
    response = client.get(SEARCH, {"candidate_q": "科员", "cadres": [roster["zhang"].pk]})
    assert names(response) == ["曾晓"] and names(response, "chosen") == ["张伟"]


# --- choosing with a plain form post (no JavaScript) -------------------------------------------------


def test_without_javascript_search_add_and_remove_post_the_form_back(client, wf, roster):
    log_in(client, wf.staff)
    response = client.post(URL, case_data(wf, candidate_q="zw", picker="search"))
    assert response.status_code == 200 and names(response) == ["张伟"]
    assert not response.context["form"].errors  # searching is not yet sending the form
    assert 'value="办公室副主任选拔"' in response.content.decode()  # what was typed stays

    response = client.post(URL, case_data(wf, candidate_q="zw", add=roster["zhang"].pk))
    assert names(response, "chosen") == ["张伟"]
    assert f'<input type="hidden" name="cadres" value="{roster["zhang"].pk}">' in response.content.decode()

    response = client.post(URL, case_data(wf, cadres=[roster["zhang"].pk], add=roster["zeng"].pk))
    assert names(response, "chosen") == ["张伟", "曾晓"]
    response = client.post(URL, case_data(wf, cadres=[roster["zhang"].pk, roster["zeng"].pk],
                                          remove=roster["zhang"].pk))
    assert names(response, "chosen") == ["曾晓"]
    assert not SelectionCase.objects.exists()

    response = client.post(URL, case_data(wf, cadres=[roster["zeng"].pk, roster["zhang"].pk]))
    case = SelectionCase.objects.get()
    assert response.status_code == 302
    # 人选编号 follows the order chosen.
    assert list(case.candidates.order_by("number").values_list("number", "cadre__name")) == [(1, "曾晓"), (2, "张伟")]


def test_a_posted_retired_cadre_is_refused_on_the_form(client, wf, roster):
    log_in(client, wf.staff)
    response = client.post(URL, case_data(wf, cadres=[roster["zhang"].pk, roster["retired"].pk]))
    assert response.status_code == 200
    assert "所选人选已不是在职干部或不在您的管辖范围内" in response.content.decode()
    assert not SelectionCase.objects.exists()


def test_the_service_refuses_a_cadre_not_in_service(wf, roster):
    with pytest.raises(services.WorkflowError) as exc:
        services.case_create(actor=wf.staff, title="t", department=wf.department, post_title="p", level="52",
                             method="individual", cadres=[roster["zhang"], roster["retired"]])
    assert exc.value.messages == [messages.CADRE_NOT_IN_SERVICE.format(name="张退休", status="退休")]
    assert not SelectionCase.objects.exists()
    case = wf.new_case()
    refused(lambda: services.candidate_add(actor=wf.staff, case=case, cadre=roster["moved"]),
            messages.CADRE_NOT_IN_SERVICE.format(name="张调出", status="调出"), case)


def test_only_those_who_start_cases_reach_the_picker(client, wf, roster):
    assert client.get(SEARCH).status_code == 302  # anonymous: to the login page
    for user in (wf.leader, role_user(Role.DEPARTMENT_HEAD, departments=[roster["legal"]])):
        log_in(client, user)
        assert client.get(SEARCH, {"candidate_q": "张"}).status_code == 403
        assert client.get(URL).status_code == 403


# --- the candidate table of the case page ------------------------------------------------------------


def test_the_candidate_table_shows_the_roster_columns_and_links_to_the_record(client, wf, roster):
    EducationFactory(cadre=roster["zhang"], level="21")
    case = wf.new_case(cadres=[roster["zeng"], roster["zhang"]])
    log_in(client, wf.staff)
    body = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
    for heading in ("人选编号", "出生年月", "现任职务", "职级", "全日制学历"):
        assert heading in body
    assert "1987.07" in body and "二级主任科员" in body and "大学本科毕业" in body and "法规科科员" in body
    assert reverse("cadres:cadre_detail", args=[roster["zhang"].pk]) in body


def test_a_hidden_candidate_has_no_link_and_no_columns(client, wf, roster):
    case = wf.new_case(cadres=[roster["zeng"], roster["zhang"]])
    head = role_user(Role.DEPARTMENT_HEAD, departments=[wf.department])
    log_in(client, head)
    body = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
    assert "曾晓" in body and reverse("cadres:cadre_detail", args=[roster["zeng"].pk]) in body
    for secret in ("张伟", "1987.07", "法规科科员", reverse("cadres:cadre_detail", args=[roster["zhang"].pk])):
        assert secret not in body, secret


def test_candidate_numbers_count_within_each_case(wf):
    first = wf.new_case()
    second = services.case_create(actor=wf.staff, title="另一项", department=wf.department, post_title="副职",
                                  level="52", method="individual", cadres=[CadreFactory(), CadreFactory()])
    third = services.candidate_add(actor=wf.staff, case=second, cadre=CadreFactory())
    assert list(first.candidates.values_list("number", flat=True)) == [1, 2]
    assert list(second.candidates.values_list("number", flat=True)) == [1, 2, 3] and third.number == 3


def test_votes_on_the_page_name_candidates_by_their_number_in_the_case(client, wf):
    wf.new_case()  # another case first: its candidates' ids come before these, numbered 1 and 2 too
    other = services.case_create(actor=wf.staff, title="财务科科长", department=DepartmentFactory(name="财务科"),
                                 post_title="财务科科长", level="51", method="competitive",
                                 cadres=[CadreFactory(name="甲"), CadreFactory(name="乙")])
    wf.advance(other, through=5)
    log_in(client, wf.staff)
    votes = "\n".join(f"成员{i},{n},同意" for i in range(6) for n in (1, 2))
    response = client.post(reverse("selection:step_submit", args=[other.pk, 6]),
                           {"meeting_date": "2025-02-10", "members_due": 7, "attending": 6, "votes": votes,
                            "missing_reason": "票据存档"})
    assert response.status_code == 302
    counted = {c.cadre.name: c.votes.count() for c in other.candidates.select_related("cadre")}
    assert counted == {"甲": 6, "乙": 6}
