"""The Station releases this library knows, and which one an image runs.

Station's behaviour differs between releases in ways the guards depend on (which 8587 paths
reach the agent MCP, whether the webhooks are open without a key, which providers start):
``docs/station-facts.md``, "Releases". Each supported release was read at its own tag; the
image's tag selects it. An image whose release cannot be read from its reference (a digest
alone, an unknown tag, an image built with ``stn build env``) gets the conservative model
unless ``StationDeployment(station_release=...)`` states it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ._access_match import covered, table, verdicts
from ._access_table import AuthSettings, Endpoint, Verdict
from ._errors import _Guard
from ._releases import CONSERVATIVE, DEFAULT_RELEASE, KNOWN, ReleaseFacts, version_of
from ._validate_images import ImageReference

# release_for_image takes the library's own guard and image reference: the Station calls it.
__all__ = ["RELEASES", "StationRelease"]

#: Where the release images are published; only its tags name a release.
OFFICIAL_REPOSITORY = "ghcr.io/cloudshipai/station"


@dataclass(frozen=True)
class StationRelease:
    """One Station release as the guards see it: its facts and its who-can-call-what table.

    Read from :data:`RELEASES` (or ``station.release``); the library makes one per release
    from what it read at the release's tag.
    """

    _facts: ReleaseFacts

    @property
    def tag(self) -> str:
        """The release tag, e.g. ``v0.25.0`` (``unknown`` for the conservative model)."""
        return self._facts.tag

    @property
    def commit(self) -> str:
        """The commit the tag points at (``''`` for the conservative model)."""
        return self._facts.commit

    @property
    def known(self) -> bool:
        """Whether the release was read at its tag."""
        return self._facts.known

    @property
    def providers(self) -> tuple[str, ...]:
        """The ``STN_AI_PROVIDER`` values ``stn serve`` of this release starts with."""
        return self._facts.providers

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The release's who-can-call-what table."""
        return table(self.tag)

    def verdicts(self, settings: AuthSettings) -> dict[str, Verdict]:
        """Every endpoint's verdict (by key) under ``settings``, by this release's rules."""
        return verdicts(replace(settings, release=self.tag))

    def covered(self, port: str, path: str = "/", *, exact: bool = False) -> tuple[Endpoint, ...]:
        """The endpoints of this release a route of ``path`` to ``port`` reaches."""
        return covered(port, path, exact=exact, release=self.tag)


#: The releases read at their tags, by tag; ``unknown`` is the conservative model.
RELEASES: dict[str, StationRelease] = {
    **{tag: StationRelease(facts) for tag, facts in KNOWN.items()},
    CONSERVATIVE.tag: StationRelease(CONSERVATIVE),
}

#: The release of :data:`~station_constructs.DEFAULT_IMAGE`.
DEFAULT = RELEASES[DEFAULT_RELEASE.tag]


def _named_release(ref: ImageReference) -> str | None:
    """The release an official image's tag names, or ``None``."""
    repository = f"{ref.registry}/{ref.path}" if ref.registry else ref.path
    if repository != OFFICIAL_REPOSITORY or ref.tag is None:
        return None
    return ref.tag


def _patch_of(named: str, stated: str) -> bool:
    """``named`` is a later patch of ``stated`` (v0.25.1 of v0.25.0), never a newer minor."""
    tag, release = version_of(named), version_of(stated)
    return tag is not None and release is not None and tag[:2] == release[:2] and tag >= release


def release_for_image(guard: _Guard, ref: ImageReference, stated: str | None) -> StationRelease:
    """The release ``ref`` runs: its official tag, else ``stated``, else the conservative model.

    Refuses a stated release the library does not know, and one that contradicts the
    official image's tag: an official tag the library has not read may be stated only as an
    earlier release of its own minor series (v0.25.1 as v0.25.0), at the user's word.
    """
    named = _named_release(ref)
    if stated is not None:
        if not isinstance(stated, str) or stated not in KNOWN:
            raise guard.fail(
                "station_release",
                stated,
                f"is not a release this library knows ({', '.join(KNOWN)})",
                "state the release the image was built from, or leave it out to get the "
                "conservative model",
            )
        if named is not None and named != stated and not _patch_of(named, stated):
            raise guard.fail(
                "station_release",
                stated,
                f"contradicts the image's tag ({ref.text}): an official tag may be stated only "
                "as an earlier release of its own minor series",
                "leave station_release out (the conservative model applies to an unread tag)",
            )
        return RELEASES[stated]
    if named in KNOWN:
        return RELEASES[named]
    return RELEASES[CONSERVATIVE.tag]
