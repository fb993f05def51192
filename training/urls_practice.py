"""URLs of 实践锻炼 and 岗位交流 (included by ``training.urls``)."""

from django.urls import path

from training.views import practice

urlpatterns = [
    # 实践锻炼
    path("placements/", practice.PlacementListView.as_view(), name="placement_list"),
    path("placements/export/", practice.PlacementExportView.as_view(), name="placement_export"),
    path("placements/new/", practice.PlacementCreateView.as_view(), name="placement_create"),
    path("placements/<int:pk>/", practice.PlacementDetailView.as_view(), name="placement_detail"),
    path("placements/<int:pk>/edit/", practice.PlacementUpdateView.as_view(), name="placement_update"),
    path("placements/<int:pk>/start/", practice.PlacementStartView.as_view(), name="placement_start"),
    path("placements/<int:pk>/end/", practice.PlacementEndView.as_view(), name="placement_end"),
    path("placements/<int:pk>/cancel/", practice.PlacementCancelView.as_view(), name="placement_cancel"),
    # 岗位交流
    path("rotations/", practice.RotationListView.as_view(), name="rotation_list"),
    path("rotations/export/", practice.RotationExportView.as_view(), name="rotation_export"),
    path("rotations/candidates/", practice.RotationCandidateListView.as_view(), name="rotation_candidates"),
    path("rotations/candidates/export/", practice.RotationCandidateExportView.as_view(),
         name="rotation_candidates_export"),
    path("rotations/cadres/<int:cadre_pk>/new/", practice.RotationCreateView.as_view(), name="rotation_create"),
    path("rotations/<int:pk>/", practice.RotationDetailView.as_view(), name="rotation_detail"),
    path("rotations/<int:pk>/cancel/", practice.RotationCancelView.as_view(), name="rotation_cancel"),
    path("rotations/<int:pk>/carry-out/", practice.RotationCarryOutView.as_view(), name="rotation_carry_out"),
]
