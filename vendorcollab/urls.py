"""The URL configuration: the portal, sign-in, the back office."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from vendorcollab.accounts import mfa
from vendorcollab.api.api import api
from vendorcollab.common import views as common_views
from vendorcollab.invoicing import buyer_urls as invoicing_buyer_urls
from vendorcollab.performance import buyer_urls as performance_buyer_urls
from vendorcollab.purchasing import buyer_urls as purchasing_buyer_urls
from vendorcollab.shipping import buyer_urls as shipping_buyer_urls
from vendorcollab.workspace import views as workspace_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("language/", common_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("vendorcollab.accounts.account_urls")),
    path("vendor/consignment/", include("vendorcollab.consignment.vendor_urls")),
    path("vendor/contacts/", include("vendorcollab.accounts.vendor_urls")),
    path("vendor/documents/", include("vendorcollab.interop.vendor_urls")),
    path("vendor/", include("vendorcollab.workspace.urls")),
    path("buyer/consignment/", include("vendorcollab.consignment.buyer_urls")),
    path("buyer/documents/", include("vendorcollab.interop.buyer_urls")),
    # One ``buyer`` namespace for the buyer's pages of every app (purchasing, invoicing).
    path(
        "buyer/",
        include(
            (
                [
                    path("", workspace_views.buyer_workspace, name="workspace"),
                    *purchasing_buyer_urls.urlpatterns,
                    *invoicing_buyer_urls.urlpatterns,
                    *shipping_buyer_urls.urlpatterns,
                    *performance_buyer_urls.urlpatterns,
                ],
                "buyer",
            )
        ),
    ),
    path("settings/notifications/", include("vendorcollab.notifications.urls")),
    path("settings/audit/", include("vendorcollab.audit.urls")),
    path("settings/users/", include("vendorcollab.accounts.urls")),
    path("settings/", include("vendorcollab.partners.urls")),
    # The back office signs in through the portal's sign-in page, which asks for the second factor.
    path("admin/login/", mfa.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# A body Django would not hold in memory is a 413 (JSON under the API), not its bare 400 page.
handler400 = "vendorcollab.common.request_limits.bad_request"

if settings.BENCH:
    from bench.instrumentation import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench_floor"))
