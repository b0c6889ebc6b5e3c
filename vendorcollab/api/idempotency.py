"""``Idempotency-Key`` on every POST of the API: a retry gets the first result and changes nothing.

An ERP that sends ``POST /purchase-orders`` and loses the connection cannot know whether the order was created.
With an ``Idempotency-Key: <anything unique>`` header it simply sends the same request again:

- the same key, from the same user, with the same method, path and body: the first response (status and body) is
  returned again, with ``Idempotent-Replayed: true``, and nothing is executed;
- the same key with another body, path or method: 422 ``idempotency_key_reused``, nothing is executed;
- a first attempt that failed (any status outside 2xx) leaves no trace: its key can be sent again, with the
  corrected body too, since that request changed nothing;
- after ``IDEMPOTENCY_KEY_TTL`` (24 hours) a key is forgotten (``manage.py purge_idempotency_keys``).

How, in two hooks installed on the whole API (``install``), so that no endpoint can forget it:

1. around ninja's ``Operation.run`` (a "view" decorator): a keyed POST runs in one transaction, from
   authentication to the response. After ``run`` the response is stored in the key's row, or, when the operation
   failed, the transaction is rolled back and the key released;
2. around the endpoint function (an "operation" decorator, which ninja calls after authentication and input
   validation, so the user is known and a malformed request never claims a key): the key's row is inserted
   before the endpoint runs. The unique ``(user, key)`` constraint serialises two concurrent requests with one
   key: on PostgreSQL the second INSERT waits for the first transaction and then fails, on SQLite the second
   transaction cannot start before the first has committed (IMMEDIATE). Either way the second request then
   reads the first one's stored response and replays it; both never execute.

Keys are per user: they exist only for authenticated operations. The one POST without authentication, issuing a
token, ignores the header: its response holds a bearer key, which must never be stored in clear, and a retried
sign-in harms nothing (it issues another token).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vendorcollab.accounts.models import User
from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import INVALID_INPUT, CommonErrorCode, ValidationFailed
from vendorcollab.common.formatting import size_text

from .errors import FIELD_MESSAGES
from .models import IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_TTL, IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Where the claimed key waits, on the request, for the response that the view hook stores.
_CLAIM = "_idempotency_claim"

# Printable ASCII: a UUID, a hash, an ERP's document id.
KEY_PATTERN = re.compile(r"[\x20-\x7e]+")
KEY_CHARACTERS = _("Use letters, digits and punctuation of plain ASCII only.")
KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request. Use a new key for every new request, and the "
    "same key only to retry the very same request."
)
# For the OpenAPI document, which is in English like the rest of it.
DESCRIPTION = (
    "Makes the request safe to retry: a repeated request with the same key (same user, method, path and body) "
    "returns the first response again, with `Idempotent-Replayed: true`, and changes nothing; the same key with "
    "another request is refused (422 `idempotency_key_reused`). A first attempt that failed does not use up its "
    "key. Keys are kept for 24 hours."
)


def install(api: Any) -> None:
    """Make every POST operation of ``api`` honour the header (call once, where the API is created)."""
    api.add_decorator(_one_transaction, mode="view")
    api.add_decorator(_claim_before_running, mode="operation")


def _keyed(request: HttpRequest) -> bool:
    return request.method == "POST" and HEADER in request.headers


def _one_transaction(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(run)
    def run_keyed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _keyed(request):
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            claim: IdempotencyKey | None = request.__dict__.pop(_CLAIM, None)
            if claim is not None:
                if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
                    _store(claim, response)
                else:
                    # The operation was refused or failed: whatever it did is undone with the claim, so that the
                    # key stays free for a corrected retry. (Services roll their own work back already; this also
                    # covers a transaction that a database error has left unusable.)
                    transaction.set_rollback(True)
        return response

    return run_keyed


def _claim_before_running(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def claimed_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = getattr(request, "auth", None)
        if not _keyed(request) or not isinstance(user, User):
            return view(request, *args, **kwargs)
        assert transaction.get_connection().in_atomic_block, "the view hook opens the transaction"
        key = _key_of(request)
        record = _claim(user=user, key=key, request=request)
        if record.response_status is not None:
            return _replay(record)
        setattr(request, _CLAIM, record)
        return view(request, *args, **kwargs)

    return claimed_view


def _key_of(request: HttpRequest) -> str:
    key = request.headers[HEADER]
    if not key:
        message = str(FIELD_MESSAGES["string_too_short"]) % {"min_length": 1}
    elif len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        message = str(FIELD_MESSAGES["string_too_long"]) % {"max_length": IDEMPOTENCY_KEY_MAX_LENGTH}
    elif not KEY_PATTERN.fullmatch(key):
        message = str(KEY_CHARACTERS)
    else:
        return key
    raise ValidationFailed(CommonErrorCode.INVALID_INPUT, INVALID_INPUT, fields={HEADER: message})


BODY_TOO_LARGE = _("The request body is larger than the %(limit)s allowed with an Idempotency-Key.")


def request_hash(request: HttpRequest) -> str:
    """The SHA-256 of the body; a JSON body is hashed in a canonical form, so that the key order or spacing of a
    retry does not make it a different request."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationFailed(
            ApiErrorCode.BODY_TOO_LARGE,
            BODY_TOO_LARGE,
            params={"limit": size_text(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
        ) from None
    # A body that is not JSON (a UBL document) is hashed as it is.
    with contextlib.suppress(ValueError, RecursionError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(body).hexdigest()


def _claim(*, user: User, key: str, request: HttpRequest) -> IdempotencyKey:
    """The key's row: a new one (no response yet) for this request to fill, or the stored result of an earlier
    request, which must have been the same request."""
    method, path, digest = request.method or "", request.get_full_path(), request_hash(request)
    mine = IdempotencyKey.objects.filter(user=user, key=key)
    mine.filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEY_TTL).delete()
    record = mine.first()
    if record is None:
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(user=user, key=key, method=method, path=path, request_hash=digest)
        except IntegrityError:
            # A concurrent request with the key has committed in the meantime (the insert waited for it).
            record = mine.get()
    if (record.method, record.path, record.request_hash) != (method, path, digest):
        raise ValidationFailed(ApiErrorCode.IDEMPOTENCY_KEY_REUSED, KEY_REUSED, fields={HEADER: KEY_REUSED})
    # Only committed rows are visible to another transaction, and a row is committed with its response.
    assert record.response_status is not None
    return record


def _store(record: IdempotencyKey, response: HttpResponse) -> None:
    record.response_status = response.status_code
    record.response_content_type = response.get("Content-Type", "")
    record.response_body = response.content
    record.save(update_fields=["response_status", "response_content_type", "response_body"])


def _replay(record: IdempotencyKey) -> HttpResponse:
    assert record.response_status is not None
    response = HttpResponse(
        bytes(record.response_body), status=record.response_status, content_type=record.response_content_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the optional header to every authenticated POST of an OpenAPI document."""
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "description": DESCRIPTION,
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
            "pattern": "^" + KEY_PATTERN.pattern + "$",
        },
    }
    for methods in schema.get("paths", {}).values():
        operation = methods.get("post")
        if operation is not None and operation.get("security"):
            operation.setdefault("parameters", []).append(dict(parameter))
    return schema


def purge(*, older_than: timedelta = IDEMPOTENCY_KEY_TTL) -> int:
    """Delete the keys past their lifetime; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
