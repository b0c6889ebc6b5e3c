"""Attachments on both sides: only allowed kinds of file whose content is what the name says, safe names, a clear
"choose it again" when the page comes back without the chosen file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import Attachment, ResponseDraft, VendorResponse
from vendorcollab.purchasing.services.attachments import NAME_MAX_LENGTH, safe_file_name

from .test_vendor_pages import editor_post

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\bob\\Offerte 2026.pdf", "Offerte 2026.pdf"),
        ("bad\x00na\x07me\u202e.pdf", "badname.pdf"),
        ("  spaced   out .pdf ", "spaced out.pdf"),
        ("...", "file"),
        ("", "file"),
        (".htaccess", "htaccess"),
        ("x" * 300 + ".pdf", "x" * (NAME_MAX_LENGTH - 4) + ".pdf"),
    ],
)
def test_safe_file_names(raw, safe):
    assert safe_file_name(raw) == safe


# --- the buyer's page --------------------------------------------------------------------------------------------


@pytest.fixture
def draft_po(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])


def buyer_attach(client, po, file, **extra):
    return client.post(
        reverse("buyer:po_attachment_add", args=[po.pk]), {"file": file, "visibility": "external", **extra}
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("setup.exe", EXE, "setup.exe cannot be attached: only these kinds of file can: pdf, png"),
        ("invoice.pdf", EXE, "invoice.pdf is not the PDF file its name says it is."),
        ("photo.png", PDF, "photo.png is not the PNG file its name says it is."),
        ("notes.txt", EXE, "notes.txt is not the TXT file its name says it is."),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n", "script.sh cannot be attached"),
        ("README", b"plain", "README cannot be attached"),
    ],
)
def test_the_buyer_page_refuses_a_file_next_to_the_file_field(client, cast, draft_po, name, content, message):
    client.force_login(cast.agent)
    response = buyer_attach(client, draft_po, upload(name, content))
    assert response.status_code == 422
    [error] = response.context["attachment_form"].errors["file"]
    assert message in error
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("spec.pdf", PDF, "application/pdf"),
        ("drawing.PNG", PNG, "image/png"),
        ("terms.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("prices.csv", "artikel;prijs\nÉclair;1,50\n".encode(), "text/csv"),
    ],
)
def test_the_buyer_page_takes_allowed_files_with_their_own_type(client, cast, draft_po, name, content, content_type):
    client.force_login(cast.agent)
    response = buyer_attach(client, draft_po, upload(name, content))
    assert response.status_code == 302, response.context and response.context["attachment_form"].errors
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == (name, content_type)


def test_the_setting_decides_which_kinds_are_allowed(client, cast, draft_po, settings):
    settings.ATTACHMENT_ALLOWED_TYPES = ["png"]
    client.force_login(cast.agent)
    response = buyer_attach(client, draft_po, upload("spec.pdf", PDF))
    assert response.status_code == 422
    assert "only these kinds of file can: png." in response.context["attachment_form"].errors["file"][0]


def test_a_stored_name_is_safe_and_the_download_names_it_properly(client, cast, draft_po):
    client.force_login(cast.agent)
    buyer_attach(client, draft_po, upload("../../Offerte\x1b[2J é.pdf", PDF))
    attachment = Attachment.objects.get()
    assert attachment.name == "Offerte[2J é.pdf"
    assert "/" not in attachment.file.name.removeprefix(f"attachments/{draft_po.pk}/")
    response = client.get(reverse("buyer:attachment", args=[attachment.pk]))
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''Offerte%5B2J%20%C3%A9.pdf")
    assert b"".join(response.streaming_content) == PDF


def test_the_buyer_is_told_to_choose_the_file_again_after_another_fields_error(client, cast, draft_po):
    client.force_login(cast.agent)
    response = buyer_attach(client, draft_po, upload("spec.pdf", PDF), line_number=9)
    assert response.status_code == 422
    form = response.context["attachment_form"]
    assert "This purchase order has no line 9." in form.errors["line_number"][0]
    assert form.errors["file"] == [
        "You chose spec.pdf, but browsers do not keep a chosen file when a page is shown again. Choose it again."
    ]


# --- the vendor's page -------------------------------------------------------------------------------------------


@pytest.fixture
def sent(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)


def respond(client, po, **fields):
    return client.post(reverse("vendor:po_respond", args=[po.pk]), editor_post(**fields))


def test_the_vendor_page_refuses_a_renamed_program_next_to_its_lines_file_input(client, cast, sent):
    client.force_login(cast.vendor_a_user)
    response = respond(
        client,
        sent,
        **{"line-1-action": "change", "line-1-quantity": "8", "line-2-attachment": upload("datasheet.pdf", EXE)},
    )
    assert response.status_code == 422
    editor = response.context["editor"]
    assert "datasheet.pdf is not the PDF file" in editor.lines[1].form.errors["attachment"][0]
    assert not editor.header_errors
    assert not VendorResponse.objects.exists() and not Attachment.objects.exists()


def test_the_vendor_page_refuses_an_exe_on_the_header_and_in_a_draft(client, cast, sent):
    client.force_login(cast.vendor_a_user)
    response = respond(client, sent, **{"command": "save_draft", "response-attachment": upload("tool.exe", EXE)})
    assert response.status_code == 422
    assert "tool.exe cannot be attached" in response.context["editor"].header_errors["attachment"]
    assert not ResponseDraft.objects.exists() and not Attachment.objects.exists()


def test_the_vendor_is_told_to_choose_the_files_again_after_another_fields_error(client, cast, sent):
    client.force_login(cast.vendor_a_user)
    response = respond(
        client,
        sent,
        **{
            "line-1-action": "change",
            "line-1-quantity": "many",
            "response-attachment": upload("terms.pdf", PDF),
            "line-3-attachment": upload("photo.png", PNG),
        },
    )
    assert response.status_code == 422
    editor = response.context["editor"]
    assert editor.header_errors["attachment"].startswith("You chose terms.pdf, but browsers do not keep")
    assert editor.lines[2].form.errors["attachment"][0].startswith("You chose photo.png")
    assert not editor.lines[1].form.errors.get("attachment")
    page = response.content.decode()
    assert "Choose it again." in page


def test_the_vendor_submits_an_allowed_file(client, cast, sent):
    client.force_login(cast.vendor_a_user)
    response = respond(
        client,
        sent,
        **{
            "line-1-action": "change",
            "line-1-quantity": "8",
            "response-attachment": upload("terms.pdf", PDF),
            "quantities_confirmed": "1",  # 8 of the 10 ordered, confirmed
        },
    )
    assert response.status_code == 302
    attachment = VendorResponse.objects.get().attachments.get()
    assert (attachment.name, attachment.content_type) == ("terms.pdf", "application/pdf")
