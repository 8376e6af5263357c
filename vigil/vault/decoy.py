"""Which sessions typed the operator duress passphrase, so their home page keeps looking unsealed.

Kept in this process's memory, never in the session: sessions are stored in the database, and a flag there would tell
whoever seizes it that a duress happened. Sessions are named by a hash of their key, so the set does not hold a
usable session key either. A restart forgets them, which looks like any restart: a server starts sealed.
"""

from __future__ import annotations

import hashlib
import threading

from django.http import HttpRequest

_lock = threading.Lock()
_decoy_sessions: set[bytes] = set()


def _name(request: HttpRequest) -> bytes | None:
    key = request.session.session_key
    return hashlib.sha256(key.encode()).digest() if key else None


def pretend_unsealed(request: HttpRequest) -> None:
    if request.session.session_key is None:
        request.session.save()
    name = _name(request)
    if name is not None:
        with _lock:
            _decoy_sessions.add(name)


def stop_pretending(request: HttpRequest) -> None:
    name = _name(request)
    if name is not None:
        with _lock:
            _decoy_sessions.discard(name)


def pretends_unsealed(request: HttpRequest) -> bool:
    name = _name(request)
    return name is not None and name in _decoy_sessions
