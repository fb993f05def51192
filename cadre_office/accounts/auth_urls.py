"""Login, logout, password change, the second factor and the notices after login (names without a namespace)."""

from django.urls import path

from cadre_office.accounts.views import auth

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("otp/setup/", auth.OTPSetupView.as_view(), name="otp_setup"),
    path("otp/verify/", auth.OTPVerifyView.as_view(), name="otp_verify"),
    path("notices/", auth.NoticesView.as_view(), name="account_notices"),
]
