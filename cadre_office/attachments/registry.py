"""Who may see an attachment: the owner's app says which of its owners a user may see.

An app registers, from its ``AppConfig.ready``, for each model that owns attachments, a function
``scope(user) -> queryset`` of the owners ``user`` may see (its own scope rules: units, restricted
kinds). The store never imports the apps; an owner model without a registered scope is seen by
nobody (its attachments answer 404).
"""

from collections.abc import Callable

_scopes: dict[str, Callable] = {}


def register_scope(model, scope: Callable) -> None:
    """Register ``scope(user)`` as the queryset of ``model`` instances whose attachments ``user`` may see."""
    _scopes[model._meta.label_lower] = scope


def owners_visible_to(user, model):
    """Return the queryset of ``model`` owners ``user`` may see (none when the model is not registered)."""
    scope = _scopes.get(model._meta.label_lower)
    return scope(user) if scope is not None else model._default_manager.none()


def can_see_owner(user, model, owner_id) -> bool:
    """Return whether the owner ``model`` ``owner_id`` lies in ``user``'s scope (one query)."""
    return owners_visible_to(user, model).filter(pk=owner_id).exists()
