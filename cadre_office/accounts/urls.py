"""The account pages (用户管理) and the two-person changes (账号变更确认), under /system/users/."""

from django.urls import path

from cadre_office.accounts.views import changes, users

app_name = "accounts"

urlpatterns = [
    path("", users.UserListView.as_view(), name="user_list"),
    path("new/", users.UserCreateView.as_view(), name="user_create"),
    path("<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/edit/", users.UserUpdateView.as_view(), name="user_update"),
    path("<int:pk>/disable/", users.UserDisableView.as_view(), name="user_disable"),
    path("<int:pk>/enable/", users.UserEnableView.as_view(), name="user_enable"),
    path("<int:pk>/reset-password/", users.UserResetPasswordView.as_view(), name="user_reset_password"),
    path("<int:pk>/unlock/", users.UserUnlockView.as_view(), name="user_unlock"),
    path("<int:pk>/reset-otp/", changes.UserResetSecondFactorView.as_view(), name="user_reset_otp"),
    path("changes/", changes.ChangeListView.as_view(), name="change_list"),
    path("changes/<int:pk>/", changes.ChangeDetailView.as_view(), name="change_detail"),
    path("changes/<int:pk>/cancel/", changes.ChangeCancelView.as_view(), name="change_cancel"),
]
