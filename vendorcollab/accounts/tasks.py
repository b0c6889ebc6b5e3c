"""Background work of the accounts app: mailing invitations, after the commit that approved the new user."""

from __future__ import annotations

from django_tasks import task


@task()
def invitation_send(invitation_id: int, link_base: str) -> bool:
    """Mail an invitation link. Only the invitation's id travels through the queue: the token is made here."""
    from .services.invitations import (
        invitation_deliver,  # the services queue this task; importing them here avoids a cycle
    )

    return invitation_deliver(invitation_id=invitation_id, link_base=link_base)
