"""A demo selection case for seed_demo: 法规科副科长 at step 2, waiting for the leader's approval.

It goes through the services as the demo personnel officer, so its trail, history and audit
rows are real. Created once: a second seed finds it and changes nothing. From there the demo
logins can take it to the end: renshi submits every step, lingdao decides the gates (steps 10
and 11 included), jijian step 12. No record is uploaded: each submission says why (``MISSING``).
"""

from django.contrib.auth import get_user_model

from cadres.models import Cadre, Department
from selection import services
from selection.models import SelectionCase

DEMO_CASE_TITLE = "法规科副科长选拔（演示）"
MISSING = "演示数据，未上传材料"


def ensure_demo_case() -> SelectionCase | None:
    """Create the demo case at step 2 (submitted) unless it exists; return it (None without the demo data)."""
    existing = SelectionCase.objects.filter(title=DEMO_CASE_TITLE).first()
    if existing is not None:
        return existing
    staff = get_user_model().objects.filter(username="renshi").first()
    department = Department.objects.filter(name="法规科").first()
    if staff is None or department is None:
        return None
    cadres = list(Cadre.objects.active().filter(department=department, current_level="").order_by("birth_date")[:3])
    if len(cadres) < 2:
        return None
    case = services.case_create(actor=staff, title=DEMO_CASE_TITLE, department=department,
                                post_title="法规科副科长", level="52", post_count=1,
                                method=SelectionCase.Method.COMPETITIVE, cadres=cadres)
    services.step_submit(actor=staff, case=case, number=1, opinion="法规科副科长空缺一名，经分析研判拟启动选拔。",
                         missing_reason=MISSING)
    services.step_submit(actor=staff, case=case, number=2, opinion="建议采取竞争上岗方式，请局领导审定。",
                         missing_reason=MISSING)
    return case
