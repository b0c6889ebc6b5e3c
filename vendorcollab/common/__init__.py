"""Pieces shared by every domain app: typed errors, append-only models, number sequences."""
