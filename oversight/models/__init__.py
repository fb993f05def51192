"""Oversight models (五项制度), one module per subject.

- ``records``: 年度考核 grades and 处分/诫勉 entered on a cadre (the selection negative list reads them).
- ``adjustments``: 动态管理: flag rules, flags, decisions and 民主测评 results.
- ``inspection``: 定期考察: 平时考核 grids, oversight settings, 年度考核 conflict rules, 考察 visits.
- ``filings``: 备案 (学历教育, 县级以上荣誉, 信访) from 报送 to 归档, and their time limits as data.
- ``points``: 积分管理, the rule table and the ledger.
- ``talks``: 谈心谈话, the talks, their follow-ups and the yearly plan.
"""

from oversight.models.adjustments import AdjustmentDecision, AdjustmentFlag, FlagRule, RecognitionEvaluation
from oversight.models.filings import Filing, FilingRule
from oversight.models.inspection import (
    QUARTERS,
    AppraisalConflictRule,
    InspectionShortcoming,
    InspectionVisit,
    OversightSettings,
    QuarterlyGrade,
    QuarterlyReview,
    Rating,
    quarter_bounds,
)
from oversight.models.points import PointEntry, PointRule
from oversight.models.records import AnnualAppraisal, DisciplineAction
from oversight.models.talks import Talk, TalkFollowUp, TalkPlan

__all__ = ["AnnualAppraisal", "DisciplineAction"]
# 动态管理 (adjustments)
__all__ += ["AdjustmentDecision", "AdjustmentFlag", "FlagRule", "RecognitionEvaluation"]
# 定期考察 (inspection)
__all__ += ["QUARTERS", "AppraisalConflictRule", "InspectionShortcoming", "InspectionVisit", "OversightSettings",
            "QuarterlyGrade", "QuarterlyReview", "Rating", "quarter_bounds"]
# 备案 (filings)
__all__ += ["Filing", "FilingRule"]
# 积分管理 and 谈心谈话 (points, talks)
__all__ += ["PointEntry", "PointRule", "Talk", "TalkFollowUp", "TalkPlan"]
