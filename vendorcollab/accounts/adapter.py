"""django-allauth behaviour for a closed portal: nobody signs up; the buyer creates and invites users; allauth's mail
(password reset) goes through the portal's outgoing mail queue like every other mail."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils import translation

from vendorcollab.notifications.outbox import mail_queue


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """As allauth renders it, but queued: a mail server that is down never turns "we sent you a mail" into an
        error page (which would also tell whether the address has an account). The mail holds a personal link, so
        the mail log hides its content and erases it once sent."""
        request = allauth_context.request
        full_context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        language = translation.get_language() or settings.LANGUAGE_CODE
        message = self.render_mail(template_prefix, email, full_context, headers={"Content-Language": language})
        mail_queue(message, kind=template_prefix.rsplit("/", 1)[-1], sensitive=True)
