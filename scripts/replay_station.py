#!/usr/bin/env python3
"""Replay "who can call what" against a real Station binary, per release and mode.

Usage (the binary is built beside the project, never in it)::

    .venv/bin/python scripts/replay_station.py --binary /path/to/stn --release v0.25.0 \
        [--json OUT] [--modes local,server,...] [--no-netns]

For each mode (local mode; server mode alone; + webhook key; + CloudShip OAuth; + both, which
the library refuses: then run as the OAuth rendering plus the key, to show why) it renders a
``StationDeployment`` for that mode in-process (the image's tag names the release), reads the
``station`` pod as synthesized (ConfigMap data, Secret references, volume mounts, init
containers, command and args), fills the Secret's variables with values generated now, maps
the pod's paths onto a temporary directory, runs the init containers' shell scripts and the
station container's command with the binary as the image's ``stn``, waits for 8587
``/health``, and sends every path of every row of the release's who-can-call-what table (plus
paths no row names) with no credential, a wrong one and the right ones (the webhook key; an
OAuth token that a fake introspection server on 127.0.0.1 calls active, for another client
and organisation than the Station's). Each (mode, port, path) is classified from Station's
answers and compared with the table's verdict for the most specific row covering the path
(Go ServeMux matching when the release's table has a catch-all row).

A last mode stores an empty webhook key and checks that the container refuses to start
(Station would count the empty key as unset).

Status per line: ``OK``; ``ABSENT`` (Station serves nothing there, but the path lies inside a
row's prefix or whole-port pattern: the table is an upper bound there); ``MISMATCH``. Exit
code 1 on any MISMATCH or a Station that did not start. Not part of ``./dev.sh test``.

By default the run happens in a new network namespace (``unshare -n``, loopback only), so
Station's fixed ports (8585-8587, 4222) cannot collide with another process on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import http.server
import inspect
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# What the published image adds around the container spec (Dockerfile at v0.23.0:124-140,
# v0.25.0:136-152; identical in both): its ENV, WORKDIR, and CMD ``stn serve`` behind an
# ENTRYPOINT that only execs its arguments when started as UID 1000.
IMAGE_ENV = {
    "HOME": "/home/station",
    "STATION_RUNTIME": "docker",
    "STATION_CONFIG_DIR": "/home/station/.config/station",
    "STATION_MCP_POOLING": "false",
}
IMAGE_WORKDIR = "/workspace"
IMAGE_CMD = ("stn", "serve")
IMAGE_STN = "/usr/local/bin/stn"
# Directories of the image's root filesystem a container may name without mounting them.
IMAGE_DIRS = ("/home/station", "/workspace", "/tmp")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

HTTP_TIMEOUT = 10.0
START_TIMEOUT = 180.0
STOP_TIMEOUT = 15.0
BODY_LIMIT = 65536

MCP_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-03-26",
        "capabilities": {},
        "clientInfo": {"name": "station-replay", "version": "1"},
    },
}

# Paths no row names, sent to each port besides the rows' own (the 8587 ones are the paths
# v0.23.0's catch-all hands to the agent MCP; the 8585 ones are served outside /api/v1).
EXTRA_PATHS: dict[str, tuple[str, ...]] = {
    "api": ("/health", "/debug", "/api/v1/agents", "/api/v1/mcp-servers", "/metrics"),
    "mcp": ("/mcp",),
    "dynamic-mcp": (
        "/mcp",
        "/openapi.yaml",
        "/health/x",
        "/runs/1",
        "/workflow-runs",
        "/workflow-runs/1",
        "/execute/x",
        "/mcp/x",
        "/anything",
        "/",
    ),
}
# An admin-only route of 8585 (requireAdminInServerMode): served means the caller is an admin.
ADMIN_ONLY = "/api/v1/mcp-servers"
# A path that 8585 serves only behind the API's authentication (the row's representative).
API_REPRESENTATIVE = "/api/v1/agents"

OPEN, AUTHENTICATED, ANY_ACCOUNT = "OPEN", "AUTHENTICATED", "ANY_CLOUDSHIP_ACCOUNT"
REJECTS_ALL, NOT_FOUND, NOT_LISTENING = "REJECTS_ALL", "NOT_FOUND", "NOT_LISTENING"


@dataclass(frozen=True)
class Mode:
    """One authentication mode: what the StationDeployment is given."""

    name: str
    local_mode: bool
    oauth: bool = False
    webhook_key: bool = False
    empty_key: bool = False
    """The Secret holds an empty webhook key: the container must refuse to start."""


MODES = (
    Mode("local", local_mode=True),
    Mode("server", local_mode=False),
    Mode("server+webhook-key", local_mode=False, webhook_key=True),
    Mode("server+oauth", local_mode=False, oauth=True),
    Mode("server+oauth+webhook-key", local_mode=False, oauth=True, webhook_key=True),
    Mode("server+empty-webhook-key", local_mode=False, webhook_key=True, empty_key=True),
)


# ---------------------------------------------------------------- the library's rendering


@dataclass
class Rendered:
    """The station pod as the library synthesized it, reduced to what a process needs."""

    init_containers: list[dict[str, Any]]
    station: dict[str, Any]
    configmaps: dict[str, dict[str, str]]
    volumes: dict[str, dict[str, Any]]
    ports: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    forced_secrets: tuple[str, ...] = ()
    refusal: str | None = None


def station_kwargs(release: str, mode: Mode, introspect_url: str) -> dict[str, Any]:
    """The StationDeployment arguments of ``mode`` (the image's tag names the release).

    Local mode off with neither OAuth nor a webhook key cannot be written with ``auth=``: it
    is rendered in local mode, and :func:`render` turns local mode off in the ConfigMap.
    """
    from station_constructs import StationAuth, StationDeployment

    auth = StationAuth.local()
    if mode.oauth:
        auth = StationAuth.cloudship_oauth(
            client_id="station-replay", introspect_url=introspect_url
        )
    elif mode.webhook_key:
        auth = StationAuth.webhook_key()
    kwargs: dict[str, Any] = {"image": f"ghcr.io/cloudshipai/station:{release}", "auth": auth}
    if "station_release" in inspect.signature(StationDeployment.__init__).parameters:
        kwargs["station_release"] = release
    return kwargs


def synthesize(kwargs: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Synthesize one chart holding a StationDeployment; its objects and warnings raised."""
    import cdk8s

    from station_constructs import StationDeployment

    app = cdk8s.App()
    chart = cdk8s.Chart(app, "replay")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        StationDeployment(chart, "station", **kwargs)
        objects: list[dict[str, Any]] = list(chart.to_json())
    return objects, [str(w.message) for w in caught]


def pod_of(objects: Sequence[Mapping[str, Any]], notes: list[str]) -> Rendered:
    """Extract the station pod (the container serving ``dynamic-mcp``) from the objects."""
    configmaps = {
        o["metadata"]["name"]: dict(o.get("data", {})) for o in objects if o["kind"] == "ConfigMap"
    }
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    if len(deployments) != 1:
        raise RuntimeError(f"expected one Deployment, found {len(deployments)}")
    spec = deployments[0]["spec"]["template"]["spec"]
    station = next(
        c for c in spec["containers"] if any(p.get("name") == "dynamic-mcp" for p in c["ports"])
    )
    ports = {p["name"]: int(p["containerPort"]) for p in station["ports"]}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    return Rendered(
        list(spec.get("initContainers", [])), station, configmaps, volumes, ports, notes
    )


def render(release: str, mode: Mode, introspect_url: str) -> Rendered:
    """Render ``mode``; a mode the library cannot write is rendered without that part.

    OAuth + webhook key (``auth=`` takes one) is run as the OAuth rendering plus
    ``STN_WEBHOOK_API_KEY`` in the environment, marked ``forced``; local mode off with
    neither as the local-mode rendering with ``STATION_LOCAL_MODE=false``: to show what
    Station does.
    """
    objects, notes = synthesize(station_kwargs(release, mode, introspect_url))
    rendered = pod_of(objects, notes)
    if mode.oauth and mode.webhook_key:
        rendered.refusal = "auth= takes CloudShip OAuth or a webhook key, not both"
        rendered.forced_secrets = ("STN_WEBHOOK_API_KEY",)
    elif not mode.local_mode and not mode.oauth and not mode.webhook_key:
        rendered.refusal = "auth= does not offer local mode off alone"
        for data in rendered.configmaps.values():
            if "STATION_LOCAL_MODE" in data:
                data["STATION_LOCAL_MODE"] = "false"
    return rendered


# ---------------------------------------------------------------- pod paths on this machine


class PathMap:
    """Maps a container's pod paths (its mounts, the image's directories) into ``root``."""

    def __init__(self, root: Path, mounts: Sequence[Mapping[str, Any]], volumes: Mapping[str, Any]):
        """Build the mapping for one container: each volume is one directory under ``root``."""
        self.targets: dict[str, Path] = {}
        for mount in mounts:
            name = mount["name"]
            if name not in volumes:
                raise RuntimeError(f"mount of unknown volume {name!r}")
            target = root / "volumes" / name
            if mount.get("subPath"):
                target = target / mount["subPath"]
            self.targets[mount["mountPath"].rstrip("/") or "/"] = target
        for directory in IMAGE_DIRS:
            self.targets.setdefault(directory, root / "image" / directory.lstrip("/"))
        order = sorted(self.targets, key=len, reverse=True)
        alternatives = "|".join(re.escape(p) for p in order)
        self._pattern = re.compile(rf"(?<![\w.~-])({alternatives})(?=/|$|[^\w.-])")

    def host(self, pod_path: str) -> Path:
        """The host path of ``pod_path`` (unchanged if nothing maps it)."""
        return Path(self.rewrite(pod_path))

    def rewrite(self, text: str) -> str:
        """Every mapped pod path in ``text`` replaced by its host path, in one pass."""
        return self._pattern.sub(lambda m: str(self.targets[m.group(1)]), text)

    def create(self) -> None:
        """Create every mapped directory (emptyDir volumes and the image's directories)."""
        for target in self.targets.values():
            target.mkdir(parents=True, exist_ok=True)


_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\$")


def expand(text: str, env: Mapping[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion of env values, command and args (``$$`` escapes)."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env[name] if name in env else match.group(0)

    return _REF.sub(one, text)


def container_env(
    container: Mapping[str, Any],
    configmaps: Mapping[str, Mapping[str, str]],
    secret: Callable[[str, str], str],
) -> dict[str, str]:
    """The container's environment as the kubelet builds it: envFrom, then env in order."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            for key, value in configmaps[source["configMapRef"]["name"]].items():
                env[prefix + key] = value
        else:
            raise RuntimeError(f"unsupported envFrom source {source}")
    for item in container.get("env", []):
        name = item["name"]
        if "value" in item:
            env[name] = expand(item["value"], env)
            continue
        ref = item.get("valueFrom", {})
        if "secretKeyRef" in ref:
            env[name] = secret(ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"])
        elif "configMapKeyRef" in ref:
            cm = ref["configMapKeyRef"]
            env[name] = configmaps[cm["name"]][cm["key"]]
        else:
            raise RuntimeError(f"unsupported env source for {name}: {ref}")
    return env


def container_argv(container: Mapping[str, Any]) -> list[str]:
    """The process a container runs: command+args, else the image's ENTRYPOINT passes CMD."""
    command = list(container.get("command") or [])
    args = list(container.get("args") or [])
    if command:
        return command + args
    return args or list(IMAGE_CMD)


def process_spec(
    container: Mapping[str, Any], env: Mapping[str, str], paths: PathMap, bin_dir: Path
) -> tuple[list[str], dict[str, str], Path]:
    """argv, environment and working directory of ``container`` on this machine."""
    full = {**IMAGE_ENV, **env}
    full = {k: paths.rewrite(v) for k, v in full.items()}
    argv = [paths.rewrite(expand(a, env)) for a in container_argv(container)]
    argv = [str(bin_dir / "stn") if a == IMAGE_STN else a for a in argv]
    full["PATH"] = f"{bin_dir}:{SYSTEM_PATH}"
    full["TMPDIR"] = str(paths.host("/tmp"))
    cwd = paths.host(container.get("workingDir") or IMAGE_WORKDIR)
    return argv, full, cwd


# ---------------------------------------------------------------- fake CloudShip introspection


@dataclass
class Introspection:
    """A fake CloudShip introspection endpoint on 127.0.0.1: one token is active."""

    active_token: str
    calls: list[dict[str, str]] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The endpoint's URL (after :meth:`start`)."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/oauth/introspect/"

    def answer(self, form: Mapping[str, str]) -> dict[str, Any]:
        """Active (for another client and organisation) for the active token, else inactive."""
        self.calls.append(dict(form))
        if form.get("token") != self.active_token:
            return {"active": False}
        return {
            "active": True,
            "sub": "user-of-another-org",
            "email": "someone@another-org.invalid",
            "org_id": "another-org",
            "client_id": "another-client",
            "scope": "read",
            "exp": int(time.time()) + 3600,
        }

    def start(self) -> None:
        """Serve in a daemon thread."""
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = min(int(self.headers.get("Content-Length") or 0), BODY_LIMIT)
                raw = self.rfile.read(length).decode("utf-8", "replace")
                form = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                body = json.dumps(owner.answer(form)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


# ---------------------------------------------------------------- HTTP probes


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, reduced to what classification needs."""

    status: int
    body: str
    content_type: str = ""
    error: str = ""

    @property
    def mcp_server(self) -> str:
        """The MCP server's name if this is a JSON-RPC ``initialize`` result, else ``''``."""
        for chunk in [self.body, *re.findall(r"^data: (.*)$", self.body, re.M)]:
            try:
                data = json.loads(chunk)
            except ValueError:
                continue
            if isinstance(data, dict) and isinstance(data.get("result"), dict):
                return str(data["result"].get("serverInfo", {}).get("name", "?"))
        return ""


def request(port: int, method: str, path: str, token: str | None) -> Answer:
    """One request to 127.0.0.1:``port`` (bounded in time and size)."""
    headers = {"Accept": "application/json, text/event-stream"}
    body = None
    if method == "POST":
        body = json.dumps(MCP_INITIALIZE).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = b""
        try:
            while len(data) < BODY_LIMIT:
                chunk = response.read1(BODY_LIMIT)
                if not chunk:
                    break
                data += chunk
                if b'"result"' in data or b'"error"' in data:
                    break
        except TimeoutError:
            pass
        text = data.decode("utf-8", "replace")
        return Answer(response.status, text, response.getheader("Content-Type") or "")
    except ConnectionRefusedError:
        return Answer(0, "", error="connection refused")
    except OSError as error:
        return Answer(0, "", error=f"{type(error).__name__}: {error}")
    finally:
        conn.close()


def category(answer: Answer) -> str:
    """``served``, ``denied``, ``not_found``, ``unavailable`` or ``closed``."""
    if answer.status == 0:
        return "closed" if "refused" in answer.error else "error"
    if answer.status in (401, 403):
        return "denied"
    body = answer.body.strip()
    if answer.status == 404 and (
        "Unknown endpoint" in body or body == "404 page not found" or '"error":"Not found"' in body
    ):
        return "not_found"
    if answer.status == 503:
        return "unavailable"
    return "served"


def classify(none: str, wrong: str, rights: Mapping[str, str]) -> str:
    """The access class from the categories with no, a wrong and each right credential.

    A served OAuth token (of another client and organisation) means any CloudShip account;
    a path that answers "not found" to the right credential is NOT_FOUND even if Station
    asks for authentication first (the OAuth wrapper of 8587 does).
    """
    seen = {none, wrong, *rights.values()}
    if seen == {"not_found"}:
        return NOT_FOUND
    if seen == {"closed"}:
        return NOT_LISTENING
    if none == "served":
        return OPEN
    if none == "denied" and wrong == "denied":
        if rights.get("oauth") == "served":
            return ANY_ACCOUNT
        if any(v == "served" for v in rights.values()):
            return AUTHENTICATED
        if any(v == "not_found" for v in rights.values()):
            return NOT_FOUND  # behind the authentication there is nothing to call
        if all(v == "denied" for v in rights.values()):
            return REJECTS_ALL
    detail = ",".join(f"{k}={v}" for k, v in rights.items())
    return f"UNCLEAR(none={none},wrong={wrong}{',' + detail if detail else ''})"


def nats_probe(port: int = 4222) -> tuple[str, str]:
    """Read the INFO line of a NATS server on ``port``: its access class and the line."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
            sock.settimeout(3)
            line = sock.recv(4096).decode("utf-8", "replace").strip()
    except ConnectionRefusedError:
        return NOT_LISTENING, ""
    except OSError as error:
        return f"UNCLEAR({error})", ""
    if not line.startswith("INFO "):
        return f"UNCLEAR(not NATS: {line[:40]!r})", line
    info = json.loads(line[5:])
    return (AUTHENTICATED if info.get("auth_required") else OPEN), line[:200]


# ---------------------------------------------------------------- the table's expectation


def _elements(path: str) -> list[str]:
    return [p for p in path.split("/") if p]


def row_match(pattern: str, path: str, *, servemux: bool = False) -> int:
    """How specifically a row's path matches ``path`` (more elements: more specific); -1: not.

    The table's reading: a row's path is a prefix (``/`` the whole port). With ``servemux``
    (a release whose table has a catch-all row, i.e. Go ServeMux routing), a pattern without
    a trailing slash matches only itself, one with a trailing slash its subtree.
    """
    have, want = _elements(pattern), _elements(path)
    if want[: len(have)] != have:
        return -1
    if servemux and not pattern.endswith("/") and len(want) != len(have):
        return -1
    return len(have)


def expected(release: Any, settings: Any, port: str, path: str) -> dict[str, Any]:
    """The table's verdict for ``path``: its most specific covering row (catch-all last)."""
    rows = release.covered(port, path, exact=True)
    servemux = any(getattr(r, "catch_all", "") for r in rows)
    verdicts = release.verdicts(settings)
    best: tuple[int, Any, str] | None = None
    for row in rows:
        score, pattern = max((row_match(p, path, servemux=servemux), p) for p in row.paths)
        if getattr(row, "catch_all", ""):
            score, pattern = -1, "(catch-all)"
        elif score < 0:
            continue
        if best is None or score > best[0]:
            best = (score, row, pattern)
    if best is None:
        return {"access": NOT_FOUND, "row": None, "pattern": None, "covered": []}
    verdict = verdicts[best[1].key]
    return {
        "access": verdict.access.name,
        "row": best[1].key,
        "pattern": best[2],
        "who": verdict.who,
        "admin": getattr(verdict, "admin", None),
        "covered": [r.key for r in rows],
        "covered_access": sorted({verdicts[r.key].access.name for r in rows}),
    }


def probe_paths(release: Any, port: str) -> list[tuple[str, str | None]]:
    """(path, row key) for every path of every row of ``port``, then the extra paths."""
    paths: list[tuple[str, str | None]] = []
    for row in release.endpoints:
        if row.port != port:
            continue
        for pattern in row.paths:
            if port == "api" and pattern.endswith("/") and pattern != "/":
                # A gin group: only its registered routes are authenticated; an unknown
                # path inside it falls through to the UI, so probe a real route.
                paths.append((API_REPRESENTATIVE, row.key))
                continue
            paths.append((pattern, row.key))
            concrete = pattern + "1" if pattern.endswith("/") and pattern != "/" else None
            if concrete:
                paths.append((concrete, row.key))
    named = {p for p, _ in paths}
    paths.extend((p, None) for p in EXTRA_PATHS.get(port, ()) if p not in named)
    return paths


def status_of(observed: str, exp: Mapping[str, Any], path: str) -> str:
    """OK, ABSENT (not served, inside a row's prefix or whole-port ``/``) or MISMATCH."""
    if observed == exp["access"]:
        return "OK"
    pattern = exp["pattern"]
    if observed == NOT_FOUND and pattern is not None and (pattern != path or pattern == "/"):
        return "ABSENT"
    return "MISMATCH"


# ---------------------------------------------------------------- running Station


@dataclass
class Credentials:
    """The credentials of one run: generated now, never stored."""

    wrong: str
    oauth: str | None
    webhook_key: str | None

    def rights(self) -> dict[str, str]:
        """The right credentials by name."""
        found = {"oauth": self.oauth, "webhook-key": self.webhook_key}
        return {k: v for k, v in found.items() if v}


def secret_generator(values: dict[str, str]) -> Callable[[str, str], str]:
    """A Secret reader that generates each variable's value at first use (kept in values)."""

    def read(_secret: str, key: str) -> str:
        if key not in values:
            prefix = "sk-replay-" if key.endswith("_API_KEY") and "WEBHOOK" not in key else ""
            values[key] = prefix + secrets.token_urlsafe(24)
        return values[key]

    return read


def run_init(container: Mapping[str, Any], env: dict[str, str], cwd: Path, log: Path) -> str:
    """Run an init container whose command is a shell script; its outcome."""
    argv = container_argv(container)
    if Path(argv[0]).name not in ("sh", "bash"):
        return f"skipped (not a shell command: {argv[0]})"
    cwd.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        done = subprocess.run(
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"init container {container['name']} exited {done.returncode}")
    return "ran"


@contextmanager
def running(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[Any]:
    """Station as a process group; SIGTERM on exit (SIGKILL after STOP_TIMEOUT)."""
    cwd.mkdir(parents=True, exist_ok=True)
    out = log.open("ab")
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=STOP_TIMEOUT)
        out.close()


def wait_healthy(proc: Any, port: int, log: Path) -> float:
    """Seconds until ``/health`` on ``port`` answers 200; raises if Station exits or hangs."""
    start = time.monotonic()
    while time.monotonic() - start < START_TIMEOUT:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"Station exited {proc.returncode} before /health:\n{tail}")
        answer = request(port, "GET", "/health", None)
        if answer.status == 200:
            return time.monotonic() - start
        time.sleep(0.5)
    raise RuntimeError(f"no /health on {port} within {START_TIMEOUT:.0f}s")


def refuses_to_start(
    argv: list[str], env: dict[str, str], cwd: Path, log: Path, ports: Mapping[str, int]
) -> dict[str, Any]:
    """Start the container's command and record whether it exits before 8587 answers."""
    with running(argv, env, cwd, log) as proc:
        try:
            code: int | None = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        answered = request(ports["dynamic-mcp"], "GET", "/health", None).status == 200
    return {
        "exit_code": code,
        "health_answered": answered,
        "output": log.read_text(errors="replace")[-600:],
        "status": "OK" if code not in (None, 0) and not answered else "MISMATCH",
    }


def listening_ports(pid: int) -> list[str]:
    """TCP ports Station's process listens on (``ss``), for the record."""
    ss = shutil.which("ss")
    if ss is None:
        return []
    out = subprocess.run([ss, "-ltnpH"], capture_output=True, text=True, timeout=10, check=False)
    return sorted({ln.split()[3] for ln in out.stdout.splitlines() if f"pid={pid}," in ln})


def probe_one(port_key: str, port: int, path: str, creds: Credentials) -> dict[str, Any]:
    """Send ``path`` with no, a wrong and each right credential; classify."""
    method = "GET" if port_key == "api" else "POST"
    none = request(port, method, path, None)
    wrong = request(port, method, path, creds.wrong)
    rights = {k: request(port, method, path, v) for k, v in creds.rights().items()}
    observed = classify(
        category(none), category(wrong), {k: category(a) for k, a in rights.items()}
    )
    answers = {"none": none, "wrong": wrong, **rights}
    return {
        "observed": observed,
        "method": method,
        "statuses": {k: a.status or a.error for k, a in answers.items()},
        "mcp": sorted({a.mcp_server for a in answers.values() if a.mcp_server}),
        "bodies": {k: a.body[:160] for k, a in answers.items()},
    }


def settings_for(mode: Mode) -> Any:
    """The library's AuthSettings of ``mode`` (the release is the table's own)."""
    from station_constructs.access import AuthSettings

    return AuthSettings(
        local_mode=mode.local_mode, cloudship_oauth=mode.oauth, webhook_key=mode.webhook_key
    )


def probe_all(
    release: Any, mode: Mode, rendered: Rendered, creds: Credentials, listening: Sequence[str]
) -> list[Any]:
    """Every probe of every served port, with the table's expectation and the status."""
    settings = settings_for(mode)
    rows: list[dict[str, Any]] = []
    for port_key, port in rendered.ports.items():
        for path, row in probe_paths(release, port_key):
            result = probe_one(port_key, port, path, creds)
            exp = expected(release, settings, port_key, path)
            result.update(port=port, port_key=port_key, path=path, named_by=row, expected=exp)
            result["status"] = status_of(result["observed"], exp, path)
            if path == ADMIN_ONLY and "oauth" in creds.rights():
                result["oauth_admin"] = result["statuses"].get("oauth") == 200
            rows.append(result)
    nats_rows = [r for r in release.endpoints if r.port == "nats"]
    if nats_rows:
        rows.append(nats_row(release, settings, nats_rows[0].key, rendered, listening))
    return rows


def nats_row(
    release: Any, settings: Any, key: str, rendered: Rendered, listening: Sequence[str]
) -> dict[str, Any]:
    """The embedded NATS: 4222, else the first other port Station listens on that speaks NATS."""
    served = {str(p) for p in rendered.ports.values()}
    others = sorted({a.rsplit(":", 1)[1] for a in listening} - served - {"4222"})
    observed, line, port = NOT_LISTENING, "", 4222
    for candidate in [4222, *map(int, others)]:
        found, info = nats_probe(candidate)
        if found != NOT_LISTENING and info.startswith("INFO "):
            observed, line, port = found, info, candidate
            break
    exp = expected(release, settings, "nats", "/")
    return {
        "port": port,
        "port_key": "nats",
        "path": "(tcp)",
        "named_by": key,
        "observed": observed,
        "expected": exp,
        "info": line,
        "status": "OK" if observed == exp["access"] else "MISMATCH",
    }


def load_release(tag: str) -> Any:
    """The library's release table for ``tag``."""
    from station_constructs.releases import RELEASES

    if tag not in RELEASES:
        raise SystemExit(f"replay: the library knows no release {tag!r} ({', '.join(RELEASES)})")
    return RELEASES[tag]


def prepare(
    rendered: Rendered, root: Path, values: dict[str, str], log: Path
) -> tuple[list[str], dict[str, str], Path, list[str]]:
    """Run the init containers; the station process's argv, env and cwd."""
    bin_dir = root / "bin"
    read = secret_generator(values)
    notes = []
    for init in rendered.init_containers:
        paths = PathMap(root, init.get("volumeMounts", []), rendered.volumes)
        paths.create()
        env = container_env(init, rendered.configmaps, read)
        argv, full, cwd = process_spec(init, env, paths, bin_dir)
        outcome = run_init({**init, "command": argv, "args": []}, full, cwd, log)
        notes.append(f"init {init['name']}: {outcome}")
    paths = PathMap(root, rendered.station.get("volumeMounts", []), rendered.volumes)
    paths.create()
    env = container_env(rendered.station, rendered.configmaps, read)
    for name in rendered.forced_secrets:
        env[name] = read("forced", name)
    argv, full, cwd = process_spec(rendered.station, env, paths, bin_dir)
    return argv, full, cwd, notes


def replay_mode(binary: Path, tag: str, mode: Mode, root: Path) -> dict[str, Any]:
    """Render, start and probe one mode; the record of it."""
    release = load_release(tag)
    creds = Credentials("sk-" + secrets.token_hex(16), None, None)
    fake = Introspection("oauth-" + secrets.token_urlsafe(24))
    fake.start()
    record: dict[str, Any] = {"mode": mode.name, "probes": []}
    try:
        rendered = render(tag, mode, fake.url)
        record.update(refusal=rendered.refusal, warnings=rendered.warnings, ports=rendered.ports)
        (root / "bin").mkdir(parents=True, exist_ok=True)
        (root / "bin" / "stn").symlink_to(binary)
        values: dict[str, str] = {"STN_WEBHOOK_API_KEY": ""} if mode.empty_key else {}
        log = root / "station.log"
        argv, env, cwd, notes = prepare(rendered, root, values, log)
        record.update(argv=argv, env_names=sorted(env), notes=notes)
        if mode.empty_key:
            record["refused_start"] = refuses_to_start(argv, env, cwd, log, rendered.ports)
            return record
        creds.webhook_key = values.get("STN_WEBHOOK_API_KEY") if mode.webhook_key else None
        creds.oauth = fake.active_token if mode.oauth else None
        with running(argv, env, cwd, log) as proc:
            record["ready_seconds"] = round(
                wait_healthy(proc, rendered.ports["dynamic-mcp"], log), 1
            )
            if "api" in rendered.ports and env.get("STN_DEV_MODE") == "true":
                wait_healthy(proc, rendered.ports["api"], log)
            record["version"] = request(
                rendered.ports.get("api", 8585), "GET", "/health", None
            ).body
            record["listening"] = listening_ports(proc.pid)
            record["probes"] = probe_all(release, mode, rendered, creds, record["listening"])
        record["introspection_calls"] = len(fake.calls)
        record["client_id_sent"] = any("client_id" in c for c in fake.calls)
        record["log_tail"] = log.read_text(errors="replace")[-1500:]
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        record["error"] = str(error)
    finally:
        fake.stop()
    return record


# ---------------------------------------------------------------- report


def _line(mode: str, probe: Mapping[str, Any]) -> str:
    exp = probe["expected"]
    statuses = " ".join(f"{k}={v}" for k, v in probe.get("statuses", {}).items())
    mcp = f" mcp={','.join(probe['mcp'])}" if probe.get("mcp") else ""
    row = exp.get("row") or "-"
    admin = ""
    if "oauth_admin" in probe:
        admin = f" oauth-admin={probe['oauth_admin']}(table admin={exp.get('admin')})"
    return (
        f"{mode:<25} {probe['port']:>5} {probe['path']:<22} row={row:<15} "
        f"expected={exp['access']:<21} observed={probe['observed']:<21} {probe['status']:<8}"
        f" [{statuses}]{mcp}{admin}"
    )


def summary_lines(tag: str, results: Sequence[Mapping[str, Any]]) -> tuple[list[str], bool]:
    """One line per (mode, port, path) and per mode; whether anything failed."""
    lines, failed = [f"release {tag}"], False
    for result in results:
        mode = result["mode"]
        if result.get("refusal"):
            lines.append(
                f"{mode}: library refuses it ({result['refusal'][:200]}...); "
                "run as the OAuth rendering + STN_WEBHOOK_API_KEY (forced)"
            )
        if "error" in result:
            lines.append(f"{mode}: FAILED: {result['error']}")
            failed = True
            continue
        if "refused_start" in result:
            refused = result["refused_start"]
            lines.append(
                f"{mode:<25} station container with an empty STN_WEBHOOK_API_KEY: exit "
                f"{refused['exit_code']}, 8587 answered {refused['health_answered']} "
                f"{refused['status']}"
            )
            failed = failed or refused["status"] == "MISMATCH"
            continue
        for probe in result["probes"]:
            lines.append(_line(mode, probe))
            failed = failed or probe["status"] == "MISMATCH"
        lines.append(
            f"{mode}: ready in {result.get('ready_seconds')}s, listening {result.get('listening')},"
            f" introspection calls {result.get('introspection_calls')}, client_id sent "
            f"{result.get('client_id_sent')}"
        )
    return lines, failed


# ---------------------------------------------------------------- command line


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--binary", required=True, help="path of a stn binary built at --release")
    parser.add_argument("--release", required=True, help="release tag, e.g. v0.25.0")
    parser.add_argument("--json", dest="json_out", help="write the full results here")
    parser.add_argument("--modes", default=",".join(m.name for m in MODES), help="mode names")
    parser.add_argument("--no-netns", action="store_true", help="run in this network namespace")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    return parser.parse_args(argv)


def _reexec_in_netns(argv: list[str]) -> int | None:
    """Run this script again in a new network namespace (loopback only); None if unable."""
    if os.environ.get("STATION_REPLAY_NETNS") == "1":
        return None
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare is None or ip is None or os.geteuid() != 0:
        print("replay: no unshare/ip or not root: running in this network namespace")
        return None
    script = 'ip link set lo up && exec "$@"'
    cmd = [unshare, "-n", "sh", "-c", script, "sh", sys.executable, __file__, *argv]
    env = dict(os.environ, STATION_REPLAY_NETNS="1")
    return subprocess.run(cmd, env=env, check=False).returncode


def _binary_record(binary: Path) -> dict[str, Any]:
    digest = hashlib.sha256(binary.read_bytes()).hexdigest()
    return {"path": str(binary), "sha256": digest, "size": binary.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    """Replay every requested mode; print one line per (mode, port, path); 1 on mismatch."""
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    if not args.no_netns:
        code = _reexec_in_netns(argv)
        if code is not None:
            return code
    binary = Path(args.binary).resolve()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        print(f"replay: {binary} is not an executable file", file=sys.stderr)
        return 2
    wanted = args.modes.split(",")
    unknown = set(wanted) - {m.name for m in MODES}
    if unknown:
        print(f"replay: unknown modes {sorted(unknown)}", file=sys.stderr)
        return 2
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    results = []
    for mode in (m for m in MODES if m.name in wanted):
        root = Path(tempfile.mkdtemp(prefix=f"station-replay-{mode.name}-"))
        try:
            results.append(replay_mode(binary, args.release, mode, root))
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
    lines, failed = summary_lines(args.release, results)
    print("\n".join(lines))
    if args.json_out:
        report = {"release": args.release, "binary": _binary_record(binary), "modes": results}
        Path(args.json_out).write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
