from django.urls import path

from cadres.views import record_urlpatterns
from oversight import urls_inspection
from oversight.views import adjustments, filings, points, talks, timeline
from oversight.views.index import OversightIndexView

app_name = "oversight"
urlpatterns = [
    path("", OversightIndexView.as_view(), name="index"),
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
# 积分管理 (oversight.views.points)
urlpatterns += [
    path("points/", points.PointEntryListView.as_view(), name="points_entries"),
    path("points/new/", points.PointEntryCreateView.as_view(), name="points_entry_create"),
    path("points/review/", points.PointReviewQueueView.as_view(), name="points_review"),
    path("points/<int:pk>/review/", points.PointEntryReviewView.as_view(), name="points_entry_review"),
    path("points/ranking/", points.PointRankingView.as_view(), name="points_ranking"),
    path("points/ranking/export/", points.PointRankingExportView.as_view(), name="points_ranking_export"),
    path("points/rules/", points.PointRuleListView.as_view(), name="points_rules"),
    path("points/rules/new/", points.PointRuleCreateView.as_view(), name="points_rule_create"),
    path("points/rules/<int:pk>/edit/", points.PointRuleUpdateView.as_view(), name="points_rule_update"),
]

# 谈心谈话 (oversight.views.talks)
urlpatterns += [
    path("talks/", talks.TalkListView.as_view(), name="talk_list"),
    path("talks/new/", talks.TalkCreateView.as_view(), name="talk_create"),
    path("talks/<int:pk>/", talks.TalkDetailView.as_view(), name="talk_detail"),
    path("talks/<int:pk>/record/", talks.TalkRecordView.as_view(), name="talk_record"),
    path("talks/<int:pk>/cancel/", talks.TalkCancelView.as_view(), name="talk_cancel"),
    path("talks/<int:pk>/follow-ups/new/", talks.FollowUpCreateView.as_view(), name="followup_create"),
    path("talks/follow-ups/", talks.FollowUpListView.as_view(), name="followup_list"),
    path("talks/follow-ups/<int:pk>/done/", talks.FollowUpDoneView.as_view(), name="followup_done"),
    path("talks/plan/", talks.TalkPlanView.as_view(), name="talk_plan"),
    path("talks/coverage/", talks.TalkCoverageView.as_view(), name="talk_coverage"),
]
