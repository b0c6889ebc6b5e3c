"""``PurchaseOrder.collaborative_for`` decides on a row already read what ``visible_to(actor).collaborative()``
decides in SQL: a service checks the PO it has locked with it instead of a statement of its own."""

from __future__ import annotations

from vendorcollab.accounts.models import User, VendorMembership
from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import Origin, PurchaseOrder


def test_a_rows_visibility_is_the_querysets_for_every_actor_and_po(cast):
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    sent_a = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    sent_b = make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True)
    consignment = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    PurchaseOrder.objects.filter(pk=consignment.pk).update(origin=Origin.CONSIGNMENT)
    actors = [cast.admin, cast.agent, cast.clerk, cast.vendor_a_user, cast.vendor_a_admin, cast.vendor_b_user]
    decisions = {}
    for state in ("linked", "link inactive", "vendor disabled"):
        if state == "link inactive":
            VendorMembership.objects.filter(user=cast.vendor_a_user).update(is_active=False)
        if state == "vendor disabled":
            VendorMembership.objects.filter(user=cast.vendor_a_user).update(is_active=True)
            cast.vendor_b.collaboration = Collaboration.DISABLED
            cast.vendor_b.save()
        for actor in actors:
            actor = User.objects.get(pk=actor.pk)  # access read anew, as in a new request
            visible = set(PurchaseOrder.objects.visible_to(actor).collaborative().values_list("pk", flat=True))
            for po in PurchaseOrder.objects.filter(pk__in=[draft.pk, sent_a.pk, sent_b.pk, consignment.pk]):
                assert po.collaborative_for(actor) == (po.pk in visible), (state, actor.username, po.pk)
                decisions[(state, actor.username, po.pk)] = po.collaborative_for(actor)
    # The cases are not all alike: buyers see drafts, vendors their sent POs only, nobody the consignment PO here.
    assert decisions[("linked", "bob", draft.pk)] and not decisions[("linked", "dave", draft.pk)]
    assert decisions[("linked", "dave", sent_a.pk)] and not decisions[("link inactive", "dave", sent_a.pk)]
    assert decisions[("linked", "frank", sent_b.pk)] and not decisions[("vendor disabled", "frank", sent_b.pk)]
    assert not any(decisions[(state, "bob", consignment.pk)] for state in ("linked", "link inactive"))
