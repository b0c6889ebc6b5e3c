"""Subscribers to the domain events (vendorcollab.common.events); each enqueues the work, never does it here."""
