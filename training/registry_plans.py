"""个人培养计划: what this part registers (timeline sources, desk lines)."""
