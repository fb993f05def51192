"""Oversight models (五项制度), one module per subject.

- ``records``: 年度考核 grades and 处分/诫勉 entered on a cadre (the selection negative list reads them).
- ``filings``: 备案 (学历教育, 县级以上荣誉, 信访) from 报送 to 归档, and their time limits as data.
"""

from oversight.models.filings import Filing, FilingRule
from oversight.models.records import AnnualAppraisal, DisciplineAction

__all__ = ["AnnualAppraisal", "DisciplineAction", "Filing", "FilingRule"]
