"""Interoperability with ERPs: UBL 2.1 / PEPPOL BIS Ordering 3 documents in and out."""
