"""Reads of oversight that other apps use (through the registries or, for training, directly).

- ``open_shortcomings(cadre)``: the shortcomings 考察 found and not yet marked 已整改 (the training
  issue's development plan reads them). The reads of 定期考察's own pages: ``selectors_inspection``.
"""

from oversight.selectors_inspection import open_shortcomings

__all__ = ["open_shortcomings"]
