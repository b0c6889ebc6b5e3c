"""The buyer's forms on an invoice: reject (with the reason), record payment, add a note.

They only shape input; whether a reason is long enough, a payment date acceptable or the invoice still open to a
decision is the services' to say (``invoicing.services``), and their errors land next to these fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.widgets import DateInput
from vendorcollab.purchasing.models import Visibility


class RejectForm(forms.Form):
    # Not required here: an empty reason goes to the service, which refuses it with ``reason_required`` as the API
    # and an imported decision would be refused.
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("The vendor reads this reason; say what must change for the invoice to be accepted."),
    )


class PaymentForm(forms.Form):
    payment_date = forms.DateField(label=_("Payment date"), widget=DateInput(), required=False)
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)


class InvoiceNoteForm(forms.Form):
    text = forms.CharField(label=_("New note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    # Internal by default: a note the buyer writes about an invoice is for accounts payable unless chosen otherwise.
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices, initial=Visibility.INTERNAL)
