"""StationDeployment's placement, service_account and pod_extras: behaviour and guards.

The rendered pods are checked by the real tools elsewhere too (tests/test_schema.py,
tests/test_pod_security.py, tests/test_security.py and tests/test_golden.py run the
``platform`` app). Each "fails ..." test asserts the construct path, field, value and fix.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdk8s import Chart
from cdk8s_plus_27 import k8s

from station_constructs import (
    PodExtras,
    PodPlacement,
    PodServiceAccount,
    StationDeployment,
)
from tests.conftest import find, pod_spec, synth
from tests.support.backups import litestream
from tests.support.builders import station
from tests.support.kube_validate import validate_manifest
from tests.support.refusals import assert_refused
from tests.test_pod_security import violations

IMAGE = "ghcr.io/example/tool:1.0"

#: Where a refusal of ``StationDeployment(chart, "station")`` comes from.
STATION = "StationDeployment 'test/station'"


def sidecar(**kwargs: Any) -> k8s.Container:
    kwargs.setdefault("name", "tool")
    kwargs.setdefault("image", IMAGE)
    return k8s.Container(**kwargs)


# ---------------------------------------------------------------- behaviour
def test_defaults_render_no_placement_and_no_service_account(chart: Chart) -> None:
    s = station(chart)
    pod = pod_spec(synth(chart))
    for key in ("nodeSelector", "tolerations", "affinity", "priorityClassName", "hostAliases"):
        assert key not in pod
    assert "serviceAccountName" not in pod
    assert pod["automountServiceAccountToken"] is False
    assert (s.service_account, s.service_account_name) == (None, None)


def test_placement_is_rendered_as_given(chart: Chart) -> None:
    station(
        chart,
        placement=PodPlacement(
            node_selector={"node.example.com/pool": "ai"},
            tolerations=[k8s.Toleration(key="gpu", operator="Exists", effect="NoSchedule")],
            affinity=k8s.Affinity(
                pod_anti_affinity=k8s.PodAntiAffinity(
                    required_during_scheduling_ignored_during_execution=[
                        k8s.PodAffinityTerm(
                            topology_key="kubernetes.io/hostname",
                            label_selector=k8s.LabelSelector(match_labels={"app": "db"}),
                        )
                    ]
                )
            ),
            priority_class_name="station-high",
            runtime_class_name="kata",
        ),
    )
    objects = synth(chart)
    pod = pod_spec(objects)
    assert pod["nodeSelector"] == {"node.example.com/pool": "ai"}
    assert pod["tolerations"] == [{"effect": "NoSchedule", "key": "gpu", "operator": "Exists"}]
    term = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term == [
        {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}
    ]
    assert (pod["priorityClassName"], pod["runtimeClassName"]) == ("station-high", "kata")
    assert find(objects, "Deployment", "station")["spec"]["replicas"] == 1
    assert validate_manifest(find(objects, "Deployment", "station"), "1.27", strict=True) == []


def test_an_existing_service_account_with_its_token(chart: Chart) -> None:
    s = station(chart, service_account=PodServiceAccount.existing("ai", automount_token=True))
    objects = synth(chart)
    pod = pod_spec(objects)
    assert (pod["serviceAccountName"], pod["automountServiceAccountToken"]) == ("ai", True)
    assert [o for o in objects if o["kind"] == "ServiceAccount"] == []
    assert (s.service_account, s.service_account_name) == (None, "ai")


def test_a_rendered_service_account_keeps_its_token_unmounted(chart: Chart) -> None:
    role = {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/station"}
    station(chart, service_account=PodServiceAccount.rendered(annotations=role))
    objects = synth(chart)
    account = find(objects, "ServiceAccount", "station")
    assert account["metadata"]["annotations"] == role
    assert account["metadata"]["namespace"] == "station"
    assert account["automountServiceAccountToken"] is False
    pod = pod_spec(objects)
    assert (pod["serviceAccountName"], pod["automountServiceAccountToken"]) == ("station", False)
    assert validate_manifest(account, "1.37", strict=True) == []


def test_extras_are_added_and_extra_containers_get_the_restricted_context(chart: Chart) -> None:
    station(
        chart,
        pod_extras=PodExtras(
            labels={"team": "ai"},
            volumes=[k8s.Volume(name="ca", secret=k8s.SecretVolumeSource(secret_name="ca"))],
            volume_mounts=[k8s.VolumeMount(name="ca", mount_path="/etc/ssl/ca", read_only=True)],
            init_containers=[sidecar(name="prepare", command=["true"])],
            sidecars=[
                sidecar(
                    volume_mounts=[k8s.VolumeMount(name="data", mount_path="/d", read_only=True)]
                )
            ],
            host_aliases=[k8s.HostAlias(ip="10.0.0.5", hostnames=["llm.internal"])],
            dns_config=k8s.PodDnsConfig(nameservers=["10.96.0.10"], searches=["corp.example"]),
        ),
    )
    objects = synth(chart)
    deployment = find(objects, "Deployment", "station")
    pod = pod_spec(objects)
    assert deployment["spec"]["template"]["metadata"]["labels"]["team"] == "ai"
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "station"}}
    assert [c["name"] for c in pod["containers"]] == ["station", "tool"]
    assert [c["name"] for c in pod["initContainers"]] == ["seed-home", "prepare"]
    assert pod["volumes"][-1] == {"name": "ca", "secret": {"secretName": "ca"}}
    assert pod["containers"][0]["volumeMounts"][-1] == {
        "mountPath": "/etc/ssl/ca",
        "name": "ca",
        "readOnly": True,
    }
    restricted = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    assert pod["containers"][1]["securityContext"] == restricted
    assert pod["initContainers"][1]["securityContext"] == restricted
    assert pod["hostAliases"] == [{"hostnames": ["llm.internal"], "ip": "10.0.0.5"}]
    assert pod["dnsConfig"] == {"nameservers": ["10.96.0.10"], "searches": ["corp.example"]}
    assert violations(pod) == []
    for version in ("1.27", "1.37"):
        assert validate_manifest(deployment, version, strict=True) == []


def test_litestreams_native_sidecar_keeps_its_marker_beside_extra_init_containers(
    chart: Chart,
) -> None:
    s = station(chart, pod_extras=PodExtras(init_containers=[sidecar(name="prepare")]))
    litestream(chart, s, bucket="station-backups")
    pod = pod_spec(synth(chart))
    init = [(c["name"], c.get("restartPolicy")) for c in pod["initContainers"]]
    assert init == [
        ("litestream-restore", None),  # the database is restored before anything reads it
        ("seed-home", None),
        ("litestream", "Always"),
        ("prepare", None),
    ]
    assert violations(pod) == []


def test_options_given_as_explicit_safe_values_are_kept(chart: Chart) -> None:
    context = k8s.SecurityContext(
        run_as_user=2000,
        allow_privilege_escalation=False,
        capabilities=k8s.Capabilities(drop=["ALL"], add=["NET_BIND_SERVICE"]),
        read_only_root_filesystem=True,
    )
    station(chart, pod_extras=PodExtras(sidecars=[sidecar(security_context=context)]))
    sc = pod_spec(synth(chart))["containers"][1]["securityContext"]
    assert sc == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
        "runAsUser": 2000,
    }


# ---------------------------------------------------------------- guards: the data volume
@pytest.mark.parametrize(
    ("path", "field", "value", "problem", "fix"),
    [
        ("/data", "pod_extras.volume_mounts[0].mount_path", "/data", "hides /data", ""),
        (
            "/data/extra",
            "pod_extras.volume_mounts[0].mount_path",
            "/data/extra",
            "is inside /data",
            "",
        ),
        (
            "/home/station",
            "pod_extras.volume_mounts[0].mount_path",
            "/home/station",
            "hides /home/station",
            "",
        ),
        ("/home", "pod_extras.volume_mounts[0].mount_path", "/home", "hides /home/station", ""),
        (
            "/home/station/.config/station/x",
            "pod_extras.volume_mounts[0].mount_path",
            "/home/station/.config/station/x",
            "is inside /home/station/.config/station",
            "",
        ),
        ("/tmp", "pod_extras.volume_mounts[0].mount_path", "/tmp", "hides /tmp", ""),
        ("/", "pod_extras.volume_mounts[0].mount_path", "/", "whole filesystem", ""),
        ("etc/x", "pod_extras.volume_mounts[0].mount_path", "etc/x", "absolute path", ""),
    ],
)
def test_fails_on_mounts_over_the_stations_paths(
    chart: Chart, path: str, field: str, value: Any, problem: str | list[str], fix: str | list[str]
) -> None:
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(
                volumes=[k8s.Volume(name="x", empty_dir=k8s.EmptyDirVolumeSource())],
                volume_mounts=[k8s.VolumeMount(name="x", mount_path=path)],
            ),
        ),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_mounting_the_data_volume_into_station_again(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(volume_mounts=[k8s.VolumeMount(name="data", mount_path="/srv")]),
        ),
        field="pod_extras.volume_mounts[0].name",
        value="data",
        problem="not one of pod_extras.volumes",
        where=STATION,
    )


@pytest.mark.parametrize("name", ["data", "home", "litestream-config"])
def test_fails_on_a_volume_named_like_ours(chart: Chart, name: str) -> None:
    volume = k8s.Volume(name=name, empty_dir=k8s.EmptyDirVolumeSource())
    assert_refused(
        lambda: station(chart, pod_extras=PodExtras(volumes=[volume])),
        field="pod_extras.volumes[0].name",
        value=name,
        problem="the construct's own",
        fix="choose another name",
        where=STATION,
    )


def test_fails_on_the_data_claim_under_another_name(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(
                volumes=[
                    k8s.Volume(
                        name="copy",
                        persistent_volume_claim=k8s.PersistentVolumeClaimVolumeSource(
                            claim_name="station-data"
                        ),
                    )
                ]
            ),
        ),
        field="pod_extras.volumes[0].persistent_volume_claim.claim_name",
        value="station-data",
        problem="single-writer",
        where=STATION,
    )


def test_fails_on_a_sidecar_writing_the_data_volume(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(
                sidecars=[sidecar(volume_mounts=[k8s.VolumeMount(name="data", mount_path="/data")])]
            ),
        ),
        field="pod_extras.sidecars[0].volume_mounts[0]",
        value="data",
        problem="only writer",
        fix="read_only=True",
        where=STATION,
    )


def test_fails_on_a_container_named_like_ours_or_twice(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: station(chart, pod_extras=PodExtras(sidecars=[sidecar(name="litestream")])),
        field="pod_extras.sidecars[0].name",
        value="litestream",
        where=STATION,
    )
    assert_refused(
        lambda: station(
            new_chart(), pod_extras=PodExtras(init_containers=[sidecar()], sidecars=[sidecar()])
        ),
        field="pod_extras.sidecars[0].name",
        value="tool",
        problem="already a container",
        where=STATION,
    )


def test_fails_on_a_mount_of_a_scratch_volume_the_pod_does_not_have(chart: Chart) -> None:
    mount = k8s.VolumeMount(name="tmp", mount_path="/t")
    assert_refused(
        lambda: station(
            chart,
            read_only_root_filesystem=False,
            pod_extras=PodExtras(sidecars=[sidecar(volume_mounts=[mount])]),
        ),
        field="pod_extras.sidecars[0].volume_mounts[0].name",
        value="tmp",
        where=STATION,
    )


def test_fails_on_a_mount_of_an_unknown_volume(chart: Chart) -> None:
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(
                init_containers=[
                    sidecar(volume_mounts=[k8s.VolumeMount(name="cache", mount_path="/c")])
                ]
            ),
        ),
        field="pod_extras.init_containers[0].volume_mounts[0].name",
        value="cache",
        problem="not a volume of the Station pod",
        where=STATION,
    )


# ---------------------------------------------------------------- guards: restricted
@pytest.mark.parametrize(
    ("context", "field", "value", "problem", "fix"),
    [
        (
            k8s.SecurityContext(privileged=True),
            "pod_extras.sidecars[0].security_context.privileged",
            True,
            "",
            "",
        ),
        (
            k8s.SecurityContext(allow_privilege_escalation=True),
            "pod_extras.sidecars[0].security_context.allow_privilege_escalation",
            True,
            "",
            "",
        ),
        (
            k8s.SecurityContext(run_as_user=0),
            "pod_extras.sidecars[0].security_context.run_as_user",
            0,
            "",
            "",
        ),
        (
            k8s.SecurityContext(run_as_non_root=False),
            "pod_extras.sidecars[0].security_context.run_as_user",
            False,
            "",
            "",
        ),
        (
            k8s.SecurityContext(capabilities=k8s.Capabilities(add=["NET_ADMIN"])),
            "pod_extras.sidecars[0].security_context.capabilities.add",
            ["NET_ADMIN"],
            "",
            "",
        ),
        (
            k8s.SecurityContext(capabilities=k8s.Capabilities(drop=["NET_RAW"])),
            "pod_extras.sidecars[0].security_context.capabilities.drop",
            ["NET_RAW"],
            "",
            "",
        ),
        (
            k8s.SecurityContext(seccomp_profile=k8s.SeccompProfile(type="Unconfined")),
            "pod_extras.sidecars[0].security_context.seccomp_profile",
            "Unconfined",
            "",
            "",
        ),
        (
            k8s.SecurityContext(proc_mount="Unmasked"),
            "pod_extras.sidecars[0].security_context.proc_mount",
            "Unmasked",
            "",
            "",
        ),
    ],
)
def test_fails_on_containers_the_restricted_profile_refuses(
    chart: Chart,
    context: k8s.SecurityContext,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, pod_extras=PodExtras(sidecars=[sidecar(security_context=context)])),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_host_paths_and_host_ports(chart: Chart, new_chart) -> None:  # type: ignore[no-untyped-def]
    assert_refused(
        lambda: station(
            chart,
            pod_extras=PodExtras(
                volumes=[k8s.Volume(name="host", host_path=k8s.HostPathVolumeSource(path="/var"))]
            ),
        ),
        field="pod_extras.volumes[0]",
        value="hostPath",
        problem="a hostPath exposes the node's filesystem",
        where=STATION,
    )
    assert_refused(
        lambda: station(
            new_chart(),
            pod_extras=PodExtras(
                volumes=[k8s.Volume(name="n", nfs=k8s.NfsVolumeSource(server="nfs", path="/"))]
            ),
        ),
        field="pod_extras.volumes[0]",
        value="nfs",
        problem="volume type",
        where=STATION,
    )
    assert_refused(
        lambda: station(
            new_chart(),
            pod_extras=PodExtras(
                init_containers=[
                    sidecar(ports=[k8s.ContainerPort(container_port=80, host_port=80)])
                ]
            ),
        ),
        field="pod_extras.init_containers[0].ports[0].host_port",
        value=80,
        problem="binds a port on the node",
        where=STATION,
    )


def test_fails_on_unpinned_extra_images(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, pod_extras=PodExtras(sidecars=[sidecar(image="busybox")])),
        field="pod_extras.sidecars[0].image",
        value="busybox",
        where=STATION,
    )


# ---------------------------------------------------------------- guards: placement, identity
@pytest.mark.parametrize(
    ("toleration", "field", "value", "problem", "fix"),
    [
        (k8s.Toleration(key="a", operator="In"), "placement.tolerations[0].operator", "In", "", ""),
        (
            k8s.Toleration(key="a", operator="Exists", value="b"),
            "placement.tolerations[0].value",
            "b",
            "",
            "",
        ),
        (k8s.Toleration(operator="Equal", value="b"), "placement.tolerations[0].key", None, "", ""),
        (
            k8s.Toleration(key="a", effect="NoRun"),
            "placement.tolerations[0].effect",
            "NoRun",
            "",
            "",
        ),
        (
            k8s.Toleration(key="a", effect="NoSchedule", toleration_seconds=30),
            "placement.tolerations[0].toleration_seconds",
            30,
            "",
            "",
        ),
    ],
)
def test_fails_on_invalid_tolerations(
    chart: Chart,
    toleration: k8s.Toleration,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, placement=PodPlacement(tolerations=[toleration])),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


@pytest.mark.parametrize(
    ("placement", "field", "value", "problem", "fix"),
    [
        (
            PodPlacement(priority_class_name="system-node-critical"),
            "placement.priority_class_name",
            "system-node-critical",
            "kube-system",
            "",
        ),
        (PodPlacement(priority_class_name="High"), "placement.priority_class_name", "High", "", ""),
        (
            PodPlacement(runtime_class_name="g visor"),
            "placement.runtime_class_name",
            "g visor",
            "",
            "",
        ),
        (PodPlacement(node_selector={"zone": 1}), "placement.node_selector['zone']", 1, "", ""),  # type: ignore[dict-item]
        (PodPlacement(affinity={"nodeAffinity": {}}), "placement.affinity", "dict", "", ""),  # type: ignore[arg-type]
        (PodPlacement(tolerations=[{"key": "a"}]), "placement.tolerations[0]", "dict", "", ""),  # type: ignore[list-item]
    ],
)
def test_fails_on_invalid_placement(
    chart: Chart,
    placement: PodPlacement,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, placement=placement),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_placement_of_the_wrong_type(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, placement={"node_selector": {}}),
        field="placement",
        value="dict",
        problem="PodPlacement(",
        where=STATION,
    )


@pytest.mark.parametrize(
    ("account", "field", "value", "problem", "fix"),
    [
        (PodServiceAccount(), "service_account.name", None, "", ""),
        (
            PodServiceAccount.existing("default"),
            "service_account.name",
            "default",
            "shared by every pod",
            "",
        ),
        (PodServiceAccount.existing("Station"), "service_account.name", "Station", "", ""),
        (
            PodServiceAccount(name="x", annotations={"a": "b"}),
            "service_account.annotations",
            {"a": "b"},
            "apply only to a ServiceAccount the construct renders",
            "",
        ),
        (
            PodServiceAccount.existing("x", automount_token="yes"),  # type: ignore[arg-type]
            "service_account.automount_token",
            "yes",
            "",
            "",
        ),
        ("station", "service_account", "str", "", ""),
    ],
)
def test_fails_on_invalid_service_accounts(
    chart: Chart,
    account: Any,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, service_account=account),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_two_stations_rendering_one_service_account(chart: Chart) -> None:
    shared = PodServiceAccount.rendered(name="ai")
    station(chart, service_account=shared, name="a")
    assert_refused(
        lambda: StationDeployment(
            chart, "b", name="b", create_namespace=False, service_account=shared
        ),
        field="service_account.name",
        value="ai",
        problem="ServiceAccount 'ai' in namespace 'station'",
        where="StationDeployment 'test/b'",
    )


@pytest.mark.parametrize(
    ("extras", "field", "value", "problem", "fix"),
    [
        (PodExtras(labels={"app": "x"}), "pod_extras.labels['app']", "x", "", ""),
        (
            PodExtras(labels={"app.kubernetes.io/name": "x"}),
            "pod_extras.labels['app.kubernetes.io/name']",
            "x",
            "selector",
            "",
        ),
        (
            PodExtras(host_aliases=[k8s.HostAlias(ip="llm", hostnames=["a"])]),
            "pod_extras.host_aliases[0].ip",
            "llm",
            "",
            "",
        ),
        (
            PodExtras(host_aliases=[k8s.HostAlias(ip="10.0.0.1", hostnames=["bad host"])]),
            "pod_extras.host_aliases[0].hostnames",
            ["bad host"],
            "",
            "",
        ),
        (
            PodExtras(dns_config=k8s.PodDnsConfig(nameservers=["1.1.1.1"] * 4)),
            "pod_extras.dns_config.nameservers",
            ["1.1.1.1", "1.1.1.1", "1.1.1.1", "1.1.1.1"],
            "more than 3 nameservers",
            "",
        ),
        (
            PodExtras(dns_config=k8s.PodDnsConfig(nameservers=["dns.local"])),
            "pod_extras.dns_config.nameservers[]",
            "dns.local",
            "",
            "",
        ),
        (PodExtras(sidecars=sidecar()), "pod_extras.sidecars", sidecar(), "", ""),  # type: ignore[arg-type]
        (PodExtras(volumes=[{"name": "x"}]), "pod_extras.volumes[0]", "dict", "", ""),  # type: ignore[list-item]
        (
            PodExtras(volumes=[k8s.Volume(name="x")]),
            "pod_extras.volumes[0]",
            [],
            "exactly one volume source",
            "",
        ),
    ],
)
def test_fails_on_invalid_extras(
    chart: Chart,
    extras: PodExtras,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: station(chart, pod_extras=extras),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=STATION,
    )


def test_fails_on_extras_of_the_wrong_type(chart: Chart) -> None:
    assert_refused(
        lambda: station(chart, pod_extras=[]),
        field="pod_extras",
        value="list",
        problem="PodExtras(",
        where=STATION,
    )
