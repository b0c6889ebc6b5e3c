"""``{% kept_header %}…{% endkept_header %}``: the page's top bar (``base.html``), rendered once per worker for each
thing it shows and kept.

The top bar is the same markup on every page a user opens on one side and in one language: some twenty links
reversed, twenty-five translated words, the language form and the menus. Rendered on every request it was a third
of a kept page's time (the vendor's workspace: 1.2 of 4.8 ms in process), and most of what throughput measures.

What it shows, and so its key:
- the template that fills the ``nav`` block (each side's ``base.html``; found through the block itself, because
  some pages extend a base chosen at run time),
- the language,
- the request's full path (which link is the current one, the language form's ``next``) and the ``list_kind`` a
  list page names,
- the user: id, name as shown, roles and the ``perms_*`` flags derived from them.

The CSRF token differs per request: the bar is kept with a placeholder in its place and the request's token is put
in on the way out. A header that comes to show anything else must add it to ``_key``. The development server reloads
templates without restarting: a changed template drops what was kept, as it drops Django's own loaded templates.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.dispatch import receiver
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Letters and digits only, as a CSRF token is: it goes through the csrf_token tag's escaping unchanged.
CSRF_PLACEHOLDER = "keptheadercsrftokenplaceholder"
# Every (side, language, path, user) a worker served recently; dropped whole when full, then filled again.
_KEPT: dict[tuple[Any, ...], str] = {}
_KEPT_AT_MOST = 500


def forget_kept_headers() -> None:
    _KEPT.clear()


@receiver(file_changed, dispatch_uid="kept_headers_file_changed")
def forget_on_template_change(sender: Any, file_path: Any, **kwargs: Any) -> None:
    # Returns nothing, so the reloader still decides alone whether the change needs a restart.
    if file_path.suffix == ".html":
        forget_kept_headers()


def _key(context: Context) -> tuple[Any, ...] | None:
    request = context.get("request")
    if request is None:
        return None
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    nav = blocks.get_block("nav") if blocks is not None else None
    nav_origin = getattr(getattr(nav, "origin", None), "name", None)
    user: Any = context.get("user")
    person: tuple[Any, ...] = ()
    if getattr(user, "is_authenticated", False):  # as the template reads it
        person = (user.pk, user.get_full_name() or user.username, tuple(sorted(user.role_set)))
    flags = tuple(bool(context.get(name)) for name in ("perms_purchasing", "perms_receiving", "perms_admin"))
    return (nav_origin, get_language(), request.get_full_path(), str(context.get("list_kind", "")), person, flags)


class KeptHeaderNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        token = context.get("csrf_token")
        key = _key(context)
        # Without a request or a token (an error page rendered on its own), the bar is rendered as it is.
        if key is None or not token or str(token) == "NOTPROVIDED":
            return mark_safe(self.nodelist.render(context))
        kept = _KEPT.get(key)
        if kept is None:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                kept = self.nodelist.render(context)
            if len(_KEPT) >= _KEPT_AT_MOST:
                _KEPT.clear()
            _KEPT[key] = kept
        # The bar is our own template's output, escaped when it was rendered; the token is letters and digits.
        return mark_safe(kept.replace(CSRF_PLACEHOLDER, str(token)))


@register.tag("kept_header")
def kept_header(parser: Parser, token: Token) -> KeptHeaderNode:
    nodelist = parser.parse(("endkept_header",))
    parser.delete_first_token()
    return KeptHeaderNode(nodelist)
