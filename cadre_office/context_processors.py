from django.conf import settings
from django.utils import timezone


def site(request):
    """Expose the bureau's name, the system title and today's date to every template."""
    return {"BUREAU_NAME": settings.BUREAU_NAME, "SITE_TITLE": settings.SITE_TITLE, "today": timezone.localdate()}
