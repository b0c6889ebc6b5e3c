"""The shape of every life-cycle table: rows of (action, from, to, roles, guard), and the two questions asked of it.

Tryton keeps ``_buttons`` beside ``_transitions``; here they are one row. A row says that ``action`` takes an object
from ``source`` to ``target`` for ``roles``, and, through its ``guard``, why it may still be refused now (a vendor
response missing, a vendor not collaborating). ``available`` answers "which actions may this actor take on this
object now" for the faces (pages, templates, the API's ``actions``); ``check`` answers the same question for the
services, raising the typed error the refusal stands for. Both read the same rows, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from vendorcollab.accounts.models import User

from .errors import AppError

# A guard looks at the object as loaded and the actor, and returns the refusal (not raised) or None. Guards read only
# what the object already holds or what a list has annotated on it, so that asking for a page of rows stays flat.
Guard = Callable[[Any, User], AppError | None]


@dataclass(frozen=True)
class Row:
    action: str
    source: str
    target: str
    roles: frozenset[str]
    # The history event the transition writes; None for actions that only depend on the status (adding a note).
    event: Any = None
    guard: Guard | None = None
    # False for steps that happen only as part of another action (auto-confirmation after an acceptance): never
    # offered as a button or in the API's ``actions``, but still checked when a service takes them.
    offered: bool = True


class Table:
    """A life cycle: its rows, how it says "not from this status", and how it says "not for your role"."""

    def __init__(
        self,
        rows: Iterable[Row],
        *,
        not_now: Callable[[Any, str], AppError],
        role_refused: Callable[[str], AppError],
    ) -> None:
        self.rows = tuple(rows)
        self._not_now = not_now
        self._role_refused = role_refused
        self.actions = tuple(dict.fromkeys(row.action for row in self.rows))

    def rows_for(self, action: str, status: str) -> list[Row]:
        return [row for row in self.rows if row.action == action and row.source == status]

    def roles_for(self, action: str) -> frozenset[str]:
        return frozenset().union(*(row.roles for row in self.rows if row.action == action))

    def refusal(
        self, obj: Any, actor: User, action: str, *, target: str | None = None, guarded: bool = True
    ) -> tuple[Row | None, AppError | None]:
        """The row ``action`` would take from the object's status, and why it is refused (None when it is not).

        The order is the order of the questions a person asks: can this be done at this stage at all, by me, now?
        """
        rows = self.rows_for(action, obj.status)
        if target is not None:
            rows = [row for row in rows if row.target == target]
        if not rows:
            return None, self._not_now(obj, action)
        row = rows[0]
        if not actor.has_role(*row.roles):
            return row, self._role_refused(action)
        if guarded and row.guard is not None and (error := row.guard(obj, actor)) is not None:
            return row, error
        return row, None

    def check(self, obj: Any, actor: User, action: str, *, target: str | None = None, guarded: bool = True) -> Row:
        """The row to take, or the typed refusal raised: what every service calls before it writes."""
        row, error = self.refusal(obj, actor, action, target=target, guarded=guarded)
        if error is not None:
            raise error
        assert row is not None
        return row

    def allows(self, obj: Any, actor: User, action: str) -> bool:
        return self.refusal(obj, actor, action)[1] is None

    def available(self, obj: Any, actor: User) -> frozenset[str]:
        """Every action offered to ``actor`` on ``obj`` now: what the faces show, and nothing else."""
        offered = dict.fromkeys(row.action for row in self.rows if row.offered and row.source == obj.status)
        return frozenset(action for action in offered if self.allows(obj, actor, action))


class Offered:
    """The available actions as templates read them: ``{% if actions.send %}``. Not a dict, whose own methods
    (``actions.copy``, ``actions.items``) a template would find before the action of that name."""

    def __init__(self, actions: Iterable[str]) -> None:
        self._actions = frozenset(str(action) for action in actions)

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        return name in self._actions

    def __contains__(self, action: object) -> bool:
        return action in self._actions

    def __repr__(self) -> str:
        return f"Offered({sorted(self._actions)})"
