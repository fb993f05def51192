from django.conf import settings


def site(request):
    """Expose the bureau's name and the system title to every template."""
    return {"BUREAU_NAME": settings.BUREAU_NAME, "SITE_TITLE": settings.SITE_TITLE}
