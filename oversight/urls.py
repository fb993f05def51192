from cadres.views import record_urlpatterns
from oversight import urls_inspection

app_name = "oversight"
# 年度考核 and 处分与诫勉 on a cadre: <cadre_pk>/appraisals/new/, …/<pk>/edit/, …/<pk>/delete/ (oversight.records)
urlpatterns = record_urlpatterns("oversight")
# 定期考察: 平时考核, 年度考核, settings (oversight.urls_inspection)
urlpatterns += urls_inspection.urlpatterns
