"""The views of 报表, one module per part: ``monthly`` (the archive) and ``appointment`` (任免审批表)."""
