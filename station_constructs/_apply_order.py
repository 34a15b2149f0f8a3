"""In which order, and with which command, the files of an App are applied for one Station.

``next_steps`` prints this as its first step. Each Chart is its own file; a Station's steps
name only the files it needs, first to last:

1. what is not in the manifests but must exist before them: an edge policy the Station's
   routes rely on (``EnvoySecurityPolicy``...: the route is open until it exists), and the
   operators whose custom resources the files hold (their CRDs, or the apply fails);
2. the Charts that hold no Station (a shared Gateway, your own prerequisites);
3. the Station's ``data_chart`` (the Namespace, the claim, the key Secret's source), never
   pruned;
4. the Station's own Chart: with a ``data_chart``, through an ApplySet that prunes what was
   removed from the app (KEP-3659), since nothing that keeps the data is in that set.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

from ._k8s import Chart, cdk8s

if TYPE_CHECKING:
    from .station import StationDeployment

__all__ = ["apply_steps", "applyset_name"]


def applyset_name(station: StationDeployment) -> str:
    """The ApplySet parent of a Station's file: a ConfigMap in the Station's namespace."""
    return f"configmaps/{station.name}-applyset"


def apply_steps(station: StationDeployment, outdir: str) -> list[str]:
    """The lines of ``next_steps``' first step for ``station`` (see the module docstring)."""
    app = station.node.root
    charts = list(app.charts) if isinstance(app, cdk8s.App) else []
    own = Chart.of(station)
    data = _data_chart(station)
    shared = [c for c in charts if c is not own and c is not data and not _holds_a_station(c)]
    mine = [*shared, *([data] if data is not None else []), own]
    lines = ["1. Apply, in this order, each file on its own:"]
    lines += [f"   {line}" for line in _outside_the_manifests(station, mine)]
    for chart in shared:
        lines.append(f"   kubectl apply -f {_file(chart, outdir)}   # no Station: prerequisites")
    if data is None:
        lines.append(f"   kubectl apply -f {_file(own, outdir)}")
        lines.append("   (to prune what you later remove from the app: data_chart= and an")
        lines.append("   ApplySet, see docs/day-2.md#pruning)")
        return lines
    lines.append(
        f"   kubectl apply -f {_file(data, outdir)}   # Namespace, claim, key Secret: never pruned"
    )
    shared_with = _not_prunable(station, own)
    if shared_with:
        lines.append(f"   kubectl apply -f {_file(own, outdir)}")
        lines.append(f"   (not pruned: its Chart also holds {shared_with}, which one ApplySet in")
        lines.append(
            f"   namespace {station.namespace} cannot own; give the Station a Chart of its"
        )
        lines.append("   own to prune it, see docs/day-2.md#pruning)")
        return lines
    lines.append(
        f"   KUBECTL_APPLYSET=true kubectl apply -n {station.namespace} --prune "
        f"--applyset={applyset_name(station)} -f {_file(own, outdir)}"
    )
    return lines


def _not_prunable(station: StationDeployment, own: Chart) -> str:
    """What in the Station's Chart keeps one namespaced ApplySet from owning it ('' if none).

    ``kubectl apply -n NS --prune --applyset`` refuses objects of another namespace, and two
    Stations' ApplySets would each claim the other's objects.
    """
    if any(c is not station and _is_station(c) for c in own.node.find_all()):
        return "another Station"
    for obj in own.api_objects:
        namespace = obj.metadata.namespace
        if namespace is not None and namespace != station.namespace:
            return f"objects in namespace {namespace}"
    return ""


def _is_station(construct: object) -> bool:
    from .station import StationDeployment

    return isinstance(construct, StationDeployment)


def _data_chart(station: StationDeployment) -> Chart | None:
    return station.data_chart


def _holds_a_station(chart: Chart) -> bool:
    from .station import StationDeployment

    return any(isinstance(c, StationDeployment) for c in chart.node.find_all())


def _file(chart: Chart, outdir: str) -> str:
    """The file cdk8s wrote ``chart`` to.

    ``0000-name.k8s.yaml`` when the App's Charts depend on each other.
    """
    app = chart.node.root
    extension = getattr(app, "output_file_extension", None) or ".k8s.yaml"
    label = cdk8s.Names.to_dns_label(chart)
    plain = f"{label}{extension}"
    if not os.path.exists(os.path.join(outdir, plain)) and os.path.isdir(outdir):
        numbered = sorted(n for n in os.listdir(outdir) if n.endswith(f"-{plain}"))
        if numbered:
            plain = numbered[0]
    return f"{outdir}/{plain}"


def _outside_the_manifests(station: StationDeployment, charts: list[Chart]) -> list[str]:
    """Edge policies the Station's routes rely on, and the operators its files need."""
    found: list[str] = []
    kinds: set[str] = set()
    for chart in charts:
        for construct in chart.node.find_all():
            kinds.add(_custom_kind(construct))
            found += _edge_policy(construct, station)
    for kind, operator in _OPERATORS:
        if kind in kinds:
            found.append(f"# {kind} needs {operator} installed (its CRDs) before any apply")
    return found


def _loaded(module: str) -> ModuleType | None:
    """The package's ``module`` if something imported it, else ``None``.

    No object of a class the module defines exists before it is imported, so the checks here
    never import it: a default app loads no CRD binding and no Gateway API module.
    """
    return sys.modules.get(f"{__package__}.{module}")


def _edge_policy(construct: object, station: StationDeployment) -> list[str]:
    """The edge policy ``construct``, a route of ``station``, relies on (none for others)."""
    if _loaded("_gateway_route") is None:
        return []
    from ._gateway_route import StationGatewayRoute

    if isinstance(construct, StationGatewayRoute) and construct.station is station:
        auth = construct.edge_auth
        first = None if auth is None else auth.apply_first(station.namespace)
        if first is not None:
            return [first]
    return []


def _custom_kind(construct: object) -> str:
    """The kind of a typed custom object (``''`` for anything else)."""
    for module, name, kind in _CUSTOM_KINDS:
        binding = _loaded(module)
        if binding is not None and isinstance(construct, getattr(binding, name)):
            return kind
    return ""


#: The typed custom objects the library creates: (binding module, class, kind).
_CUSTOM_KINDS = (
    ("_imports.io.external_secrets", "ExternalSecret", "ExternalSecret"),
    ("_imports.com.bitnami", "SealedSecret", "SealedSecret"),
    ("_imports.com.coreos.monitoring", "ServiceMonitor", "ServiceMonitor"),
    ("_imports.com.coreos.monitoring", "PrometheusRule", "PrometheusRule"),
    ("_imports.io.k8s.networking.gateway", "Gateway", "Gateway"),
    ("_imports.io.k8s.networking.gateway", "HttpRoute", "HTTPRoute"),
    ("_imports.io.k8s.storage.snapshot", "VolumeSnapshot", "VolumeSnapshot"),
)

_OPERATORS = (
    ("ExternalSecret", "the External Secrets Operator (and the SecretStore it names)"),
    ("SealedSecret", "the Sealed Secrets controller"),
    ("ServiceMonitor", "prometheus-operator"),
    ("PrometheusRule", "prometheus-operator"),
    ("Gateway", "a Gateway API implementation"),
    ("HTTPRoute", "the Gateway API CRDs (standard channel)"),
    ("VolumeSnapshot", "the CSI snapshot controller"),
)
