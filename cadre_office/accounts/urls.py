"""The security administrator's account management pages."""

app_name = "accounts"

urlpatterns = []
