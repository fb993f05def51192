"""Request-wide policy: no caching of pages, and the login steps an account still owes.

After the password, in this order: the second factor, the notices of what others did to the
account (shown once), a new password.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from cadre_office.accounts.models import Profile
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES

# Session flags written once at login (see ``signals``), so that an ordinary request costs no
# query beyond reading the session it loads anyway.
OWES_SECOND_FACTOR = "account_owes_second_factor"
OWES_PASSWORD_CHANGE = "account_owes_password_change"  # noqa: S105  (a session key)
OWES_NOTICES = "account_owes_notices"
# The login policy a session's flags were computed under. Raise it when a change of the steps must
# reach sessions opened before it: such a session is ended once, and the next login computes them anew
# (version 2: the roles that read full ID numbers or export personal data owe a second factor).
POLICY_VERSION_KEY = "account_policy_version"
POLICY_VERSION = 2

# Pages an account may always reach while it owes a step: the steps themselves and the way out.
_ALWAYS_OPEN = frozenset({"login", "logout", "otp_setup", "otp_verify"})


def owes_second_factor(user) -> bool:
    """Return whether ``user`` must pass TOTP: an administrator, or a role that reads full ID numbers or
    exports personal data (docs/security.md items 8 and 32)."""
    return user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists()


def owes_password_change(user) -> bool:
    """Return whether ``user`` must change their password before anything else (docs/security.md item 5).

    An account without a profile was made outside the account services (``createsuperuser``, a
    shell), so nobody knows how old or how shared its password is: it changes it first.
    """
    profile = Profile.objects.filter(user=user).first()
    return profile is None or profile.must_change_password or profile.password_expired()


class NoStoreMiddleware:
    """Forbid caching of every dynamic response (docs/security.md items 4 and 29).

    Pages carry personal data, and a logged-out page must not come back from the
    browser's cache; static files (served before this by WhiteNoise) keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


class AccountPolicyMiddleware:
    """Send an account to the step it still owes before anything else (second factor, new password).

    The second factor comes first: a password alone must not even change the password. An
    ordinary account owes nothing, and its requests only read two flags from the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.outdated(request):
            logout(request)
            return HttpResponseRedirect(reverse(settings.LOGIN_URL))
        target = self.owed_step(request)
        if target is None:
            return self.get_response(request)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        # htmx would swap a whole page into a fragment: tell it to load the step as a page instead.
        # (django-htmx's middleware runs after this one, so read the header itself.)
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)

    @staticmethod
    def outdated(request) -> bool:
        """Return whether the request's session was logged in under an earlier login policy."""
        session = getattr(request, "session", None)
        return (session is not None and SESSION_KEY in session and not request.path.startswith(settings.STATIC_URL)
                and session.get(POLICY_VERSION_KEY) != POLICY_VERSION)

    def owed_step(self, request) -> str | None:
        """Return the URL of the step the account owes before this request, or None."""
        session = getattr(request, "session", None)
        if session is None or request.path.startswith(settings.STATIC_URL):
            return None
        owes_otp = session.get(OWES_SECOND_FACTOR, False)
        owes_password = session.get(OWES_PASSWORD_CHANGE, False)
        owes_notices = session.get(OWES_NOTICES, False)
        if not (owes_otp or owes_password or owes_notices):
            return None
        name = _url_name(request)
        if name in _ALWAYS_OPEN or not request.user.is_authenticated:
            return None
        if owes_otp and not _is_verified(request.user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            return reverse("otp_verify" if enrolled else "otp_setup")
        if owes_notices:
            return None if name == "account_notices" else reverse("account_notices")
        if owes_password and name != "password_change":
            return reverse("password_change")
        return None


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).url_name
    except Resolver404:
        return None


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())
