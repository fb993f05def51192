"""Every write of the oversight app, one module per subject; the public names are re-exported here.

- ``records``: 年度考核 and 处分/诫勉 entered on a cadre through the roster's child-record core.
- ``inspection``: 定期考察 (平时考核 grids, 年度考核 by unit and its rules, the settings); ``inspection_import``.
- ``adjustments``: 动态管理 (flags raised by the rules, decisions, 民主测评); imported as a module.
- ``filings``: 备案 from 报送 to 归档 (adds the education or reward record when filed).
- ``points``: 积分管理, the rule table and the ledger with its review.
- ``talks``: 谈心谈话, due talks raised by events, talks held, follow-ups and the yearly plan.
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
from oversight.services.inspection import (
    annual_grades_save,
    appraisal_conflicts,
    appraisal_rules_check,
    conflict_rule_save,
    excellent_share,
    oversight_settings_save,
    quarterly_grades_save,
    quarterly_review_confirm,
    quarterly_review_reopen,
    quarterly_review_submit,
)
from oversight.services.inspection_import import quarterly_grades_import
from oversight.services.points import (
    point_entry_approve,
    point_entry_create,
    point_entry_reject,
    point_rule_save,
    point_rules_seed,
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
from oversight.services.talks import (
    follow_up_add,
    follow_up_complete,
    talk_cancel,
    talk_create,
    talk_plan_save,
    talk_raise,
    talk_record_held,
)

__all__ = [
    "DUPLICATE_YEAR",
    "EFFECT_BEFORE_DECISION",
    "appraisal_check",
    "appraisal_delete",
    "appraisal_save",
    "discipline_check",
    "discipline_delete",
    "discipline_save",
    "follow_up_add",
    "follow_up_complete",
    "point_entry_approve",
    "point_entry_create",
    "point_entry_reject",
    "point_rule_save",
    "point_rules_seed",
    "talk_cancel",
    "talk_create",
    "talk_plan_save",
    "talk_raise",
    "talk_record_held",
]
# 定期考察 (inspection)
__all__ += [
    "annual_grades_save", "appraisal_conflicts", "appraisal_rules_check", "conflict_rule_save", "excellent_share",
    "oversight_settings_save", "quarterly_grades_import", "quarterly_grades_save", "quarterly_review_confirm",
    "quarterly_review_reopen", "quarterly_review_submit",
]
# 备案 (filings)
__all__ += [
    "FilingError", "filing_attach", "filing_export", "filing_file", "filing_receive", "filing_reject",
    "filing_resubmit", "filing_return", "filing_review", "filing_submit", "petition_outcome_record",
]
