from cadres.views import record_urlpatterns

app_name = "oversight"
# 年度考核 and 处分与诫勉 on a cadre: <cadre_pk>/appraisals/new/, …/<pk>/edit/, …/<pk>/delete/ (oversight.records)
urlpatterns = record_urlpatterns("oversight")
