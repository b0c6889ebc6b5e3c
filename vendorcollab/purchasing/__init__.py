"""Purchase orders: their life cycle, versions sent to vendors, vendor responses and product receipts."""
