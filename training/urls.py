"""/training/: 教育培养. Each part keeps its own URL module; the names share the ``training`` namespace."""

from django.urls import path

from training import urls_plans, urls_practice, urls_programmes, urls_young
from training.views.index import TrainingIndexView

app_name = "training"

urlpatterns = [
    path("", TrainingIndexView.as_view(), name="index"),
    *urls_programmes.urlpatterns,
    *urls_practice.urlpatterns,
    *urls_young.urlpatterns,
    *urls_plans.urlpatterns,
]
