from django.urls import path

from cadres.views import record_urlpatterns
from oversight.views import filings, timeline

app_name = "oversight"
# 年度考核 and 处分与诫勉 on a cadre: <cadre_pk>/appraisals/new/, …/<pk>/edit/, …/<pk>/delete/ (oversight.records)
urlpatterns = record_urlpatterns("oversight")
# 备案 and 全程记实
urlpatterns += [
    path("filings/", filings.FilingListView.as_view(), name="filing_list"),
    path("filings/export/", filings.FilingExportView.as_view(), name="filing_export"),
    path("filings/new/", filings.FilingCadrePickView.as_view(), name="filing_pick"),
    path("cadres/<int:cadre_pk>/filings/new/<slug:kind>/", filings.FilingCreateView.as_view(), name="filing_create"),
    path("filings/<int:pk>/", filings.FilingDetailView.as_view(), name="filing_detail"),
    path("filings/<int:pk>/<slug:action>/", filings.FilingActionView.as_view(), name="filing_action"),
    path("cadres/<int:cadre_pk>/timeline/", timeline.CadreTimelineView.as_view(), name="cadre_timeline"),
    path("cadres/<int:cadre_pk>/timeline/pdf/", timeline.CadreTimelinePdfView.as_view(), name="cadre_timeline_pdf"),
]
