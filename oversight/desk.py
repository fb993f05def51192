"""Oversight's lines on the 工作台 (``cadre_office.desk``), one provider per part."""

import datetime as dt

from django.urls import reverse

from cadre_office.desk import Task, register
from oversight.selectors.adjustments import open_flag_count


@register
def adjustment_tasks(*, user, today: dt.date) -> list[Task]:
    """动态管理: the open flags of the cadres in scope, for those who decide on them (one query)."""
    if not user.has_perm("oversight.decide_adjustment"):
        return []
    return [Task("日常监督", "动态管理预警待研判", open_flag_count(user), reverse("oversight:flag_list"),
                 tone="warning", hint="按预警规则发现、尚未作出处理决定的科级干部", nav="adjustments")]
