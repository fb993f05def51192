from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cadre_office import desk


def site(request):
    """Expose the bureau's name, the system title and today's date to every template."""
    return {"BUREAU_NAME": settings.BUREAU_NAME, "SITE_TITLE": settings.SITE_TITLE, "today": timezone.localdate()}


def desk_nav(request):
    """Expose the 工作台 link and the navigation's counts, as the desk last counted them (``desk.nav_counts``).

    The desk (``HomeView``) counts and keeps them in the session; other pages read them from there
    without a query, so the roster's and oversight's pages cost nothing for them.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("cadres.view_cadre"):
        return {}
    counts = SimpleLazyObject(lambda: dict(request.session.get(desk.SESSION_KEY) or {}))
    return {"desk_visible": True, "desk_nav": counts}
