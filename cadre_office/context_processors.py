from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cadre_office import desk


def site(request):
    """Expose the bureau's name, the system title and today's date to every template."""
    return {"BUREAU_NAME": settings.BUREAU_NAME, "SITE_TITLE": settings.SITE_TITLE, "today": timezone.localdate()}


def desk_nav(request):
    """Expose the 工作台 link and its counts (``desk.nav_counts``) to the navigation.

    On the desk and the oversight pages the counts are recounted (lazily: only if the template
    reads them) and kept in the session; other pages show the kept counts without a query, so
    the roster's pages cost nothing for them.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("cadres.view_cadre"):
        return {}
    match = getattr(request, "resolver_match", None)
    recount = match is not None and (match.namespace in desk.RECOUNT_NAMESPACES
                                     or (not match.namespace and match.url_name in desk.RECOUNT_URL_NAMES))

    def counts():
        if recount:
            return desk.remember(request.session, desk.tasks_for(user, today=timezone.localdate()))
        return dict(request.session.get(desk.SESSION_KEY) or {})

    return {"desk_visible": True, "desk_nav": SimpleLazyObject(counts)}
