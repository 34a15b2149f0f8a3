"""Secret sources: ExternalSecret and SealedSecret rendering, guards, and the shared-Secret
rules. GIVEN a source, WHEN a Station (or another construct) uses it, THEN ..."""

from __future__ import annotations

import base64
from typing import Any

import cdk8s
import pytest
import yaml
from cdk8s import Chart

from station_constructs import (
    AIProvider,
    ExistingSecret,
    ExternalSecretSource,
    LitestreamBackup,
    RemoteRef,
    S3Credentials,
    S3Replica,
    SealedSecretSource,
    SealingScope,
    SecretStoreKind,
    StationDeployment,
    kubeseal_command,
)
from station_constructs._errors import _Guard
from station_constructs.guide import next_steps
from tests.conftest import container, find, synth
from tests.support.refusals import assert_refused

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"
#: Where a refusal of :func:`render_for_sidecar` comes from.
SIDECAR = "Sidecar 'test/sidecar'"


def sealed(seed: int = 1, rsa_bytes: int = 512, body: int = 60) -> str:
    """A value shaped like kubeseal output: length prefix, RSA block, AES-GCM ciphertext."""
    raw = rsa_bytes.to_bytes(2, "big") + bytes((i * 31 + seed) % 256 for i in range(rsa_bytes))
    raw += bytes((i * 17 + seed) % 256 for i in range(body))
    return base64.b64encode(raw).decode()


def eso(**kwargs: Any) -> ExternalSecretSource:
    refs: dict[str, RemoteRef | str] = {
        "STATION_ENCRYPTION_KEY": RemoteRef("station/prod", property="encryption_key"),
        "OPENAI_API_KEY": RemoteRef("station/prod", property="openai_api_key"),
    }
    return ExternalSecretSource(kwargs.pop("store", "vault"), remote_refs=refs, **kwargs)


def secret_refs(objects: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Each variable of the Station container -> (Secret name, key)."""
    return {
        e["name"]: (
            e["valueFrom"]["secretKeyRef"]["name"],
            e["valueFrom"]["secretKeyRef"]["key"],
        )
        for e in container(objects).get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }


# ------------------------------------------------------------------ ExternalSecret


def test_external_secret_creates_the_secret_the_pod_reads(chart: Chart) -> None:
    StationDeployment(chart, "station", secret=eso())
    objects = synth(chart)
    external = find(objects, "ExternalSecret", "station-secrets")
    assert external["apiVersion"] == "external-secrets.io/v1"
    assert external["metadata"]["namespace"] == "station"
    assert external["metadata"]["labels"]["app.kubernetes.io/component"] == "secrets"
    spec = external["spec"]
    assert spec["target"] == {"name": "station-secrets", "creationPolicy": "Owner"}
    assert spec["secretStoreRef"] == {"name": "vault", "kind": "SecretStore"}
    assert spec["refreshInterval"] == "1h"
    assert spec["data"] == [
        {
            "secretKey": "OPENAI_API_KEY",
            "remoteRef": {"key": "station/prod", "property": "openai_api_key"},
        },
        {
            "secretKey": "STATION_ENCRYPTION_KEY",
            "remoteRef": {"key": "station/prod", "property": "encryption_key"},
        },
    ]
    assert secret_refs(objects) == {
        "STATION_ENCRYPTION_KEY": ("station-secrets", "STATION_ENCRYPTION_KEY"),
        "OPENAI_API_KEY": ("station-secrets", "OPENAI_API_KEY"),
    }
    assert not [o for o in objects if o["kind"] == "Secret"]


def test_external_secret_cluster_store_interval_name_version_and_shorthand(chart: Chart) -> None:
    source = ExternalSecretSource(
        "aws-secrets-manager",
        store_kind=SecretStoreKind.CLUSTER_SECRET_STORE,
        remote_refs={
            "STATION_ENCRYPTION_KEY": "station-encryption-key",
            "ANTHROPIC_API_KEY": RemoteRef("station-anthropic", version="AWSCURRENT"),
        },
        refresh_interval="90m",
        name="station-keys",
    )
    StationDeployment(chart, "station", provider=AIProvider.ANTHROPIC, secret=source)
    objects = synth(chart)
    spec = find(objects, "ExternalSecret", "station-keys")["spec"]
    assert spec["secretStoreRef"] == {"name": "aws-secrets-manager", "kind": "ClusterSecretStore"}
    assert spec["refreshInterval"] == "1h30m"
    assert spec["target"]["name"] == "station-keys"
    refs = {d["secretKey"]: d["remoteRef"] for d in spec["data"]}
    assert refs == {
        "ANTHROPIC_API_KEY": {"key": "station-anthropic", "version": "AWSCURRENT"},
        "STATION_ENCRYPTION_KEY": {"key": "station-encryption-key"},
    }
    assert {name for name, _ in secret_refs(objects).values()} == {"station-keys"}


def test_external_secret_key_names_rename_the_secret_key_on_both_sides(chart: Chart) -> None:
    StationDeployment(chart, "station", secret=eso(key_names={"OPENAI_API_KEY": "openai"}))
    objects = synth(chart)
    keys = [
        d["secretKey"] for d in find(objects, "ExternalSecret", "station-secrets")["spec"]["data"]
    ]
    assert keys == ["openai", "STATION_ENCRYPTION_KEY"]
    assert secret_refs(objects)["OPENAI_API_KEY"] == ("station-secrets", "openai")


def test_external_secret_integer_interval_is_seconds(chart: Chart) -> None:
    StationDeployment(chart, "station", secret=eso(refresh_interval=600))
    assert find(synth(chart), "ExternalSecret", "station-secrets")["spec"]["refreshInterval"] == (
        "10m"
    )


def test_operator_sources_print_no_kubectl_create_secret(chart: Chart) -> None:
    station = StationDeployment(chart, "station", secret=eso())
    steps = next_steps(station)
    assert "create secret" not in steps
    assert "created by its operator" in steps


def test_provided_variables_drive_the_missing_key_guard(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", provider=AIProvider.ANTHROPIC, secret=eso()),
        field="secret",
        value=["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        problem=["does not provide ANTHROPIC_API_KEY", "CreateContainerConfigError"],
        where=STATION,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"store": "AWS Store"}, "secret.store", "AWS Store", "RFC 1123", ""),
        ({"refresh_interval": "0s"}, "secret.refresh_interval", "0s", "at least 1s", ""),
        ({"refresh_interval": "1 hour"}, "secret.refresh_interval", "1 hour", "'10s'", ""),
        (
            {"store_kind": "ClusterSecretStore"},
            "secret.store_kind",
            "ClusterSecretStore",
            "SecretStoreKind.",
            "",
        ),
        ({"name": "Station_Secrets"}, "secret.name", "Station_Secrets", "", ""),
        (
            {"key_names": {"GEMINI_API_KEY": "g"}},
            "secret.key_names",
            "GEMINI_API_KEY",
            "",
            "drop it",
        ),
        (
            {"key_names": {"OPENAI_API_KEY": "STATION_ENCRYPTION_KEY"}},
            "secret.key_names",
            {"OPENAI_API_KEY": "STATION_ENCRYPTION_KEY"},
            "same key 'STATION_ENCRYPTION_KEY'",
            "own key",
        ),
    ],
)
def test_fails_on_bad_external_secret_settings(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", secret=eso(**kwargs)),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


ENC: dict[str, RemoteRef | str] = {"STATION_ENCRYPTION_KEY": "enc"}


@pytest.mark.parametrize(
    ("refs", "field", "value", "problem", "fix"),
    [
        ({"OPENAI_API_KEY": ""}, "secret.remote_refs['OPENAI_API_KEY'].key", "", "non-empty", ""),
        (
            {"OPENAI_API_KEY": RemoteRef(" k")},
            "secret.remote_refs['OPENAI_API_KEY'].key",
            " k",
            "",
            "",
        ),
        (
            {"OPENAI_API_KEY": RemoteRef("k", property="")},
            "secret.remote_refs['OPENAI_API_KEY'].property",
            "",
            "",
            "",
        ),
        (
            {"OPENAI_API_KEY": RemoteRef("k", version="")},
            "secret.remote_refs['OPENAI_API_KEY'].version",
            "",
            "",
            "AWSCURRENT",
        ),
        ({"OPENAI_API_KEY": 42}, "secret.remote_refs['OPENAI_API_KEY']", "int", "", "RemoteRef("),
    ],
)
def test_fails_on_bad_remote_refs(
    chart: Chart, refs: Any, field: str, value: Any, problem: str | list[str], fix: str | list[str]
) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", secret=ExternalSecretSource("vault", remote_refs={**ENC, **refs})
        ),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("refs", "field", "value", "problem", "fix"),
    [
        ({}, "credentials.remote_refs", {}, "at least one environment variable", ""),
        ({"aws key": "x"}, "credentials.remote_refs", "aws key", "environment variable name", ""),
        (
            ["AWS_ACCESS_KEY_ID"],
            "credentials.remote_refs",
            ["AWS_ACCESS_KEY_ID"],
            "must be a mapping (dict), not a list",
            "",
        ),
    ],
)
def test_fails_on_empty_or_misnamed_remote_refs(
    chart: Chart, refs: Any, field: str, value: Any, problem: str | list[str], fix: str | list[str]
) -> None:
    # StationDeployment reports these as missing keys first; any user of the source gets:
    assert_refused(
        lambda: render_for_sidecar(ExternalSecretSource("vault", remote_refs=refs), chart, []),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=SIDECAR,
    )


def test_station_reports_an_empty_source_as_missing_keys(chart: Chart) -> None:
    assert_refused(
        lambda: StationDeployment(
            chart, "station", secret=ExternalSecretSource("vault", remote_refs={})
        ),
        field="secret",
        value=[],
        problem="does not provide STATION_ENCRYPTION_KEY, OPENAI_API_KEY",
        where=STATION,
    )


# ------------------------------------------------------------------ SealedSecret


def sealed_source(**kwargs: Any) -> SealedSecretSource:
    data = kwargs.pop(
        "encrypted_data", {"STATION_ENCRYPTION_KEY": sealed(1), "OPENAI_API_KEY": sealed(2)}
    )
    return SealedSecretSource(data, **kwargs)


def test_sealed_secret_passes_values_through_and_names_the_secret(chart: Chart) -> None:
    StationDeployment(chart, "station", secret=sealed_source())
    objects = synth(chart)
    sealed_secret = find(objects, "SealedSecret", "station-secrets")
    assert sealed_secret["apiVersion"] == "bitnami.com/v1alpha1"
    assert sealed_secret["metadata"]["namespace"] == "station"
    # Before the Deployment in Argo CD, and kept like the data (it holds the key).
    assert sealed_secret["metadata"]["annotations"] == {
        "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
        "argocd.argoproj.io/sync-wave": "-1",
        "kustomize.toolkit.fluxcd.io/prune": "disabled",
    }
    assert "annotations" not in sealed_secret["spec"]["template"]["metadata"]
    spec = sealed_secret["spec"]
    assert spec["encryptedData"] == {
        "OPENAI_API_KEY": sealed(2),
        "STATION_ENCRYPTION_KEY": sealed(1),
    }
    template = spec["template"]
    assert template["type"] == "Opaque"
    assert template["metadata"]["name"] == "station-secrets"
    assert template["metadata"]["namespace"] == "station"
    assert template["metadata"]["labels"]["app.kubernetes.io/component"] == "secrets"
    assert secret_refs(objects)["OPENAI_API_KEY"] == ("station-secrets", "OPENAI_API_KEY")


@pytest.mark.parametrize(
    ("scope", "annotation"),
    [
        (SealingScope.NAMESPACE_WIDE, "sealedsecrets.bitnami.com/namespace-wide"),
        (SealingScope.CLUSTER_WIDE, "sealedsecrets.bitnami.com/cluster-wide"),
    ],
)
def test_sealed_secret_scope_is_annotated_where_the_controller_reads_it(
    chart: Chart, scope: SealingScope, annotation: str
) -> None:
    StationDeployment(chart, "station", secret=sealed_source(scope=scope, name="keys"))
    sealed_secret = find(synth(chart), "SealedSecret", "keys")
    assert sealed_secret["metadata"]["annotations"][annotation] == "true"
    assert sealed_secret["spec"]["template"]["metadata"]["annotations"] == {annotation: "true"}


def test_sealed_secret_accepts_a_2048_bit_controller_key(chart: Chart) -> None:
    data = {"STATION_ENCRYPTION_KEY": sealed(1, 256), "OPENAI_API_KEY": sealed(2, 256, 16)}
    StationDeployment(chart, "station", secret=sealed_source(encrypted_data=data))
    assert find(synth(chart), "SealedSecret", "station-secrets")


PLAINTEXT = "sk-proj-THIS-IS-A-PLAINTEXT-KEY"


@pytest.mark.parametrize(
    "value",
    [
        PLAINTEXT,
        base64.b64encode(PLAINTEXT.encode()).decode(),  # base64 is not encryption
        base64.b64encode(b"x" * 600).decode(),  # long, but not kubeseal's layout
        sealed(1, 512, 0),  # no AES-GCM tag
        sealed(1)[:400],  # truncated
        "",
    ],
    ids=["plain", "base64", "long-base64", "no-tag", "truncated", "empty"],
)
def test_fails_on_unsealed_values_without_echoing_them(chart: Chart, value: str) -> None:
    source = sealed_source(
        encrypted_data={"STATION_ENCRYPTION_KEY": sealed(1), "OPENAI_API_KEY": value}
    )
    error = assert_refused(
        lambda: StationDeployment(chart, "station", secret=source),
        field="secret.encrypted_data['OPENAI_API_KEY']",
        value="<redacted>",
        problem=["not a sealed-secrets ciphertext", "committed to Git"],
        fix=(
            'printf %s "${OPENAI_API_KEY:?set OPENAI_API_KEY in your shell first}"'
            " | kubeseal --raw --namespace station --name station-secrets"
        ),
        where=STATION,
    )
    assert error.value == "<redacted>"
    if value:
        assert value not in str(error)
        assert value[:12] not in str(error)


def test_unsealed_value_hint_names_the_scope(chart: Chart) -> None:
    source = sealed_source(
        encrypted_data={"STATION_ENCRYPTION_KEY": "x", "OPENAI_API_KEY": sealed(2)},
        scope=SealingScope.NAMESPACE_WIDE,
    )
    assert_refused(
        lambda: StationDeployment(chart, "station", secret=source),
        field="secret.encrypted_data['STATION_ENCRYPTION_KEY']",
        value="<redacted>",
        fix="--scope namespace-wide",
        where=STATION,
    )


def test_kubeseal_command_is_copy_pasteable() -> None:
    assert kubeseal_command("OPENAI_API_KEY", namespace="ai", name="keys") == (
        'printf %s "${OPENAI_API_KEY:?set OPENAI_API_KEY in your shell first}" | kubeseal '
        "--raw --namespace ai --name keys --from-file=/dev/stdin"
    )


def test_kubeseal_command_stops_on_an_unset_variable() -> None:
    """Run in bash: an unset key must not be sealed as an empty value."""
    import subprocess

    command = kubeseal_command("OPENAI_API_KEY", namespace="ai", name="keys")
    done = subprocess.run(
        ["bash", "-c", command], env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "OPENAI_API_KEY: set OPENAI_API_KEY in your shell first" in done.stderr


@pytest.mark.parametrize(
    ("kwargs", "field", "value", "problem", "fix"),
    [
        ({"scope": "strict"}, "secret.scope", "strict", "SealingScope.", ""),
        (
            {"key_names": {"OPENAI_API_KEY": "a b"}},
            "secret.key_names['OPENAI_API_KEY']",
            "a b",
            "",
            "",
        ),
    ],
)
def test_fails_on_bad_sealed_secret_settings(
    chart: Chart,
    kwargs: dict[str, Any],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: StationDeployment(chart, "station", secret=sealed_source(**kwargs)),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("data", "field", "value", "problem", "fix"),
    [
        ({}, "credentials.encrypted_data", "<empty>", "", "kubeseal --raw"),
        ({"bad name": sealed()}, "credentials.encrypted_data", "bad name", "", ""),
        ([sealed()], "credentials.encrypted_data", "list", "must be a mapping (dict)", ""),
    ],
)
def test_fails_on_empty_or_misnamed_sealed_data(
    chart: Chart,
    data: dict[str, str],
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: render_for_sidecar(SealedSecretSource(data), chart, []),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=SIDECAR,
    )


def test_sealed_source_missing_provider_key_is_refused(chart: Chart) -> None:
    source = SealedSecretSource({"STATION_ENCRYPTION_KEY": sealed()})
    assert_refused(
        lambda: StationDeployment(chart, "station", secret=source),
        field="secret",
        value=["STATION_ENCRYPTION_KEY"],
        problem="does not provide OPENAI_API_KEY",
        where=STATION,
    )


# ------------------------------------------------------------------ sharing one Secret


def render_for_sidecar(source: Any, scope: Any, variables: list[str], **kw: Any) -> None:
    """What another construct (LitestreamBackup's credentials) does with a source."""
    source._render(
        scope,
        guard=_Guard("Sidecar 'test/sidecar'"),
        field="credentials",
        namespace=kw.get("namespace", "station"),
        name=kw.get("name", "station-secrets"),
        variables=variables,
        labels={"app": "station"},
    )


def test_one_source_shared_by_two_constructs_renders_one_object(chart: Chart) -> None:
    refs: dict[str, RemoteRef | str] = {
        "STATION_ENCRYPTION_KEY": "enc",
        "OPENAI_API_KEY": "openai",
        "AWS_ACCESS_KEY_ID": "aws-id",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
    }
    source = ExternalSecretSource("vault", remote_refs=refs)
    station = StationDeployment(chart, "station", secret=source)
    render_for_sidecar(source, station, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    externals = [o for o in synth(chart) if o["kind"] == "ExternalSecret"]
    assert len(externals) == 1
    assert len(externals[0]["spec"]["data"]) == 4


def test_station_and_litestream_share_one_external_secret(chart: Chart) -> None:
    refs: dict[str, RemoteRef | str] = {
        "STATION_ENCRYPTION_KEY": "enc",
        "OPENAI_API_KEY": "openai",
        "AWS_ACCESS_KEY_ID": "aws-id",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
    }
    source = ExternalSecretSource("vault", remote_refs=refs)
    station = StationDeployment(chart, "station", secret=source)
    LitestreamBackup(
        chart,
        "litestream",
        station=station,
        replica=S3Replica.aws("b-1"),
        credentials=S3Credentials.from_secret(source),
    )
    objects = synth(chart)
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "ExternalSecret"] == [
        "station-secrets"
    ]
    init = find(objects, "Deployment", "station")["spec"]["template"]["spec"]["initContainers"]
    refs_used = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for c in init
        for e in c.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert refs_used == {"station-secrets"}


def test_litestream_credentials_from_their_own_sealed_secret(chart: Chart) -> None:
    station = StationDeployment(chart, "station", secret=eso())
    credentials = SealedSecretSource(
        {"AWS_ACCESS_KEY_ID": sealed(5), "AWS_SECRET_ACCESS_KEY": sealed(6)}
    )
    LitestreamBackup(
        chart,
        "litestream",
        station=station,
        replica=S3Replica.aws("b-1"),
        credentials=S3Credentials.from_secret(credentials),
    )
    objects = synth(chart)
    assert find(objects, "ExternalSecret", "station-secrets")
    template = find(objects, "SealedSecret", "station-litestream")["spec"]["template"]
    assert template["metadata"]["name"] == "station-litestream"


def test_litestream_is_refused_a_source_without_its_keys(chart: Chart) -> None:
    station = StationDeployment(chart, "station")
    assert_refused(
        lambda: LitestreamBackup(
            chart,
            "litestream",
            station=station,
            replica=S3Replica.aws("b-1"),
            credentials=S3Credentials.from_secret(eso()),
        ),
        field="credentials",
        value=["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        problem="does not provide AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
        where="LitestreamBackup 'test/litestream'",
    )


def test_a_shared_source_must_provide_every_users_variables(chart: Chart) -> None:
    source = eso()
    station = StationDeployment(chart, "station", secret=source)
    assert_refused(
        lambda: render_for_sidecar(source, station, ["AWS_ACCESS_KEY_ID"]),
        field="credentials",
        value=["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        problem="does not provide AWS_ACCESS_KEY_ID",
        where=SIDECAR,
    )


def test_same_instance_into_another_name_renders_a_second_object(chart: Chart) -> None:
    source = eso()
    station = StationDeployment(chart, "station", secret=source)
    render_for_sidecar(source, station, ["OPENAI_API_KEY"], name="other")
    names = sorted(o["metadata"]["name"] for o in synth(chart) if o["kind"] == "ExternalSecret")
    assert names == ["other", "station-secrets"]


@pytest.mark.parametrize("second", [eso, sealed_source])
def test_fails_when_two_sources_produce_one_secret(chart: Chart, second: Any) -> None:
    station = StationDeployment(chart, "station", secret=eso())
    assert_refused(
        lambda: render_for_sidecar(second(), station, ["OPENAI_API_KEY"]),
        field="credentials.name",
        value="station-secrets",
        problem="already produced or claimed by 'test/station'",
        fix="give this secret source its own name=",
        where=SIDECAR,
    )


def test_the_same_source_instance_works_in_separate_apps() -> None:
    source = eso()
    for _ in range(2):
        chart = Chart(cdk8s.Testing.app(), "test")
        StationDeployment(chart, "station", secret=source)
        assert find(synth(chart), "ExternalSecret", "station-secrets")


def test_existing_secret_renders_nothing_and_claims_no_object(chart: Chart) -> None:
    station = StationDeployment(chart, "station", secret=ExistingSecret())
    render_for_sidecar(eso(), station, ["OPENAI_API_KEY"], name="sidecar-secrets")
    kinds = [o["kind"] for o in synth(chart)]
    assert kinds.count("ExternalSecret") == 1
    assert "Secret" not in kinds


def test_an_operator_may_not_produce_a_secret_an_existing_secret_reads(chart: Chart) -> None:
    station = StationDeployment(chart, "station", secret=ExistingSecret())
    assert_refused(
        lambda: render_for_sidecar(eso(), station, ["OPENAI_API_KEY"], name="station-secrets"),
        field="credentials.name",
        value="station-secrets",
        problem="already read by 'test/station'",
        where=SIDECAR,
    )


def test_no_secret_value_or_secret_object_reaches_the_manifests(chart: Chart) -> None:
    StationDeployment(chart, "a", secret=eso())
    StationDeployment(chart, "b", name="b", namespace="b", secret=sealed_source())
    text = yaml.safe_dump_all(synth(chart))
    assert "kind: Secret\n" not in text
    assert "stringData" not in text
    assert PLAINTEXT not in text


def test_kubeseal_command_refuses_a_scope_string() -> None:
    assert_refused(
        lambda: kubeseal_command("OPENAI_API_KEY", namespace="station", name="s", scope="strict"),  # type: ignore[arg-type]
        field="scope",
        value="strict",
        where="kubeseal_command",
    )


# ------------------------------------------------------------------ GitOps annotations

GITOPS_KEEP = {
    "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
    "kustomize.toolkit.fluxcd.io/prune": "disabled",
}
WAVE = {"argocd.argoproj.io/sync-wave": "-1"}


def test_the_key_secrets_source_is_kept_and_the_backup_credentials_only_come_first(
    chart: Chart,
) -> None:
    from station_constructs import LitestreamBackup

    station = StationDeployment(chart, "station", secret=eso())
    creds = ExternalSecretSource(
        "vault",
        remote_refs={
            "AWS_ACCESS_KEY_ID": RemoteRef("backup", property="id"),
            "AWS_SECRET_ACCESS_KEY": RemoteRef("backup", property="secret"),
        },
    )
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.aws("bkt"),
        credentials=S3Credentials.from_secret(creds),
    )
    objects = synth(chart)
    key = find(objects, "ExternalSecret", "station-secrets")["metadata"]["annotations"]
    assert key == {**GITOPS_KEEP, **WAVE}
    backup = find(objects, "ExternalSecret", "station-litestream")["metadata"]["annotations"]
    assert backup == WAVE  # pruned with the backup when it leaves the app
    kinds = [o["kind"] for o in objects]
    assert max(i for i, k in enumerate(kinds) if k == "ExternalSecret") < kinds.index("Deployment")


def test_without_prune_protection_the_key_source_only_comes_first(chart: Chart) -> None:
    from station_constructs import StationStorage

    StationDeployment(
        chart, "station", secret=eso(), storage=StationStorage(protect_from_prune=False)
    )
    key = find(synth(chart), "ExternalSecret", "station-secrets")["metadata"]["annotations"]
    assert key == WAVE


def test_a_data_chart_holds_the_key_secrets_source(chart: Chart) -> None:
    data = Chart(chart.node.scope, "data")  # type: ignore[arg-type]
    StationDeployment(chart, "station", secret=eso(), data_chart=data)
    kinds = [o["kind"] for o in synth(data)]
    assert kinds == ["Namespace", "PersistentVolumeClaim", "ExternalSecret"]
    assert "ExternalSecret" not in [o["kind"] for o in synth(chart)]
