"""What every page needs: the role gates (404 for the other side, 403 for the wrong role), paging, parameters."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from vendorcollab.accounts.models import User

from .counting import counted
from .views import no_role

PAGE_SIZE = 25

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class AuthenticatedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a real ``User``, never anonymous."""

    user: User  # type: ignore[assignment]


def vendor_required(view: View) -> View:
    """Vendor pages exist only for vendor users: for buyer users they are a 404, never a 403. A user without any
    role gets the page saying so (a 403), before anything is read, so it tells them nothing about any object."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.role_set:
            return no_role(request, status=403)
        if not request.user.is_vendor_user:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def buyer_required(*roles: str) -> Callable[[View], View]:
    """Buyer pages exist only for buyer users (a 404 for vendor users); with ``roles``, a buyer user without one of
    them is refused with a 403: they may know the page exists, they may not use it. A user without any role gets
    the page saying so (a 403), as on vendor pages."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.role_set:
                return no_role(request, status=403)
            if not request.user.is_buyer:
                raise Http404
            if roles and not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def paginate(request: HttpRequest, rows: QuerySet[Any], *, stamp: Callable[[], str] | None = None) -> Page:
    """A page of ``rows``; with ``stamp`` (see ``common.counting.counted``) the list's count is kept per change."""
    paginator = _KeptCountPaginator(rows, PAGE_SIZE, stamp) if stamp else Paginator(rows, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


class _KeptCountPaginator(Paginator):
    def __init__(self, rows: QuerySet[Any], per_page: int, stamp: Callable[[], str]) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.stamp = stamp

    @cached_property
    def count(self) -> int:
        return counted(self.rows, self.stamp)


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def int_param_post(request: HttpRequest, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None
