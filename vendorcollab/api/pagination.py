"""Paging for every list of the API: ``{"items", "count", "next"}``, ``?page=N`` (from 1) and ``?page_size``.

A list endpoint takes ``paging: Query[PageQuery]``, declares ``response={200: Page[ItemOut], ...}`` and returns
``paginate(request, rows, paging, build=ItemOut.build)``. A page costs two queries (the count and the rows) whatever
its size, as long as ``rows`` is ordered, has the ``select_related``/annotations ``build`` reads, and ``build``
queries nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

from vendorcollab.common.counting import counted

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any real list, low enough that the offset stays a valid database integer.
MAX_PAGE = 10_000_000

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="The page, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}."
    )


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="The number of rows in the whole list.")
    next: str | None = Field(description="The URL of the next page; null on the last page.")


@dataclass(frozen=True)
class PageResult(Generic[T]):
    items: list[T]
    count: int
    next: str | None


def paginate(
    request: HttpRequest,
    rows: QuerySet[M],
    paging: PageQuery,
    *,
    build: Callable[[M], T] | None = None,
    build_page: Callable[[list[M]], list[T]] | None = None,
    stamp: Callable[[], str] | None = None,
) -> PageResult[T]:
    """One page of ``rows`` (ordered: a page of an unordered query is not well defined), each row through ``build``,
    or the page's rows together through ``build_page`` (which may read what they need in one query for all).

    A page past the end is empty rather than an error: the list may have shrunk since the client's last page.
    ``stamp``, where given, is a cheap summary of the table that changes whenever a row is added or changed: the
    count of the list is then kept under it (see ``counted``).
    """
    assert rows.ordered, "paginate() needs an ordered queryset"
    count = counted(rows, stamp) if stamp else rows.count()
    start = (paging.page - 1) * paging.page_size
    end = start + paging.page_size
    objects = list(rows[start:end]) if start < count else []
    if build_page is not None:
        items = build_page(objects) if objects else []
    else:
        assert build is not None, "paginate() needs build or build_page"
        items = [build(obj) for obj in objects]
    return PageResult(
        items=items,
        count=count,
        next=_page_url(request, paging.page + 1) if end < count else None,
    )


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def json_page(texts: list[str], *, count: int, next_url: str | None) -> HttpResponse:
    """A ``Page`` of objects already written as JSON text, as the API answers it."""
    body = f'{{"items":[{",".join(texts)}],"count":{count},"next":{json.dumps(next_url)}}}'
    return HttpResponse(body.encode(), content_type="application/json; charset=utf-8")
