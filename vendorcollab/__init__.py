"""vendorcollab: a vendor collaboration portal for purchase orders and consignment stock."""
