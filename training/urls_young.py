"""URLs of the young-cadre round and the reserve pool (included by ``training.urls``)."""

from django.urls import path

from training.views import young as views

urlpatterns = [
    path("young/rounds/", views.RoundListView.as_view(), name="round_list"),
    path("young/rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("young/rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("young/rounds/<int:pk>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("young/rounds/<int:pk>/advance/", views.RoundAdvanceView.as_view(), name="round_advance"),
    path("young/rounds/<int:round_pk>/eligible/", views.EligibleListView.as_view(), name="round_eligible"),
    path("young/rounds/<int:round_pk>/nominations/", views.NominationListView.as_view(), name="nomination_list"),
    path("young/rounds/<int:round_pk>/nominations/export/", views.NominationExportView.as_view(),
         name="nomination_export"),
    path("young/rounds/<int:round_pk>/nominate/<int:cadre_pk>/", views.NominationCreateView.as_view(),
         name="nomination_create"),
    path("young/nominations/<int:pk>/withdraw/", views.NominationWithdrawView.as_view(), name="nomination_withdraw"),
    path("young/review/", views.NominationReviewView.as_view(), name="nomination_review"),
    path("young/nominations/<int:pk>/decide/", views.NominationDecideView.as_view(), name="nomination_decide"),
    path("young/pool/", views.PoolListView.as_view(), name="pool_list"),
    path("young/pool/export/", views.PoolExportView.as_view(), name="pool_export"),
]
