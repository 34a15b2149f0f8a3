"""AI providers and the variables the pod reads from the Secret.

Settings step (see ``docs/architecture.md``); plain Python, no cdk8s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._env import MANAGED_VARIABLES
from .._errors import _Guard
from .._validate import env_name, one_of
from .station import AIProvider

if TYPE_CHECKING:
    from ..releases import StationRelease
    from ..secrets import SecretSource


@dataclass(frozen=True)
class ProviderSettings:
    """The primary provider, every wired provider, and the Secret's variables."""

    provider: AIProvider
    providers: tuple[AIProvider, ...]
    secret_variables: tuple[str, ...]


def resolve_providers(  # noqa: PLR0913 - keyword-only, one per StationDeployment argument
    guard: _Guard,
    *,
    provider: AIProvider,
    extra_providers: Sequence[AIProvider],
    model: str | None,
    ai_base_url: str | None,
    bundle_id: str | None,
    cloudship: bool,
    webhook_api_key: bool,
    release: StationRelease,
    secret_variables: Sequence[str],
    secret_source: SecretSource,
) -> ProviderSettings:
    """Refuse duplicate providers, another provider's model, keys the Secret lacks."""
    one_of(guard, "provider", provider, AIProvider)
    for extra in extra_providers:
        one_of(guard, "extra_providers[]", extra, AIProvider)
    providers = [provider, *[p for p in extra_providers if p is not provider]]
    if len(set(providers)) != len(providers):
        raise guard.fail(
            "extra_providers",
            list(extra_providers),
            "lists a provider twice",
            "list each provider once",
        )
    if model is not None and ai_base_url is None:
        _refuse_other_providers_model(guard, provider, model)
    for field, chosen in (("provider", [provider]), ("extra_providers", providers[1:])):
        _refuse_unstarted(guard, release, field, chosen)
    variables = ["STATION_ENCRYPTION_KEY", *[p.key_variable for p in providers]]
    # The bundle is downloaded with the CloudShip key alone (CloudShip.bundle).
    if cloudship or bundle_id is not None:
        variables.append("STN_CLOUDSHIP_KEY")
    if webhook_api_key:
        variables.append("STN_WEBHOOK_API_KEY")
    for extra_var in secret_variables:
        env_name(guard, "secret_variables[]", extra_var)
        if extra_var in variables or extra_var in MANAGED_VARIABLES:
            raise guard.fail(
                "secret_variables",
                extra_var,
                "is already set by the construct",
                "pass auth=StationAuth.webhook_key() instead"
                if extra_var == "STN_WEBHOOK_API_KEY"
                else "remove it from secret_variables",
            )
        variables.append(extra_var)
    _check_secret_provides(guard, secret_source, variables)
    return ProviderSettings(provider, tuple(providers), tuple(variables))


def _refuse_unstarted(
    guard: _Guard, release: StationRelease, field: str, chosen: Sequence[AIProvider]
) -> None:
    """Refuse a provider the image's Station release does not start with (or never reads)."""
    for p in chosen:
        if p.value in release.providers:
            continue
        if release.known:
            problem = f"is not accepted by Station {release.tag}, the image's release"
            fix = "use a newer image (ghcr.io/cloudshipai/station:v0.25.0 accepts anthropic)"
        else:
            problem = "may not be accepted by the image's Station release, which is unknown"
            fix = "state the image's release with station_release= (e.g. 'v0.25.0')"
        raise guard.fail(
            field,
            p,
            f"{problem} (it starts with {', '.join(release.providers)}): "
            + ("stn serve exits at start" if field == "provider" else "its key is never read"),
            f"{fix}, or pick one of those providers",
        )


def _check_secret_provides(
    guard: _Guard, secret_source: SecretSource, variables: list[str]
) -> None:
    secret_source._check_shape(guard, "secret")
    provided = secret_source.provided_variables()
    if provided is not None:
        missing = [v for v in variables if v not in provided]
        if missing:
            raise guard.fail(
                "secret",
                sorted(provided),
                f"does not provide {', '.join(missing)}, which the selected providers/"
                "options require; the pod would fail with CreateContainerConfigError",
                f"{secret_source.add_hint(missing)}, or deselect the provider",
            )


# Model name prefixes that belong to one provider's API (only checked without ai_base_url:
# OpenAI-compatible gateways serve every provider's models under their own names).
_MODEL_PREFIXES = {
    AIProvider.OPENAI: ("gpt-", "o1", "o3", "o4", "chatgpt-"),
    AIProvider.ANTHROPIC: ("claude-",),
    AIProvider.GEMINI: ("gemini-",),
}


def _refuse_other_providers_model(guard: _Guard, provider: AIProvider, model: str) -> None:
    """Refuse a model name of another provider (``claude-...`` sent to OpenAI)."""
    for owner, prefixes in _MODEL_PREFIXES.items():
        if owner is not provider and model.lower().startswith(prefixes):
            raise guard.fail(
                "model",
                model,
                f"is a {owner.name.lower()} model, but provider={provider} sends it to "
                f"{provider.name.lower()}'s API, which answers every run with 'model not found'",
                f"pass provider=AIProvider.{owner.name}, or a {provider.name.lower()} model "
                "(or ai_base_url= of a gateway that serves it)",
            )
