"""Sessions whose idle timeout only real activity moves (docs/security.md item 7).

With ``SESSION_SAVE_EVERY_REQUEST`` every request saves the session, and saving moves its expiry
``SESSION_COOKIE_AGE`` (30 minutes) ahead. A page left open that polls a job's progress every
second would so keep its session alive for ever. Views that only report on something (a job's
progress) are marked ``passive``: for their requests the session is not saved, so it still expires
30 minutes after the last request the person made.
"""

import logging

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

_PASSIVE = "passive_request"


def passive(view):
    """Mark ``view`` (a function, or what ``as_view()`` returns) as one whose requests are not activity."""
    setattr(view, _PASSIVE, True)
    return view


def is_passive(request) -> bool:
    return getattr(request, _PASSIVE, False)


class PassiveViewMixin:
    """A class-based view whose requests do not keep the session alive (a polled status, say)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return passive(super().as_view(**initkwargs))


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware that does not save the session of a passive request.

    A passive view must not change the session: such a change is logged and not saved (saving
    would move the expiry). Flash messages go to their cookie, not the session, so passive views
    may send one. A session that became empty (logged out, expired) loses its cookie as usual.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, _PASSIVE, False):
            setattr(request, _PASSIVE, True)

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or not is_passive(request):
            return super().process_response(request, response)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and session.is_empty():
            return super().process_response(request, response)  # deletes the cookie, saves nothing
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        if session.modified:
            logger.warning("The passive view of %s changed its session: the change is not saved.", request.path)
        return response
