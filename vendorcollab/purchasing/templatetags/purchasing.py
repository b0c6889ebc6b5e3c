"""Labels of purchasing's choices for values that reach templates bare (annotations, JSON)."""

from django import template

from ..models import LineAction, POStatus, ResponseKind

register = template.Library()


@register.filter
def response_label(value: str) -> str:
    return str(ResponseKind(value).label) if value in ResponseKind.values else ""


@register.filter
def status_label(value: str) -> str:
    return str(POStatus(value).label) if value in POStatus.values else ""


@register.filter
def action_label(value: str) -> str:
    return str(LineAction(value).label) if value in LineAction.values else ""
