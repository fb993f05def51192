"""The dashboard tests' world: 办公室 (with 档案组 under it) and 财务科, section cadres in each, every role."""

import datetime as dt

from cadre_office.dashboard.services import snapshot_compute
from tests.factories import DepartmentFactory, role_user, section_cadre

ZHENG, FU = "51", "52"
ROLES = ("人事干部", "局领导", "纪检监察", "系统管理员", "安全管理员", "审计管理员")


def office_and_finance(*, snapshots_before: tuple, snapshot_after: dt.date) -> dict:
    """Build the units and five section cadres, snapshot ``snapshots_before``, add a 副科 to 财务科, snapshot
    ``snapshot_after``; return the units and a user per role (the 科室负责人 granted 办公室)."""
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    section_cadre(ZHENG, department=office, birth=dt.date(1988, 1, 1), bachelor=True, name="办公正科")
    section_cadre(FU, department=office, birth=dt.date(1975, 1, 1), gender="2", name="办公副科")
    section_cadre(FU, department=archive, birth=dt.date(1992, 5, 5), name="档案副科")
    section_cadre(ZHENG, department=finance, birth=dt.date(1970, 1, 1), name="财务正科")
    section_cadre(FU, department=finance, birth=dt.date(1991, 1, 1), bachelor=True, name="财务副科")
    for day in snapshots_before:
        snapshot_compute(as_of=day)
    section_cadre(FU, department=finance, birth=dt.date(1993, 1, 1), gender="2", name="财务新副科")
    snapshot_compute(as_of=snapshot_after)
    users = {role: role_user(role) for role in ROLES}
    users["科室负责人"] = role_user("科室负责人", departments=[office])
    return {"office": office, "archive": archive, "finance": finance, "users": users}
