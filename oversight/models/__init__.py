"""Oversight models (五项制度), one module per subject.

- ``records``: 年度考核 grades and 处分/诫勉 entered on a cadre (the selection negative list reads them).
"""

from oversight.models.records import AnnualAppraisal, DisciplineAction

__all__ = ["AnnualAppraisal", "DisciplineAction"]
