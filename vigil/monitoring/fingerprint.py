"""The keyed fingerprint that makes ingestion idempotent without a plain hash of any testimony.

Threat: whoever seizes the database holds every fingerprint. A plain SHA-256 of a report lets them confirm that
Vigil holds a text they already have (a leaked testimony, a message from a seized phone). A keyed HMAC (the vault's
blind index) does not: without the key a fingerprint says nothing. Invariant: equal texts after normalisation (NFC,
runs of white space collapsed) give equal fingerprints under one instance key, so a re-ingested file is recognised.
"""

from __future__ import annotations

import unicodedata

from vigil.vault import state
from vigil.vault.blind_index import blind_index

FINGERPRINT_KIND = "monitoring-report"


def normalise_report_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def report_fingerprint(text: str) -> str:
    """HMAC under the vault's blind-index key (own domain); raises SealedError while the process is sealed."""
    return blind_index(state.current_index_key(), FINGERPRINT_KIND, normalise_report_text(text))
