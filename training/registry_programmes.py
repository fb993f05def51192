"""理论培训 (programmes, enrolments, hours): what this part registers (timeline sources, desk lines)."""
