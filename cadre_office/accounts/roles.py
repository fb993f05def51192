"""The roles of the system: Django groups, each with the least permissions it needs.

A user holds one role (one group). The three administrator roles of 三员分立 exclude
each other by construction, and none of them reads cadre data. Roles that can read full
ID numbers or export personal data, and the administrators, sign in with a second factor
of their own, and granting one of them takes a second person's confirmation (docs/security.md
items 8 and 32).
"""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    PERSONNEL = "人事干部", "人事干部"
    LEADER = "局领导", "局领导"
    DEPARTMENT_HEAD = "科室负责人", "科室负责人"
    DISCIPLINE = "纪检监察", "纪检监察"
    SYSTEM_ADMIN = "系统管理员", "系统管理员"
    SECURITY_ADMIN = "安全管理员", "安全管理员"
    AUDIT_ADMIN = "审计管理员", "审计管理员"


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Roles whose cadre access is limited to the departments granted to the account.
SCOPED_ROLES = frozenset({Role.DEPARTMENT_HEAD})

ROLE_DESCRIPTIONS = {
    Role.PERSONNEL: "维护干部名册和各项记录，导入导出，可查看完整身份证号（留痕）。",
    Role.LEADER: "查阅全局干部信息和报表，审批选拔任用环节，审核积分，记录本人主持的谈心谈话，不能修改名册。",
    Role.DEPARTMENT_HEAD: "只能查阅所管辖单位（含下级单位）的干部；填报本单位平时考核，录入积分，报送学历和荣誉备案。",
    Role.DISCIPLINE: "查阅干部信息，处理报送纪检监察的选拔环节，录入处分和诫勉，查阅信访备案并录入核查结论。",
    Role.SYSTEM_ADMIN: "管理账号和系统配置（单位设置），不能查阅干部信息和审计记录。",
    Role.SECURITY_ADMIN: "分配角色和管辖范围、停用账号、重置密码，不能查阅干部信息和审计记录。",
    Role.AUDIT_ADMIN: "只能查阅和导出审计记录。",
}


CADRE_READ = [
    "cadres.view_cadre", "cadres.view_education", "cadres.view_postassignment", "cadres.view_rankassignment",
    "cadres.view_department", "cadres.view_postquota",
]
CADRE_WRITE = [
    f"cadres.{action}_{model}"
    for model in ("cadre", "education", "postassignment", "rankassignment")
    for action in ("add", "change", "delete")
]
DEPARTMENT_WRITE = ["cadres.add_department", "cadres.change_department"]
# Post quotas (职数): recording approvals and correcting them is personnel staff's.
QUOTA_WRITE = ["cadres.add_postquota", "cadres.change_postquota"]

# The structure-target dashboard: reading it (scoped like the roster), and maintaining the plan.
DASHBOARD_READ = ["dashboard.view_snapshot", "dashboard.view_plan", "dashboard.view_target"]
DASHBOARD_WRITE = ["dashboard.recompute_dashboard", "dashboard.add_plan", "dashboard.change_plan",
                   "dashboard.add_target", "dashboard.change_target"]

# Selection (十六步工作法): personnel staff run cases, leaders and discipline inspection decide gates.
SELECTION_READ = ["selection.view_selectioncase", "selection.view_workflowtemplate"]
SELECTION_RUN = ["selection.run_selection", "selection.view_all_selection", "selection.add_selectioncase",
                 "selection.change_workflowtemplate", "selection.change_stepdefinition",
                 "selection.add_calendarday", "selection.change_calendarday", "selection.view_calendarday"]
# The appraisal and discipline records on a cadre that the negative list reads.
OVERSIGHT_RECORDS = [f"oversight.{action}_{model}" for model in ("annualappraisal", "disciplineaction")
                     for action in ("add", "change", "delete", "view")]
# 定期考察: 平时考核 grids (科室负责人 enter their units', personnel staff enter and confirm), 年度考核 by unit,
# 考察 visits, the settings and conflict rules; 局领导 and 纪检监察 read.
INSPECTION_READ = [f"oversight.view_{model}" for model in (
    "quarterlyreview", "quarterlygrade", "annualappraisal", "inspectionvisit", "inspectionshortcoming",
    "oversightsettings", "appraisalconflictrule")]
INSPECTION_UNIT = ["oversight.view_quarterlyreview", "oversight.view_quarterlygrade", "oversight.enter_quarterly_grade",
                   "oversight.view_inspectionvisit", "oversight.view_inspectionshortcoming"]
INSPECTION_WRITE = ["oversight.enter_quarterly_grade", "oversight.confirm_quarterly_grade",
                    "oversight.change_oversightsettings", "oversight.add_appraisalconflictrule",
                    "oversight.change_appraisalconflictrule"] + [
    f"oversight.{action}_{model}" for model in ("inspectionvisit", "inspectionshortcoming")
    for action in ("add", "change", "delete")]

# 动态管理: 民主测评 results on a cadre, the flags and their decisions, the rules.
ADJUSTMENT_READ = ["oversight.view_adjustmentflag", "oversight.view_adjustmentdecision", "oversight.view_flagrule",
                   "oversight.view_recognitionevaluation"]
ADJUSTMENT_WRITE = ["oversight.decide_adjustment", "oversight.change_flagrule",
                    *[f"oversight.{action}_recognitionevaluation" for action in ("add", "change", "delete")]]

# 备案: personnel staff handle filings (接收, 审核, 归档) and read 信访; 纪检监察 read 信访 and record their
# outcome, and enter 处分/诫勉; leaders read them; a 科室负责人 reports their units' education and honours.
FILING_READ = ["oversight.view_filing", "oversight.view_filingrule"]
FILING_HANDLE = [*FILING_READ, "oversight.add_filing", "oversight.handle_filing", "oversight.view_petition",
                 "oversight.change_filingrule"]
FILING_DISCIPLINE = [*FILING_READ, "oversight.add_filing", "oversight.view_petition",
                     "oversight.record_petition_outcome", "oversight.add_disciplineaction",
                     "oversight.change_disciplineaction"]

# 积分管理 and 谈心谈话: personnel staff keep the rule table, enter and review points, record any talk and
# set the year's talk plan; leaders review the points their role is named for and record the talks they
# held; a department head enters points for their units and reads their units' talks; 纪检监察 reads.
POINTS_READ = ["oversight.view_pointrule", "oversight.view_pointentry"]
TALKS_READ = ["oversight.view_talk", "oversight.view_talkfollowup"]
TALKS_WRITE = ["oversight.add_talk", "oversight.change_talk", "oversight.add_talkfollowup",
               "oversight.change_talkfollowup"]
POINTS_TALKS_PERSONNEL = [*POINTS_READ, *TALKS_READ, *TALKS_WRITE, "oversight.add_pointrule",
                          "oversight.change_pointrule", "oversight.add_pointentry", "oversight.review_pointentry",
                          "oversight.export_points", "oversight.record_any_talk", "oversight.view_talkplan",
                          "oversight.add_talkplan", "oversight.change_talkplan"]
POINTS_TALKS_LEADER = [*POINTS_READ, *TALKS_READ, *TALKS_WRITE, "oversight.review_pointentry",
                       "oversight.export_points", "oversight.record_own_talk", "oversight.view_talkplan"]
POINTS_TALKS_DEPARTMENT_HEAD = [*POINTS_READ, *TALKS_READ, "oversight.add_pointentry", "oversight.export_points",
                                "oversight.view_talkplan"]
POINTS_TALKS_DISCIPLINE = [*POINTS_READ, *TALKS_READ]

# 教育培养: personnel staff run training, placements, rotations, the young-cadre round, the pool and the plans;
# leaders read it all, decide nominations and review plans; a 科室负责人 reads their units' and nominates from
# them; 纪检监察 read (nominees and the pool are theirs to give a 廉政 opinion on).
TRAINING_MODELS = ("trainingsettings", "trainingprogramme", "enrolment", "cadreyearhours", "practiceplacement",
                   "rotationplan", "youngcadreround", "nomination", "poolmember", "developmentplan", "plangap",
                   "plangoal", "planitem", "planreview")
TRAINING_READ = [f"training.view_{model}" for model in TRAINING_MODELS]
TRAINING_WRITE = [f"training.{action}_{model}" for model in TRAINING_MODELS if model != "cadreyearhours"
                  for action in ("add", "change", "delete")] + [
    "training.import_attendance", "training.export_training", "training.nominate", "training.review_plan"]
TRAINING_LEADER = [*TRAINING_READ, "training.decide_nomination", "training.review_plan", "training.export_training"]
TRAINING_DEPARTMENT_HEAD = [*TRAINING_READ, "training.nominate", "training.export_training"]

# Reports (报表): the monthly report's archive, the appointment form (任免审批表) and its LRMX file, and
# the dashboard's briefing exports. Department heads read the reports of their own units only.
REPORTS_PERSONNEL = ["reports.view_monthlyreport", "reports.run_monthlyreport", "reports.submit_monthlyreport",
                     "reports.view_lrmximport", "reports.export_appointment_form", "reports.import_lrmx",
                     "dashboard.export_dashboard"]
REPORTS_LEADER = ["reports.view_monthlyreport", "reports.export_appointment_form", "dashboard.export_dashboard"]
REPORTS_DEPARTMENT_HEAD = ["reports.view_monthlyreport", "dashboard.export_dashboard"]

ROLE_PERMISSIONS = {
    # Maintain the roster and every record of it, bureau-wide, and the plan's targets.
    Role.PERSONNEL: CADRE_READ + CADRE_WRITE + DEPARTMENT_WRITE + QUOTA_WRITE + DASHBOARD_READ + DASHBOARD_WRITE
    + SELECTION_READ + SELECTION_RUN + OVERSIGHT_RECORDS + ADJUSTMENT_READ + ADJUSTMENT_WRITE + [
        "cadres.view_all_cadres", "cadres.view_full_id_number", "cadres.import_roster", "cadres.export_roster",
    ] + INSPECTION_READ + INSPECTION_WRITE + FILING_HANDLE + POINTS_TALKS_PERSONNEL + TRAINING_READ + TRAINING_WRITE
    + REPORTS_PERSONNEL,
    # Read everything in their charge (the whole bureau); selection gates come with the workflow.
    Role.LEADER: [*CADRE_READ, *DASHBOARD_READ, *SELECTION_READ, *ADJUSTMENT_READ, "cadres.view_all_cadres",
                  "cadres.export_roster", "selection.decide_selection", "selection.view_all_selection",
                  *INSPECTION_READ, *FILING_READ, "oversight.view_petition", *POINTS_TALKS_LEADER, *TRAINING_LEADER,
                  *REPORTS_LEADER],
    # Read their own department's cadres: scope comes from per-department grants, not from this group.
    Role.DEPARTMENT_HEAD: [*CADRE_READ, *DASHBOARD_READ, *SELECTION_READ, *ADJUSTMENT_READ, "cadres.export_roster",
                           *INSPECTION_UNIT, *FILING_READ, "oversight.add_filing", *POINTS_TALKS_DEPARTMENT_HEAD,
                           *TRAINING_DEPARTMENT_HEAD, *REPORTS_DEPARTMENT_HEAD],
    # Read cadres' records for the steps and filings addressed to discipline inspection.
    Role.DISCIPLINE: [*CADRE_READ, *SELECTION_READ, *ADJUSTMENT_READ, "cadres.view_all_cadres",
                      "selection.decide_selection", "oversight.view_annualappraisal", "oversight.view_disciplineaction",
                      *INSPECTION_READ, *FILING_DISCIPLINE, *POINTS_TALKS_DISCIPLINE, *TRAINING_READ],
    # 三员分立: accounts and configuration, no cadre data, no audit log.
    Role.SYSTEM_ADMIN: ["accounts.manage_accounts", "cadres.view_department", *DEPARTMENT_WRITE],
    # Roles and scopes, no cadre data, no audit log.
    Role.SECURITY_ADMIN: ["accounts.manage_accounts", "accounts.assign_roles", "cadres.view_department"],
    # The audit log only.
    Role.AUDIT_ADMIN: ["audit.view_auditevent", "audit.export_auditevent"],
}

# What lets a role read full ID numbers or take personal data out of the system. A later report
# download that carries personal data belongs here too: the role holding it then needs a second factor.
PERSONAL_DATA_PERMISSIONS = frozenset({"cadres.view_full_id_number", "cadres.export_roster", "audit.export_auditevent",
                                       "training.export_training", "reports.view_monthlyreport",
                                       "reports.export_appointment_form", "dashboard.export_dashboard"})

# Derived from the table above, never listed by hand: today 人事干部, 局领导, 科室负责人, 审计管理员.
SENSITIVE_ROLES = frozenset(
    role for role, names in ROLE_PERMISSIONS.items() if PERSONAL_DATA_PERMISSIONS.intersection(names)
)

# Roles that sign in with TOTP. Granting one of them waits for a second person: its holder can only
# enrol an authenticator with an activation code, and only a confirmation (or the server operator's
# ``create_account``) issues one, so no administrator alone can come to hold such an account.
SECOND_FACTOR_ROLES = ADMIN_ROLES | SENSITIVE_ROLES

# Confirming a role grant or a second-factor reset (the second person). Which roles hold it is the
# setting ACCOUNT_CHANGE_CONFIRMER_ROLES; moves of units are confirmed by ``accounts.assign_roles``.
CONFIRM_PERMISSION = "accounts.confirm_account_change"
CONFIRMER_ROLE_CHOICES = frozenset({Role.LEADER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def second_factor_role_names() -> str:
    """Return the roles with a second factor as the pages list them: 人事干部、局领导、…、审计管理员."""
    return "、".join(role.label for role in Role if role in SECOND_FACTOR_ROLES)


def confirmer_roles() -> list[str]:
    """Return the roles the setting ACCOUNT_CHANGE_CONFIRMER_ROLES names (checked at start-up)."""
    return list(getattr(settings, "ACCOUNT_CHANGE_CONFIRMER_ROLES", [Role.LEADER]))


def role_permissions() -> dict[str, list[str]]:
    """Return ``ROLE_PERMISSIONS`` with the confirmation permission added to the confirming roles."""
    confirmers = set(confirmer_roles())
    return {role: [*names, *([CONFIRM_PERMISSION] if role in confirmers else [])]
            for role, names in ROLE_PERMISSIONS.items()}


def sync_roles(*, apps=None, using="default", **kwargs) -> None:
    """Make each role's group hold exactly the permissions of ``role_permissions()``.

    Runs in the migration that creates the roles and after every ``migrate`` (post_migrate),
    so permissions added by later features, and a changed ACCOUNT_CHANGE_CONFIRMER_ROLES, reach
    the roles without a hand edit. Permissions not yet created (an app migrated later) are
    skipped until the next run.
    """
    from django.apps import apps as global_apps

    registry = apps or global_apps
    Group = registry.get_model("auth", "Group")
    Permission = registry.get_model("auth", "Permission")
    table = role_permissions()
    wanted = {tuple(name.split(".")) for names in table.values() for name in names}
    found = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(codename__in={codename for _, codename in wanted})
        .values_list("pk", "content_type__app_label", "codename")
    }
    for role, names in table.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        pks = [found[key] for key in (tuple(name.split(".")) for name in names) if key in found]
        group.permissions.set(pks)
