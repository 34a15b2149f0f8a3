"""The Station's pod as attached constructs add to it: :class:`StationPod` (``station.pod``).

See docs/composing.md, "Adding to the Station's pod".
"""

from __future__ import annotations

from ._render.pod import StationPod

__all__ = ["StationPod"]
