"""Cost of sealed fields through the ORM on SQLite (not a test; targets: write <= 1.5x, read a page <= 1.3x).

Writes 10,000 records with four text fields (name, phone, handle, testimony) once as plain `CharField`/`TextField`
and once as `SealedTextField`s of a `SealedModel` (one ciphertext per record), each record saved on its own inside
one transaction as an action would; then reads pages of 100 records and touches all four fields of each (decrypting
them), both bare and rendered into an HTML table as a page shows them, plain and sealed taking turns page by page.
Writes too take turns, by chunks of 500 records. Prints the times and ratios, measured in this one run (best of
`VIGIL_BENCH_REPEAT` tries, default 5), and the AES-GCM calls alone: the floor under any sealed read.
Throw-away models in a temporary database; reads start with no derived key cached, as in a fresh server process.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable

os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")

import django

django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.template import Context, Template  # noqa: E402

from vigil.vault import state  # noqa: E402
from vigil.vault.aead import Keyring, decrypt_value  # noqa: E402
from vigil.vault.fields import RECORD_COLUMN, SealedModel, SealedTextField, record_aad  # noqa: E402

RECORDS = int(os.environ.get("VIGIL_BENCH_RECORDS", "10000"))
PAGE = 100
REPEAT = int(os.environ.get("VIGIL_BENCH_REPEAT", "5"))


class PlainRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=200)
    handle = models.CharField(max_length=200)
    testimony = models.TextField()

    class Meta:
        app_label = "vault"
        db_table = "bench_plain_record"

    def __str__(self) -> str:
        return str(self.id)


class SealedRecord(SealedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = SealedTextField()
    phone = SealedTextField()
    handle = SealedTextField()
    testimony = SealedTextField()

    class Meta:
        app_label = "vault"
        db_table = "bench_sealed_record"

    def __str__(self) -> str:
        return str(self.id)


def values(i: int) -> dict[str, str]:
    return {
        "name": f"Магомед Исмаилов {i}",
        "phone": f"+7928{i:07d}",
        "handle": f"user_{i}",
        "testimony": "Его задержали у дома и увезли в отдел полиции; родственникам ничего не сказали. " * 3,
    }


WRITE_CHUNK = 500


def write_chunk(model: type[models.Model], first: int) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        for i in range(first, first + WRITE_CHUNK):
            model._default_manager.create(**values(i))
    return time.perf_counter() - start


def interleaved_writes() -> tuple[float, float]:
    """Total of the best tries per chunk of `WRITE_CHUNK` records, plain and sealed taking turns chunk by chunk."""
    chunks = RECORDS // WRITE_CHUNK
    best = {PlainRecord: [float("inf")] * chunks, SealedRecord: [float("inf")] * chunks}
    for _ in range(REPEAT):
        for model in (PlainRecord, SealedRecord):
            model._default_manager.all().delete()
        for chunk in range(chunks):
            for model in (PlainRecord, SealedRecord):
                best[model][chunk] = min(best[model][chunk], write_chunk(model, chunk * WRITE_CHUNK))
    return sum(best[PlainRecord]), sum(best[SealedRecord])


def read_page(model: type[models.Model], page: int) -> float:
    """One page as code sees it: the query, and all four fields of each record touched (decrypting them)."""
    start = time.perf_counter()
    for record in model._default_manager.order_by("id")[page * PAGE : (page + 1) * PAGE]:
        _ = (record.name, record.phone, record.handle, record.testimony)  # type: ignore[attr-defined]
    return time.perf_counter() - start


PAGE_TEMPLATE = Template(
    "<table>{% for r in records %}<tr><td>{{ r.name }}</td><td>{{ r.phone }}</td><td>{{ r.handle }}</td>"
    "<td>{{ r.testimony }}</td></tr>{% endfor %}</table>"
)


def render_page(model: type[models.Model], page: int) -> float:
    """A page as a person sees it: the query, decryption of the four fields, and the HTML table they appear in."""
    start = time.perf_counter()
    records = list(model._default_manager.order_by("id")[page * PAGE : (page + 1) * PAGE])
    PAGE_TEMPLATE.render(Context({"records": records}))
    return time.perf_counter() - start


def interleaved(measure: Callable[[type[models.Model], int], float]) -> tuple[float, float]:
    """Mean over pages of the best of `REPEAT` tries, plain and sealed taking turns page by page, so that a burst of
    load on this shared machine hits both alike."""
    pages = RECORDS // PAGE
    best = {PlainRecord: [float("inf")] * pages, SealedRecord: [float("inf")] * pages}
    for _ in range(REPEAT):
        for page in range(pages):
            for model in (PlainRecord, SealedRecord):
                best[model][page] = min(best[model][page], measure(model, page))
    return sum(best[PlainRecord]) / pages, sum(best[SealedRecord]) / pages


def aead_alone() -> float:
    """The `decrypt_value` calls alone for the records of one page (mean over pages of the best of `REPEAT` tries):
    AES-GCM through `cryptography`, the part of a sealed read that no code of Vigil's can make cheaper."""
    keyring, table = state.current_keyring(), SealedRecord._meta.db_table
    rows = SealedRecord._default_manager.order_by("id").values_list("pk", RECORD_COLUMN)
    inputs = [(bytes(blob), record_aad(table, pk)) for pk, blob in rows]
    pages = [inputs[first : first + PAGE] for first in range(0, len(inputs), PAGE)]
    best = [float("inf")] * len(pages)
    for _ in range(REPEAT):
        for number, page in enumerate(pages):
            start = time.perf_counter()
            for blob, aad in page:
                decrypt_value(keyring, blob, aad)
            best[number] = min(best[number], time.perf_counter() - start)
    return sum(best) / len(pages)


def as_if_new_process() -> None:
    """Reinstall the keyring from its sealed form, so reads start with no derived key cached, as in a server
    process reading what another process wrote."""
    vault_key = state.current_vault_key()
    fresh = Keyring.unseal(vault_key, state.current_keyring().seal(vault_key))
    state.install(vault_key, fresh, epoch=0, keyring_version=1)


def main() -> None:
    with connection.schema_editor() as editor:
        editor.create_model(PlainRecord)
        editor.create_model(SealedRecord)
    state.install(os.urandom(32), Keyring.generate(), epoch=0, keyring_version=1)
    plain_write, sealed_write = interleaved_writes()
    as_if_new_process()
    plain_read, sealed_read = interleaved(read_page)
    plain_page, sealed_page = interleaved(render_page)
    aead = aead_alone()
    write_ratio, read_ratio = sealed_write / plain_write, sealed_read / plain_read
    print(f"write {RECORDS} records x 4 fields: plain {plain_write:.2f} s, sealed {sealed_write:.2f} s")
    print(f"  ratio {write_ratio:.2f} (target <= 1.5) {'ok' if write_ratio <= 1.5 else 'OVER'}")
    print(f"read+decrypt a page of {PAGE}: plain {plain_read * 1000:.2f} ms, sealed {sealed_read * 1000:.2f} ms")
    print(f"  ratio {read_ratio:.2f} (target <= 1.3) {'ok' if read_ratio <= 1.3 else 'OVER'}")
    print(
        f"  of which AES-GCM alone (decrypt_value, {PAGE} calls): {aead * 1000:.2f} ms, "
        f"so no sealed read can beat a ratio of {(plain_read + aead) / plain_read:.2f}"
    )
    page_ratio = sealed_page / plain_page
    print(f"render a page of {PAGE} as HTML: plain {plain_page * 1000:.2f} ms, sealed {sealed_page * 1000:.2f} ms")
    print(f"  ratio {page_ratio:.2f} (target <= 1.3) {'ok' if page_ratio <= 1.3 else 'OVER'}")
    state.seal_process()


if __name__ == "__main__":
    main()
