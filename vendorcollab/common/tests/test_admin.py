"""The back office: every model is there, history is read-only, and every page opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from vendorcollab.common.models import AppendOnlyModel
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, response_submit

PROJECT_MODELS = [model for model in apps.get_models() if model.__module__.startswith("vendorcollab.")]


def test_every_project_model_is_registered():
    missing = [model.__name__ for model in PROJECT_MODELS if model not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", [m for m in PROJECT_MODELS if issubclass(m, AppendOnlyModel)], ids=str)
def test_history_models_are_read_only(model, rf, cast):
    request = rf.get("/")
    request.user = cast.admin
    cast.admin.is_superuser = True
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.fixture
def superuser_client(client, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=po)
    return client


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=str)
def test_every_admin_page_opens(superuser_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert superuser_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        assert superuser_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_vendor_users_do_not_reach_the_back_office(client, cast):
    client.force_login(cast.vendor_a_user)
    response = client.get(reverse("admin:purchasing_purchaseorder_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
