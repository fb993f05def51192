"""Every write of the oversight app, one module per subject; the public names are re-exported here.

- ``records``: 年度考核 and 处分/诫勉 entered on a cadre through the roster's child-record core.
"""

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
