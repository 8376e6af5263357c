"""The audit log's storage: one row per event, each the leaf of an RFC 9162 Merkle tree.

Rows are only ever appended (by `vigil.audit.actions.record_event`). Their order is the `index` column, which must run
0, 1, 2, ... without gaps; `vigil audit verify` recomputes every leaf and the tree, so editing, deleting, reordering
or truncating rows is detected even by someone with full write access to the database.
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    index = models.BigIntegerField(unique=True)
    time = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True, default="")
    object_id = models.CharField(max_length=80, blank=True, default="")
    fields = models.JSONField(default=list)
    session_ref = models.CharField(max_length=64, blank=True, default="")
    details = models.BinaryField(default=b"")
    leaf_hash = models.BinaryField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        # Recent entries of one action: the unseal limit counts the failures of the last 15 minutes at every attempt.
        indexes = [models.Index(fields=["action", "time"], name="audit_action_time")]

    def __str__(self) -> str:
        return f"#{self.index} {self.action}"


class AuditLogState(models.Model):
    """A single row holding the log's size; locking it serialises appends so indexes never collide or skip."""

    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit log of {self.size} entries"


class TreeHead(models.Model):
    """Signed tree heads the instance has issued; operators export them off the server as the anchor of trust."""

    tree_size = models.BigIntegerField()
    root_hash = models.BinaryField()
    timestamp_ms = models.BigIntegerField()
    signed_json = models.TextField()

    class Meta:
        ordering = ["-tree_size"]

    def __str__(self) -> str:
        return f"tree head at {self.tree_size}"
