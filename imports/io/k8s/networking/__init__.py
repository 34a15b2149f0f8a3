"""Generated CRD bindings (scripts/regen-imports.sh)."""
