"""Reads of the oversight app that views, reports, tasks and other apps share, one module per subject.

- ``adjustments``: 动态管理's review queue and the age ladder.
- ``open_shortcomings(cadre)``: the shortcomings 考察 found and not yet marked 已整改 (the training
  issue's development plan reads them). The reads of 定期考察's own pages: ``oversight.selectors_inspection``.
"""

from oversight.selectors_inspection import open_shortcomings

__all__ = ["open_shortcomings"]
