"""The control socket of `vigil serve`: how `vigil unseal` and `vigil seal` on the same machine reach the server.

Threat: a local user other than the operator, or anything on the network. Invariants: the socket is AF_UNIX at
`DATA_DIR/run/control.sock`, mode 0600 inside the 0700 data directory, and every connection must come from the
server's own user id (SO_PEERCRED); it is never a network port. One JSON request per connection, one JSON answer.
Requests: {"op": "status"}, {"op": "seal"}, {"op": "unseal", "method": "passphrase"|"recovery"|"shares",
"secret": "...", "shares": [...]}. A duress passphrase gets the same answer as a genuine one.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import struct
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

from vigil.vault import actions, state
from vigil.vault.errors import TamperedError, VaultError
from vigil.vault.keys import Credential

MAX_REQUEST = 64 * 1024
TIMEOUT_SECONDS = 30
logger = logging.getLogger(__name__)


class ControlError(Exception):
    """The control socket cannot be reached or answered with an error (the message is for the operator)."""


def socket_path() -> Path:
    return Path(settings.DATA_DIR) / "run" / "control.sock"


def _read_all(conn: socket.socket) -> bytes:
    data = bytearray()
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("request too large")


def handle_request(request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "status":
        return {"ok": True, "sealed": not state.check_epoch()}
    if op == "seal":
        actions.do_seal()
        return {"ok": True, "sealed": True}
    if op == "unseal":
        method = request.get("method")
        if method not in {"passphrase", "recovery", "shares"}:
            return {"ok": False, "error": "unknown unseal method."}
        shares = tuple(str(share) for share in request.get("shares") or ())
        credential = Credential(method, secret=str(request.get("secret") or ""), shares=shares)
        try:
            actions.do_unseal(credential=credential)
        except TamperedError as error:
            return {"ok": False, "error": str(error)}
        except (VaultError, ValueError) as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True, "sealed": False}
    return {"ok": False, "error": "unknown request."}


def _serve_connection(conn: socket.socket) -> None:
    with conn:
        conn.settimeout(TIMEOUT_SECONDS)
        peer = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", peer)
        if uid != os.getuid():
            return
        try:
            request = json.loads(_read_all(conn).decode("utf-8"))
            answer = handle_request(request if isinstance(request, dict) else {})
        except (ValueError, UnicodeDecodeError):
            answer = {"ok": False, "error": "the request is not valid JSON."}
        except Exception:
            logger.exception("The control socket failed to answer a request.")
            answer = {"ok": False, "error": "the server failed to carry out the request; see its log."}
        finally:
            close_old_connections()
        conn.sendall(json.dumps(answer).encode("utf-8"))


def _accept_loop(server: socket.socket) -> None:
    try:
        while True:
            conn, _ = server.accept()
            _serve_connection(conn)
    finally:
        connection.close()


def start_server() -> socket.socket:
    """Listen on the control socket in a daemon thread (requests are handled one at a time)."""
    path = socket_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()
        else:
            probe.close()
            raise ControlError(f"another server already listens on {path}.")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)
    server.listen(4)
    threading.Thread(target=_accept_loop, args=(server,), name="vigil-control", daemon=True).start()
    return server


def send(request: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """Send one request to the running server and return its answer; `ControlError` if nobody listens."""
    path = socket_path()
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(str(path))
    except OSError:
        client.close()
        raise ControlError(
            f"no running 'vigil serve' answers on {path}; start the server first. Nothing was changed."
        ) from None
    with client:
        client.sendall(json.dumps(request).encode("utf-8"))
        client.shutdown(socket.SHUT_WR)
        answer = json.loads(_read_all(client).decode("utf-8"))
    if not isinstance(answer, dict):
        raise ControlError("the server gave an answer that is not understood.")
    return answer
