"""Guards that look across arguments, constructs and charts of one App (issue 12).

Each table builds real apps (several charts, several Stations, attached constructs) and
asserts that the *last* construct created is refused with a StationConfigError naming the
field, the value and a fix that fits; secret values never appear in a message. A second
table builds the neighbouring configurations that must keep working.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import cdk8s
import pytest
from cdk8s import App, Chart

from station_constructs import (
    AIProvider,
    ApiListener,
    EgressRules,
    ExistingSecret,
    ExternalSecretSource,
    ExternalService,
    IngressController,
    IngressRoute,
    IngressTls,
    LitestreamBackup,
    LitestreamMetrics,
    LitestreamServiceMonitor,
    NetworkPolicyOptions,
    S3Credentials,
    S3Replica,
    SealedSecretSource,
    SealingScope,
    StationDeployment,
    StationIngress,
    StationPort,
    StationStorage,
    StationVolumeSnapshot,
)
from tests.conftest import find, synth
from tests.support.backups import litestream
from tests.support.builders import ANY_ACCOUNT, ingress
from tests.support.builders import station as st
from tests.support.refusals import assert_refused

Build = Callable[[App], Any]
# Any CloudShip account's token passes the agent MCP: accepted, so it may be exposed.


def charts(app: App) -> tuple[Chart, Chart]:
    """Two charts of one app: collisions across charts are the interesting ones."""
    return Chart(app, "one"), Chart(app, "two")


def chart_of(app: App, name: str) -> Chart:
    """A chart made earlier by :func:`charts`."""
    found = app.node.find_child(name)
    assert isinstance(found, Chart)
    return found


def authed(scope: Chart, id: str, namespace: str, **kwargs: Any) -> StationDeployment:
    """A Station that authenticates every exposable path itself: CloudShip OAuth (any
    account accepted) and no API (its CloudShip OAuth callers are admins, so it is never
    exposed with OAuth alone); an Ingress's default routes then send ``/`` to the agent MCP."""
    kwargs.setdefault("auth", ANY_ACCOUNT)
    kwargs.setdefault("api", ApiListener.off())
    return StationDeployment(scope, id, name=id, namespace=namespace, **kwargs)


def sealed(seed: int = 1) -> str:
    raw = (512).to_bytes(2, "big") + bytes((i * 31 + seed) % 256 for i in range(512))
    raw += bytes((i * 17 + seed) % 256 for i in range(60))
    return base64.b64encode(raw).decode()


def sealed_source(scope: SealingScope = SealingScope.STRICT) -> SealedSecretSource:
    return SealedSecretSource(
        {"STATION_ENCRYPTION_KEY": sealed(1), "OPENAI_API_KEY": sealed(2)}, scope=scope
    )


def eso(name: str | None = None, **refs: str) -> ExternalSecretSource:
    remote = {"STATION_ENCRYPTION_KEY": "enc", "OPENAI_API_KEY": "openai", **refs}
    return ExternalSecretSource("vault", remote_refs=remote, name=name)


def egress(**kwargs: Any) -> NetworkPolicyOptions:
    kwargs.setdefault("cidrs", ["203.0.113.0/24"])
    return NetworkPolicyOptions(egress=EgressRules(**kwargs))


# ---------------------------------------------------------------- the refused configurations
# (case, build, where the error is reported, fragments of field/value/problem, fix fragment)
#: (case id, build, where the refusal comes from, the field refused, the value it reports,
#: problem fragments, fix fragments)
Case = tuple[str, Build, str, str, Any, str | list[str], str | list[str]]

CLUSTER_NAMESPACES: list[Case] = [
    (
        f"namespace {ns}",
        lambda app, ns=ns: st(charts(app)[0], namespace=ns),  # type: ignore[misc]
        "StationDeployment 'one/station'",
        "namespace",
        ns,
        "Pod Security 'restricted'",
        "create_namespace=False",
    )
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease", "kube-flannel")
]

SHARING: list[Case] = [
    (
        "claim shared through create=False",
        lambda app: (
            st(charts(app)[0]),
            st(
                Chart(app, "three"),
                "other",
                name="other",
                create_namespace=False,
                storage=StationStorage(claim_name="station-data", create=False),
            ),
        ),
        "StationDeployment 'three/other'",
        "storage.claim_name",
        "station-data",
        "already holds the database of 'one/station'",
        "StationStorage(claim_name='other-data')",
    ),
    (
        "two create=False Stations on one claim",
        lambda app: [
            st(
                c,
                name=n,
                namespace="shared",
                create_namespace=(n == "a"),
                storage=StationStorage(claim_name="restored", create=False),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "storage.claim_name",
        "restored",
        "ReadWriteOnce",
        "claim_name='b-data'",
    ),
    (
        "volume_name bound twice",
        lambda app: [
            st(c, name=n, namespace=n, storage=StationStorage(volume_name="pv-station"))
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "storage.volume_name",
        "pv-station",
        "binds exactly one claim",
        "its own PersistentVolume",
    ),
    (
        "litestream bucket and path shared",
        lambda app: [
            LitestreamBackup(
                c,
                "backup",
                station=st(c, name=n, namespace=n),
                replica=S3Replica.aws("backups", path="station/station.db"),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "LitestreamBackup 'two/backup'",
        "replica.path",
        "station/station.db",
        "already the replica of 'one/backup'",
        "path='b/b/station.db'",
    ),
    (
        "ingress host and path shared",
        lambda app: [
            ingress(c, authed(c, n, n), id="ingress")
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationIngress 'two/ingress'",
        "host",
        "station.example.com/",
        "already routed by 'one/ingress'",
        "host='b.example.com'",
    ),
    (
        "ExternalSecret owns what Litestream reads by hand",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "backup",
            station=st(chart_of(app, "one"), secret=eso()),
            replica=S3Replica.aws("backups"),
            credentials=S3Credentials.from_secret(ExistingSecret("station-secrets")),
        ),
        "LitestreamBackup 'one/backup'",
        "credentials.name",
        "station-secrets",
        "owned by 'one/station'",
        "credentials=S3Credentials.from_secret(station.secret_source)",
    ),
    (
        "second Station reads an ESO-owned Secret",
        lambda app: (
            st(charts(app)[0], secret=eso()),
            st(
                chart_of(app, "two"),
                name="b",
                create_namespace=False,
                secret=ExistingSecret("station-secrets"),
            ),
        ),
        "StationDeployment 'two/station'",
        "secret.name",
        "station-secrets",
        "owned by 'one/station'",
        "same source instance",
    ),
    (
        "SealedSecret produces what a Station reads by hand",
        lambda app: (
            st(charts(app)[0], secret=ExistingSecret("shared")),
            st(
                chart_of(app, "two"),
                name="b",
                create_namespace=False,
                secret=SealedSecretSource(
                    {"STATION_ENCRYPTION_KEY": sealed(1), "OPENAI_API_KEY": sealed(2)},
                    name="shared",
                ),
            ),
        ),
        "StationDeployment 'two/station'",
        "secret.name",
        "shared",
        "already read by 'one/station'",
        "'shared-managed'",
    ),
    (
        "cert-manager writes the Secret a Station reads",
        lambda app: (
            st(
                charts(app)[0],
                name="a",
                api=ApiListener.off(),
                secret=ExistingSecret("web-tls"),
            ),
            ingress(
                chart_of(app, "two"),
                authed(chart_of(app, "two"), "b", "station", create_namespace=False),
                id="ingress",
                tls=IngressTls.cert_manager("letsencrypt-prod", secret_name="web-tls"),
            ),
        ),
        "StationIngress 'two/ingress'",
        "tls.secret_name",
        "web-tls",
        "already used by 'one/station' as the keys a pod reads",
        "'<ingress name>-tls'",
    ),
    (
        "an existing TLS Secret that is another Station's keys",
        lambda app: (
            st(charts(app)[0], name="a", api=ApiListener.off()),
            ingress(
                chart_of(app, "two"),
                authed(chart_of(app, "two"), "b", "station", create_namespace=False),
                id="ingress",
                tls=IngressTls.existing_secret("a-secrets"),
            ),
        ),
        "StationIngress 'two/ingress'",
        "tls.secret_name",
        "a-secrets",
        "as the keys a pod reads",
        "'<ingress name>-tls'",
    ),
    (
        "Litestream credentials in an Ingress's TLS Secret",
        lambda app: (
            ingress(
                charts(app)[0],
                authed(chart_of(app, "one"), "a", "station"),
                id="ingress",
                tls=IngressTls.existing_secret("wildcard-tls"),
            ),
            LitestreamBackup(
                chart_of(app, "two"),
                "backup",
                station=st(chart_of(app, "two"), name="b", create_namespace=False),
                replica=S3Replica.aws("backups"),
                credentials=S3Credentials.from_secret(ExistingSecret("wildcard-tls")),
            ),
        ),
        "LitestreamBackup 'two/backup'",
        "credentials.name",
        "wildcard-tls",
        "used by 'one/ingress' as a TLS certificate",
        "ExistingSecret('b-litestream')",
    ),
    (
        "strict SealedSecret rendered into two namespaces",
        lambda app: [
            st(c, name="s", namespace=n, secret=source)
            for source in [sealed_source()]
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "secret.scope",
        SealingScope.STRICT,
        "unseal only into a/s-secrets",
        "kubeseal --raw --namespace b --name s-secrets",
    ),
    (
        "namespace-wide SealedSecret rendered into two namespaces",
        lambda app: [
            st(c, name="s", namespace=n, secret=source)
            for source in [sealed_source(SealingScope.NAMESPACE_WIDE)]
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "secret.scope",
        SealingScope.NAMESPACE_WIDE,
        "namespace 'a'",
        "SealingScope.CLUSTER_WIDE",
    ),
    (
        "strict SealedSecret under two names in one namespace",
        lambda app: [
            st(c, name=n, namespace="team", create_namespace=n == "a", secret=source)
            for source in [sealed_source()]
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "secret.scope",
        SealingScope.STRICT,
        ["unseal only into team/a-secrets", "team/b-secrets"],
        "--name b-secrets",
    ),
]

SHARING.append(
    (
        "node port used by two Stations",
        lambda app: [
            st(
                c,
                name=n,
                namespace=n,
                auth=ANY_ACCOUNT,
                external_service=ExternalService.node_port(
                    ports=[StationPort.AGENT_MCP], node_ports={StationPort.AGENT_MCP: 30087}
                ),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
        "StationDeployment 'two/station'",
        "external_service.node_ports[StationPort.AGENT_MCP]",
        30087,
        "taken by the external Service of 'one/station'",
        "another port in 30000-32767",
    )
)

SECRET = "ghp_" + "A" * 36
SECRET_MATERIAL: list[Case] = [
    *[
        (
            f"env value {label}",
            lambda app, value=value: st(charts(app)[0], env={"UPSTREAM": value}),
            "StationDeployment 'one/station'",
            "env['UPSTREAM']",
            "<redacted>",
            f"looks like {kind}",
            "secret_variables=['UPSTREAM']" if "URL" not in kind else "drop the user name",
        )
        for label, value, kind in [
            ("url with password", "postgres://app:hunter2@db:5432/x", "a URL"),
            ("openai key", "sk-proj-" + "x" * 40, "an OpenAI"),
            ("anthropic key", "sk-ant-api03-" + "y" * 40, "an OpenAI/Anthropic"),
            ("github classic", SECRET, "a GitHub token"),
            ("github fine-grained", "github_pat_" + "B" * 60, "a GitHub token"),
            ("slack bot", "xoxb-1234567890-abcdefghij", "a Slack token"),
            ("slack user", "xoxp-1234567890-abcdefghij", "a Slack token"),
            ("aws key id", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
            ("pem", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "a PEM"),
            ("gitlab", "glpat-" + "c" * 20, "a GitLab token"),
        ]
    ],
    *[
        (
            f"env name {name}",
            lambda app, name=name: st(charts(app)[0], env={name: "x"}),
            "StationDeployment 'one/station'",
            f"env['{name}']",
            "<redacted>",
            "looks like a secret",
            f"secret_variables=['{name}']",
        )
        for name in (
            "GITHUB_PAT",
            "SLACK_WEBHOOK_URL",
            "SENTRY_DSN",
            "DB_PASSWORD",
            "GCP_CREDENTIALS",
            "PAT",
            "MY_CREDS",
        )
    ],
    *[
        (
            f"{field} with a secret query parameter",
            lambda app, field=field: st(
                charts(app)[0], **{field: "https://llm.example.com/v1?api_key=hunter2"}
            ),
            "StationDeployment 'one/station'",
            field,
            "<redacted>",
            "secret query parameter (api_key=)",
            "without the secret",
        )
        for field in ("ai_base_url", "otlp_endpoint")
    ],
    (
        "env URL with a signature",
        lambda app: st(charts(app)[0], env={"UPSTREAM": "https://x.example.com/f?sig=hunter2"}),
        "StationDeployment 'one/station'",
        "env['UPSTREAM']",
        "<redacted>",
        "(sig=)",
        "secret_variables=['UPSTREAM']",
    ),
    (
        "ai_base_url with user and password",
        lambda app: st(charts(app)[0], ai_base_url="https://u:hunter2@llm.example.com/v1"),
        "StationDeployment 'one/station'",
        "ai_base_url",
        "<redacted>",
        "contains credentials",
        "https://llm.internal/v1",
    ),
    (
        "Litestream endpoint with user and password",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "b",
            station=st(chart_of(app, "one")),
            replica=S3Replica.compatible("http://minio:hunter2@minio.minio.svc:9000", "backups"),
        ),
        "S3Replica.compatible",
        "endpoint",
        "<redacted>",
        "contains credentials",
        "http://minio.minio.svc:9000",
    ),
    (
        "label with an AWS key id",
        lambda app: st(charts(app)[0], labels={"owner": "AKIAIOSFODNN7EXAMPLE"}),
        "StationDeployment 'one/station'",
        "labels['owner']",
        "<redacted>",
        "an AWS access key id",
        "keep it in a Secret",
    ),
    (
        "pod annotation with a token",
        lambda app: st(charts(app)[0], annotations={"example.com/notify": SECRET}),
        "StationDeployment 'one/station'",
        "annotations['example.com/notify']",
        "<redacted>",
        "a GitHub token",
        "keep it in a Secret",
    ),
    (
        "ingress annotation with a password URL",
        lambda app: ingress(
            charts(app)[0],
            authed(chart_of(app, "one"), "a", "a"),
            id="ingress",
            annotations={"example.com/upstream": "https://u:p4ss@auth.example.com/"},
        ),
        "StationIngress 'one/ingress'",
        "annotations['example.com/upstream']",
        "<redacted>",
        "a URL",
        "keep it in a Secret",
    ),
]

_NGINX = "nginx.ingress.kubernetes.io/"
CONTRADICTIONS: list[Case] = [
    *[
        (
            f"ingress annotation {key}",
            lambda app, key=key, value=value: ingress(
                charts(app)[0],
                authed(chart_of(app, "one"), "a", "a"),
                id="ingress",
                annotations={key: value},
            ),
            "StationIngress 'one/ingress'",
            f"annotations['{key}']",
            "<snippet>" if key.endswith("-snippet") else value,  # a snippet is not echoed
            problem,
            fix,
        )
        for key, value, problem, fix in [
            ("kubernetes.io/ingress.class", "nginx", "deprecated", "ingress_class_name='nginx'"),
            (f"{_NGINX}backend-protocol", "HTTPS", "plain HTTP", "drop the annotation"),
            (f"{_NGINX}backend-protocol", "GRPC", "plain HTTP", "drop the annotation"),
            (f"{_NGINX}rewrite-target", "/$2", "literal paths", "IngressRoute("),
            (f"{_NGINX}use-regex", "true", "literal paths", "IngressRoute("),
            (f"{_NGINX}configuration-snippet", "more_set_headers x;", "snippet", "whitelist"),
            (f"{_NGINX}server-snippet", "location /x {}", "CVE-2025-1974", "ConfigMap"),
        ]
    ],
    (
        "AppArmor unconfined in the restricted namespace",
        lambda app: st(
            charts(app)[0],
            annotations={"container.apparmor.security.beta.kubernetes.io/station": "unconfined"},
        ),
        "StationDeployment 'one/station'",
        "annotations['container.apparmor.security.beta.kubernetes.io/station']",
        "unconfined",
        "restricted",
        "runtime/default",
    ),
    *[
        (
            f"{model} sent to {provider.name}",
            lambda app, model=model, provider=provider: st(
                charts(app)[0], provider=provider, model=model
            ),
            "StationDeployment 'one/station'",
            "model",
            model,
            [f"is a {owner} model", "model not found"],
            f"provider=AIProvider.{owner.upper()}",
        )
        for model, provider, owner in [
            ("claude-sonnet-4-5", AIProvider.OPENAI, "anthropic"),
            ("gpt-4o", AIProvider.ANTHROPIC, "openai"),
            ("gemini-2.5-flash", AIProvider.OPENAI, "gemini"),
            ("o3-mini", AIProvider.GEMINI, "openai"),
        ]
    ],
    *[
        (
            f"{controller.name} controller with {cls} class",
            lambda app, controller=controller, cls=cls: ingress(
                charts(app)[0],
                authed(chart_of(app, "one"), "a", "a"),
                id="i",
                controller=controller,
                ingress_class_name=cls,
                controller_namespace="ingress",
            ),
            "StationIngress 'one/i'",
            "ingress_class_name",
            cls,
            "would ignore them",
            f"controller=IngressController.{cls.upper()}",
        )
        for controller, cls in [
            (IngressController.NGINX, "traefik"),
            (IngressController.TRAEFIK, "nginx"),
        ]
    ],
    (
        "image pull secret is the Station's API-key Secret",
        lambda app: st(charts(app)[0], image_pull_secrets=["station-secrets"]),
        "StationDeployment 'one/station'",
        "image_pull_secrets",
        ["station-secrets"],
        "dockerconfigjson",
        "image_pull_secrets=['regcred']",
    ),
    (
        "Prometheus scrape annotations on Station itself",
        lambda app: st(
            charts(app)[0],
            annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "8585"},
        ),
        "StationDeployment 'one/station'",
        "annotations['prometheus.io/scrape']",
        "true",
        ["no Prometheus metrics", "port 8585"],
        "prometheus_annotations=True",
    ),
    (
        "key_names typo on the Station's Secret",
        lambda app: st(charts(app)[0], secret=ExistingSecret(key_names={"OPENAI_KEY": "openai"})),
        "StationDeployment 'one/station'",
        "secret.key_names",
        "OPENAI_KEY",
        "names no variable the pod reads",
        "did you mean 'OPENAI_API_KEY'?",
    ),
    (
        "key_names for a provider that is not selected",
        lambda app: st(charts(app)[0], secret=ExistingSecret(key_names={"GEMINI_API_KEY": "g"})),
        "StationDeployment 'one/station'",
        "secret.key_names",
        "GEMINI_API_KEY",
        "OPENAI_API_KEY, STATION_ENCRYPTION_KEY",
        "key_names=",
    ),
    (
        "key_names typo on Litestream's credentials",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "backup",
            station=st(chart_of(app, "one")),
            replica=S3Replica.aws("backups"),
            credentials=S3Credentials.from_secret(
                ExistingSecret("minio", key_names={"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_KEY": "s"})
            ),
        ),
        "LitestreamBackup 'one/backup'",
        "credentials.key_names",
        "AWS_SECRET_KEY",
        "",
        "did you mean 'AWS_SECRET_ACCESS_KEY'?",
    ),
]

NETWORK: list[Case] = [
    (
        "ai_base_url outside, egress admits only namespaces",
        lambda app: st(
            charts(app)[0],
            ai_base_url="https://llm.example.com/v1",
            network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
        ),
        "StationDeployment 'one/station'",
        "ai_base_url",
        "https://llm.example.com/v1",
        "llm.example.com is outside the cluster",
        "EgressRules(cidrs=[...])",
    ),
    (
        "otlp endpoint on a port egress does not admit",
        lambda app: st(
            charts(app)[0],
            otlp_endpoint="http://otel.example.com:4318",
            network_policy=egress(ports=[443]),
        ),
        "StationDeployment 'one/station'",
        "otlp_endpoint",
        "http://otel.example.com:4318",
        "port 4318",
        "add 4318 to EgressRules(ports=[...])",
    ),
    (
        "Litestream to AWS S3 with namespace-only egress",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "backup",
            station=st(
                chart_of(app, "one"),
                network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
            ),
            replica=S3Replica.aws("backups"),
        ),
        "LitestreamBackup 'one/backup'",
        "replica.endpoint",
        None,
        "s3.amazonaws.com is outside the cluster",
        "EgressRules(cidrs=[...])",
    ),
    (
        "Litestream endpoint on a port egress does not admit",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "backup",
            station=st(
                chart_of(app, "one"),
                network_policy=egress(ports=[443]),
            ),
            replica=S3Replica.compatible("http://s3.example.com:9000", "backups"),
        ),
        "LitestreamBackup 'one/backup'",
        "replica.endpoint",
        "http://s3.example.com:9000",
        "port 9000",
        "add 9000",
    ),
    (
        "ServiceMonitor with no Prometheus namespace under a NetworkPolicy",
        lambda app: LitestreamServiceMonitor(
            charts(app)[1],
            "monitor",
            station=LitestreamBackup(
                chart_of(app, "one"),
                "backup",
                station=st(chart_of(app, "one")),
                replica=S3Replica.aws("backups"),
            ).station,
            prometheus_namespaces=[],
        ),
        "LitestreamServiceMonitor 'two/monitor'",
        "prometheus_namespaces",
        [],
        "time out",
        "prometheus_namespaces=['monitoring']",
    ),
    (
        "scrape annotations with no namespace admitted",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "backup",
            station=st(chart_of(app, "one")),
            replica=S3Replica.aws("backups"),
            metrics=LitestreamMetrics.served(prometheus_annotations=True),
        ),
        "LitestreamBackup 'one/backup'",
        "metrics.namespaces",
        [],
        "time out",
        "namespaces=['monitoring']",
    ),
]


def _other_app_station() -> StationDeployment:
    return st(Chart(cdk8s.Testing.app(), "elsewhere"))


LIFECYCLES: list[Case] = [
    (
        "snapshot of the claim restored from it",
        lambda app: StationVolumeSnapshot(
            charts(app)[0],
            "snapshot",
            station=st(
                chart_of(app, "one"),
                storage=StationStorage(
                    claim_name="restored", restore_from_snapshot="restored-snapshot"
                ),
            ),
            snapshot_class="csi-aws-vsc",
        ),
        "StationVolumeSnapshot 'one/snapshot'",
        "name",
        "restored-snapshot",
        "neither ever becomes ready",
        "another name",
    ),
    *[
        (
            f"{cls.__name__} attached to a Station of another App",
            lambda app, make=make: make(charts(app)[0], _other_app_station()),
            f"{cls.__name__} 'one/x'",
            "station",
            "elsewhere/station",
            "belongs to another App",
            "Station's App",
        )
        for cls, make in [
            (
                LitestreamBackup,
                lambda c, s: LitestreamBackup(
                    c,
                    "x",
                    station=s,
                    replica=S3Replica.aws("backups"),
                ),
            ),
            (
                StationIngress,
                lambda c, s: StationIngress(
                    c,
                    "x",
                    station=s,
                    host="a.example.com",
                    tls=None,
                    allow_unauthenticated_exposure=True,
                ),
            ),
            (
                StationVolumeSnapshot,
                lambda c, s: StationVolumeSnapshot(c, "x", station=s, snapshot_class="c"),
            ),
            (LitestreamServiceMonitor, lambda c, s: LitestreamServiceMonitor(c, "x", station=s)),
        ]
    ],
    (
        "construct id taken",
        lambda app: (st(charts(app)[0]), st(chart_of(app, "one"), name="b", namespace="b")),
        "StationDeployment 'one/station'",
        "id",
        "station",
        "already has a construct with this id",
        "'station-2'",
    ),
    (
        "empty id",
        lambda app: st(charts(app)[0], ""),
        "StationDeployment in 'one'",
        "id",
        "",
        "non-empty string",
        "StationDeployment(chart, 'station', ...)",
    ),
    (
        "id not a string",
        lambda app: StationDeployment(charts(app)[0], 7),  # type: ignore[arg-type]
        "StationDeployment in 'one'",
        "id",
        7,
        "",
        "StationDeployment(chart, 'station', ...)",
    ),
    (
        "Station directly under the App",
        lambda app: st(app),  # type: ignore[arg-type]
        "StationDeployment 'station'",
        "scope",
        "App",
        "not inside a cdk8s Chart",
        "chart = Chart(app, 'station')",
    ),
    (
        "Ingress directly under the App",
        lambda app: StationIngress(
            app,
            "ingress",
            station=authed(charts(app)[0], "a", "a"),
            host="a.example.com",
            tls=None,
        ),
        "StationIngress 'ingress'",
        "scope",
        "App",
        "not inside a cdk8s Chart",
        "StationIngress(chart, 'ingress', ...)",
    ),
    (
        "scope None",
        lambda app: st(None),  # type: ignore[arg-type]
        "StationDeployment 'station'",
        "scope",
        "NoneType",
        "",
        "pass the chart first",
    ),
    (
        "Service name starting with a digit",
        lambda app: st(charts(app)[0], name="1station"),
        "StationDeployment 'one/station'",
        "name",
        "1station",
        "DNS-1035",
        "name='station-1station'",
    ),
    (
        "namespace reassigned after construction",
        lambda app: setattr(st(charts(app)[0]), "namespace", "prod"),
        "StationDeployment 'one/station'",
        "namespace",
        "prod",
        "read-only after construction",
        "StationDeployment(scope, id, ..., namespace=...)",
    ),
    (
        "pvc_name reassigned after construction",
        lambda app: setattr(st(charts(app)[0]), "pvc_name", "other"),
        "StationDeployment 'one/station'",
        "pvc_name",
        "other",
        "read-only",
        "create the StationDeployment with the arguments",
    ),
    (
        "Litestream replica reassigned after construction",
        lambda app: setattr(
            LitestreamBackup(
                charts(app)[0],
                "backup",
                station=st(chart_of(app, "one")),
                replica=S3Replica.aws("backups"),
            ),
            "replica",
            S3Replica.aws("other"),
        ),
        "LitestreamBackup 'one/backup'",
        "replica",
        S3Replica.aws("other"),
        "read-only",
        "LitestreamBackup(scope, id, ..., replica=...)",
    ),
    (
        "Ingress host reassigned after construction",
        lambda app: setattr(
            ingress(charts(app)[0], authed(chart_of(app, "one"), "a", "a"), id="ingress"),
            "host",
            "other.example.com",
        ),
        "StationIngress 'one/ingress'",
        "host",
        "other.example.com",
        "read-only",
        "host=",
    ),
]

MESSAGES: list[Case] = [
    (
        "issuer name gets an issuer example",
        lambda app: ingress(
            charts(app)[0],
            authed(chart_of(app, "one"), "a", "a"),
            id="i",
            tls=IngressTls.cert_manager("Lets Encrypt"),
        ),
        "StationIngress 'one/i'",
        "tls.issuer",
        "Lets Encrypt",
        "",
        "'letsencrypt-prod'",
    ),
    (
        "ingress class gets a class example",
        lambda app: ingress(
            charts(app)[0], authed(chart_of(app, "one"), "a", "a"), id="i", ingress_class_name="N X"
        ),
        "StationIngress 'one/i'",
        "ingress_class_name",
        "N X",
        "",
        "'nginx'",
    ),
    (
        "snapshot class gets a class example",
        lambda app: StationVolumeSnapshot(
            charts(app)[0], "s", station=st(chart_of(app, "one")), snapshot_class="Fast SSD"
        ),
        "StationVolumeSnapshot 'one/s'",
        "snapshot_class",
        "Fast SSD",
        "",
        "'csi-aws-vsc'",
    ),
    (
        "storage class gets a class example",
        lambda app: st(charts(app)[0], storage=StationStorage(storage_class="GP3")),
        "StationDeployment 'one/station'",
        "storage.storage_class",
        "GP3",
        "",
        "'gp3'",
    ),
    (
        "secret variable example is not a managed variable",
        lambda app: st(charts(app)[0], secret_variables=["github-token"]),
        "StationDeployment 'one/station'",
        "secret_variables[]",
        "github-token",
        "",
        "'GITHUB_TOKEN'",
    ),
    (
        "egress port example is an egress port",
        lambda app: st(charts(app)[0], network_policy=egress(ports=[0])),
        "StationDeployment 'one/station'",
        "network_policy.egress.ports[]",
        0,
        "",
        "pass e.g. 443",
    ),
    (
        "missing ExternalSecret variable names remote_refs",
        lambda app: st(
            charts(app)[0],
            extra_providers=[AIProvider.ANTHROPIC],
            secret=eso(),
        ),
        "StationDeployment 'one/station'",
        "secret",
        ["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        "does not provide ANTHROPIC_API_KEY",
        "remote_refs={..., 'ANTHROPIC_API_KEY': RemoteRef('...')}",
    ),
    (
        "missing sealed variable names encrypted_data",
        lambda app: st(charts(app)[0], extra_providers=[AIProvider.GEMINI], secret=sealed_source()),
        "StationDeployment 'one/station'",
        "secret",
        ["OPENAI_API_KEY", "STATION_ENCRYPTION_KEY"],
        "does not provide GEMINI_API_KEY",
        "encrypted_data={..., 'GEMINI_API_KEY': '<kubeseal --raw output>'}",
    ),
    (
        "remote_refs as a list is 'must be a mapping'",
        lambda app: st(
            charts(app)[0],
            secret=ExternalSecretSource("vault", remote_refs=["OPENAI_API_KEY"]),  # type: ignore[arg-type]
        ),
        "StationDeployment 'one/station'",
        "secret.remote_refs",
        ["OPENAI_API_KEY"],
        "must be a mapping (dict), not a list",
        "pass a dict",
    ),
    (
        "encrypted_data as a list is 'must be a mapping'",
        lambda app: st(
            charts(app)[0],
            secret=SealedSecretSource([sealed(1)]),  # type: ignore[arg-type]
        ),
        "StationDeployment 'one/station'",
        "secret.encrypted_data",
        "list",
        "must be a mapping (dict)",
        "encrypted_data={'OPENAI_API_KEY'",
    ),
    (
        "managed body size names max_request_body",
        lambda app: ingress(
            charts(app)[0],
            authed(chart_of(app, "one"), "a", "a"),
            id="i",
            annotations={f"{_NGINX}proxy-body-size": "1g"},
        ),
        "StationIngress 'one/i'",
        f"annotations['{_NGINX}proxy-body-size']",
        "1g",
        "",
        "max_request_body=",
    ),
    (
        "restore without a claim to create shows the whole StationStorage",
        lambda app: st(
            charts(app)[0], storage=StationStorage(create=False, restore_from_snapshot="snap")
        ),
        "StationDeployment 'one/station'",
        "storage.restore_from_snapshot",
        "snap",
        "",
        "StationStorage(create=True, claim_name='station-data-restored'",
    ),
]

TABLES = {
    "1 cluster namespaces": CLUSTER_NAMESPACES,
    "2 sharing": SHARING,
    "3 secret material": SECRET_MATERIAL,
    "4 contradictions": CONTRADICTIONS,
    "5 network": NETWORK,
    "6 lifecycles": LIFECYCLES,
    "7 messages": MESSAGES,
}
ALL = [(f"{table}: {case[0]}", *case[1:]) for table, cases in TABLES.items() for case in cases]


@pytest.mark.parametrize(
    ("build", "where", "field", "value", "problem", "fix"),
    [c[1:] for c in ALL],
    ids=[c[0] for c in ALL],
)
def test_refused(
    build: Build,
    where: str,
    field: str,
    value: Any,
    problem: str | list[str],
    fix: str | list[str],
) -> None:
    assert_refused(
        lambda: build(cdk8s.Testing.app()),
        field=field,
        value=value,
        problem=problem,
        fix=fix,
        where=where,
    )


SECRET_VALUES = ["hunter2", SECRET, "sk-proj-" + "x" * 40, "AKIAIOSFODNN7EXAMPLE", "p4ss"]


@pytest.mark.parametrize(
    ("build", "field"),
    [(c[1], c[3]) for c in SECRET_MATERIAL],
    ids=[c[0] for c in SECRET_MATERIAL],
)
def test_secret_material_is_never_echoed(build: Build, field: str) -> None:
    error = assert_refused(lambda: build(cdk8s.Testing.app()), field=field)
    for value in SECRET_VALUES:
        assert value not in str(error)
        assert value not in repr(error.value)


# ---------------------------------------------------------------- what keeps working
def _egress_app(app: App) -> list[dict[str, Any]]:
    chart = charts(app)[0]
    station = st(
        chart,
        ai_base_url="http://10.0.0.7:8000/v1",
        otlp_endpoint="http://otel-collector.observability:4318",
        network_policy=egress(ports=[443], allow_dns=False),
    )
    LitestreamBackup(
        chart,
        "backup",
        station=station,
        replica=S3Replica.compatible("http://minio.minio.svc:9000", "backups"),
    )
    rules: list[dict[str, Any]] = find(synth(chart), "NetworkPolicy", "station")["spec"]["egress"]
    return rules


ACCEPTED: list[tuple[str, Build]] = [
    ("own namespace", lambda app: st(charts(app)[0], namespace="kubeflow")),
    (
        "kube-system without rendering it",
        lambda app: st(charts(app)[0], namespace="kube-system", create_namespace=False),
    ),
    (
        "default without rendering it",
        lambda app: st(charts(app)[0], namespace="default", create_namespace=False),
    ),
    (
        "same claim name in two namespaces",
        lambda app: [
            st(c, name="s", namespace=n, storage=StationStorage(claim_name="data", create=False))
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "same bucket, default paths",
        lambda app: [
            LitestreamBackup(
                c,
                "b",
                station=st(c, name=n, namespace=n),
                replica=S3Replica.aws("backups"),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "same path on two endpoints",
        lambda app: [
            LitestreamBackup(
                c,
                "b",
                station=st(c, name=n, namespace=n),
                replica=S3Replica.compatible(
                    f"http://{n}.example.com:9000", "backups", path="p/station.db"
                ),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "same host, different paths",
        lambda app: [
            ingress(c, authed(c, n, n), id="i", routes=[IngressRoute(StationPort.AGENT_MCP, p)])
            for c, n, p in zip(charts(app), ("a", "b"), ("/mcp", "/execute"), strict=True)
        ],
    ),
    (
        "same host and path on two ingress classes",
        lambda app: [
            ingress(c, authed(c, n, n), id="i", ingress_class_name=n)
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "one ExternalSecret shared by Station and Litestream",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "b",
            station=(
                s := st(
                    chart_of(app, "one"),
                    secret=eso(AWS_ACCESS_KEY_ID="i", AWS_SECRET_ACCESS_KEY="k"),
                )
            ),
            replica=S3Replica.aws("backups"),
            credentials=S3Credentials.from_secret(s.secret_source),
        ),
    ),
    (
        "two Ingresses sharing one wildcard certificate",
        lambda app: [
            ingress(
                c,
                authed(c, n, "web", create_namespace=n == "a"),
                id="i",
                host=f"{n}.example.com",
                tls=IngressTls.existing_secret("wildcard-tls"),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "two Stations reading one hand-made Secret",
        lambda app: [
            st(
                c,
                name=n,
                namespace="team",
                create_namespace=n == "a",
                secret=ExistingSecret("keys"),
            )
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "cluster-wide SealedSecret in two namespaces",
        lambda app: [
            st(c, name="s", namespace=n, secret=source)
            for source in [sealed_source(SealingScope.CLUSTER_WIDE)]
            for c, n in zip(charts(app), ("a", "b"), strict=True)
        ],
    ),
    (
        "harmless env names and values",
        lambda app: st(
            charts(app)[0],
            env={
                "PATH": "/usr/local/bin:/usr/bin",
                "PATTERN": "x",
                "DISPATCH_MODE": "fast",
                "WEBHOOKED": "no",
                "UPSTREAM": "https://api.example.com/v1",
                "TASK": "sk-short",
                "PWD": "/workspace",
                "SEARCH_URL": "https://search.example.com/q?page=2&region=eu",
            },
        ),
    ),
    (
        "backend-protocol HTTP, other nginx annotations",
        lambda app: ingress(
            charts(app)[0],
            authed(chart_of(app, "one"), "a", "a"),
            id="i",
            annotations={
                f"{_NGINX}backend-protocol": "HTTP",
                f"{_NGINX}whitelist-source-range": "10.0.0.0/8",
            },
        ),
    ),
    (
        "scrape annotations on the pod for Litestream's 9090",
        lambda app: st(
            charts(app)[0],
            annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
        ),
    ),
    (
        "AppArmor unconfined where the namespace is not rendered",
        lambda app: st(
            charts(app)[0],
            create_namespace=False,
            annotations={"container.apparmor.security.beta.kubernetes.io/station": "unconfined"},
        ),
    ),
    (
        "AWS key renames on a Station's own source for Litestream",
        lambda app: LitestreamBackup(
            charts(app)[0],
            "b",
            station=(
                s := st(
                    chart_of(app, "one"),
                    secret=ExistingSecret(
                        key_names={"AWS_ACCESS_KEY_ID": "id", "OPENAI_API_KEY": "o"}
                    ),
                )
            ),
            replica=S3Replica.aws("backups"),
            credentials=S3Credentials.from_secret(s.secret_source),
        ),
    ),
    ("egress derived", _egress_app),
    (
        "another provider's model through a gateway",
        lambda app: st(
            charts(app)[0], model="claude-sonnet-4-5", ai_base_url="https://llm.internal/v1"
        ),
    ),
    (
        "nginx controller on a class of its own",
        lambda app: ingress(
            charts(app)[0],
            authed(chart_of(app, "one"), "a", "a"),
            id="i",
            ingress_class_name="nginx-internal",
        ),
    ),
    (
        "Station proxied through an egress proxy namespace",
        lambda app: st(
            charts(app)[0],
            ai_base_url="https://llm.example.com/v1",
            env={"HTTPS_PROXY": "http://proxy.proxy:3128"},
            network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["proxy"])),
        ),
    ),
    (
        "ServiceMonitor with () when Litestream admits Prometheus",
        lambda app: LitestreamServiceMonitor(
            charts(app)[0],
            "m",
            station=LitestreamBackup(
                chart_of(app, "one"),
                "b",
                station=st(chart_of(app, "one")),
                replica=S3Replica.aws("backups"),
                metrics=LitestreamMetrics.served(namespaces=["monitoring"]),
            ).station,
            prometheus_namespaces=(),
        ),
    ),
    (
        "snapshot of a restored claim under a new name",
        lambda app: StationVolumeSnapshot(
            charts(app)[0],
            "s",
            station=st(
                chart_of(app, "one"),
                storage=StationStorage(claim_name="r", restore_from_snapshot="old-snapshot"),
            ),
            snapshot_class="csi",
            name="r-2026-02-01",
        ),
    ),
    ("subclass adds its own attribute", lambda app: setattr(st(charts(app)[0]), "team", "ai")),
]


@pytest.mark.parametrize("build", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_accepted(build: Build) -> None:
    app = cdk8s.Testing.app()
    build(app)
    app.synth_yaml()


def test_egress_rules_derived_from_the_apps_own_configuration() -> None:
    rules = _egress_app(cdk8s.Testing.app())
    assert {
        "ports": [{"port": 8000, "protocol": "TCP"}],
        "to": [{"ipBlock": {"cidr": "10.0.0.7/32"}}],
    } in rules
    namespaces = [
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in rules
        for peer in rule.get("to", [])
        if "namespaceSelector" in peer
    ]
    # the OTLP collector's and MinIO's namespaces (any port: the Service's target port is
    # not known), and cluster DNS (allow_dns=False, but host names must resolve)
    assert namespaces == ["observability", "kube-system", "minio"]
    dns = next(
        r
        for r in rules
        if r.get("to")
        == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]
    )
    assert dns["ports"] == [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]


def test_no_egress_rules_are_added_while_egress_is_open() -> None:
    app = cdk8s.Testing.app()
    chart = charts(app)[0]
    station = st(chart, otlp_endpoint="http://otel.example.com:4318")
    litestream(chart, station, "b", bucket="backups")
    policy = find(synth(chart), "NetworkPolicy", "station")
    assert "egress" not in policy["spec"]
    assert policy["spec"]["policyTypes"] == ["Ingress"]


def test_grace_period_is_still_raised_internally() -> None:
    app = cdk8s.Testing.app()
    chart = charts(app)[0]
    station = st(chart)
    litestream(chart, station, "b", bucket="backups")
    assert station.termination_grace_period_seconds == 45


def test_case_counts() -> None:
    """The tables cover every class of the issue with several configurations each."""
    assert {name: len(cases) >= 5 for name, cases in TABLES.items()} == dict.fromkeys(TABLES, True)


def test_allow_egress_to_is_public_and_checked() -> None:
    app = cdk8s.Testing.app()
    chart = charts(app)[0]
    station = st(chart, network_policy=NetworkPolicyOptions(egress=EgressRules(namespaces=["p"])))
    assert station.network_policy is not None
    station.network_policy.allow_egress_to("http://10.1.2.3:8080")
    rules = find(synth(chart), "NetworkPolicy", "station")["spec"]["egress"]
    assert {
        "ports": [{"port": 8080, "protocol": "TCP"}],
        "to": [{"ipBlock": {"cidr": "10.1.2.3/32"}}],
    } in rules
    policy = station.network_policy
    assert_refused(
        lambda: policy.allow_egress_to("https://api.example.com/"),
        field="url",
        value="https://api.example.com/",
        problem="api.example.com is outside the cluster",
        where="StationDeployment 'one/station'",
    )
    assert_refused(
        lambda: policy.allow_egress_to("minio:9000"),
        field="url",
        value="minio:9000",
        problem="must be an http",
        where="StationDeployment 'one/station'",
    )
