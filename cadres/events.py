"""What the roster tells the apps built on it, through hooks they register (never imported from here).

The roster is the base app: the dashboard, selection, oversight and training read it, and it
imports none of them. When one of them must act on a roster change (the dashboard recomputes
today's figures after an import), it registers a callback here from its ``AppConfig.ready``; the
roster's services call ``send`` at the point the change is made. Unlike a Django signal, each hook
is a named object listed in this module with what it carries, and ``send`` is called explicitly by
the service that makes the change, so a reader of that service sees it.

Hooks:

``roster_changed``
    Cadres were added or changed in bulk (a roster import), or posts changed by a decision taking
    effect on a given day (a 动态管理 decision), inside the writing transaction. Optional argument
    ``as_of``: the day the change takes effect. Registered: the dashboard queues today's recompute
    (and ``as_of``'s, when earlier) once the transaction commits.

``department_move_requested``
    A unit is to move in the tree in a way that changes what some department head may see
    (``department_request_move``). Arguments: ``actor``, ``department``, ``parent``, ``reason``,
    ``impact``. Exactly one callback answers, with the pending request it made. Registered: the
    accounts app, whose security administrator confirms such moves (two-person changes).
"""

from collections.abc import Callable


class Hook:
    """A named list of callbacks, called in order of registration by ``send``."""

    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable] = []

    def __repr__(self):
        return f"<Hook {self.name}: {len(self._callbacks)} callbacks>"

    def register(self, callback: Callable) -> Callable:
        """Add ``callback`` (once, however often an app's ``ready`` runs); usable as a decorator."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def unregister(self, callback: Callable) -> None:
        self._callbacks.remove(callback)

    def send(self, **kwargs) -> None:
        """Call every callback with ``kwargs``; an error propagates to the service (its transaction)."""
        for callback in list(self._callbacks):
            callback(**kwargs)

    def ask(self, **kwargs):
        """Call the one callback of a hook that answers, and return its answer."""
        if len(self._callbacks) != 1:
            raise RuntimeError(f"{self!r} needs exactly one registered callback")
        return self._callbacks[0](**kwargs)


roster_changed = Hook("roster_changed")
department_move_requested = Hook("department_move_requested")
