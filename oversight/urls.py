from django.urls import path

from cadres.views import record_urlpatterns
from oversight.views import points, talks

app_name = "oversight"
# 年度考核 and 处分与诫勉 on a cadre: <cadre_pk>/appraisals/new/, …/<pk>/edit/, …/<pk>/delete/ (oversight.records)
urlpatterns = record_urlpatterns("oversight")

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
