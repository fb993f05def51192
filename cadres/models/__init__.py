"""The roster's models, one module per subject; imported from here (``from cadres.models import Cadre``).

- ``departments``: the bureau's tree of units and the scope grants on it;
- ``cadre``: the cadre, the roster's row;
- ``records``: education, posts and ranks over time, and the appointment form's sections (résumé,
  family members, rewards);
- ``quotas``: the approved post quotas (职数) of each unit;
- ``imports``: roster workbooks uploaded through the web pages.
"""

from cadres.models.cadre import Cadre, CadreQuerySet, in_service_on
from cadres.models.departments import (
    SORT_ORDER_MAX,
    Department,
    DepartmentQuerySet,
    DepartmentUserObjectPermission,
    path_segment,
)
from cadres.models.imports import RosterImport
from cadres.models.quotas import PostQuota
from cadres.models.records import (
    RELATIONS,
    AssignmentQuerySet,
    Education,
    FamilyMember,
    FamilyMemberQuerySet,
    PostAssignment,
    RankAssignment,
    ResumeEntry,
    Reward,
)

__all__ = [
    "RELATIONS", "SORT_ORDER_MAX", "AssignmentQuerySet", "Cadre", "CadreQuerySet", "Department", "DepartmentQuerySet",
    "DepartmentUserObjectPermission", "Education", "FamilyMember", "FamilyMemberQuerySet", "PostAssignment",
    "PostQuota", "RankAssignment", "ResumeEntry", "Reward", "RosterImport", "in_service_on", "path_segment",
]
