"""A loopback TCP proxy in front of the S3 server that can refuse or hang, like an outage.

``OutageProxy(upstream_port)`` listens on a free 127.0.0.1 port and forwards every
connection to ``upstream_port``. ``refuse()`` closes the listener and every connection
(clients get ``ECONNREFUSED``, as from a stopped endpoint); ``hang()`` keeps accepting but
forwards nothing in either direction (a black-holed or overloaded endpoint: clients wait
for their own timeouts); ``restore()`` forwards again on the same port.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Self

__all__ = ["OutageProxy"]


class OutageProxy:
    """A TCP proxy with three modes: ``pass`` (default), ``refuse`` and ``hang``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.mode = "pass"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = int(probe.getsockname()[1])
        probe.close()

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:<port>``, the S3 endpoint to give the clients."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._listen()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.refuse()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(50):
            try:
                listener.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.1)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.append(client)
            if self.mode == "refuse":
                client.close()
                return
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                while self.mode == "hang":
                    time.sleep(0.1)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            try:
                s.close()
            except OSError:
                pass

    def refuse(self) -> None:
        """Close the listener and every connection: new connections are refused."""
        self.mode = "refuse"
        if self._listener is not None:
            try:  # wakes the accept() blocked in the listener's thread
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        self._close_all()

    def hang(self) -> None:
        """Accept connections but forward nothing (a hung endpoint)."""
        if self._listener is None:
            self._listen()
        self.mode = "hang"

    def restore(self) -> None:
        """Forward again (on the same port)."""
        if self.mode == "hang":
            self._close_all()
        self.mode = "pass"
        if self._listener is None:
            self._listen()
