"""Every write to the roster (docs/architecture.md): import from here, not from the submodules."""

from cadres.services.batch import (  # noqa: F401
    BATCH_LIMIT,
    BatchChange,
    BatchChangeError,
    BatchOutOfScope,
    BatchPlan,
    BatchStaleError,
    cadre_batch_change,
    cadre_batch_preview,
)
from cadres.services.cadres import (  # noqa: F401
    UNCHECKED,
    StaleEditError,
    cadre_change_id_number,
    cadre_create,
    cadre_id_number_revealed,
    cadre_record_viewed,
    cadre_retire,
    cadre_set_status,
    cadre_update,
    education_delete,
    education_save,
    post_delete,
    post_end,
    post_save,
    post_start,
    rank_delete,
    rank_save,
    rank_start,
    refresh_current_assignments,
)
from cadres.services.departments import (  # noqa: F401
    department_create,
    department_for_roster_name,
    department_root,
    department_update,
)
from cadres.services.exports import ExportFile, retirement_export, roster_export  # noqa: F401
from cadres.services.quotas import quota_create, quota_export, quota_update  # noqa: F401
from cadres.services.records import audit_cadre_change, child_record_delete, child_record_save  # noqa: F401
from cadres.services.roster_import import (  # noqa: F401
    ImportPlan,
    ImportResult,
    apply_roster_import,
    plan_roster_import,
)
from cadres.services.roster_uploads import (  # noqa: F401
    ImportStateError,
    roster_import_apply,
    roster_import_cancel,
    roster_import_check_timeout,
    roster_import_confirm,
    roster_imports_sweep,
    roster_upload_create,
    roster_upload_preview,
)
