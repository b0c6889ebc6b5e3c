"""The code an authenticator app shows for a TOTP secret, for tests that sign in with two-factor authentication.

allauth accepts only the code of the current 30 seconds (``MFA_TOTP_TOLERANCE`` 0). A code taken in the last moments
of its period reaches the server in the next one when the machine is busy (the suite runs on every core, next to
whatever else runs there), and is refused: so a code is taken early enough in its period, waiting for the next one
when need be.
"""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

PERIOD = 30  # seconds, RFC 6238 and allauth's MFA_TOTP_PERIOD
MARGIN = 3  # seconds a code must still be valid for when it is handed out


def totp_code(secret: str) -> str:
    """The current code for ``secret``, valid for at least ``MARGIN`` more seconds."""
    left = PERIOD - time.time() % PERIOD
    if left < MARGIN:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD))
