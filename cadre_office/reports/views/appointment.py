"""干部任免审批表: PDF, Word and LRMX of a cadre or a case's candidates; LRMX import (issue 15)."""
