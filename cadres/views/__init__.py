from cadres.views.batch import CadreBatchApplyView, CadreBatchChangeView  # noqa: F401
from cadres.views.departments import DepartmentCreateView, DepartmentListView, DepartmentUpdateView  # noqa: F401
from cadres.views.imports import (  # noqa: F401
    RosterImportConfirmView,
    RosterImportPreviewView,
    RosterImportStatusView,
    RosterImportUploadView,
)
from cadres.views.quotas import (  # noqa: F401
    QuotaCreateView,
    QuotaExportView,
    QuotaOccupantsView,
    QuotaOverviewView,
    QuotaUpdateView,
)
from cadres.views.record import (  # noqa: F401
    CadreCreateView,
    CadreDetailView,
    CadreIdNumberChangeView,
    CadrePhotoView,
    CadreRevealIdView,
    CadreStatusView,
    CadreUpdateView,
)
from cadres.views.records import (  # noqa: F401
    ChildRecordCreateView,
    ChildRecordDeleteView,
    ChildRecordUpdateView,
    record_urlpatterns,
)
from cadres.views.retirement import CadreRetireView, RetirementDueExportView, RetirementDueListView  # noqa: F401
from cadres.views.roster import CadreExportView, CadreListView  # noqa: F401
