"""The TLS Secret of a route (StationIngress) or a listener (StationGateway), checked once."""

from __future__ import annotations

from ._errors import _Guard
from ._routing import IngressTls, TlsIssuerKind
from ._validate import dns_subdomain, one_of

__all__ = ["tls_secret_name"]


def tls_secret_name(
    guard: _Guard,
    tls: IngressTls | None,
    *,
    owner: str,
    owner_name: str,
    keys_secret: str | None,
    unnamed: str = "",
) -> str | None:
    """The Secret holding the certificate (``None`` without TLS); raises on bad ``tls``.

    ``owner`` names the object in messages (``ingress``, ``gateway``), ``owner_name`` gives
    the default Secret ``<owner_name>-tls``, ``keys_secret`` is the Station's key Secret (never
    a certificate), and ``unnamed`` completes the message when neither issuer nor Secret is given.
    """
    if tls is None:
        return None
    if not isinstance(tls, IngressTls):
        raise guard.fail(
            "tls",
            tls,
            "must be an IngressTls or None",
            "pass tls=IngressTls.cert_manager('letsencrypt-prod') or "
            "IngressTls.existing_secret('station-tls')",
        )
    if tls.issuer is None and tls.secret_name is None:
        raise guard.fail(
            "tls",
            tls,
            "requests TLS but names neither a cert-manager issuer nor an existing TLS "
            f"Secret{unnamed}",
            "pass tls=IngressTls.cert_manager('letsencrypt-prod') or "
            "IngressTls.existing_secret('station-tls'), or tls=None for plain HTTP",
        )
    if tls.issuer is not None:
        dns_subdomain(guard, "tls.issuer", tls.issuer)
        one_of(guard, "tls.issuer_kind", tls.issuer_kind, TlsIssuerKind)
    secret = dns_subdomain(guard, "tls.secret_name", tls.secret_name or f"{owner_name}-tls")
    if secret == keys_secret:
        raise guard.fail(
            "tls.secret_name",
            secret,
            "is the Secret holding Station's API keys; cert-manager would overwrite it "
            "with a certificate",
            f"use a Secret of its own, e.g. the default '<{owner} name>-tls'",
        )
    return secret
