"""Typed cdk8s bindings generated from CRDs by scripts/regen-imports.sh; do not edit.

Shipped in the wheel as ``station_constructs._imports`` (see pyproject.toml).
"""
