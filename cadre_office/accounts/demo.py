"""The demo logins: one per role, all sharing ``DEMO_PASSWORD`` (never seeded under production settings).

The roster's demo data (units, the generated roster) is ``cadres.demo``; the logins are the
accounts app's, because a login's role and scope are the accounts app's business (it sits above
the roster: docs/architecture.md). The project command ``seed_demo`` writes both.
"""

from dataclasses import dataclass

from cadre_office.accounts.roles import Role
from cadres.demo import DEMO_PASSWORD  # noqa: F401  (the logins' password, published with the demo)


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    department: str = ""  # the department a scoped role is granted
    totp_secret: str = ""  # roles with a second factor: the base32 key their authenticator was enrolled with


# One login per role. All share DEMO_PASSWORD and are exempt from the first-login change.
DEMO_USERS = (
    DemoUser("renshi", "人事干部（演示）", Role.PERSONNEL),
    DemoUser("lingdao", "局领导（演示）", Role.LEADER),
    DemoUser("keshi", "办公室主任（演示）", Role.DEPARTMENT_HEAD, department="办公室"),
    DemoUser("jijian", "纪检监察（演示）", Role.DISCIPLINE),
    DemoUser("xitong", "系统管理员（演示）", Role.SYSTEM_ADMIN),
    DemoUser("anquan", "安全管理员（演示）", Role.SECURITY_ADMIN),
    DemoUser("shenji", "审计管理员（演示）", Role.AUDIT_ADMIN),
)
