"""People: buyer and vendor users, their roles, and their links to vendor accounts."""
