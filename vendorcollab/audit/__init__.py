"""The audit log of security events: sign-ins, failed sign-ins, MFA changes, tokens, user requests, role changes."""
