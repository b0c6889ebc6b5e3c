"""Consignment: stock a vendor owns in the buyer's warehouses, its replenishment, and the buyer taking ownership."""
