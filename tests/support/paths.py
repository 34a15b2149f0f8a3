"""Where the repository and the read-only shared reference material live."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("STATION_SHARED_DIR", REPO.parent / "shared")).resolve()
REFERENCE_DIR = SHARED / "reference" / "station-k8s"
CRD_DIR = SHARED / "crds"
GOLDEN_DIR = REPO / "tests" / "golden"
