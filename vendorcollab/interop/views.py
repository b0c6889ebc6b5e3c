"""The document log's pages: the list (buyer: every document; vendor: its own) and one document with its XML."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from vendorcollab.common.web import AuthenticatedRequest, buyer_required, paginate, vendor_required

from . import documents
from .models import TRANSACTION_CHOICES, Direction, InboundStatus


def _list(request: AuthenticatedRequest, side: str) -> HttpResponse:
    # Unknown filter values are ignored rather than refused: a hand-edited address still shows the log.
    selected = {
        "type": request.GET.get("type", ""),
        "direction": request.GET.get("direction", ""),
        "status": request.GET.get("status", ""),
    }
    rows = documents.document_list(
        actor=request.user,
        transaction_code=selected["type"] if selected["type"] in dict(TRANSACTION_CHOICES) else None,
        direction=selected["direction"] if selected["direction"] in Direction.values else None,
        status=selected["status"] if selected["status"] in InboundStatus.values else None,
        newest_first=True,
    )
    return render(
        request,
        "interop/document_list.html",
        {
            "page": paginate(request, rows),
            "side": side,
            "base_template": f"purchasing/{side}/base.html",
            "transactions": TRANSACTION_CHOICES,
            "directions": Direction.choices,
            "statuses": InboundStatus.choices,
            "selected": selected,
        },
    )


def _detail(request: AuthenticatedRequest, pk: int, side: str) -> HttpResponse:
    document = documents.document_get(actor=request.user, pk=pk)
    return render(
        request,
        "interop/document_detail.html",
        {
            "document": document,
            "side": side,
            "base_template": f"purchasing/{side}/base.html",
            "xml_url": f"/api/v1/{'documents' if side == 'buyer' else 'vendor/documents'}/{document.pk}/xml",
        },
    )


@buyer_required()
def buyer_document_list(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, "buyer")


@buyer_required()
def buyer_document_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "buyer")


@vendor_required
def vendor_document_list(request: AuthenticatedRequest) -> HttpResponse:
    return _list(request, "vendor")


@vendor_required
def vendor_document_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "vendor")
