"""Demo data: a small, realistic installation to click through (`python manage.py demo`)."""
