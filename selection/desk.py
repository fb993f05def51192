"""Selection's lines on the 工作台 (``cadre_office.desk``): gates to decide, returned steps, deadlines."""

import datetime as dt

from django.urls import reverse

from cadre_office.desk import Task, register
from selection.permissions import DECIDE, RUN
from selection.reminders import reminders
from selection.selectors import nav_counts

# The reminders' kinds, as the desk names them.
REMINDER_TITLES = {
    "publicity_end": "任前公示即将期满或已期满",
    "probation_end": "试用期即将期满或已期满",
    "recommendation_expiring": "推荐结果即将过期",
}


@register
def selection_tasks(*, user, today: dt.date) -> list[Task]:
    """待我审批 for deciders; returned steps and the reminders for personnel staff (three queries at most)."""
    runs, decides = user.has_perm(RUN), user.has_perm(DECIDE)
    if not (runs or decides):
        return []
    counts = nav_counts(user)
    tasks = [Task("选拔任用", "待我审批的环节", counts.inbox, reverse("selection:inbox"), tone="warning",
                  hint="提交到您处、等待审批的选拔任用环节", nav="selection")]
    if runs:
        tasks.append(Task("选拔任用", "退回修改的环节", counts.returned, reverse("selection:todo_list"),
                          tone="danger", hint="审批人退回、需要修改后重新提交", nav="selection"))
        by_kind: dict[str, list] = {}
        for reminder in reminders(user, today=today):
            by_kind.setdefault(reminder.kind, []).append(reminder)
        for kind, found in by_kind.items():
            tone = "danger" if any(r.overdue for r in found) else "warning"
            tasks.append(Task("选拔任用", REMINDER_TITLES.get(kind, kind), len(found), reverse("selection:todo_list"),
                              tone=tone, hint=found[0].text))
    return tasks
