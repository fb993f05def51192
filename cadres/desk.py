"""The roster's lines on the 工作台 (``cadre_office.desk``): retirements due this month or overdue."""

import datetime as dt

from django.urls import reverse

from cadre_office.desk import Task, register
from cadres.permissions import visible_to
from cadres.retirement import due_cadres


@register
def retirement_tasks(*, user, today: dt.date) -> list[Task]:
    """For those who handle retirements: the cadres in their scope past or at their retirement month (one query)."""
    if not user.has_perm("cadres.change_cadre"):
        return []
    count = due_cadres(visible_to(user), as_of=today, months=0).count()
    return [Task("干部名册", "到龄退休待办理", count, reverse("cadres:retirement_due") + "?months=0", tone="danger",
                 hint="已到或超过法定退休时间、仍为在职的干部")]
