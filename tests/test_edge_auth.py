"""The edge-authentication providers: each checks its own arguments when it is built.

What a provider contributes to a route (annotations, filters, refusals that depend on the
controller or implementation) is specified with the routes: tests/test_routes_shared.py,
tests/test_ingress.py, tests/test_gateway.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import station_constructs.auth
from station_constructs import (
    EdgeAuth,
    EnvoySecurityPolicy,
    IstioAuthorizationPolicy,
    NginxAuthUrl,
    NginxBasicAuth,
    TraefikMiddleware,
)
from tests.support.edge import OAUTH2_PROXY
from tests.support.refusals import assert_refused

PROVIDERS = (
    "NginxAuthUrl",
    "NginxBasicAuth",
    "TraefikMiddleware",
    "EnvoySecurityPolicy",
    "IstioAuthorizationPolicy",
)


@pytest.mark.parametrize(
    ("build", "field", "value", "problem"),
    [
        (lambda: NginxAuthUrl("not a url"), "auth_url", "not a url", "URL"),
        (
            lambda: NginxAuthUrl(OAUTH2_PROXY, signin_url="/oauth2/start"),
            "signin_url",
            "/oauth2/start",
            "http:// or https://",
        ),
        (
            lambda: NginxAuthUrl(OAUTH2_PROXY, response_headers=["X Bad"]),
            "response_headers[]",
            "X Bad",
            "HTTP header name",
        ),
        (
            lambda: NginxAuthUrl(OAUTH2_PROXY, response_headers="X-Email"),
            "response_headers",
            "X-Email",
            "",
        ),
        (lambda: NginxBasicAuth("Bad_Name"), "secret_name", "Bad_Name", "RFC 1123"),
        (lambda: NginxBasicAuth("users", realm='say "hi"'), "realm", 'say "hi"', "must not"),
        (lambda: TraefikMiddleware("Not_A_Name"), "name", "Not_A_Name", "RFC 1123"),
        (lambda: TraefikMiddleware("sso", namespace="A"), "namespace", "A", "RFC 1123"),
        (
            lambda: EnvoySecurityPolicy("Bad_Name", policy_applied_first=True),
            "name",
            "Bad_Name",
            "",
        ),
        (lambda: EnvoySecurityPolicy("sso"), "policy_applied_first", False, "fails open"),
        (lambda: IstioAuthorizationPolicy("sso"), "policy_applied_first", False, "fails open"),
        (
            lambda: IstioAuthorizationPolicy("sso", policy_applied_first="yes"),  # type: ignore[arg-type]
            "policy_applied_first",
            "yes",
            "",
        ),
    ],
)
def test_each_provider_checks_its_own_arguments_when_built(
    build: Callable[[], object], field: str, value: Any, problem: str
) -> None:
    error = assert_refused(build, field=field, value=value, problem=problem)
    assert error.where in PROVIDERS, "named after the provider, where it was built"


def test_a_policy_that_fails_open_names_the_promise_and_the_closed_alternative() -> None:
    assert_refused(
        lambda: EnvoySecurityPolicy("sso"),
        field="policy_applied_first",
        value=False,
        problem="attaches to the route from outside and fails open",
        fix="EnvoySecurityPolicy('sso', policy_applied_first=True); or use a filter that "
        "fails closed (TraefikMiddleware",
    )


def test_providers_are_frozen_values_with_only_their_own_fields() -> None:
    auth = NginxAuthUrl(OAUTH2_PROXY, response_headers=["X-Auth-Request-Email"])
    assert auth.response_headers == ("X-Auth-Request-Email",)
    assert auth == NginxAuthUrl(OAUTH2_PROXY, response_headers=("X-Auth-Request-Email",))
    with pytest.raises(AttributeError):
        auth.auth_url = "http://other"  # type: ignore[misc]
    assert not hasattr(NginxBasicAuth("users"), "auth_url")
    assert isinstance(TraefikMiddleware("sso"), EdgeAuth)


# The 0.1 spellings, refused for one release with what to write now.
FORMER: list[tuple[Callable[[], object], str, str]] = [
    (
        lambda: EdgeAuth.nginx_auth_url(OAUTH2_PROXY),
        "EdgeAuth.nginx_auth_url",
        "NginxAuthUrl(auth_url",
    ),
    (lambda: EdgeAuth.nginx_basic_auth("users"), "EdgeAuth.nginx_basic_auth", "NginxBasicAuth("),
    (
        lambda: EdgeAuth.traefik_middleware("sso"),
        "EdgeAuth.traefik_middleware",
        "TraefikMiddleware(",
    ),
    (
        lambda: EdgeAuth.gateway_policy("SecurityPolicy", "sso", policy_applied_first=True),
        "EdgeAuth.gateway_policy",
        "EnvoySecurityPolicy(name, policy_applied_first=True)",
    ),
    (
        lambda: EdgeAuth.gateway_policy("AuthorizationPolicy", "sso"),
        "EdgeAuth.gateway_policy",
        "IstioAuthorizationPolicy(name, policy_applied_first=True)",
    ),
    (lambda: EdgeAuth("nginx-auth-url", auth_url=OAUTH2_PROXY), "EdgeAuth", "NginxAuthUrl(...)"),
    (lambda: station_constructs.auth.EdgeAuthKind, "EdgeAuthKind", "NginxAuthUrl(...)"),
]


@pytest.mark.parametrize(("build", "field", "now"), FORMER, ids=[f for _, f, _ in FORMER])
def test_the_former_api_is_refused_with_the_new_spelling(
    build: Callable[[], object], field: str, now: str
) -> None:
    error = assert_refused(build, field=field, fix=now)
    assert "Migrating from 0.1" in error.fix
