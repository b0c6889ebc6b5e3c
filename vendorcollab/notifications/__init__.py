"""Telling people and systems what happened: e-mail to users, webhooks to the buyer's ERP."""
