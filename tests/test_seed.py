"""The seed-home init container, run for real: the rendered script under ``sh`` (dash, the
shell of Station's Ubuntu image) over temporary "image" and "volume" trees.

Each test synthesizes a StationDeployment, takes the init container's command and
environment from the manifest, maps the container's paths into a temporary directory and
runs the script, then inspects the trees.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    ConfigDirectory,
    ConfigPolicy,
    StationDeployment,
)
from station_constructs.guide import next_steps
from tests.conftest import Manifest, container, find, pod_spec, synth
from tests.support import apps
from tests.support.kube_validate import validate_manifest
from tests.support.paths import REPO

#: busybox from the machine, or the one ./dev.sh setup unpacks from Debian's busybox-static.
BUSYBOX = shutil.which("busybox") or next(
    (str(p) for p in [REPO / ".tools" / "busybox-static" / "bin" / "busybox"] if p.exists()),
    None,
)


@dataclass(frozen=True)
class Shell:
    """How to run the script: the shell, and the PATH its commands come from."""

    argv: tuple[str, ...]
    path: str


@pytest.fixture(scope="module", params=["sh", "busybox"])
def shell(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Shell:
    """The image's shell (dash on Ubuntu) with the host's tools, and busybox with nothing
    but its own applets (plus sqlite3), so the script stays busybox-compatible."""
    if request.param == "sh":
        return Shell((shutil.which("sh") or "/bin/sh",), os.environ["PATH"])
    assert BUSYBOX is not None, "busybox missing: ./dev.sh setup unpacks it into .tools/"
    bin_dir = tmp_path_factory.mktemp("busybox-bin")
    subprocess.run([BUSYBOX, "--install", "-s", str(bin_dir)], check=True)
    unpacked = REPO / ".tools" / "sqlite3" / "usr" / "bin" / "sqlite3"
    sqlite = shutil.which("sqlite3") or (str(unpacked) if unpacked.exists() else None)
    if sqlite:
        (bin_dir / "sqlite3").symlink_to(sqlite)
    return Shell((BUSYBOX, "sh"), str(bin_dir))


DEFAULT = "environments/default"


class Pod:
    """The image and volume trees of one pod, and the rendered seed container to run."""

    def __init__(self, root: Path, seed: Manifest, shell: Shell) -> None:
        self.root = root
        self.shell = shell
        self.image_home = root / "image" / "home" / "station"
        self.image_config = self.image_home / ".config" / "station"
        self.volume = root / "volume"
        self.empty_dir = root / "emptydir-home"
        for d in (self.image_config, self.volume, self.empty_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.command: list[str] = seed["command"]
        self.env = {e["name"]: e["value"] for e in seed.get("env", [])}
        assert all(set(e) == {"name", "value"} for e in seed.get("env", []))

    @property
    def config(self) -> Path:
        """The volume's config directory (/data/config)."""
        return self.volume / "config"

    def _local(self, path: str) -> str:
        for prefix, local in (
            ("/seed/home", self.empty_dir),
            ("/home/station", self.image_home),
            ("/data", self.volume),
        ):
            if path == prefix or path.startswith(prefix + "/"):
                return str(local) + path[len(prefix) :]
        raise AssertionError(f"unmapped container path {path}")

    def image(self, files: dict[str, str]) -> None:
        """Replace the image's config directory with ``files`` (path -> content)."""
        shutil.rmtree(self.image_config)
        self.image_config.mkdir(parents=True)
        for rel, text in files.items():
            (self.image_config / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.image_config / rel).write_text(text)

    def run(self, extra_env: dict[str, str] | None = None, ok: bool = True) -> str:
        """Run the seed script; returns its output."""
        env = {"PATH": self.shell.path, **(extra_env or {})}
        for key, value in self.env.items():
            if key == "SEED_MKDIR":
                env[key] = " ".join(self._local(p) for p in value.split())
            elif key in ("SEED_SERVE_ENVIRONMENT", "SEED_POLICY", "SEED_SCHEMA_VERSION"):
                env[key] = value
            else:
                env[key] = self._local(value)
        assert self.command[:2] == ["sh", "-c"]
        result = subprocess.run(
            [*self.shell.argv, "-c", self.command[2]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        out = result.stdout + result.stderr
        assert (result.returncode == 0) is ok, out
        return out

    def tree(self, base: Path | None = None) -> dict[str, str]:
        """Every file under ``base`` (default: the volume's config dir) with its content."""
        base = base or self.config
        return {
            str(p.relative_to(base)): p.read_text()
            for p in sorted(base.rglob("*"))
            if p.is_file() and not p.name.startswith(".seeded-from-image")
        }


def seed_of(chart: Chart) -> Manifest:
    return container(synth(chart), container_name="seed-home")


def pod(shell: Shell, tmp_path: Path, chart: Chart, **kwargs: Any) -> Pod:
    StationDeployment(chart, "station", **kwargs)
    return Pod(tmp_path, seed_of(chart), shell)


V1 = {
    f"{DEFAULT}/agents/a.prompt": "a v1",
    f"{DEFAULT}/agents/b.prompt": "b v1",
    f"{DEFAULT}/agents/with space.prompt": "s",
    f"{DEFAULT}/template.json": "{}",
    "environments/old/x.json": "x",
    "config.yaml": "encryption_key: baked-into-the-image\n",
}
V2 = {
    f"{DEFAULT}/agents/a.prompt": "a v2",
    f"{DEFAULT}/agents/b.prompt": "b v1",
    f"{DEFAULT}/agents/c.prompt": "c v2",
    f"{DEFAULT}/agents/ui.prompt": "ui from the image",
    f"{DEFAULT}/template.json": "{}",
    "config.yaml": "encryption_key: baked-into-the-image\n",
}


def runtime_changes(p: Pod) -> None:
    """What the UI/API does between two starts: edit, delete, create."""
    (p.config / DEFAULT / "agents" / "a.prompt").write_text("a edited in the UI")
    (p.config / DEFAULT / "agents" / "b.prompt").unlink()
    (p.config / DEFAULT / "agents" / "ui.prompt").write_text("ui created in the UI")
    (p.config / DEFAULT / "variables.yml").write_text("TOKEN_VAR: x")
    (p.config / "environments" / "mine").mkdir()
    (p.config / "environments" / "mine" / "m.json").write_text("m")
    (p.config / "environments" / "old" / "runtime.json").write_text("kept")


def test_image_wins_propagates_the_image_completely_and_keeps_runtime_files(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart)
    assert p.env["SEED_POLICY"] == "image-wins"
    p.image(V1)
    p.run()
    assert {k: v for k, v in p.tree().items() if k != "config.yaml"} == {
        k: v for k, v in V1.items() if k != "config.yaml"
    }
    runtime_changes(p)
    p.image(V2)
    out = p.run()
    tree = p.tree()
    assert tree[f"{DEFAULT}/agents/a.prompt"] == "a v2"  # runtime edit reverted
    assert tree[f"{DEFAULT}/agents/b.prompt"] == "b v1"  # runtime deletion undone
    assert tree[f"{DEFAULT}/agents/c.prompt"] == "c v2"  # new in the image
    assert tree[f"{DEFAULT}/agents/ui.prompt"] == "ui from the image"  # the image owns it now
    assert "environments/old/x.json" not in tree  # dropped by the image
    assert f"{DEFAULT}/agents/with space.prompt" not in tree
    assert "removed (no longer in the image): environments/old/x.json" in out
    # Created at runtime, never carried by the image: kept.
    assert tree[f"{DEFAULT}/variables.yml"] == "TOKEN_VAR: x"
    assert tree["environments/mine/m.json"] == "m"
    assert tree["environments/old/runtime.json"] == "kept"
    # An environment the image dropped entirely, with nothing created at runtime, is gone.
    p.image({"config.yaml": "x"})
    (p.config / "environments" / "old" / "runtime.json").unlink()
    p.image(V1)
    p.run()
    p.image({})
    p.run()
    assert not (p.config / "environments" / "old").exists()
    assert set(p.tree()) == {
        "config.yaml",
        f"{DEFAULT}/variables.yml",
        "environments/mine/m.json",
    }


def test_volume_wins_keeps_every_runtime_change_and_adds_only_new_image_files(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(
        shell,
        tmp_path,
        chart,
        config_directory=ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS),
    )
    assert p.env["SEED_POLICY"] == "volume-wins"
    p.image(V1)
    p.run()  # a fresh volume gets every image file
    assert {k: v for k, v in p.tree().items() if k != "config.yaml"} == {
        k: v for k, v in V1.items() if k != "config.yaml"
    }
    runtime_changes(p)
    p.image(V2)
    p.run()
    tree = p.tree()
    assert tree[f"{DEFAULT}/agents/a.prompt"] == "a edited in the UI"  # edit kept
    assert f"{DEFAULT}/agents/b.prompt" not in tree  # deletion kept
    assert tree[f"{DEFAULT}/agents/c.prompt"] == "c v2"  # new in the image: filled in
    assert tree[f"{DEFAULT}/agents/ui.prompt"] == "ui created in the UI"  # volume wins
    assert tree["environments/old/x.json"] == "x"  # nothing deleted
    assert tree[f"{DEFAULT}/variables.yml"] == "TOKEN_VAR: x"
    # Switching to image-wins for one rollout applies the image's environments.
    p.env["SEED_POLICY"] = "image-wins"
    p.run()
    assert p.tree()[f"{DEFAULT}/agents/a.prompt"] == "a v2"
    assert p.tree()[f"{DEFAULT}/agents/b.prompt"] == "b v1"


def test_a_second_start_with_the_same_image_changes_nothing(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart)
    p.image(V1)
    first = p.run()
    assert "from the image: environments/default/agents/a.prompt" in first

    def mtimes() -> dict[Path, int]:
        files = [f for f in p.config.rglob("*") if f.is_file() and f.name[0] != "."]
        return {f: f.stat().st_mtime_ns for f in files}

    before = mtimes()
    second = p.run()
    assert "from the image" not in second
    assert "removed" not in second
    assert mtimes() == before
    assert len(before) == 6


def test_a_volume_seeded_before_the_manifest_existed_loses_nothing(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    """Volumes from earlier releases (plain copy, no manifest): nothing is deleted."""
    p = pod(shell, tmp_path, chart)
    (p.config / "environments" / "old").mkdir(parents=True)
    (p.config / "environments" / "old" / "x.json").write_text("from an older image")
    p.image(V2)
    p.run()
    assert p.tree()["environments/old/x.json"] == "from an older image"
    assert (p.config / ".seeded-from-image").read_text().splitlines() == sorted(
        k for k in V2 if k != "config.yaml"
    )


def test_an_unsafe_manifest_entry_deletes_nothing_outside(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart)
    victim = p.volume / "station.db"
    victim.write_text("database")
    p.config.mkdir()
    (p.config / ".seeded-from-image").write_text("../station.db\n/etc/passwd\n")
    out = p.run()
    assert victim.read_text() == "database"
    assert "ignored unsafe entry: ../station.db" in out


# ---- config.yaml: minimal, never overwritten, never from the image, never a secret ------


def test_a_fresh_volume_gets_a_minimal_config_yaml_not_the_images(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart)
    p.image(V1)  # carries config.yaml with a key baked in
    p.run()
    text = (p.config / "config.yaml").read_text()
    settings = [line for line in text.splitlines() if not line.startswith("#")]
    assert settings == ["database_url: /data/station.db".replace("/data", str(p.volume))]
    assert "baked-into-the-image" not in text


@pytest.mark.parametrize("policy", list(ConfigPolicy))
def test_an_existing_config_yaml_is_never_touched(
    shell: Shell, tmp_path: Path, chart: Chart, policy: ConfigPolicy
) -> None:
    p = pod(shell, tmp_path, chart, config_directory=ConfigDirectory.on_volume(policy=policy))
    p.config.mkdir()
    (p.config / "config.yaml").write_text("admin_username: me\n")
    p.image(V1)
    out = p.run()
    assert (p.config / "config.yaml").read_text() == "admin_username: me\n"
    assert "kept" in out


SECRET_VALUES = {
    "STATION_ENCRYPTION_KEY": "enc-9f8e7d6c5b4a",
    "OPENAI_API_KEY": "sk-proj-0123456789abcdef",
    "ANTHROPIC_API_KEY": "sk-ant-0123456789",
    "GEMINI_API_KEY": "AIzaSy0123456789",
    "STN_CLOUDSHIP_KEY": "cloudship-0123456789",
    "GITHUB_TOKEN": "ghp_0123456789abcdef",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
}


def test_no_secret_source_reaches_the_seed_container_or_the_seeded_files(
    shell: Shell, tmp_path: Path, new_chart: Any
) -> None:
    """Every example app (ExistingSecret, ExternalSecret, Litestream...): the seed container
    has no envFrom and no valueFrom; run even with secrets in its environment, nothing it
    writes contains one."""
    makers = [
        apps.default_app,
        apps.production_app,
        apps.ingress_production_app,
        apps.k3s_app,
        apps.litestream_app,
        apps.full_production_app,
    ]
    for make in makers:
        name = make.__name__
        chart = new_chart()
        make(chart)
        objects = synth(chart)
        for spec in [pod_spec(objects)]:
            seeds = [c for c in spec.get("initContainers", []) if c["name"] == "seed-home"]
            assert len(seeds) == 1, name
            assert "envFrom" not in seeds[0], name
            assert all("valueFrom" not in e for e in seeds[0].get("env", [])), name
    p = Pod(tmp_path, container(objects, container_name="seed-home"), shell)
    p.image(V1)
    p.run(extra_env=SECRET_VALUES)
    written = "\n".join(f.read_text(errors="replace") for f in tmp_path.rglob("*") if f.is_file())
    for value in SECRET_VALUES.values():
        assert value not in written


def test_image_persistence_seeds_config_yaml_into_the_empty_dir_home(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart, config_directory=ConfigDirectory.from_image())
    assert "SEED_POLICY" not in p.env
    p.run()  # the stock image: an empty config directory
    config = p.empty_dir / ".config" / "station" / "config.yaml"
    assert "database_url:" in config.read_text()
    assert not (p.volume / "config").exists()
    # An image with its own config.yaml: used as it is (it is the image's, not the volume's).
    shutil.rmtree(p.empty_dir)
    p.empty_dir.mkdir()
    p.image({"config.yaml": "admin_username: image\n", f"{DEFAULT}/a.prompt": "a"})
    p.run()
    assert config.read_text() == "admin_username: image\n"
    assert (p.empty_dir / ".config" / "station" / DEFAULT / "a.prompt").read_text() == "a"


# ---- serve_environment -----------------------------------------------------------------


def database(path: Path, environments: list[str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE environments (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        db.executemany("INSERT INTO environments (name) VALUES (?)", [(e,) for e in environments])


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 CLI")
def test_a_missing_serve_environment_stops_the_pod_with_the_fix(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart, serve_environment="prod")
    assert p.env["SEED_SERVE_ENVIRONMENT"] == "prod"
    out = p.run()  # no database yet: nothing to check, the note says what is needed
    assert "Station creates only the environment 'default'" in out
    database(p.volume / "station.db", ["default"])
    out = p.run(ok=False)
    assert "environment 'prod' does not exist" in out
    assert "Fix: deploy without serve_environment" in out
    (p.volume / "station.db").unlink()
    database(p.volume / "station.db", ["default", "prod"])
    p.run()


def test_next_steps_say_how_to_create_a_non_default_environment(
    chart: Chart, new_chart: Any
) -> None:
    station = StationDeployment(chart, "station", serve_environment="prod")
    text = next_steps(station)
    assert "Station creates only the environment 'default'" in text
    assert "deploy once without serve_environment, create 'prod'" in text
    assert "serve_environment" not in next_steps(StationDeployment(new_chart(), "s"))


def test_next_steps_do_not_claim_the_encryption_key_protects_data(chart: Chart) -> None:
    text = next_steps(StationDeployment(chart, "station"))
    assert "unreadable" not in text
    assert "encrypts nothing with it" in text


def test_the_default_environment_is_never_checked(chart: Chart) -> None:
    StationDeployment(chart, "station", serve_environment="default")
    assert "SEED_SERVE_ENVIRONMENT" not in {e["name"] for e in seed_of(chart)["env"]}


# ---- tool caches ---------------------------------------------------------------------------


def test_tool_caches_on_the_volume_are_created_and_mounted(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart, persist_tool_caches=True)
    p.run()
    assert (p.volume / "tool-caches" / "npm").is_dir()
    assert (p.volume / "tool-caches" / "cache").is_dir()
    mounts = {m["mountPath"]: m.get("subPath") for m in container(synth(chart))["volumeMounts"]}
    assert mounts["/home/station/.npm"] == "tool-caches/npm"
    assert mounts["/home/station/.cache"] == "tool-caches/cache"


def test_tool_caches_are_off_by_default(chart: Chart) -> None:
    StationDeployment(chart, "station")
    paths = [m["mountPath"] for m in container(synth(chart))["volumeMounts"]]
    assert "/home/station/.npm" not in paths
    assert "SEED_MKDIR" not in {e["name"] for e in seed_of(chart)["env"]}


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "config_directory": ConfigDirectory.on_volume(policy=ConfigPolicy.VOLUME_WINS),
            "persist_tool_caches": True,
            "serve_environment": "prod",
        },
        {"config_directory": ConfigDirectory.from_image(), "persist_tool_caches": True},
        {"read_only_root_filesystem": False, "persist_tool_caches": True},
    ],
)
def test_every_seed_variant_is_schema_valid(chart: Chart, kwargs: dict[str, Any]) -> None:
    StationDeployment(chart, "station", **kwargs)
    deployment = find(synth(chart), "Deployment", "station")
    assert validate_manifest(deployment, "1.37", strict=True) == []
    assert validate_manifest(deployment, "1.27", strict=True) == []


def migrated(path: Path, versions: list[int]) -> None:
    """A database as goose leaves it: one applied row per migration (version 0 first)."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, "
            "tstamp TIMESTAMP DEFAULT (datetime('now')))"
        )
        db.executemany(
            "INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)",
            [(v,) for v in [0, *versions]],
        )


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 CLI")
def test_an_older_station_on_a_newer_schema_stops_before_writing_anything(
    shell: Shell, tmp_path: Path, chart: Chart
) -> None:
    p = pod(shell, tmp_path, chart, image="ghcr.io/cloudshipai/station:v0.23.0")
    assert p.env["SEED_SCHEMA_VERSION"] == "47"
    p.run()  # no database yet: nothing to check
    (p.volume / "station.db").unlink(missing_ok=True)
    migrated(p.volume / "station.db", list(range(1, 48)))
    p.run()  # the schema this Station wrote: starts
    assert (p.config / "config.yaml").exists()
    (p.volume / "station.db").unlink()
    shutil.rmtree(p.config)
    migrated(p.volume / "station.db", list(range(1, 49)))  # migrated by v0.24.2 or later
    out = p.run(ok=False)
    assert "is at schema version 48; this image's Station knows up to" in out
    assert "47" in out and "restore the backup from before the" in out
    assert not p.config.exists()  # refused before seeding anything


def test_schema_versions_come_from_the_release_tags() -> None:
    from station_constructs._errors import _Guard
    from station_constructs._settings.schema import schema_version
    from station_constructs._validate import image_reference

    def version(image: str) -> int | None:
        return schema_version(image_reference(_Guard("t"), "image", image, allow_unpinned=True))

    assert version("ghcr.io/cloudshipai/station:v0.23.0") == 47
    assert version("ghcr.io/cloudshipai/station:v0.24.1") == 47
    assert version("ghcr.io/cloudshipai/station:v0.24.2") == 48
    assert version("ghcr.io/cloudshipai/station:v0.25.0") == 48
    assert version("ghcr.io/cloudshipai/station:v0.26.0") is None  # not read: not checked
    assert version("ghcr.io/cloudshipai/station:v0.1.0") is None
    assert version("registry.example.com/my/station-env:1.0.0") is None  # someone else's image
