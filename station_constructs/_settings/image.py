"""The Station image: a pinned reference, its pull policy and pull secrets.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._errors import _Guard
from .._validate import ImageReference, dns_subdomain, image_reference, one_of
from ..releases import StationRelease, release_for_image
from .station import ImagePullPolicy


@dataclass(frozen=True)
class ImageSettings:
    """The parsed image, as given, with its pull policy and pull secrets."""

    image_ref: ImageReference
    image: str
    pull_policy: ImagePullPolicy
    pull_secrets: list[str]
    release: StationRelease


def resolve_image(
    guard: _Guard,
    *,
    image: str,
    allow_unpinned: bool,
    station_release: str | None,
    pull_policy: ImagePullPolicy,
    pull_secrets: Sequence[str],
    secret_name: str,
) -> ImageSettings:
    """Refuse unpinned images (unless allowed) and the keys' Secret as a pull secret.

    The image's release (``station_constructs.releases``) is resolved here too: every later
    guard applies that release's rules.
    """
    image_ref = image_reference(
        guard, "image", image, allow_unpinned=allow_unpinned, offer_override=True
    )
    release = release_for_image(guard, image_ref, station_release)
    one_of(guard, "image_pull_policy", pull_policy, ImagePullPolicy)
    checked = [dns_subdomain(guard, "image_pull_secrets[]", s) for s in pull_secrets]
    if secret_name in checked:
        raise guard.fail(
            "image_pull_secrets",
            checked,
            f"names '{secret_name}', the Secret holding Station's API keys; an image "
            "pull secret must be a kubernetes.io/dockerconfigjson Secret, so every pull "
            "would fail",
            "create a registry Secret of its own (kubectl create secret docker-registry "
            "regcred ...) and pass image_pull_secrets=['regcred']",
        )
    return ImageSettings(image_ref, image, pull_policy, checked, release)
