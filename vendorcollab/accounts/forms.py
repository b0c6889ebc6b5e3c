"""Forms of the people pages and the personal pages: they check the input's shape; ``people`` checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError
from vendorcollab.partners.models import Vendor

from .models import Role
from .services.access import TOKEN_NAME_MAX_LENGTH
from .services.user_requests import REASON_MAX_LENGTH

VENDOR_ROLE_CHOICES = [
    (Role.VENDOR_USER.value, Role.VENDOR_USER.label),
    (Role.VENDOR_ADMIN.value, Role.VENDOR_ADMIN.label),
]
# Up to this many vendor accounts are offered as checkboxes; more (a buyer choosing among all vendors) as a list.
CHECKBOXES_UP_TO = 12


class ServiceErrorsMixin:
    """Place a service's refusal next to its field, or above the form when it names none of them."""

    # A service's field name -> this form's field name, where they differ.
    service_fields: dict[str, str] = {}

    def add_service_error(self, error: AppError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        placed = False
        for path, message in error.fields.items():
            name = self.service_fields.get(path, path)
            if name in form.fields:
                form.add_error(name, str(message))
                placed = True
        if not placed:
            form.add_error(None, error.rendered_message())


def reason_field(label: Any, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def vendor_label(vendor: Vendor) -> str:
    return f"{vendor.number} {vendor.name} ({vendor.company.code})"


class NewUserRequestForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"roles": "role"}

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=VENDOR_ROLE_CHOICES, initial=Role.VENDOR_USER.value)
    vendors = forms.MultipleChoiceField(
        label=_("Vendor accounts"), error_messages={"invalid_choice": _("Choose vendor accounts from the list.")}
    )
    reason = reason_field(_("Note for the procurement admin"))

    def __init__(self, *args: Any, vendors: QuerySet[Vendor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once: rendering the choices and checking the input cost no further query.
        self.vendors_by_pk = {str(vendor.pk): vendor for vendor in vendors}
        field = self.fields["vendors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(pk, vendor_label(vendor)) for pk, vendor in self.vendors_by_pk.items()]
        if self.vendors_as_checkboxes:
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        else:
            field.widget = forms.SelectMultiple(choices=field.choices, attrs={"size": 10})
        if len(self.vendors_by_pk) == 1:
            self.initial.setdefault("vendors", list(self.vendors_by_pk))

    @property
    def vendors_as_checkboxes(self) -> bool:
        return len(self.vendors_by_pk) <= CHECKBOXES_UP_TO

    def clean_vendors(self) -> list[Vendor]:
        return [self.vendors_by_pk[value] for value in self.cleaned_data["vendors"]]


class InactivationRequestForm(ServiceErrorsMixin, forms.Form):
    reason = reason_field(_("Reason"))


class RoleChangeRequestForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"roles": "role"}

    role = forms.ChoiceField(label=_("New role"), choices=VENDOR_ROLE_CHOICES)
    reason = reason_field(_("Reason"))


class Decision:
    APPROVE = "approve"
    REJECT = "reject"


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """Approve or reject, by the button pressed; a rejection needs a reason."""

    decision = forms.ChoiceField(
        choices=[(Decision.APPROVE, _("Approve")), (Decision.REJECT, _("Reject"))], widget=forms.HiddenInput
    )
    reason = reason_field(_("Reason (required when rejecting; the requester reads it)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason: the requester reads it."))
        return data


class TokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("Where the token is used, for example the ERP's name."),
    )


class LanguageForm(ServiceErrorsMixin, forms.Form):
    """The user's own language; the first choice (blank) follows the browser."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages follow your browser's language unless you choose one here. E-mails follow your choice."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["language"]  # type: ignore[assignment]
        field.choices = [("", _("Follow my browser")), *settings.LANGUAGES]
