"""Print the who-can-call-what table of every example app (markdown).

    python scripts/access_tables.py            # every examples/*.py
    python scripts/access_tables.py k3s        # one example

Each example runs as it does from the command line (into a temporary output directory, its
printed steps discarded); its App is then read back and every Station in it described by
``station_constructs.guide.who_can_call_what``.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cdk8s import App  # noqa: E402

from station_constructs.guide import who_can_call_what  # noqa: E402


def table_of(example: Path) -> str:
    """The markdown who-can-call-what of ``example``'s App."""
    with tempfile.TemporaryDirectory() as outdir:
        os.environ["CDK8S_OUTDIR"] = outdir
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            scope = runpy.run_path(str(example), run_name="__main__")
    apps = [v for v in scope.values() if isinstance(v, App)]
    if len(apps) != 1:
        raise SystemExit(f"{example.name}: expected one App, found {len(apps)}")
    return who_can_call_what(apps[0])


def main(names: list[str]) -> int:
    """Print the tables of the named examples (all by default)."""
    examples = sorted((REPO / "examples").glob("*.py"))
    if names:
        examples = [e for e in examples if e.stem in names]
    for example in examples:
        print(f"### examples/{example.name}\n\n{table_of(example)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
