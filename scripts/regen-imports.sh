#!/usr/bin/env bash
# Regenerate the typed Python CRD bindings in imports/ with the pinned cdk8s CLI.
#
# The CRD sources are the `imports:` entries of cdk8s.yaml (paths relative to the
# repository root: crds/*.yaml, see crds/SOURCES.md). Before importing, each CRD is
# reduced to its served, non-deprecated storage version, so no classes are generated for
# versions the API server rejects (e.g. external-secrets.io/v1beta1) or that only convert
# (gateway.networking.k8s.io/v1beta1), and CRDs of one API group are imported together.
# The CLI has no
# flag to select a version; a bare `cdk8s import` would emit them as *V1Beta1 classes.
#
# imports/ is shipped in the wheel as `station_constructs._imports` (pyproject.toml
# package-dir mapping), so the package list in pyproject.toml must be updated when a
# CRD group is added or removed. The script prints the package names it generated.
#
# Usage: scripts/regen-imports.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cli="$root/node_modules/.bin/cdk8s"
if [[ ! -x "$cli" ]]; then
  echo "error: $cli not found; run 'npm ci' in $root first" >&2
  exit 1
fi
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/crds" "$work/out"

# Filter each CRD listed in cdk8s.yaml down to its served, non-deprecated versions.
# The `yaml` package is a dependency of cdk8s-cli, so it is in node_modules.
mapfile -t specs < <(
  ROOT="$root" OUT="$work/crds" node -e '
    const fs = require("fs");
    const path = require("path");
    const YAML = require(path.join(process.env.ROOT, "node_modules", "yaml"));
    const cfg = YAML.parse(fs.readFileSync(path.join(process.env.ROOT, "cdk8s.yaml"), "utf8"));
    // One spec file per API group: the CLI writes one Python package per group, so two
    // separate imports of the same group (ServiceMonitor and PrometheusRule, Gateway and
    // HTTPRoute) would overwrite the package of the other.
    const groups = new Map();
    for (const entry of cfg.imports ?? []) {
      const src = path.resolve(process.env.ROOT, entry);
      const docs = YAML.parseAllDocuments(fs.readFileSync(src, "utf8")).map((d) => d.toJS());
      for (const crd of docs) {
        if (!crd || crd.kind !== "CustomResourceDefinition") continue;
        const all = crd.spec.versions ?? [];
        crd.spec.versions = all.filter((v) => v.served !== false && v.deprecated !== true && v.storage);
        const dropped = all.filter((v) => !crd.spec.versions.includes(v)).map((v) => v.name);
        if (crd.spec.versions.length === 0) {
          throw new Error(`${src}: no served, non-deprecated storage version`);
        }
        const kept = crd.spec.versions.map((v) => v.name);
        console.error(`${path.basename(src)}: ${crd.spec.group} ${crd.spec.names.kind} ` +
          `versions [${kept.join(", ")}]` + (dropped.length ? ` (dropped ${dropped.join(", ")})` : ""));
        if (!groups.has(crd.spec.group)) groups.set(crd.spec.group, []);
        groups.get(crd.spec.group).push(crd);
      }
    }
    for (const [group, crds] of groups) {
      const out = path.join(process.env.OUT, `${group}.yaml`);
      fs.writeFileSync(out, crds.map((d) => YAML.stringify(d)).join("---\n"));
      console.log(out);
    }
  '
)
if [[ ${#specs[@]} -eq 0 ]]; then
  echo "error: no imports listed in cdk8s.yaml" >&2
  exit 1
fi

# One CLI run per spec: the CLI takes a single SPEC argument (extra ones are ignored).
# Run from the scratch directory (no cdk8s.yaml there), never save into cdk8s.yaml
# (the CLI would rewrite it and drop its comments), never ask the registry for upgrades.
for spec in "${specs[@]}"; do
  (cd "$work" && "$cli" import --no-save --no-check-upgrade --language python --output "$work/out" "$spec")
done

# Make every directory a regular package (the CLI leaves the group-name parents such
# as io/ and com/ as implicit namespace packages) and add the package root.
while IFS= read -r -d '' dir; do
  [[ -f "$dir/__init__.py" ]] || printf '"""Generated CRD bindings (scripts/regen-imports.sh)."""\n' >"$dir/__init__.py"
done < <(find "$work/out" -mindepth 1 -type d -print0)
cat >"$work/out/__init__.py" <<'EOF'
"""Typed cdk8s bindings generated from CRDs by scripts/regen-imports.sh; do not edit.

Shipped in the wheel as ``station_constructs._imports`` (see pyproject.toml).
"""
EOF

rm -rf "$root/imports"
mv "$work/out" "$root/imports"

echo "generated packages (pyproject.toml [tool.setuptools] packages):"
(cd "$root/imports" && find . -name __init__.py -printf '%h\n' | sed -e 's|^\.|station_constructs._imports|' -e 's|/|.|g' | sort | sed 's/^/  /')
