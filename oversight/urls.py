from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("<int:cadre_pk>/appraisals/new/", views.AppraisalCreateView.as_view(), name="appraisal_create"),
    path("<int:cadre_pk>/appraisals/<int:pk>/edit/", views.AppraisalUpdateView.as_view(), name="appraisal_update"),
    path("<int:cadre_pk>/appraisals/<int:pk>/delete/", views.AppraisalDeleteView.as_view(),
         name="appraisal_delete"),
    path("<int:cadre_pk>/disciplines/new/", views.DisciplineCreateView.as_view(), name="discipline_create"),
    path("<int:cadre_pk>/disciplines/<int:pk>/edit/", views.DisciplineUpdateView.as_view(),
         name="discipline_update"),
    path("<int:cadre_pk>/disciplines/<int:pk>/delete/", views.DisciplineDeleteView.as_view(),
         name="discipline_delete"),
]
