"""The HTML faces of purchasing: the vendor's portal now, the buyer's pages next to it."""
