"""Oversight models (五项制度), one module per subject.

- ``records``: 年度考核 grades and 处分/诫勉 entered on a cadre (the selection negative list reads them).
- ``points``: 积分管理, the rule table and the ledger.
- ``talks``: 谈心谈话, the talks, their follow-ups and the yearly plan.
"""

from oversight.models.points import PointEntry, PointRule
from oversight.models.records import AnnualAppraisal, DisciplineAction
from oversight.models.talks import Talk, TalkFollowUp, TalkPlan

__all__ = ["AnnualAppraisal", "DisciplineAction", "PointEntry", "PointRule", "Talk", "TalkFollowUp", "TalkPlan"]
