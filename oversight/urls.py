from django.urls import path

from cadres.views import record_urlpatterns
from oversight import urls_inspection
from oversight.views import adjustments, filings, timeline

app_name = "oversight"
urlpatterns = [
    # 年度考核, 处分与诫勉 and 民主测评 on a cadre: <cadre_pk>/appraisals/new/, …/<pk>/edit/, …/<pk>/delete/
    *record_urlpatterns("oversight"),
    # 定期考察: 平时考核, 年度考核, settings (oversight.urls_inspection)
    *urls_inspection.urlpatterns,
    # 动态管理
    path("adjustments/", adjustments.FlagListView.as_view(), name="flag_list"),
    path("adjustments/recheck/", adjustments.FlagRecheckView.as_view(), name="flag_recheck"),
    path("adjustments/cadres/<int:cadre_pk>/decide/", adjustments.DecisionCreateView.as_view(),
         name="decision_create"),
    path("adjustments/rules/", adjustments.FlagRuleListView.as_view(), name="flagrule_list"),
    path("adjustments/rules/<int:pk>/edit/", adjustments.FlagRuleUpdateView.as_view(), name="flagrule_update"),
    path("adjustments/age-ladder/", adjustments.AgeLadderView.as_view(), name="age_ladder"),
    # 备案 and 全程记实
    path("filings/", filings.FilingListView.as_view(), name="filing_list"),
    path("filings/export/", filings.FilingExportView.as_view(), name="filing_export"),
    path("filings/new/", filings.FilingCadrePickView.as_view(), name="filing_pick"),
    path("cadres/<int:cadre_pk>/filings/new/<slug:kind>/", filings.FilingCreateView.as_view(), name="filing_create"),
    path("filings/<int:pk>/", filings.FilingDetailView.as_view(), name="filing_detail"),
    path("filings/<int:pk>/<slug:action>/", filings.FilingActionView.as_view(), name="filing_action"),
    path("cadres/<int:cadre_pk>/timeline/", timeline.CadreTimelineView.as_view(), name="cadre_timeline"),
    path("cadres/<int:cadre_pk>/timeline/pdf/", timeline.CadreTimelinePdfView.as_view(), name="cadre_timeline_pdf"),
]
