"""Container image references: ``[registry/]path[:tag][@digest]``, pinned unless allowed.

Re-exported by ``station_constructs._validate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._errors import StationConfigError, _Guard

__all__ = ["ImageReference", "image_reference"]

_IMAGE_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_IMAGE_DIGEST = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"
)
_REGISTRY = re.compile(r"^[A-Za-z0-9.-]+(:[0-9]+)?$|^\[[0-9a-fA-F:]+\](:[0-9]+)?$")


@dataclass(frozen=True)
class ImageReference:
    """A parsed container image reference: ``[registry/]path[:tag][@digest]``."""

    text: str
    registry: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def pinned(self) -> bool:
        """True when the reference names one immutable build (a digest or a non-latest tag)."""
        return self.digest is not None or (self.tag is not None and self.tag != "latest")


def image_reference(
    guard: _Guard,
    field: str,
    value: object,
    *,
    allow_unpinned: bool,
    offer_override: bool = False,
) -> ImageReference:
    """Parse an image reference and insist on a pinned version unless explicitly allowed.

    ``offer_override``: the construct has ``allow_unpinned_image`` (the Station), so the fix
    may suggest it; elsewhere an image must be pinned.
    """

    def bad() -> StationConfigError:
        return guard.fail(
            field,
            value,
            "is not a valid image reference ([registry/]name[:tag][@sha256:digest], lower-case "
            "name components)",
            "pass e.g. 'ghcr.io/cloudshipai/station:v0.25.0'",
        )

    if not isinstance(value, str) or not value or len(value) > 4096 or value != value.strip():
        raise bad()
    rest, _, digest = value.partition("@")
    if digest and not _IMAGE_DIGEST.fullmatch(digest):
        raise bad()
    registry: str | None = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        if not _REGISTRY.fullmatch(first):
            raise bad()
        registry, rest = first, remainder
    last_slash = rest.rfind("/")
    name_part, colon, tag = rest[last_slash + 1 :].partition(":")
    path = rest[: last_slash + 1] + name_part
    if colon and not _IMAGE_TAG.fullmatch(tag):
        raise bad()
    if not path or not all(_IMAGE_PATH_COMPONENT.fullmatch(c) for c in path.split("/")):
        raise bad()
    ref = ImageReference(value, registry, path, tag or None, digest or None)
    if not ref.pinned and not allow_unpinned:
        fix = "pin a version tag or digest (e.g. ':1.2.3' or '@sha256:...')"
        if offer_override:
            fix = (
                "pin a version tag or digest (e.g. 'ghcr.io/cloudshipai/station:v0.25.0'), or "
                "pass allow_unpinned_image=True if you really want a moving tag"
            )
        raise guard.fail(
            field,
            value,
            "is not pinned: ':latest' or a missing tag changes under you on every pull, so a "
            "restart can silently change the version running against your data",
            fix,
        )
    return ref
