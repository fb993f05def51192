"""URLs of 个人培养计划 (included by ``training.urls``)."""

from django.urls import path

from training.views import plans

urlpatterns = [
    path("plans/", plans.PlanListView.as_view(), name="plan_list"),
    path("plans/export/", plans.PlanExportView.as_view(), name="plan_export"),
    path("plans/new/<int:member>/", plans.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.PlanUpdateView.as_view(), name="plan_update"),
    path("plans/<int:pk>/activate/", plans.PlanActionView.as_view(action="activate"), name="plan_activate"),
    path("plans/<int:pk>/close/", plans.PlanActionView.as_view(action="close"), name="plan_close"),
    path("plans/<int:pk>/gaps/new/", plans.PlanRowFormView.as_view(row=plans.ROWS["gap"]), name="plangap_create"),
    path("plans/<int:pk>/gaps/<int:row>/edit/", plans.PlanRowFormView.as_view(row=plans.ROWS["gap"]),
         name="plangap_update"),
    path("plans/<int:pk>/gaps/<int:row>/delete/", plans.PlanRowDeleteView.as_view(row=plans.ROWS["gap"]),
         name="plangap_delete"),
    path("plans/<int:pk>/goals/new/", plans.PlanRowFormView.as_view(row=plans.ROWS["goal"]), name="plangoal_create"),
    path("plans/<int:pk>/goals/<int:row>/edit/", plans.PlanRowFormView.as_view(row=plans.ROWS["goal"]),
         name="plangoal_update"),
    path("plans/<int:pk>/goals/<int:row>/delete/", plans.PlanRowDeleteView.as_view(row=plans.ROWS["goal"]),
         name="plangoal_delete"),
    path("plans/<int:pk>/items/new/", plans.PlanRowFormView.as_view(row=plans.ROWS["item"]), name="planitem_create"),
    path("plans/<int:pk>/items/<int:row>/edit/", plans.PlanRowFormView.as_view(row=plans.ROWS["item"]),
         name="planitem_update"),
    path("plans/<int:pk>/items/<int:row>/delete/", plans.PlanRowDeleteView.as_view(row=plans.ROWS["item"]),
         name="planitem_delete"),
    path("plans/<int:pk>/reviews/new/", plans.PlanReviewCreateView.as_view(), name="planreview_create"),
]
