"""Station's behaviour keyed by release: which release an image runs, the tables that differ,
and the guards, commands and settings that follow from them.

The expectations restate docs/station-facts.md ("Releases"), read at tags v0.23.0 (11ee478) and
v0.25.0 (231f4ce), independently of station_constructs/_releases.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cdk8s import Chart

from station_constructs import (
    DEFAULT_IMAGE,
    AIProvider,
    ApiListener,
    CloudShip,
    EgressRules,
    ExternalService,
    IngressRoute,
    IngressTls,
    NetworkPolicyOptions,
    NginxAuthUrl,
    PathType,
    StationAuth,
    StationIngress,
    StationPort,
    StationStorage,
)
from station_constructs.access import Access, AuthSettings
from station_constructs.guide import next_steps
from station_constructs.releases import RELEASES
from tests.conftest import container, find, synth
from tests.support.builders import OAUTH, station
from tests.support.refusals import assert_refused

V23 = "ghcr.io/cloudshipai/station:v0.23.0"
V25 = "ghcr.io/cloudshipai/station:v0.25.0"
DIGEST = "ghcr.io/cloudshipai/station@sha256:" + "ab" * 32
BUILT = "registry.example.com/station-prod:2026-12-01"  # stn build env image
AUTH_URL = "https://oauth2-proxy.example.com/oauth2/auth"
AGENT = "dynamic-mcp"
TLS = IngressTls.cert_manager("letsencrypt-prod")

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


# --------------------------------------------------------------- which release
def test_the_default_image_is_the_newest_release_read() -> None:
    assert DEFAULT_IMAGE == V25
    assert RELEASES["v0.25.0"].commit.startswith("231f4ce")
    assert RELEASES["v0.23.0"].commit.startswith("11ee478")


@pytest.mark.parametrize(
    ("image", "stated", "release"),
    [
        (V25, None, "v0.25.0"),
        (V23, None, "v0.23.0"),
        (V23 + "@sha256:" + "cd" * 32, None, "v0.23.0"),
        (DIGEST, None, "unknown"),
        ("ghcr.io/cloudshipai/station:v0.24.10", None, "unknown"),
        (BUILT, None, "unknown"),
        (BUILT, "v0.23.0", "v0.23.0"),
        (DIGEST, "v0.25.0", "v0.25.0"),
        ("ghcr.io/cloudshipai/station:v0.25.1", "v0.25.0", "v0.25.0"),
    ],
)
def test_the_image_selects_the_release(
    chart: Chart, image: str, stated: str | None, release: str
) -> None:
    s = station(chart, image=image, station_release=stated)
    assert s.release.tag == release
    assert s.auth_settings.release == release


def test_a_stated_release_contradicting_the_official_tag_is_refused(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, image=V23, station_release="v0.25.0"),
        field="station_release",
        value="v0.25.0",
        problem="contradicts",
        where=STATION,
    )


@pytest.mark.parametrize(
    "image", ["ghcr.io/cloudshipai/station:v0.23.1", "ghcr.io/cloudshipai/station:v0.24.10"]
)
def test_an_unread_official_tag_cannot_borrow_a_newer_release(chart: Chart, image: str) -> None:
    """v0.23.1 stated as v0.25.0 would let anthropic and v0.25.0's routing rules through."""
    assert_refused(
        lambda: station(chart, image=image, station_release="v0.25.0"),
        field="station_release",
        value="v0.25.0",
        problem="its own minor series",
        where=STATION,
    )


def test_an_unknown_stated_release_is_refused(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, station_release="v0.24.0"),
        field="station_release",
        value="v0.24.0",
        problem="v0.23.0, v0.25.0",
        where=STATION,
    )


# --------------------------------------------------------------- the tables
def test_8587_catch_all_of_v0_23_0() -> None:
    v23, v25, unknown = RELEASES["v0.23.0"], RELEASES["v0.25.0"], RELEASES["unknown"]

    def keys(release: Any, path: str, exact: bool = False) -> set[str]:
        return {e.key for e in release.covered(AGENT, path, exact=exact)}

    # v0.23.0: every path no handler matches is the agent MCP (mux.Handle("/", ...)).
    assert keys(v23, "/openapi.yaml", exact=True) == {"agent-mcp"}
    assert keys(v23, "/health") == {"agent-public", "agent-mcp"}  # /health/x
    assert keys(v23, "/health", exact=True) == {"agent-public"}
    assert keys(v23, "/execute") == {"webhooks", "agent-mcp"}
    assert keys(v23, "/execute", exact=True) == {"webhooks"}
    assert keys(v23, "/workflow-approvals/7") == {"webhooks"}  # inside a subtree pattern
    assert keys(v23, "/runs/1", exact=True) == {"agent-mcp"}  # no /runs/ handler yet
    # v0.25.0: a 404 catch-all; the agent MCP is /mcp only.
    assert keys(v25, "/openapi.yaml", exact=True) == {"agent-openapi"}
    assert keys(v25, "/health") == {"agent-public"}
    assert keys(v25, "/runs/1", exact=True) == {"webhooks"}
    assert keys(v25, "/anything") == set()
    # Unknown release: any path may reach the agent MCP.
    assert keys(unknown, "/health", exact=True) == {"agent-public", "agent-mcp"}


@pytest.mark.parametrize("release", ["v0.23.0", "v0.25.0"])
def test_only_the_api_group_of_8585_is_authenticated(release: str) -> None:
    """Replayed: /health, /debug and the UI page answer in every mode; /api/v1 does not."""
    r = RELEASES[release]
    assert {e.key for e in r.covered("api", "/health", exact=True)} == {"api-public"}
    assert {e.key for e in r.covered("api", "/")} == {"api", "api-public"}
    assert {e.key for e in r.covered("api", "/api/v1/agents", exact=True)} == {"api", "api-public"}
    off = r.verdicts(AuthSettings(local_mode=False))
    assert (off["api"].access, off["api-public"].access) == (Access.REJECTS_ALL, Access.OPEN)


def test_openapi_needs_a_token_with_oauth_on_v0_25_0() -> None:
    """Replayed: the OAuth wrapper exempts only /health."""
    oauth = RELEASES["v0.25.0"].verdicts(AuthSettings(local_mode=False, cloudship_oauth=True))
    assert oauth["agent-openapi"].access is Access.ANY_CLOUDSHIP_ACCOUNT
    assert oauth["agent-public"].access is Access.OPEN
    assert "agent-openapi" not in RELEASES["v0.23.0"].verdicts(AuthSettings(local_mode=False))


@pytest.mark.parametrize(
    ("release", "settings", "access"),
    [
        ("v0.23.0", AuthSettings(local_mode=False), Access.REJECTS_ALL),
        ("v0.25.0", AuthSettings(local_mode=False), Access.OPEN),
        ("unknown", AuthSettings(local_mode=False), Access.OPEN),
        ("v0.23.0", AuthSettings(local_mode=False, webhook_key=True), Access.AUTHENTICATED),
        ("v0.25.0", AuthSettings(local_mode=False, webhook_key=True), Access.AUTHENTICATED),
        (
            "v0.25.0",
            AuthSettings(local_mode=False, cloudship_oauth=True),
            Access.ANY_CLOUDSHIP_ACCOUNT,
        ),
        (
            "v0.23.0",
            AuthSettings(local_mode=False, cloudship_oauth=True, webhook_key=True),
            Access.REJECTS_ALL,
        ),
    ],
)
def test_webhooks_per_release(release: str, settings: AuthSettings, access: Access) -> None:
    assert RELEASES[release].verdicts(settings)["webhooks"].access is access


@pytest.mark.parametrize("release", ["v0.23.0", "v0.25.0"])
def test_cloudship_oauth_callers_are_admins_on_the_api(release: str) -> None:
    verdict = RELEASES[release].verdicts(AuthSettings(local_mode=False, cloudship_oauth=True))
    assert verdict["api"].access is Access.ANY_CLOUDSHIP_ACCOUNT
    assert verdict["api"].admin
    assert verdict["agent-mcp"].access is Access.ANY_CLOUDSHIP_ACCOUNT
    assert not verdict["agent-mcp"].admin


def test_cloudship_remote_control_is_a_row() -> None:
    on = RELEASES["v0.25.0"].verdicts(AuthSettings(local_mode=False, cloudship=True))
    off = RELEASES["v0.25.0"].verdicts(AuthSettings(local_mode=False))
    assert on["cloudship"].access is Access.AUTHENTICATED
    assert "executes agents" in on["cloudship"].who
    assert off["cloudship"].access is Access.OFF


# --------------------------------------------------------------- guards per release
def test_routing_near_the_agent_mcp_on_v0_23_0_is_refused(chart: Chart) -> None:
    s = station(chart, image=V23, auth=StationAuth.webhook_key(), api=ApiListener.off())
    route = IngressRoute(path="/execute", port=StationPort.AGENT_MCP)
    assert_refused(
        lambda: StationIngress(
            chart, "ingress", station=s, host="s.example.com", tls=TLS, routes=[route]
        ),
        field="routes[0].path",
        value="/execute",
        problem=["8587 `/mcp` and every path no other row names", "Station v0.23.0"],
        where="StationIngress 'test/ingress'",
    )


def test_the_same_route_is_accepted_on_v0_25_0(chart: Chart) -> None:
    s = station(chart, image=V25, auth=StationAuth.webhook_key(), api=ApiListener.off())
    route = IngressRoute(path="/execute", port=StationPort.AGENT_MCP, path_type=PathType.EXACT)
    ingress = StationIngress(
        chart, "ingress", station=s, host="s.example.com", tls=TLS, routes=[route]
    )
    assert [e.port for e in ingress.exposures] == ["dynamic-mcp"]


def test_an_exact_execute_route_on_v0_23_0_is_accepted(chart: Chart) -> None:
    s = station(chart, image=V23, auth=StationAuth.webhook_key(), api=ApiListener.off())
    route = IngressRoute(path="/execute", port=StationPort.AGENT_MCP, path_type=PathType.EXACT)
    StationIngress(chart, "ingress", station=s, host="s.example.com", tls=TLS, routes=[route])


def test_anthropic_is_refused_on_v0_23_0_with_the_fix(chart: Chart) -> None:
    text = str(
        assert_refused(
            lambda: station(chart, image=V23, provider=AIProvider.ANTHROPIC),
            field="provider",
            problem=["Station v0.23.0", "stn serve exits"],
            where=STATION,
        )
    )
    assert "station:v0.25.0" in text


def test_anthropic_as_an_extra_provider_is_refused_on_v0_23_0(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, image=V23, extra_providers=[AIProvider.ANTHROPIC]),
        field="extra_providers",
        problem="never read",
        where=STATION,
    )


def test_anthropic_on_an_unknown_release_needs_it_stated(
    chart: Chart, new_chart: Callable[..., Chart]
) -> None:
    assert_refused(
        lambda: station(chart, image=BUILT, provider=AIProvider.ANTHROPIC),
        field="provider",
        fix="station_release=",
        where=STATION,
    )
    s = station(new_chart(), image=BUILT, station_release="v0.25.0", provider=AIProvider.ANTHROPIC)
    assert s.settings["STN_AI_PROVIDER"] == "anthropic"


# --------------------------------------------------------------- CloudShip OAuth exposure
def test_the_api_with_oauth_behind_edge_auth_is_accepted(chart: Chart) -> None:
    s = station(chart, auth=OAUTH)
    StationIngress(
        chart,
        "ingress",
        station=s,
        host="s.example.com",
        tls=TLS,
        edge_auth=NginxAuthUrl(AUTH_URL),
        routes=[IngressRoute(path="/", port=StationPort.API)],
    )


# --------------------------------------------------------------- the station container
def test_the_command_is_pinned(chart: Chart) -> None:
    station(chart)
    assert container(synth(chart))["command"] == ["stn", "serve"]


def _fake_stn(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "stn"
    fake.write_text('#!/bin/sh\necho "stn $*"\n')
    fake.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


@pytest.mark.parametrize("shell", ["dash", "busybox"])
def test_an_empty_webhook_key_stops_the_container(chart: Chart, tmp_path: Path, shell: str) -> None:
    path = shutil.which(shell) or str(Path(".tools/busybox-static/bin/busybox").resolve())
    station(chart, auth=StationAuth.webhook_key(), api=ApiListener.off())
    command = container(synth(chart))["command"]
    assert command[:2] == ["sh", "-c"]
    argv = [path, "sh", "-c", command[2]] if shell == "busybox" else [path, "-c", command[2]]
    env = _fake_stn(tmp_path)
    empty = subprocess.run(argv, env={**env, "STN_WEBHOOK_API_KEY": ""}, capture_output=True)
    assert empty.returncode == 1
    assert b"STN_WEBHOOK_API_KEY is empty in Secret station-secrets" in empty.stderr
    unset = subprocess.run(argv, env=env, capture_output=True)
    assert unset.returncode == 1
    good = subprocess.run(argv, env={**env, "STN_WEBHOOK_API_KEY": "k" * 32}, capture_output=True)
    assert (good.returncode, good.stdout) == (0, b"stn serve\n")


def _run_secret_command(chart: Chart, env: dict[str, str], tmp_path: Path) -> Any:
    """Run next_steps' kubectl command in bash with a kubectl that prints its arguments."""
    text = next_steps(chart)
    start = text.index("kubectl -n station create secret")
    lines = []
    for line in text[start:].splitlines():
        lines.append(line.strip())
        if not line.rstrip().endswith("\\"):
            break
    kubectl = tmp_path / "kubectl"
    kubectl.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    kubectl.chmod(0o755)
    path = f"{tmp_path}:{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-c", "\n".join(lines)], env={**env, "PATH": path}, capture_output=True, text=True
    )


def test_the_printed_secret_command_refuses_an_unset_key(chart: Chart, tmp_path: Path) -> None:
    station(chart, auth=StationAuth.webhook_key(), api=ApiListener.off())
    result = _run_secret_command(chart, {}, tmp_path)
    assert result.returncode != 0
    assert "OPENAI_API_KEY: set OPENAI_API_KEY in your shell first" in result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_the_printed_secret_command_generates_the_webhook_key(chart: Chart, tmp_path: Path) -> None:
    station(chart, auth=StationAuth.webhook_key(), api=ApiListener.off())
    result = _run_secret_command(chart, {"OPENAI_API_KEY": "sk-test"}, tmp_path)
    assert result.returncode == 0, result.stderr
    stored = [a for a in result.stdout.splitlines() if a.startswith("--from-literal=STN_WEB")]
    assert len(stored) == 1
    assert len(stored[0].split("=", 2)[2]) == 64  # openssl rand -hex 32
    assert "get secret station-secrets" in next_steps(chart)


# --------------------------------------------------------------- telemetry, CloudShip
def test_telemetry_is_off_by_default(chart: Chart) -> None:
    s = station(chart)
    assert s.settings["STN_TELEMETRY_ENABLED"] == "false"
    assert s.settings["STATION_TELEMETRY_ENABLED"] == "false"
    data = find(synth(chart), "ConfigMap", "station-config")["data"]
    assert data["STN_TELEMETRY_ENABLED"] == "false"


def test_an_otlp_endpoint_turns_it_on(chart: Chart) -> None:
    s = station(chart, otlp_endpoint="http://otel.observability:4318")
    assert s.settings["STN_TELEMETRY_ENABLED"] == "true"


def test_cloudship_telemetry_excludes_an_otlp_endpoint(
    chart: Chart, new_chart: Callable[..., Chart]
) -> None:
    assert_refused(
        lambda: station(
            chart,
            cloudship=CloudShip.connected(telemetry=True),
            otlp_endpoint="http://otel.observability:4318",
        ),
        field="cloudship.telemetry",
        value=True,
        problem="not with otlp_endpoint",
        where=STATION,
    )
    s = station(new_chart(), cloudship=CloudShip.connected(telemetry=True))
    assert s.settings["STN_TELEMETRY_ENABLED"] == "true"
    assert "STN_TELEMETRY_ENDPOINT" not in s.settings


def test_cloudship_hosts_are_checked_against_restricted_egress(chart: Chart) -> None:
    text = str(
        assert_refused(
            lambda: station(
                chart,
                cloudship=CloudShip.connected(),
                network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
            ),
            field="cloudship",
            value="https://lighthouse.cloudshipai.com:443",
            problem="lighthouse.cloudshipai.com",
            where=STATION,
        )
    )
    assert "cidrs" in text


def test_cloudship_hosts_need_port_443(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            cloudship=CloudShip.connected(),
            network_policy=NetworkPolicyOptions(
                egress=EgressRules(cidrs=["0.0.0.0/0"], ports=[80])
            ),
        ),
        field="cloudship",
        value="https://lighthouse.cloudshipai.com:443",
        problem="port 443",
        where=STATION,
    )


def test_oauth_introspection_is_checked_against_restricted_egress(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            auth=OAUTH,
            network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
        ),
        field="auth.introspect_url",
        value="https://app.cloudshipai.com/oauth/introspect/",
        problem="app.cloudshipai.com",
        where=STATION,
    )


def test_remote_control_is_in_the_who_can_call_what(chart: Chart) -> None:
    station(chart, cloudship=CloudShip.connected())
    assert "CloudShip remote control (outbound from the pod): authenticated" in next_steps(chart)


def test_no_remote_control_row_without_cloudship(chart: Chart) -> None:
    station(chart)
    assert "CloudShip remote control" not in next_steps(chart)


def test_a_bundle_needs_only_the_cloudship_key(chart: Chart) -> None:
    bundle = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    s = station(chart, cloudship=CloudShip.bundle(bundle))
    assert "STN_CLOUDSHIP_KEY" in s.secret_variables
    assert "STN_CLOUDSHIP_ENABLED" not in s.settings
    assert s.settings["STN_BUNDLE_ID"] == bundle


def test_a_bundle_id_must_be_a_uuid() -> None:
    assert_refused(lambda: CloudShip.bundle("b1"), field="bundle_id", problem="not a UUID")


def test_next_steps_names_an_unknown_release(chart: Chart) -> None:
    station(chart, image=BUILT)
    assert "the image's release is unknown, pass station_release=" in next_steps(chart)


def test_next_steps_warn_about_the_browser_while_a_port_forward_runs(chart: Chart) -> None:
    station(chart)
    assert "any web page open in your browser can call the" in next_steps(chart)
    assert "(Station answers CORS '*')" in next_steps(chart)


@pytest.mark.parametrize(
    "ranges",
    [["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0/0"], ["::/1", "8000::/1"], ["10.0.0.0/7"]],
)
def test_source_ranges_that_admit_the_internet_do_not_count(
    chart: Chart, ranges: list[str]
) -> None:
    assert_refused(
        lambda: station(
            chart,
            auth=OAUTH,
            external_service=ExternalService.load_balancer(
                ports=[StationPort.AGENT_MCP], source_ranges=ranges
            ),
        ),
        field="external_service.ports",
        fix="accept_any_cloudship_account=True",
        where=STATION,
    )


def test_telemetry_on_also_reaches_posthog(chart: Chart) -> None:
    """Station's usage analytics follow STN_TELEMETRY_ENABLED (internal/telemetry/posthog.go)."""
    assert_refused(
        lambda: station(
            chart,
            otlp_endpoint="http://otel.observability:4318",
            network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["observability"])),
        ),
        field="otlp_endpoint",
        value="https://us.i.posthog.com",
        problem="us.i.posthog.com",
        where=STATION,
    )


def test_a_claim_size_is_written_as_the_server_stores_it(chart: Chart) -> None:
    station(chart, storage=StationStorage(size="10240Mi"))
    claim = find(synth(chart), "PersistentVolumeClaim", "station-data")
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
