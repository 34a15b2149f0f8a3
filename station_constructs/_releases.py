"""What each supported Station release does, as data: read at its own release tag.

Every runtime fact the guards rely on differs between releases (docs/station-facts.md,
"Releases"). One :class:`ReleaseFacts` per release tag that was read line by line at that
tag, plus :data:`CONSERVATIVE`: the model for an image whose release is not known (a digest,
an unknown tag, an image built with ``stn build env``), which assumes the worst of every
supported release. The who-can-call-what table is built from these facts
(``_access_table.endpoints_of``). Plain data: no cdk8s, no other module of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CONSERVATIVE",
    "DEFAULT_RELEASE",
    "KNOWN",
    "ReleaseFacts",
    "V0_23_0",
    "V0_25_0",
    "version_of",
]

_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


def version_of(tag: str) -> tuple[int, int, int] | None:
    """``(0, 25, 0)`` for a release tag such as ``v0.25.0``; ``None`` for any other text."""
    match = _TAG.fullmatch(tag)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


@dataclass(frozen=True)
class ReleaseFacts:
    """What one Station release does at runtime, where it matters to the guards.

    Args:
        tag: The release tag (``v0.25.0``), or ``unknown`` for the conservative model.
        commit: The commit the tag points at (what was read), or ``""``.
        providers: The ``STN_AI_PROVIDER`` values ``stn serve`` starts with.
        default_openai_model: The model Station uses for OpenAI without ``model=``.
        agent_mcp_catch_all: Every 8587 path no other handler matches is the agent MCP
            (``mux.Handle("/", ...)``), so routes near ``/health`` or ``/execute`` reach it.
        agent_mcp_paths: The paths registered on 8587 for the agent MCP itself.
        webhook_paths: The webhook paths registered on 8587 (run agents as an admin).
        public_paths: The 8587 paths served to anyone by design (health, API description).
        webhooks_open_without_key: With local mode off and no ``STN_WEBHOOK_API_KEY``,
            the webhooks serve anyone as an admin (``True``) or reject everyone (``False``).
        nats_port: The embedded NATS server's port (``None``: a random one at each start).
        sources: Where each fact was read, as ``file:line`` at the tag, by fact name.

    """

    tag: str
    commit: str
    providers: tuple[str, ...]
    default_openai_model: str
    agent_mcp_catch_all: bool
    agent_mcp_paths: tuple[str, ...]
    webhook_paths: tuple[str, ...]
    public_paths: tuple[str, ...]
    webhooks_open_without_key: bool
    nats_port: int | None
    sources: tuple[tuple[str, str], ...]

    @property
    def known(self) -> bool:
        """Whether this release was read at its tag (``False``: the conservative model)."""
        return bool(self.commit)

    def source(self, fact: str) -> str:
        """Where ``fact`` was read at this release's tag (``''`` if not recorded)."""
        return dict(self.sources).get(fact, "")


V0_23_0 = ReleaseFacts(
    tag="v0.23.0",
    commit="11ee478d53da7a0379f8f9ecae87b259fa64dc1d",
    providers=("openai", "gemini"),
    default_openai_model="gpt-5-mini",
    agent_mcp_catch_all=True,
    agent_mcp_paths=("/mcp",),
    webhook_paths=("/execute", "/workflow-approvals/"),
    public_paths=("/health",),
    webhooks_open_without_key=False,
    nats_port=None,
    sources=(
        ("routing", "internal/mcp_agents/server.go:128-139"),
        ("webhooks", "internal/mcp_agents/server.go:451-500 (authenticateWebhookRequest)"),
        ("oauth-wrapper", "internal/mcp_agents/server.go:144-146, 542-575"),
        ("oauth-admin", "internal/api/v1/base.go:558-574 (requireAdminInServerMode)"),
        ("providers", "cmd/main/server.go:78"),
        ("default-model", "internal/config/config.go:814-831 (getAIModelDefault)"),
        ("nats", "internal/workflows/runtime/nats_engine.go:39 (Port: -1)"),
        ("webhook-key", "internal/config/config.go:251, 329"),
        ("telemetry", "internal/config/config.go:317, 344"),
        ("cors", "internal/api/api.go:153"),
        ("api-public", "internal/api/v1/base.go:417-419; internal/api/api.go:167-179, 358"),
    ),
)

V0_25_0 = ReleaseFacts(
    tag="v0.25.0",
    commit="231f4ce832a3ae2e88a9e98e0bf340da2fcc0e7f",
    providers=("openai", "gemini", "anthropic"),
    default_openai_model="gpt-4o-mini",
    agent_mcp_catch_all=False,
    agent_mcp_paths=("/mcp",),
    webhook_paths=("/execute", "/runs/", "/workflow-runs", "/workflow-approvals/"),
    public_paths=("/health", "/openapi.yaml"),
    webhooks_open_without_key=True,
    nats_port=4222,
    sources=(
        ("routing", "internal/mcp_agents/server.go:135-144"),
        ("webhooks", "internal/mcp_agents/server.go:717-744 (authenticateWebhookRequest)"),
        ("oauth-wrapper", "internal/mcp_agents/server.go:149-151, 788-840"),
        ("oauth-admin", "internal/api/v1/base.go:693-709 (requireAdminInServerMode)"),
        ("providers", "cmd/main/server.go:53-109"),
        ("default-model", "internal/config/config.go:1694-1716 (getAIModelDefault)"),
        ("nats", "internal/config/config.go:744; internal/workflows/runtime/options.go:32"),
        ("webhook-key", "internal/config/config.go:557, 700"),
        ("telemetry", "internal/config/config.go:688, 759, 1236-1270"),
        ("cors", "internal/api/api.go:176"),
        ("api-public", "internal/api/v1/base.go:534-536; internal/api/api.go:190-202, 381"),
    ),
)

#: An image whose release is not known: the worst of every supported release. Every 8587
#: path may reach the agent MCP, every webhook path of any release is served, the webhooks
#: may be open without a key, and only the providers every release accepts start.
CONSERVATIVE = ReleaseFacts(
    tag="unknown",
    commit="",
    providers=tuple(p for p in V0_23_0.providers if p in V0_25_0.providers),
    default_openai_model="(depends on the release)",
    agent_mcp_catch_all=True,
    agent_mcp_paths=("/mcp",),
    webhook_paths=V0_25_0.webhook_paths,
    public_paths=(),
    webhooks_open_without_key=True,
    nats_port=4222,
    sources=(),
)

#: The releases read at their tags, by tag.
KNOWN: dict[str, ReleaseFacts] = {r.tag: r for r in (V0_23_0, V0_25_0)}

#: The release of the default image: the newest tag read.
DEFAULT_RELEASE = V0_25_0
