"""the young-cadre round and the reserve pool: what this part registers (timeline sources, desk lines)."""
