"""Every write to ship notices. Faces (pages, API, UBL import, admin) call these alone."""

from .creation import next_ship_notice_number, ship_notice_create
from .receiving import ship_notice_cancel, ship_notice_receive, ship_notice_receive_purchase_order

__all__ = [
    "next_ship_notice_number",
    "ship_notice_cancel",
    "ship_notice_create",
    "ship_notice_receive",
    "ship_notice_receive_purchase_order",
]
