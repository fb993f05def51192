"""Every write of the oversight app, one module per subject; the public names are re-exported here.

- ``records``: 年度考核 and 处分/诫勉 entered on a cadre through the roster's child-record core.
- ``filings``: 备案 from 报送 to 归档 (adds the education or reward record when filed).
"""

from oversight.services.filings import (
    FilingError,
    filing_attach,
    filing_export,
    filing_file,
    filing_receive,
    filing_reject,
    filing_resubmit,
    filing_return,
    filing_review,
    filing_submit,
    petition_outcome_record,
)
from oversight.services.records import (
    DUPLICATE_YEAR,
    EFFECT_BEFORE_DECISION,
    appraisal_check,
    appraisal_delete,
    appraisal_save,
    discipline_check,
    discipline_delete,
    discipline_save,
)

__all__ = [
    "DUPLICATE_YEAR", "EFFECT_BEFORE_DECISION", "appraisal_check", "appraisal_delete", "appraisal_save",
    "discipline_check", "discipline_delete", "discipline_save",
]
__all__ += [  # 备案
    "FilingError", "filing_attach", "filing_export", "filing_file", "filing_receive", "filing_reject",
    "filing_resubmit", "filing_return", "filing_review", "filing_submit", "petition_outcome_record",
]
