"""The replay client's pure logic (scripts/replay_station.py); the replay itself needs a binary.

The client maps the rendered pod onto a temporary directory, builds the environment as the
kubelet does, classifies Station's answers and picks the table's expectation. Each of these
is checked here on inputs whose right answer is known independently of the code.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from station_constructs.access import AuthSettings
from station_constructs.releases import RELEASES

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "replay_station.py"


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("replay_station", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["replay_station"] = module
    spec.loader.exec_module(module)
    return module


replay = _load()

MOUNTS = [
    {"mountPath": "/data", "name": "data"},
    {"mountPath": "/home/station", "name": "home"},
    {"mountPath": "/tmp", "name": "tmp"},
    {"mountPath": "/home/station/.config/station", "name": "data", "subPath": "config"},
]
VOLUMES: dict[str, dict[str, Any]] = {"data": {}, "home": {}, "tmp": {}}


def test_paths_map_mounts_subpaths_and_the_longest_mount_wins(tmp_path: Path) -> None:
    paths = replay.PathMap(tmp_path, MOUNTS, VOLUMES)
    assert paths.host("/data/station.db") == tmp_path / "volumes/data/station.db"
    assert paths.host("/home/station/.config/station/config.yaml") == (
        tmp_path / "volumes/data/config/config.yaml"
    )
    assert paths.host("/home/station/.npm") == tmp_path / "volumes/home/.npm"
    # Not mounted here: the image's own directory.
    assert paths.host("/workspace") == tmp_path / "image/workspace"


def test_paths_rewrite_only_whole_path_elements_in_one_pass(tmp_path: Path) -> None:
    paths = replay.PathMap(tmp_path, MOUNTS, VOLUMES)
    assert paths.rewrite("/database") == "/database"
    assert paths.rewrite("x=/data/a:/tmp") == f"x={tmp_path}/volumes/data/a:{tmp_path}/volumes/tmp"
    # A host path under /tmp is not rewritten a second time.
    once = paths.rewrite("/data")
    assert paths.rewrite("/data") == once and once.count("/volumes/") == 1


def test_paths_refuse_a_mount_of_an_unknown_volume(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="unknown volume 'nope'"):
        replay.PathMap(tmp_path, [{"mountPath": "/x", "name": "nope"}], VOLUMES)


def test_expand_follows_kubernetes_references() -> None:
    env = {"A": "1"}
    assert replay.expand("$(A)-$(B)-$$(A)", env) == "1-$(B)-$(A)"


def test_container_env_is_envfrom_then_env_in_order() -> None:
    container = {
        "envFrom": [{"configMapRef": {"name": "cm"}}],
        "env": [
            {"name": "A", "value": "overridden-$(B)"},
            {"name": "S", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "K"}}},
            {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "B"}}},
        ],
    }
    seen: list[tuple[str, str]] = []

    def secret(name: str, key: str) -> str:
        seen.append((name, key))
        return "s3cret"

    env = replay.container_env(container, {"cm": {"A": "a", "B": "b"}}, secret)
    assert env == {"A": "overridden-b", "B": "b", "S": "s3cret", "C": "b"}
    assert seen == [("sec", "K")]


def test_secret_values_are_generated_once_and_differ_per_variable() -> None:
    values: dict[str, str] = {}
    read = replay.secret_generator(values)
    key = read("s", "STN_WEBHOOK_API_KEY")
    assert read("s", "STN_WEBHOOK_API_KEY") == key and len(key) >= 32
    assert read("s", "OPENAI_API_KEY").startswith("sk-replay-")
    assert read("s", "OPENAI_API_KEY") != key
    assert replay.secret_generator({"STN_WEBHOOK_API_KEY": ""})("s", "STN_WEBHOOK_API_KEY") == ""


@pytest.mark.parametrize(
    ("container", "argv"),
    [
        ({}, ["stn", "serve"]),
        ({"args": ["stn", "serve", "--local"]}, ["stn", "serve", "--local"]),
        ({"command": ["sh", "-c", "exec stn serve"]}, ["sh", "-c", "exec stn serve"]),
        ({"command": ["stn"], "args": ["serve"]}, ["stn", "serve"]),
    ],
)
def test_container_argv_follows_the_image_entrypoint_rules(
    container: dict[str, Any], argv: list[str]
) -> None:
    assert replay.container_argv(container) == argv


def test_process_spec_substitutes_the_binary_and_maps_paths(tmp_path: Path) -> None:
    paths = replay.PathMap(tmp_path, MOUNTS, VOLUMES)
    container = {"command": ["/usr/local/bin/stn", "serve", "--config", "$(CFG)"]}
    argv, env, cwd = replay.process_spec(container, {"CFG": "/data/c.yaml"}, paths, tmp_path / "b")
    assert argv == [str(tmp_path / "b/stn"), "serve", "--config", f"{tmp_path}/volumes/data/c.yaml"]
    assert env["HOME"] == str(tmp_path / "volumes/home")
    assert env["STATION_CONFIG_DIR"] == str(tmp_path / "volumes/data/config")
    assert env["PATH"].split(":")[0] == str(tmp_path / "b")
    assert cwd == tmp_path / "image/workspace"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, "{}", "served"),
        (400, '{"error":"bad_request"}', "served"),
        (405, "", "served"),
        (401, "", "denied"),
        (403, "", "denied"),
        (404, '{"error":"not_found","message":"Unknown endpoint: POST /x"}', "not_found"),
        (404, "404 page not found\n", "not_found"),
        (404, '{"error":"Not found"}', "not_found"),
        (404, '{"error":"not_found","message":"Run 1 not found"}', "served"),
        (503, "", "unavailable"),
    ],
)
def test_category_of_an_answer(status: int, body: str, expected: str) -> None:
    assert replay.category(replay.Answer(status, body)) == expected


def test_category_of_no_answer() -> None:
    assert replay.category(replay.Answer(0, "", error="connection refused")) == "closed"
    assert replay.category(replay.Answer(0, "", error="TimeoutError: timed out")) == "error"


@pytest.mark.parametrize(
    ("none", "wrong", "rights", "expected"),
    [
        ("served", "served", {}, "OPEN"),
        ("served", "denied", {}, "OPEN"),
        ("denied", "denied", {}, "REJECTS_ALL"),
        ("denied", "denied", {"webhook-key": "served"}, "AUTHENTICATED"),
        ("denied", "denied", {"oauth": "served"}, "ANY_CLOUDSHIP_ACCOUNT"),
        ("denied", "denied", {"oauth": "served", "webhook-key": "denied"}, "ANY_CLOUDSHIP_ACCOUNT"),
        ("denied", "denied", {"oauth": "denied", "webhook-key": "denied"}, "REJECTS_ALL"),
        ("denied", "denied", {"oauth": "not_found"}, "NOT_FOUND"),
        ("not_found", "not_found", {"webhook-key": "not_found"}, "NOT_FOUND"),
        ("closed", "closed", {}, "NOT_LISTENING"),
    ],
)
def test_classify(none: str, wrong: str, rights: dict[str, str], expected: str) -> None:
    assert replay.classify(none, wrong, rights) == expected


def test_classify_names_what_it_cannot_decide() -> None:
    assert replay.classify("denied", "served", {}).startswith("UNCLEAR(none=denied,wrong=served")


def test_mcp_server_name_from_json_and_from_an_event_stream() -> None:
    result = '{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":"Station Dynamic Agents"}}}'
    assert replay.Answer(200, result).mcp_server == "Station Dynamic Agents"
    assert replay.Answer(200, f"event: message\ndata: {result}\n\n").mcp_server == (
        "Station Dynamic Agents"
    )
    assert replay.Answer(200, "openapi: 3.0.0").mcp_server == ""
    assert replay.Answer(200, '{"jsonrpc":"2.0","id":1,"error":{"code":1}}').mcp_server == ""


def test_introspection_is_active_only_for_its_token_and_records_calls() -> None:
    fake = replay.Introspection("good")
    assert fake.answer({"token": "good"})["active"] is True
    assert fake.answer({"token": "good"})["client_id"] != "station-replay"
    assert fake.answer({"token": "bad", "client_id": "x"}) == {"active": False}
    assert [c["token"] for c in fake.calls] == ["good", "good", "bad"]


@pytest.mark.parametrize(
    ("pattern", "path", "servemux", "score"),
    [
        ("/", "/anything", False, 0),
        ("/mcp", "/mcp", False, 1),
        ("/mcp", "/mcp/x", False, 1),
        ("/mcp", "/mcp/x", True, -1),
        ("/runs/", "/runs/1", True, 1),
        ("/execute", "/executex", False, -1),
    ],
)
def test_row_match(pattern: str, path: str, servemux: bool, score: int) -> None:
    assert replay.row_match(pattern, path, servemux=servemux) == score


def _server() -> AuthSettings:
    return AuthSettings(local_mode=False)


@pytest.mark.parametrize(
    ("tag", "port", "path", "row", "access"),
    [
        # v0.23.0: /execute is exact (Go ServeMux); /execute/x falls to the agent MCP.
        ("v0.23.0", "dynamic-mcp", "/execute", "webhooks", "REJECTS_ALL"),
        ("v0.23.0", "dynamic-mcp", "/execute/x", "agent-mcp", "OPEN"),
        ("v0.23.0", "dynamic-mcp", "/runs/1", "agent-mcp", "OPEN"),
        ("v0.25.0", "dynamic-mcp", "/execute", "webhooks", "OPEN"),
        ("v0.25.0", "dynamic-mcp", "/runs/1", "webhooks", "OPEN"),
        ("v0.25.0", "dynamic-mcp", "/anything", None, "NOT_FOUND"),
        ("v0.25.0", "api", "/api/v1/agents", "api", "REJECTS_ALL"),
    ],
)
def test_expected_picks_the_row_station_routes_to(
    tag: str, port: str, path: str, row: str | None, access: str
) -> None:
    exp = replay.expected(RELEASES[tag], _server(), port, path)
    assert (exp["row"], exp["access"]) == (row, access)


def test_status_of_marks_unserved_paths_inside_a_prefix_as_absent() -> None:
    whole = {"access": "OPEN", "pattern": "/"}
    assert replay.status_of("NOT_FOUND", whole, "/") == "ABSENT"
    assert replay.status_of("NOT_FOUND", {"access": "OPEN", "pattern": "/health"}, "/health/x") == (
        "ABSENT"
    )
    assert replay.status_of("NOT_FOUND", {"access": "OPEN", "pattern": "/mcp"}, "/mcp") == (
        "MISMATCH"
    )
    assert replay.status_of("OPEN", {"access": "REJECTS_ALL", "pattern": "/"}, "/") == "MISMATCH"
    assert replay.status_of("OPEN", {"access": "NOT_FOUND", "pattern": None}, "/x") == "MISMATCH"


def test_probe_paths_cover_every_row_path_and_the_unnamed_ones() -> None:
    release = RELEASES["v0.25.0"]
    paths = dict(replay.probe_paths(release, "dynamic-mcp"))
    for row in release.endpoints:
        if row.port == "dynamic-mcp":
            assert all(p in paths for p in row.paths)
    assert paths["/runs/1"] == "webhooks" and paths["/anything"] is None
    assert replay.probe_paths(release, "api")[:2] == [
        ("/api/v1/agents", "api"),
        ("/", "api-public"),
    ]


def test_summary_fails_on_a_mismatch_and_on_a_station_that_did_not_start() -> None:
    probe = {
        "port": 8587,
        "path": "/mcp",
        "observed": "OPEN",
        "status": "MISMATCH",
        "expected": {"access": "REJECTS_ALL", "row": "agent-mcp"},
        "statuses": {"none": 200},
    }
    lines, failed = replay.summary_lines("v0.25.0", [{"mode": "server", "probes": [probe]}])
    assert failed and "MISMATCH" in lines[1] and "expected=REJECTS_ALL" in lines[1]
    _, failed = replay.summary_lines("v0.25.0", [{"mode": "local", "error": "exited 1"}])
    assert failed
    _, failed = replay.summary_lines("v0.25.0", [{"mode": "local", "probes": []}])
    assert not failed
