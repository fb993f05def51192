"""Who may see and do what (docs/security.md items 2, 3, 4, 10, 11, 12, 13, 14).

Every URL pattern is walked anonymously; a matrix gives, for each role and each page or
action, the status it must get, including 404 for another department's cadre.
"""

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cadre_office.accounts.models import ChangeRequest
from cadre_office.audit.models import AuditEvent
from cadres.codes import Ethnicity, Gender, PoliticalStatus
from cadres.models import Cadre, Department
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user, unique_id_number

pytestmark = pytest.mark.django_db

# URL names an anonymous visitor may open (the login page and its second-factor steps redirect
# to login themselves when nobody is logged in, so they are not listed).
ANONYMOUS_ALLOWED = {"login", "health"}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern)


def _concrete(pattern: str) -> str:
    """Turn a route or regex into a URL with made-up values for its parameters."""
    url = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", pattern)  # regex groups (the admin's)
    url = re.sub(r"<(?:str|slug|path):[^>]+>", "x", url)
    url = re.sub(r"<(?:int:)?[^>]+>", "1", url)
    url = url.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + url.lstrip("/")


ALL_URLS = sorted({(name, _concrete(route)) for name, route in _patterns()})


def test_the_walk_covers_every_app():
    names = {name for name, _ in ALL_URLS}
    for expected in ("cadres:cadre_list", "cadres:cadre_reveal_id", "cadres:batch_change", "cadres:batch_apply",
                     "cadres:retirement_due", "cadres:cadre_retire", "accounts:user_list", "audit:event_list",
                     "admin:index", "login", "logout", "home", "accounts:change_list", "accounts:change_detail",
                     "accounts:change_cancel", "accounts:user_reset_otp", "account_notices", "otp_setup"):
        assert expected in names, expected


@pytest.mark.parametrize(("name", "url"), ALL_URLS, ids=[name or url for name, url in ALL_URLS])
def test_anonymous_users_are_sent_to_login_or_refused_everywhere_but_the_allow_list(client, name, url):
    if name in ANONYMOUS_ALLOWED:
        assert client.get(url).status_code == 200
        return
    login = reverse("login")
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code == 302:
            # Follow the chain (the admin's login hands over to the application's login).
            location = response["Location"]
            while not location.startswith(login) and location.startswith("/"):
                hop = client.get(location)
                assert hop.status_code == 302, (method, url, location, hop.status_code)
                location = hop["Location"]
            assert location.startswith(login), (method, url, location)
        else:
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            assert response.status_code != 404 or "/static/" in url, (method, url)


# --- the role matrix ----------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Two departments (办公室 with a sub-unit, and 财务科), cadres in each, and one user per role."""
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    own = [CadreFactory(department=office, name="本科室甲"), CadreFactory(department=office, name="本科室乙"),
           CadreFactory(department=archive, name="下级单位丙")]
    other = [CadreFactory(department=finance, name="他科室丁"), CadreFactory(department=finance, name="他科室戊")]
    users = {
        "人事干部": role_user("人事干部"),
        "局领导": role_user("局领导"),
        "科室负责人": role_user("科室负责人", departments=[office]),
        "纪检监察": role_user("纪检监察"),
        "系统管理员": role_user("系统管理员"),
        "安全管理员": role_user("安全管理员"),
        "审计管理员": role_user("审计管理员"),
    }
    world = {"office": office, "finance": finance, "own": own, "other": other, "users": users}
    # 教育培养 — practice: a planned placement and a rotation plan (dated in the future) of another unit's cadre.
    from training.models import PracticePlacement, RotationPlan

    world["practice_placement"] = PracticePlacement.objects.create(
        cadre=other[0], kind="secondment", host="区政务服务中心", role="挂任副主任", planned_start=dt.date(2026, 1, 1),
        planned_end=dt.date(2026, 12, 31), created_by=users["人事干部"])
    world["practice_rotation"] = RotationPlan.objects.create(
        cadre=other[0], to_department=office, to_title="综合科副科长",
        planned_date=dt.date.today() + dt.timedelta(days=30), reason="同一岗位任职满5年", created_by=users["人事干部"])
    # 教育培养 — programmes: a programme with one cadre of each department enrolled.
    from tests.training.factories_programmes import EnrolmentFactory, ProgrammeFactory

    world["programmes_programme"] = ProgrammeFactory(name="矩阵测试培训班")
    world["programmes_own_enrolment"] = EnrolmentFactory(programme=world["programmes_programme"], cadre=own[0])
    world["programmes_other_enrolment"] = EnrolmentFactory(programme=world["programmes_programme"], cadre=other[0])
    return world


ROLES = ["人事干部", "局领导", "科室负责人", "纪检监察", "系统管理员", "安全管理员", "审计管理员"]

# 积分管理 and 谈心谈话 (oversight.views.points, oversight.views.talks): readers of the roster read them
# within their scope; personnel staff keep the rules and record any talk; leaders review and record their own.
_READERS = {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}
_TRAINING_EXPORTERS = {"人事干部": 200, "局领导": 200, "科室负责人": 200}  # 教育培养 — programmes
_REPORT_READERS = {"人事干部": 200, "局领导": 200, "科室负责人": 200}  # 报表
POINTS_TALKS_MATRIX = [
    ("points entries", "get", lambda w: reverse("oversight:points_entries"), _READERS),
    ("points ranking", "get", lambda w: reverse("oversight:points_ranking"), _READERS),
    ("points ranking export", "get", lambda w: reverse("oversight:points_ranking_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("points rules", "get", lambda w: reverse("oversight:points_rules"), _READERS),
    ("new points rule", "get", lambda w: reverse("oversight:points_rule_create"), {"人事干部": 200}),
    ("edit a points rule", "get", lambda w: reverse("oversight:points_rule_update", args=[_rule(w).pk]),
     {"人事干部": 200}),
    ("enter points", "get", lambda w: reverse("oversight:points_entry_create"), {"人事干部": 200, "科室负责人": 200}),
    ("points review queue", "get", lambda w: reverse("oversight:points_review"), {"人事干部": 200, "局领导": 200}),
    # The entry was entered by personnel staff for another department's cadre: a second personnel officer
    # or a leader may try (the service refuses and says why: back with a message, 302).
    ("review other department's points", "post",
     lambda w: reverse("oversight:points_entry_review", args=[_entry(w).pk]), {"人事干部": 302, "局领导": 302}),
    ("talks", "get", lambda w: reverse("oversight:talk_list"), _READERS),
    ("record a talk", "get", lambda w: reverse("oversight:talk_create"), {"人事干部": 200, "局领导": 200}),
    ("other department's talk", "get", lambda w: reverse("oversight:talk_detail", args=[_talk(w).pk]),
     {**_READERS, "科室负责人": 404}),
    ("own department's talk", "get", lambda w: reverse("oversight:talk_detail", args=[_talk(w, "own").pk]), _READERS),
    ("record other department's due talk", "get", lambda w: reverse("oversight:talk_record", args=[_talk(w).pk]),
     {"人事干部": 200, "局领导": 200}),
    ("cancel other department's due talk", "post", lambda w: reverse("oversight:talk_cancel", args=[_talk(w).pk]),
     {"人事干部": 302}),
    ("follow-up on other department's talk", "post",
     lambda w: reverse("oversight:followup_create", args=[_talk(w).pk]), {"人事干部": 200, "局领导": 200}),
    ("complete other department's follow-up", "post",
     lambda w: reverse("oversight:followup_done", args=[_follow_up(w).pk]), {"人事干部": 302, "局领导": 302}),
    ("follow-ups", "get", lambda w: reverse("oversight:followup_list"), _READERS),
    ("talk plan", "get", lambda w: reverse("oversight:talk_plan"), {"人事干部": 200}),
    ("talk plan coverage", "get", lambda w: reverse("oversight:talk_coverage"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
]

# (page or action, method, URL builder, {role: status}); roles not listed get 403.
MATRIX = [
    ("roster", "get", lambda w: reverse("cadres:cadre_list"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("own record", "get", lambda w: reverse("cadres:cadre_detail", args=[w["own"][2].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("other department's record", "get", lambda w: reverse("cadres:cadre_detail", args=[w["other"][0].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("edit own", "get", lambda w: reverse("cadres:cadre_update", args=[w["own"][0].pk]),
     {"人事干部": 200}),
    ("edit other department's", "get", lambda w: reverse("cadres:cadre_update", args=[w["other"][0].pk]),
     {"人事干部": 200, "科室负责人": 404}),
    ("correct an ID number", "get", lambda w: reverse("cadres:cadre_id_number", args=[w["own"][0].pk]),
     {"人事干部": 200}),
    ("correct another department's ID number", "get",
     lambda w: reverse("cadres:cadre_id_number", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    # An empty POST carries no version: a conflict, sent back to the record (302) with nothing saved.
    ("post to other department's edit", "post", lambda w: reverse("cadres:cadre_update", args=[w["other"][0].pk]),
     {"人事干部": 302, "科室负责人": 404}),
    ("change status of other department's", "get",
     lambda w: reverse("cadres:cadre_status", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    ("add post to other department's", "get",
     lambda w: reverse("cadres:post_create", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    ("photo of other department's", "get", lambda w: reverse("cadres:cadre_photo", args=[w["other"][0].pk]),
     {"人事干部": 404, "局领导": 404, "科室负责人": 404, "纪检监察": 404}),  # no photo: 404 for all who may read
    ("retirement due", "get", lambda w: reverse("cadres:retirement_due"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("retirement due export", "get", lambda w: reverse("cadres:retirement_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("retire own", "get", lambda w: reverse("cadres:cadre_retire", args=[w["own"][0].pk]), {"人事干部": 200}),
    ("retire other department's", "get", lambda w: reverse("cadres:cadre_retire", args=[w["other"][0].pk]),
     {"人事干部": 200, "科室负责人": 404}),
    # An empty POST has no date: the form comes back with its error, nothing saved.
    ("post retire of other department's", "post",
     lambda w: reverse("cadres:cadre_retire", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    ("new cadre", "get", lambda w: reverse("cadres:cadre_create"), {"人事干部": 200}),
    # 批量变更: personnel staff only (the right to change cadres, posts and ranks); GET shows the form.
    ("batch change form", "get", lambda w: reverse("cadres:batch_change") + f"?ids={w['own'][0].pk}",
     {"人事干部": 200}),
    ("batch change of another department's cadre", "get",
     lambda w: reverse("cadres:batch_change") + f"?ids={w['other'][0].pk}", {"人事干部": 200}),
    # Nothing selected: back to the roster with a message, nothing written.
    ("batch change, nothing selected", "post", lambda w: reverse("cadres:batch_change"), {"人事干部": 302}),
    ("batch confirmation, nothing selected", "post", lambda w: reverse("cadres:batch_apply"), {"人事干部": 302}),
    ("export", "get", lambda w: reverse("cadres:cadre_export"), {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("import", "get", lambda w: reverse("cadres:import_upload"), {"人事干部": 200}),
    ("reveal ID", "post", lambda w: reverse("cadres:cadre_reveal_id", args=[w["own"][0].pk]), {"人事干部": 200}),
    ("departments", "get", lambda w: reverse("cadres:department_list"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200, "系统管理员": 200, "安全管理员": 200}),
    ("new department", "get", lambda w: reverse("cadres:department_create"), {"人事干部": 200, "系统管理员": 200}),
    # Post quotas (职数): read by those who read the roster (a department head within their units),
    # recorded and corrected by personnel staff.
    ("quota overview", "get", lambda w: reverse("cadres:quota_overview"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("quota export", "get", lambda w: reverse("cadres:quota_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("own unit's quota occupants", "get", lambda w: reverse("cadres:quota_occupants", args=[w["office"].pk, "L51"]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("other unit's quota occupants", "get",
     lambda w: reverse("cadres:quota_occupants", args=[w["finance"].pk, "L52"]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("new quota", "get", lambda w: reverse("cadres:quota_create"), {"人事干部": 200}),
    ("correct a quota", "get", lambda w: reverse("cadres:quota_update", args=[_quota(w).pk]), {"人事干部": 200}),
    ("accounts", "get", lambda w: reverse("accounts:user_list"), {"系统管理员": 200, "安全管理员": 200}),
    ("audit log", "get", lambda w: reverse("audit:event_list"), {"审计管理员": 200}),
    ("audit export", "get", lambda w: reverse("audit:event_export"), {"审计管理员": 200}),
    ("admin", "get", lambda w: "/admin/", {}),  # no role is staff: the admin is for emergencies only
    # Two-person changes: the confirmers (局领导 for role grants, 安全管理员 for moves) and those who ask
    # (system and security administrators; personnel staff, who may ask to move a unit).
    ("account changes", "get", lambda w: reverse("accounts:change_list"),
     {"人事干部": 200, "局领导": 200, "系统管理员": 200, "安全管理员": 200}),
    ("a pending role grant", "get", lambda w: reverse("accounts:change_detail", args=[_grant(w).pk]),
     {"人事干部": 404, "局领导": 200, "系统管理员": 404, "安全管理员": 200}),
    # 局领导 confirm (and get the activation code); the requester is sent back with a refusal.
    ("confirm a role grant", "post", lambda w: reverse("accounts:change_detail", args=[_grant(w).pk]),
     {"人事干部": 404, "局领导": 200, "系统管理员": 404, "安全管理员": 302}),
    ("withdraw a role grant", "post", lambda w: reverse("accounts:change_cancel", args=[_grant(w).pk]),
     {"人事干部": 404, "局领导": 302, "系统管理员": 404, "安全管理员": 302}),
    ("ask to reset a second factor", "get",
     lambda w: reverse("accounts:user_reset_otp", args=[w["users"]["人事干部"].pk]),
     {"系统管理员": 200, "安全管理员": 200}),
    # Selection: personnel staff's 待办 and the candidate picker of a new case; 待我审批 for all who read cases.
    ("selection to-dos", "get", lambda w: reverse("selection:todo_list"), {"人事干部": 200}),
    ("selection candidate search", "get", lambda w: reverse("selection:candidate_search") + "?candidate_q=本科室",
     {"人事干部": 200}),
    ("selection inbox", "get", lambda w: reverse("selection:inbox"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    # 日常监督's entry page: for those who hold any of its permissions.
    ("oversight index", "get", lambda w: reverse("oversight:index"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    # The 工作台: the landing page of those who work on cadres; the administrators are sent to theirs.
    ("desk", "get", lambda w: reverse("home"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200, "系统管理员": 302, "安全管理员": 302,
      "审计管理员": 302}),
    # 动态管理: read by those who read cadres (a department head within their units); decided and its
    # rules kept by personnel staff.
    ("adjustment queue", "get", lambda w: reverse("oversight:flag_list"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("run the flag rules now", "post", lambda w: reverse("oversight:flag_recheck"), {"人事干部": 302}),
    ("decide on own", "get", lambda w: reverse("oversight:decision_create", args=[w["own"][0].pk]),
     {"人事干部": 200}),
    ("decide on other department's", "get",
     lambda w: reverse("oversight:decision_create", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    ("flag rules", "get", lambda w: reverse("oversight:flagrule_list"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("change a flag rule", "get", lambda w: reverse("oversight:flagrule_update", args=[_flag_rule().pk]),
     {"人事干部": 200}),
    # The age ladder is the dashboard's: read by those who read it.
    ("age ladder", "get", lambda w: reverse("dashboard:age_ladder"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    # The dashboard for briefings: printed and exported by those with dashboard.export_dashboard (科室负责人:
    # their units' figures and cadres only, tests/dashboard/test_briefing.py); the files need a stored date.
    ("dashboard print view", "get", lambda w: reverse("dashboard:print"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("dashboard cards export", "get", lambda w: _dashboard_stored(w, "dashboard:export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("dashboard cards PDF", "get", lambda w: _dashboard_stored(w, "dashboard:export_pdf"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("dashboard drill-down export", "get",
     lambda w: reverse("dashboard:drilldown_export", args=["female", "denominator"]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("民主测评 of other department's", "get",
     lambda w: reverse("oversight:recognition_create", args=[w["other"][0].pk]), {"人事干部": 200, "科室负责人": 404}),
    # 定期考察: 平时考核 grids by unit (heads enter their own, 404 elsewhere), 年度考核, settings, 考察 visits.
    ("quarterly overview", "get", lambda w: reverse("oversight:quarterly_overview"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("own unit's quarterly grid", "get", lambda w: _grid(w, "office"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("other unit's quarterly grid", "get", lambda w: _grid(w, "finance"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("post to other unit's quarterly grid", "post", lambda w: _grid(w, "finance"),
     {"人事干部": 302, "科室负责人": 404}),
    ("confirm other unit's quarterly grid", "post", lambda w: _grid(w, "finance", "confirm"),
     {"人事干部": 404, "科室负责人": 404}),  # personnel: nothing entered there yet
    ("reopen other unit's quarterly grid", "post", lambda w: _grid(w, "finance", "reopen"),
     {"人事干部": 404, "科室负责人": 404}),
    ("other unit's grid template", "get", lambda w: _grid(w, "finance", "template"),
     {"人事干部": 200, "科室负责人": 404}),
    ("import into other unit's grid", "get", lambda w: _grid(w, "finance", "import"),
     {"人事干部": 200, "科室负责人": 404}),
    ("import into own unit's grid", "get", lambda w: _grid(w, "office", "import"),
     {"人事干部": 200, "科室负责人": 200}),
    ("annual overview", "get", lambda w: reverse("oversight:annual_overview"),
     {"人事干部": 200, "局领导": 200, "纪检监察": 200}),
    ("annual grid", "get", lambda w: reverse("oversight:annual_grid", args=[w["finance"].pk, _LAST_YEAR]),
     {"人事干部": 200, "局领导": 200, "纪检监察": 200}),
    ("post to annual grid", "post", lambda w: reverse("oversight:annual_grid", args=[w["finance"].pk, _LAST_YEAR]),
     {"人事干部": 302}),
    ("oversight settings", "get", lambda w: reverse("oversight:settings"),
     {"人事干部": 200, "局领导": 200, "纪检监察": 200}),
    ("new conflict rule", "get", lambda w: reverse("oversight:conflict_rule_create"), {"人事干部": 200}),
    ("new visit on other department's cadre", "get",
     lambda w: reverse("oversight:inspection_visit_create", args=[w["other"][0].pk]),
     {"人事干部": 200, "科室负责人": 404}),
    ("new shortcoming on other department's cadre", "get",
     lambda w: reverse("oversight:shortcoming_create", args=[w["other"][0].pk]),
     {"人事干部": 200, "科室负责人": 404}),
    # 备案: read by those who read cadres (信访 only by 人事干部, 局领导, 纪检监察: a 科室负责人 gets 404 even in
    # scope); reported by personnel staff, discipline inspection and department heads; handled by personnel staff.
    ("filing list", "get", lambda w: reverse("oversight:filing_list"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("filing export", "get", lambda w: reverse("oversight:filing_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("filing cadre picker", "get", lambda w: reverse("oversight:filing_pick") + "?q=本科室",
     {"人事干部": 200, "科室负责人": 200, "纪检监察": 200}),
    ("new honour filing, own unit", "get",
     lambda w: reverse("oversight:filing_create", args=[w["own"][0].pk, "honour"]),
     {"人事干部": 200, "科室负责人": 200, "纪检监察": 200}),
    ("new honour filing, other unit", "get",
     lambda w: reverse("oversight:filing_create", args=[w["other"][0].pk, "honour"]),
     {"人事干部": 200, "科室负责人": 404, "纪检监察": 200}),
    ("new petition filing, own unit", "get",
     lambda w: reverse("oversight:filing_create", args=[w["own"][0].pk, "petition"]),
     {"人事干部": 200, "科室负责人": 404, "纪检监察": 200}),
    ("honour filing, own unit", "get", lambda w: reverse("oversight:filing_detail", args=[_filing(w, 0).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("honour filing, other unit", "get", lambda w: reverse("oversight:filing_detail", args=[_filing(w, 3).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("petition filing, own unit", "get",
     lambda w: reverse("oversight:filing_detail", args=[_filing(w, 0, "petition").pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("receive a filing", "post",
     lambda w: reverse("oversight:filing_action", args=[_filing(w, 0).pk, "receive"]), {"人事干部": 302}),
    ("receive a petition filing", "post",
     lambda w: reverse("oversight:filing_action", args=[_filing(w, 0, "petition").pk, "receive"]),
     {"人事干部": 302, "科室负责人": 404}),
    # 全程记实: scoped like the record page; its PDF too.
    ("timeline, own unit", "get", lambda w: reverse("oversight:cadre_timeline", args=[w["own"][0].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200, "纪检监察": 200}),
    ("timeline, other unit", "get", lambda w: reverse("oversight:cadre_timeline", args=[w["other"][0].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("timeline PDF, other unit", "get", lambda w: reverse("oversight:cadre_timeline_pdf", args=[w["other"][0].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    # 干部任免审批表 (reports): those who may export the form (人事干部, 局领导), a cadre in their scope; a
    # department head is 404 outside their units (403 inside: no right to export); LRMX import: personnel staff.
    ("appointment form PDF, own unit", "get", lambda w: reverse("reports:appointment_pdf", args=[w["own"][0].pk]),
     {"人事干部": 200, "局领导": 200}),
    ("appointment form PDF, other unit", "get",
     lambda w: reverse("reports:appointment_pdf", args=[w["other"][0].pk]), {"人事干部": 200, "局领导": 200,
                                                                            "科室负责人": 404}),
    ("appointment form Word, other unit", "get",
     lambda w: reverse("reports:appointment_docx", args=[w["other"][0].pk]), {"人事干部": 200, "局领导": 200,
                                                                             "科室负责人": 404}),
    ("appointment form LRMX, other unit", "get",
     lambda w: reverse("reports:appointment_lrmx", args=[w["other"][0].pk]), {"人事干部": 200, "局领导": 200,
                                                                             "科室负责人": 404}),
    ("candidate's form PDF", "get", lambda w: reverse("reports:candidate_pdf", args=[_form_candidate(w).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 404}),
    ("candidate's form Word", "get", lambda w: reverse("reports:candidate_docx", args=[_form_candidate(w).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 404}),
    ("candidate's form LRMX", "get", lambda w: reverse("reports:candidate_lrmx", args=[_form_candidate(w).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 404}),
    ("candidate's 任免理由", "get", lambda w: reverse("reports:candidate_reason", args=[_form_candidate(w).pk]),
     {"人事干部": 200}),
    ("case's forms zip", "get", lambda w: reverse("reports:case_forms_zip", args=[_form_candidate(w).case_id]),
     {"人事干部": 200, "局领导": 200}),
    ("LRMX import", "get", lambda w: reverse("reports:lrmx_upload"), {"人事干部": 200}),
    ("LRMX import preview", "get", lambda w: reverse("reports:lrmx_preview", args=[_lrmx_import(w).pk]),
     {"人事干部": 200}),
    *POINTS_TALKS_MATRIX,
    # 教育培养 — young: readers read rounds, nominations and the pool within their scope; personnel staff run the
    # rounds; personnel staff and department heads nominate (their units' cadres only); leaders decide.
    ("young rounds", "get", lambda w: reverse("training:round_list"), _READERS),
    ("new young round", "get", lambda w: reverse("training:round_create"), {"人事干部": 200}),
    ("young round", "get", lambda w: reverse("training:round_detail", args=[_young_round(w).pk]), _READERS),
    ("edit young round", "get", lambda w: reverse("training:round_update", args=[_young_round(w).pk]),
     {"人事干部": 200}),
    ("advance young round", "post", lambda w: reverse("training:round_advance", args=[_young_round(w).pk]),
     {"人事干部": 302}),
    ("young eligible cadres", "get", lambda w: reverse("training:round_eligible", args=[_young_round(w).pk]),
     _READERS),
    ("young nominations", "get", lambda w: reverse("training:nomination_list", args=[_young_round(w).pk]),
     _READERS),
    ("young nominations export", "get", lambda w: reverse("training:nomination_export", args=[_young_round(w).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("nominate own unit's cadre", "get",
     lambda w: reverse("training:nomination_create", args=[_young_round(w).pk, w["own"][0].pk]),
     {"人事干部": 200, "科室负责人": 200}),
    ("nominate other unit's cadre", "get",
     lambda w: reverse("training:nomination_create", args=[_young_round(w).pk, w["other"][0].pk]),
     {"人事干部": 200, "科室负责人": 404}),
    ("withdraw other unit's nomination", "post",
     lambda w: reverse("training:nomination_withdraw", args=[_young_nomination(w).pk]),
     {"人事干部": 302, "科室负责人": 404}),
    ("young review queue", "get", lambda w: reverse("training:nomination_review"), {"局领导": 200}),
    ("decide other unit's nomination", "post",
     lambda w: reverse("training:nomination_decide", args=[_young_nomination(w).pk]), {"局领导": 302}),
    ("reserve pool", "get", lambda w: reverse("training:pool_list"), _READERS),
    ("reserve pool export", "get", lambda w: reverse("training:pool_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    # 教育培养 — practice: read within scope by those who read cadres (out of scope 404), exported by those
    # with the export right, written by personnel staff only; refused steps come back with a message (302)
    # or the form with its errors (200).
    ("placements", "get", lambda w: reverse("training:placement_list"), _READERS),
    ("placements export", "get", lambda w: reverse("training:placement_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("new placement", "get", lambda w: reverse("training:placement_create"), {"人事干部": 200}),
    ("other unit's placement", "get", lambda w: reverse("training:placement_detail", args=[w["practice_placement"].pk]),
     {**_READERS, "科室负责人": 404}),
    ("edit other unit's placement", "get",
     lambda w: reverse("training:placement_update", args=[w["practice_placement"].pk]), {"人事干部": 200}),
    ("start other unit's placement, no date", "post",
     lambda w: reverse("training:placement_start", args=[w["practice_placement"].pk]), {"人事干部": 200}),
    ("end other unit's planned placement", "post",
     lambda w: reverse("training:placement_end", args=[w["practice_placement"].pk]), {"人事干部": 200}),
    ("cancel other unit's placement, no reason", "post",
     lambda w: reverse("training:placement_cancel", args=[w["practice_placement"].pk]), {"人事干部": 200}),
    ("rotation plans", "get", lambda w: reverse("training:rotation_list"), _READERS),
    ("rotation plans export", "get", lambda w: reverse("training:rotation_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("rotation candidates", "get", lambda w: reverse("training:rotation_candidates"), _READERS),
    ("rotation candidates export", "get", lambda w: reverse("training:rotation_candidates_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("new rotation plan for other unit's cadre", "get",
     lambda w: reverse("training:rotation_create", args=[w["other"][1].pk]), {"人事干部": 200}),
    ("other unit's rotation plan", "get",
     lambda w: reverse("training:rotation_detail", args=[w["practice_rotation"].pk]), {**_READERS, "科室负责人": 404}),
    ("carry out other unit's rotation before its date", "post",
     lambda w: reverse("training:rotation_carry_out", args=[w["practice_rotation"].pk]), {"人事干部": 302}),
    ("cancel other unit's rotation, no reason", "post",
     lambda w: reverse("training:rotation_cancel", args=[w["practice_rotation"].pk]), {"人事干部": 302}),
    # 教育培养 — programmes: read by those who read cadres (enrolments and hours within their units; another
    # unit's enrolment or unit is 404); exported by all but 纪检监察; written and imported by personnel staff.
    ("training programmes", "get", lambda w: reverse("training:programme_list"), _READERS),
    ("training programmes export", "get", lambda w: reverse("training:programme_export"), _TRAINING_EXPORTERS),
    ("training calendar", "get", lambda w: reverse("training:programme_calendar"), _READERS),
    ("new training programme", "get", lambda w: reverse("training:programme_create"), {"人事干部": 200}),
    ("edit a training programme", "get",
     lambda w: reverse("training:programme_update", args=[w["programmes_programme"].pk]), {"人事干部": 200}),
    ("training programme", "get",
     lambda w: reverse("training:programme_detail", args=[w["programmes_programme"].pk]), _READERS),
    ("enrol in a programme", "get",
     lambda w: reverse("training:enrolment_create", args=[w["programmes_programme"].pk]), {"人事干部": 200}),
    ("attendance template", "get",
     lambda w: reverse("training:attendance_template", args=[w["programmes_programme"].pk]), {"人事干部": 200}),
    ("attendance import", "get",
     lambda w: reverse("training:attendance_import", args=[w["programmes_programme"].pk]), {"人事干部": 200}),
    # Nothing uploaded: back to the upload page.
    ("attendance confirm", "get",
     lambda w: reverse("training:attendance_confirm", args=[w["programmes_programme"].pk]), {"人事干部": 302}),
    ("other unit's enrolment attendance", "get",
     lambda w: reverse("training:enrolment_attendance", args=[w["programmes_other_enrolment"].pk]), {"人事干部": 200}),
    ("own unit's enrolment completion", "get",
     lambda w: reverse("training:enrolment_complete", args=[w["programmes_own_enrolment"].pk]), {"人事干部": 200}),
    ("mark other unit's enrolment incomplete", "post",
     lambda w: reverse("training:enrolment_incomplete", args=[w["programmes_other_enrolment"].pk]), {"人事干部": 302}),
    ("withdraw other unit's enrolment", "post",
     lambda w: reverse("training:enrolment_withdraw", args=[w["programmes_other_enrolment"].pk]), {"人事干部": 302}),
    ("training hours by unit", "get", lambda w: reverse("training:hours_table"), _READERS),
    ("training hours export", "get", lambda w: reverse("training:hours_table_export"), _TRAINING_EXPORTERS),
    ("own unit's training hours", "get", lambda w: reverse("training:hours_unit", args=[w["office"].pk]), _READERS),
    ("other unit's training hours", "get", lambda w: reverse("training:hours_unit", args=[w["finance"].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("other unit's training hours export", "get",
     lambda w: reverse("training:hours_unit_export", args=[w["finance"].pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404}),
    ("training hours shortfall", "get", lambda w: reverse("training:hours_shortfall"), _READERS),
    ("training hours shortfall export", "get", lambda w: reverse("training:hours_shortfall_export"),
     _TRAINING_EXPORTERS),
    ("appointment training due", "get", lambda w: reverse("training:appointment_due"), _READERS),
    ("appointment training due export", "get", lambda w: reverse("training:appointment_due_export"),
     _TRAINING_EXPORTERS),
    ("training settings", "get", lambda w: reverse("training:settings"), {"人事干部": 200}),
    # 教育培养 — plans: read by those who read cadres (科室负责人 within their units, 404 elsewhere); written by
    # personnel staff; reviewed by personnel staff and leaders; exported by those who may export training data.
    ("plan list", "get", lambda w: reverse("training:plan_list"), _READERS),
    ("plan export", "get", lambda w: reverse("training:plan_export"),
     {"人事干部": 200, "局领导": 200, "科室负责人": 200}),
    ("new plan, other unit", "get", lambda w: reverse("training:plan_create", args=[_plans_member(w).pk]),
     {"人事干部": 200}),
    ("plan, own unit", "get", lambda w: reverse("training:plan_detail", args=[_plans_plan(w, "own").pk]), _READERS),
    ("plan, other unit", "get", lambda w: reverse("training:plan_detail", args=[_plans_plan(w).pk]),
     {"人事干部": 200, "局领导": 200, "科室负责人": 404, "纪检监察": 200}),
    ("edit plan, other unit", "get", lambda w: reverse("training:plan_update", args=[_plans_plan(w).pk]),
     {"人事干部": 200}),
    ("new plan goal, other unit", "get", lambda w: reverse("training:plangoal_create", args=[_plans_plan(w).pk]),
     {"人事干部": 200}),
    ("activate plan, other unit", "post", lambda w: reverse("training:plan_activate", args=[_plans_plan(w).pk]),
     {"人事干部": 302}),
    ("review plan, other unit", "get", lambda w: reverse("training:planreview_create", args=[_plans_plan(w).pk]),
     {"人事干部": 200, "局领导": 200}),
    # 报表 — the monthly report's archive: readers of 报表 within their scope (a 科室负责人: their units' reports,
    # never the bureau's); personnel staff run reports and mark them 已报送.
    ("report archive", "get", lambda w: reverse("reports:index"), _REPORT_READERS),
    ("run a report", "get", lambda w: reverse("reports:monthly_run"), {"人事干部": 200}),
    # An empty POST has no month: the form comes back with its error, nothing queued.
    ("post the run form", "post", lambda w: reverse("reports:monthly_run"), {"人事干部": 200}),
    ("bureau report", "get", lambda w: reverse("reports:monthly_detail", args=[_report(w, None).pk]),
     {**_REPORT_READERS, "科室负责人": 404}),
    ("own unit's report", "get", lambda w: reverse("reports:monthly_detail", args=[_report(w, "office").pk]),
     _REPORT_READERS),
    ("own unit's report PDF", "get", lambda w: reverse("reports:monthly_pdf", args=[_report(w, "office").pk]),
     _REPORT_READERS),
    ("other unit's report Excel", "get", lambda w: reverse("reports:monthly_xlsx", args=[_report(w, "finance").pk]),
     {**_REPORT_READERS, "科室负责人": 404}),
    ("other unit's report PDF", "get", lambda w: reverse("reports:monthly_pdf", args=[_report(w, "finance").pk]),
     {**_REPORT_READERS, "科室负责人": 404}),
    # Not an htmx request: sent on to the report's page.
    ("other unit's report progress", "get",
     lambda w: reverse("reports:monthly_status", args=[_report(w, "finance").pk]),
     {"人事干部": 302, "局领导": 302, "科室负责人": 404}),
    ("mark a report 已报送", "get", lambda w: reverse("reports:monthly_submit", args=[_report(w, None).pk]),
     {"人事干部": 200}),
    ("post 已报送 for other unit's report", "post",
     lambda w: reverse("reports:monthly_submit", args=[_report(w, "finance").pk]), {"人事干部": 302}),
]

_LAST_YEAR = dt.date.today().year - 1


# 教育培养 — plans: a pool member of the other unit (or own) and its plan, made on demand.
def _plans_member(world, which="other"):
    from training.models import PoolMember

    member, _ = PoolMember.objects.get_or_create(cadre=world[which][0], state="active",
                                                 defaults={"entered_on": dt.date(2026, 3, 1)})
    return member


def _plans_plan(world, which="other"):
    from training.services.plans import plan_create

    member = _plans_member(world, which)
    return getattr(member, "plan", None) or plan_create(
        actor=world["users"]["人事干部"], member=member, start_year=2026, end_year=2028, direction="综合管理")


def _dashboard_stored(world, name):
    """The URL ``name`` of the dashboard, once today's figures are stored (the row's savepoint drops them)."""
    from cadre_office.dashboard.services import snapshot_compute

    snapshot_compute(as_of=dt.date.today())
    return reverse(name)


def _grid(world, unit, action=""):
    name = f"oversight:quarterly_{action}" if action else "oversight:quarterly_grid"
    return reverse(name, args=[world[unit].pk, _LAST_YEAR, 3])


def _flag_rule():
    from oversight.models import FlagRule

    return FlagRule.objects.order_by("pk").first()


def _filing(world, index: int, kind: str = "honour"):
    import datetime as dt

    from oversight.models import Filing
    from oversight.services import filing_submit

    fields = ({"honour_title": "全区优秀公务员", "awarding_body": "中共某某区委", "honour_level": "county"}
              if kind == "honour" else {"petition_source": "letter", "petition_summary": "反映工作作风问题"})
    cadre = (world["own"] + world["other"])[index]
    return filing_submit(actor=world["users"]["人事干部"], filing=Filing(
        cadre=cadre, kind=kind, event_date=dt.date(2026, 11, 20), **fields))


def _quota(world):
    import datetime as dt

    from cadres.services import quota_create

    day = dt.date(2020, 1, 1)
    return quota_create(actor=world["users"]["人事干部"], department=world["finance"], level="52", approved=2,
                        document="区编发〔2020〕1号", approved_on=day, effective_from=day)


def _report(world, unit):
    """A built monthly report of November 2026 for the bureau (None) or one of the world's units, files stored."""
    from django.core.files.base import ContentFile

    from cadre_office.reports.models import MonthlyReport

    department = world[unit] if unit else None
    report = MonthlyReport(month=dt.date(2026, 11, 1), department=department, state=MonthlyReport.State.READY,
                           requested_by=world["users"]["人事干部"])
    report.xlsx.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    report.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.7"), save=False)
    report.save()
    return report


def _rule(world):
    from oversight.models import PointRule

    return PointRule.objects.order_by("pk").first()


def _entry(world):
    from oversight.services import point_entry_create

    return point_entry_create(actor=world["users"]["人事干部"], cadre=world["other"][0], rule=_rule(world),
                              occurred_on=dt.date(2026, 1, 5), evidence="区委〔2026〕1号")


def _talk(world, which="other"):
    from oversight.services import talk_raise

    return talk_raise(actor=world["users"]["人事干部"], cadre=world[which][0], kind="reminder",
                      due_on=dt.date(2026, 1, 5), reason="测试", source=f"matrix:{which}")


def _follow_up(world):
    from oversight.models import Talk, TalkFollowUp
    from oversight.services import talk_create

    talk = talk_create(actor=world["users"]["人事干部"], talk=Talk(
        cadre=world["other"][0], kind="daily", talker=world["users"]["局领导"], held_on=dt.date(2026, 1, 5),
        praise="肯定"))
    return TalkFollowUp.objects.create(talk=talk, item="整改", due_on=dt.date(2026, 2, 5))


# 教育培养 — young: a round open for nominations, and a nomination of another unit's cadre made by personnel staff.
def _young_round(world):
    from training.models import YoungCadreRound

    return YoungCadreRound.objects.get_or_create(year=2026, defaults={
        "name": "2026年度年轻干部选育", "quota": 5, "age_limit": 40, "min_education": "secondary",
        "nomination_deadline": dt.date(2099, 12, 31), "created_by": world["users"]["人事干部"]})[0]


def _young_nomination(world):
    from training.models import Nomination

    return Nomination.objects.create(round=_young_round(world), cadre=world["other"][0], kind="self", reason="本人陈述",
                                     created_by=world["users"]["人事干部"])


def _form_candidate(world):
    """A candidate (another unit's cadre) of a case at step 13, whose appointment form exists."""
    from selection.models import Candidate, SelectionCase
    from tests.selection.conftest import ensure_default_template

    case = SelectionCase.objects.create(number="XB-MATRIX", title="财务科副科长选拔", department=world["finance"],
                                        post_title="财务科副科长", level="52", template=ensure_default_template(),
                                        current_step=13, created_by=world["users"]["人事干部"])
    return Candidate.objects.create(case=case, number=1, cadre=world["other"][0])


def _lrmx_import(world):
    """An LRMX file uploaded by personnel staff, waiting for confirmation."""
    from cadre_office.reports.appointment.content import cadre_form
    from cadre_office.reports.appointment.lrmx import lrmx_bytes
    from cadre_office.reports.appointment.services import lrmx_import_upload

    staff = world["users"]["人事干部"]
    return lrmx_import_upload(actor=staff, filename="x.lrmx", data=lrmx_bytes(cadre_form(staff, world["other"][0].pk)))


def _grant(world):
    # A pending request, asked by the security administrator, to make a new account 人事干部.
    from cadre_office.accounts.services import account_create

    account_create(actor=world["users"]["安全管理员"], username="xinren", full_name="新人", password="Xinren-2026-mm",
                   role="人事干部")
    return ChangeRequest.objects.get(target_user__username="xinren")


def _row_outcome(client, world, action, method, url) -> tuple[str, str | int]:
    """Open one MATRIX row in a savepoint rolled back afterwards; return its URL and status (or what went wrong)."""
    target = "(URL not built)"
    try:
        with transaction.atomic():
            target = url(world)
            response = getattr(client, method)(target)
            transaction.set_rollback(True)  # only now: a connection marked for rollback refuses further queries
    except Exception as error:  # the row fails, with its reason listed among the others
        return target, f"{type(error).__name__}: {error}"
    if action == "admin":
        # Non-staff users are sent to the admin's login, which the app's own login guards.
        location = response.get("Location", "")
        if response.status_code == 302 and "/admin/login/" in location:
            return target, "admin login"
        return target, f"{response.status_code} {location}".strip()
    return target, response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, world, role):
    """Every MATRIX row for one role: the world is built and the role logged in once, not once per row.

    Each row runs in its own savepoint rolled back after it (the test client uses the test's connection),
    so what a row's URL builder creates (a talk, a filing, a role grant) or its POST writes is gone before
    the next row; the cache is emptied, the client's cookies and the world's instances are restored from
    copies. Each row thus starts from the state a test of its own would see. Every failing row is listed.
    """
    log_in(client, world["users"][role])
    cookies = copy.deepcopy(client.cookies)
    failures = []
    for action, method, url, expected in MATRIX:
        cache.clear()
        client.cookies = copy.deepcopy(cookies)
        want = "admin login" if action == "admin" else expected.get(role, 403)
        target, got = _row_outcome(client, copy.deepcopy(world), action, method, url)
        if got != want:
            failures.append(f"  {action!r}: {method.upper()} {target} expected {want}, got {got}")
    if failures:
        pytest.fail(f"{role}: {len(failures)} of {len(MATRIX)} rows differ:\n" + "\n".join(failures), pytrace=False)


def test_department_head_list_search_and_export_hold_only_their_departments(client, world):
    head = world["users"]["科室负责人"]
    log_in(client, head)
    own_names = {c.name for c in world["own"]}
    response = client.get(reverse("cadres:cadre_list"))
    assert {c.name for c in response.context["cadres"]} == own_names  # includes the sub-department's cadre
    assert response.context["paginator"].count == len(world["own"])

    # Searching for another department's cadre by name finds nothing; filtering by that department shows none.
    assert client.get(reverse("cadres:cadre_list"), {"q": "他科室丁"}).context["paginator"].count == 0
    filtered = client.get(reverse("cadres:cadre_list"), {"department": world["finance"].pk})
    assert not {c.name for c in filtered.context["cadres"]} & {c.name for c in world["other"]}

    export = client.get(reverse("cadres:cadre_export"))
    names = _xlsx_column(export, "姓名")
    assert set(names) == own_names and len(names) == len(world["own"])
    export = client.get(reverse("cadres:cadre_export"), {"q": "他科室"})
    assert _xlsx_column(export, "姓名") == []


def test_department_head_sees_only_their_departments_in_the_filters(client, world):
    log_in(client, world["users"]["科室负责人"])
    response = client.get(reverse("cadres:cadre_list"))
    choices = {str(label) for _, label in response.context["filter_form"].fields["department"].choices}
    assert not any("财务科" in label for label in choices)


def _xlsx_column(response, header) -> list:
    from openpyxl import load_workbook

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- ID numbers (docs/security.md 13, 14) -------------------------------------------------------------


@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察"])
def test_the_full_id_number_is_absent_from_html_and_xlsx_without_the_right(client, world, role):
    cadre = world["own"][0]
    log_in(client, world["users"][role])
    masked = cadre.id_number[:6] + "*" * 11 + cadre.id_number[-1:]
    pages = [client.get(reverse("cadres:cadre_list")), client.get(reverse("cadres:cadre_detail", args=[cadre.pk]))]
    for page in pages:
        html = page.content.decode()
        assert cadre.id_number not in html
        assert masked in html
    assert "查看完整号码" not in pages[1].content.decode()
    export = client.get(reverse("cadres:cadre_export"))
    if export.status_code == 200:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
        xml = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        assert cadre.id_number not in xml
        assert masked in xml
    # Nor can they reveal it.
    assert client.post(reverse("cadres:cadre_reveal_id", args=[cadre.pk])).status_code == 403


def test_the_full_id_number_is_absent_from_the_history_tab(client, world, actor):
    from cadres.services import cadre_update

    cadre = world["own"][0]
    old = cadre.id_number
    new = unique_id_number(cadre.birth_date, cadre.gender)
    cadre_update(actor=actor, cadre=cadre, data={"id_number": new})
    log_in(client, world["users"]["局领导"])
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert old not in html and new not in html


def test_personnel_staff_reveal_the_number_explicitly_and_leave_an_access_record(client, world):
    staff = world["users"]["人事干部"]
    cadre = world["own"][0]
    log_in(client, staff)
    page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert cadre.id_number not in page and "查看完整号码" in page  # masked until asked for

    before = AuditEvent.objects.count()
    response = client.post(reverse("cadres:cadre_reveal_id", args=[cadre.pk]), HTTP_HX_REQUEST="true",
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and cadre.id_number in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.event, row.user, row.username, row.ip, row.object_type, row.object_id, row.outcome) == (
        "reveal", staff, staff.username, "10.1.2.3", "cadres.cadre", str(cadre.pk), "success")
    assert row.detail == {"field": "身份证号"}
    assert cadre.id_number not in str(row.detail) + row.object_repr

    # Without htmx, the same POST returns the record page with the number shown.
    response = client.post(reverse("cadres:cadre_reveal_id", args=[cadre.pk]))
    assert response.status_code == 200 and cadre.id_number in response.content.decode()


def test_the_edit_form_holds_no_full_id_for_an_editor_without_the_right(client, world):
    from django.contrib.auth.models import Permission

    cadre = world["own"][0]
    editor = role_user("局领导")
    editor.user_permissions.add(Permission.objects.get(codename="change_cadre"))
    log_in(client, editor)
    response = client.get(reverse("cadres:cadre_update", args=[cadre.pk]))
    assert response.status_code == 200 and cadre.id_number not in response.content.decode()


# --- audit of cadre data (docs/security.md 15) --------------------------------------------------------


def test_viewing_editing_and_exporting_each_write_exactly_one_audit_row(client, world):
    staff = world["users"]["人事干部"]
    cadre = world["own"][0]
    log_in(client, staff)

    def one_row(event, call):
        before = set(AuditEvent.objects.values_list("id", flat=True))
        response = call()
        rows = list(AuditEvent.objects.exclude(id__in=before))
        assert [r.event for r in rows] == [event], [r.event for r in rows]
        row = rows[0]
        assert row.user == staff and row.username == staff.username and row.ip == "127.0.0.1"
        assert row.at is not None and row.outcome == "success" and row.source == "web"
        return response, row

    _, row = one_row("view_record", lambda: client.get(reverse("cadres:cadre_detail", args=[cadre.pk])))
    assert (row.object_type, row.object_id, row.object_repr) == ("cadres.cadre", str(cadre.pk), cadre.name)

    data = {"name": cadre.name, "gender": cadre.gender, "id_number": cadre.id_number,
            "birth_date": cadre.birth_date.isoformat(), "ethnicity": cadre.ethnicity,
            "political_status": cadre.political_status, "department": cadre.department_id,
            "health": "良好", "version": cadre.version}
    response, row = one_row("update", lambda: client.post(reverse("cadres:cadre_update", args=[cadre.pk]), data))
    assert response.status_code == 302
    assert row.detail["fields"] == ["健康状况"] and row.object_id == str(cadre.pk)

    post_data = {"department": cadre.department_id, "title": "副主任", "level": "52", "start_date": "2024-01-01"}
    response, row = one_row("create", lambda: client.post(reverse("cadres:post_create", args=[cadre.pk]), post_data))
    assert response.status_code == 302 and row.detail["record"] == "职务任职"
    post = cadre.posts.get()
    _, row = one_row("delete", lambda: client.post(reverse("cadres:post_delete", args=[cadre.pk, post.pk])))
    assert row.detail["record_id"] == post.pk

    _, row = one_row("export", lambda: client.get(reverse("cadres:cadre_export"), {"q": "本科室"}))
    assert row.detail["rows"] == 2 and row.detail["filters"] == {"q": "本科室"}


def test_a_command_import_writes_one_audit_row_naming_the_command(tmp_path, world):
    from django.core.management import call_command

    from tests.cadres.workbooks import build_roster, valid_rows

    path = tmp_path / "roster.xlsx"
    path.write_bytes(build_roster(valid_rows(3)))
    before = set(AuditEvent.objects.values_list("id", flat=True))
    call_command("import_roster", str(path), stdout=io.StringIO())
    rows = list(AuditEvent.objects.exclude(id__in=before).filter(event="import"))
    assert len(rows) == 1
    assert rows[0].source == "command:import_roster" and rows[0].username == "import_roster"
    assert rows[0].detail == {"file": "roster.xlsx", "created": 3, "updated": 0, "unchanged": 0}


# --- scoping costs a fixed number of queries (docs/security.md 12) ------------------------------------


def _bulk_roster(n: int, departments: list[Department]) -> None:
    import datetime as dt

    Cadre.objects.bulk_create(
        Cadre(name=f"批量{i}", gender=Gender.MALE, ethnicity=Ethnicity.HAN, birth_date=dt.date(1985, 1, 1),
              id_number=unique_id_number(dt.date(1985, 1, 1), Gender.MALE), political_status=PoliticalStatus.CPC_MEMBER,
              department=departments[i % len(departments)])
        for i in range(n)
    )


def _roster_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["科室负责人", "人事干部"])
def test_roster_query_count_is_the_same_with_50_and_5000_cadres_in_50_departments(client, role):
    departments = [DepartmentFactory(name=f"单位{i:02d}") for i in range(50)]
    user = role_user(role, departments=departments[:5] if role == "科室负责人" else ())
    log_in(client, user)
    url = reverse("cadres:cadre_list")
    _bulk_roster(50, departments)
    small = _roster_queries(client, url)
    _bulk_roster(4950, departments)
    assert Cadre.objects.count() == 5000
    large = _roster_queries(client, url)
    assert small == large
    # 13: session, user, verified OTP device, user and group permissions, the count, the top
    # bar's role, the filter form's departments, the page, its education records, and the
    # session save (savepoint, update, release). For a department head the scope is a subquery
    # inside the count and the page, not a query of its own.
    assert large == 13


# --- CSRF and headers (docs/security.md 3, 4) ---------------------------------------------------------


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(world):
    staff = world["users"]["人事干部"]
    cadre = world["own"][0]
    client = Client(enforce_csrf_checks=True)
    log_in(client, staff)
    response = client.post(reverse("cadres:cadre_status", args=[cadre.pk]),
                           {"status": "retired", "status_date": "2026-01-01"})
    assert response.status_code == 403
    cadre.refresh_from_db()
    assert cadre.status == "active"


def test_security_headers_on_every_page(client, world):
    log_in(client, world["users"]["人事干部"])
    for url in (reverse("cadres:cadre_list"), reverse("cadres:cadre_detail", args=[world["own"][0].pk]),
                reverse("login")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]


def test_no_template_carries_inline_script_style_or_event_handlers():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"<style\b", text) or re.search(r"\sstyle=\"", text):
            offenders.append(f"{path}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path}: inline event handler")
    assert offenders == []


def test_logged_out_page_is_not_served_from_cache(client, world):
    log_in(client, world["users"]["人事干部"])
    client.post(reverse("logout"))
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_no_role_holds_two_administrator_roles_or_reads_across_the_separation(world):
    """三员分立 (docs/security.md 10) in the permissions themselves, not only in the menus."""
    users = world["users"]
    for role in ("系统管理员", "安全管理员", "审计管理员"):
        user = get_user_model().objects.get(pk=users[role].pk)
        assert user.groups.count() == 1
        assert not user.has_perm("cadres.view_cadre")
        assert not user.has_perm("cadres.change_cadre")
    assert not users["系统管理员"].has_perm("audit.view_auditevent")
    assert not users["安全管理员"].has_perm("audit.view_auditevent")
    assert not users["审计管理员"].has_perm("accounts.manage_accounts")
    assert users["安全管理员"].has_perm("accounts.assign_roles")
    assert not users["系统管理员"].has_perm("accounts.assign_roles")
