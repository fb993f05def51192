"""Who is acting, and from where, for audit rows written far from the request.

Services write audit rows themselves (docs/architecture.md); they get the actor as an argument but
not the request. The middleware puts the client address and the channel ("web") into a
context variable for the duration of a request; commands and Celery tasks enter
``audit_source("command:import_roster")`` instead, so their rows say where they came from.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditOrigin:
    source: str = "system"
    ip: str | None = None


_NO_ORIGIN = AuditOrigin()
_origin: contextvars.ContextVar[AuditOrigin | None] = contextvars.ContextVar("audit_origin", default=None)


def current_origin() -> AuditOrigin:
    return _origin.get() or _NO_ORIGIN


@contextlib.contextmanager
def audit_source(source: str, ip: str | None = None):
    """Attribute audit rows written inside the block to ``source`` (and ``ip``)."""
    token = _origin.set(AuditOrigin(source=source, ip=ip))
    try:
        yield
    finally:
        _origin.reset(token)


def client_ip(request) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the address our own proxies saw.

    X-Forwarded-For is trusted only for the ``TRUSTED_PROXY_COUNT`` hops the deployment
    puts in front of the app (0 by default), counted from the right, so a client cannot
    choose its own address by sending the header (docs/security.md item 6).
    """
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR") or None
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= hops:
        return forwarded[-hops]
    return remote


class AuditContextMiddleware:
    """Record the client address of each request for the audit rows it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_source("web", client_ip(request)):
            return self.get_response(request)
