"""实践锻炼 and 岗位交流: what this part registers (timeline sources, desk lines)."""
