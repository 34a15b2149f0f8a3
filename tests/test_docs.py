"""The documentation stays true: set-up commands, generated parameter tables, docstrings."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import station_constructs
from tests.support.paths import REPO


def test_readme_opens_with_the_two_setup_commands() -> None:
    text = (REPO / "README.md").read_text()
    first_block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["./dev.sh synth", "./dev.sh test"]
    assert text.index("```bash") < text.index("\n## ")


def test_ci_runs_the_readme_test_command_in_a_fresh_clone() -> None:
    script = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^\./dev\.sh test$", script, re.MULTILINE)
    # ... in a clone made in an empty temporary folder, so nothing beside the checkout helps.
    clone = script.index("git clone")
    assert script.index("mktemp -d") < clone < script.index('cd "$work/')
    assert clone < script.index("./dev.sh test")


def test_parameter_tables_are_generated_and_current() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/params_table.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_every_public_name_has_a_docstring() -> None:
    undocumented = []
    for name in station_constructs.__all__:
        obj = getattr(station_constructs, name)
        if not inspect.isclass(obj) and not callable(obj):
            continue
        if not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj) and obj.__module__.startswith("station_constructs"):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if (inspect.isfunction(member) or isinstance(member, property)) and not (
                    member.__doc__ or ""
                ).strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []


def test_synth_command_never_reaches_for_the_network() -> None:
    # `cdk8s synth` checks npm for a newer CLI by default; offline that prints an error.
    script = (REPO / "dev.sh").read_text()
    assert "cdk8s synth --no-check-upgrade" in script


def markdown_files() -> list[Path]:
    """The README and every page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def check_mermaid(files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Mermaid's own parser (npm ``mermaid``, pinned) over every ```mermaid block of ``files``."""
    tools = REPO / "tests" / "node"
    assert (tools / "node_modules" / "mermaid").is_dir(), (
        "tests/node/node_modules/mermaid missing: run ./dev.sh setup"
    )
    return subprocess.run(
        ["node", str(tools / "check-mermaid.mjs"), *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_mermaid_diagram_parses() -> None:
    done = check_mermaid(markdown_files())
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_mermaid_check_rejects_a_broken_diagram(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```mermaid\nflowchart LR\n  a[Ingress] --> b[Service]\n```\n\n"
        "```mermaid\nflowchart LR\n  a[Ingress --> b\n```\n"
    )
    done = check_mermaid([page])
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1
    assert results[0] == {"file": str(page), "line": 1, "type": "flowchart-v2"}  # the fence
    assert results[1]["line"] == 6 and "Parse error" in results[1]["error"]


# ------------------------------------------------------------------ pages, links, diagrams
DOCS = REPO / "docs"
FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*$", re.MULTILINE)
LINK = re.compile(r"\]\(([^()\s]+)(?:[ \t]+\"[^\"]*\")?\)")
#: Pages that do not open with an app: the index, the generated reference, Station's facts,
#: and the two that open with the commands a reader runs instead.
NO_OPENING_APP = {
    "README.md",
    "parameters.md",
    "station-facts.md",
    "troubleshooting.md",
    "performance.md",
}


def prose(text: str) -> str:
    """``text`` without fenced blocks and inline code (line numbers kept)."""
    text = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return INLINE_CODE.sub("", text)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: markup dropped, lower case, punctuation removed,
    spaces to hyphens (``State on the volume`` -> ``state-on-the-volume``)."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading anchor of ``page``; repeated headings get ``-1``, ``-2``... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(FENCE.sub("", page.read_text())):
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(page: Path) -> list[str]:
    """Relative links of ``page`` whose file does not exist or whose #anchor is no heading."""
    text = prose(page.read_text())
    broken = []
    for match in LINK.finditer(text):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        name = page.relative_to(REPO) if page.is_relative_to(REPO) else page.name
        where = f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {target}"
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and (resolved.suffix != ".md" or anchor not in anchors(resolved)):
            broken.append(f"{where} (no such heading)")
    return broken


def test_github_slugs() -> None:
    assert github_slug("State on the volume") == "state-on-the-volume"
    assert github_slug("`StationIngress` refuses") == "stationingress-refuses"
    assert github_slug("Placement, identity and sidecars") == "placement-identity-and-sidecars"
    assert github_slug("Metrics, checkpoints, k3s") == "metrics-checkpoints-k3s"
    assert github_slug("Upgrades and takeover: from the hand-written manifests") == (
        "upgrades-and-takeover-from-the-hand-written-manifests"
    )


def test_every_relative_link_and_anchor_resolves() -> None:
    broken = [b for page in markdown_files() for b in broken_links(page)]
    assert broken == []


def test_the_link_check_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "page.md"
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## A heading, here\n")
    page.write_text(
        "# Page\n\n[ok](other.md#a-heading-here) [ok](#page) [web](https://example.com)\n"
        "`[not a link](nowhere.md)`\n\n```\n[not a link](nowhere.md)\n```\n"
        "[gone](missing.md) [bad anchor](other.md#a-heading) [bad](#nope)\n"
    )
    assert [b.split(": ", 1)[1] for b in broken_links(page)] == [
        "missing.md (no such file)",
        "other.md#a-heading (no such heading)",
        "#nope (no such heading)",
    ]


def test_every_page_is_listed_in_the_index_and_the_index_in_the_readme() -> None:
    index = (DOCS / "README.md").read_text()
    pages = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")
    assert [p for p in pages if f"]({p})" not in index] == []
    assert "](docs/README.md)" in (REPO / "README.md").read_text()


def test_the_readme_is_short_and_links_every_page() -> None:
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 300
    pages = sorted(p.name for p in DOCS.glob("*.md") if p.name not in {"README.md"})
    assert [p for p in pages if f"](docs/{p}" not in text] == []


def test_the_differences_and_upgrade_notes_are_linked_from_the_readme_top() -> None:
    text = (REPO / "README.md").read_text()
    top = text[: text.index("\n## ", text.index("\n## ") + 1)]  # up to the second section
    assert "](docs/upgrades.md#differences-from-the-hand-written-manifests)" in top
    assert "](docs/upgrades.md#upgrade-notes)" in top


def test_every_capability_page_opens_with_a_whole_app() -> None:
    fenced = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
    wrong = []
    for page in sorted(DOCS.glob("*.md")):
        if page.name in NO_OPENING_APP:
            continue
        first = fenced.search(page.read_text())
        if not first or first.group(1) != "python" or "app.synth()" not in first.group(2):
            wrong.append(page.name)
    assert wrong == []


def test_the_deployment_and_restore_diagrams_parse() -> None:
    pages = [REPO / "README.md", DOCS / "backup-and-restore.md"]
    done = check_mermaid(pages)
    assert done.returncode == 0, done.stdout + done.stderr
    parsed = [json.loads(line) for line in done.stdout.splitlines()]
    assert {Path(d["file"]).name for d in parsed if d.get("type")} == {
        "README.md",
        "backup-and-restore.md",
    }


def test_the_architecture_layout_lists_every_module_and_nothing_else() -> None:
    """docs/architecture.md has one row per module of the package: a newcomer finds every
    file there, and a renamed or removed module cannot linger in the table."""
    text = (DOCS / "architecture.md").read_text()
    layout = text[text.index("## Layout") : text.index("## Composing")]
    listed = re.findall(r"^\| `([\w/]+\.py)` \|", layout, re.MULTILINE)
    package = REPO / "station_constructs"
    modules = sorted(
        str(p.relative_to(package)) for p in package.rglob("*.py") if "_imports" not in p.parts
    )
    assert sorted(listed) == modules
    assert len(listed) == len(set(listed)), "a module is listed twice"
