"""The JSON API under /api/v1/ (DESIGN.md section 8): the same services and selectors as the pages."""
