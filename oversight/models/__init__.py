"""Oversight models (五项制度), one module per subject.

- ``records``: 年度考核 grades and 处分/诫勉 entered on a cadre (the selection negative list reads them).
- ``adjustments``: 动态管理: flag rules, flags, decisions and 民主测评 results.
"""

from oversight.models.adjustments import AdjustmentDecision, AdjustmentFlag, FlagRule, RecognitionEvaluation
from oversight.models.records import AnnualAppraisal, DisciplineAction

__all__ = [
    "AdjustmentDecision", "AdjustmentFlag", "AnnualAppraisal", "DisciplineAction", "FlagRule", "RecognitionEvaluation",
]
