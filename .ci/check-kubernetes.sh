#!/usr/bin/env bash
# The Kubernetes manifests, offline (no cluster): both overlays render with kubectl's kustomize, every
# rendered object passes its schema and the consistency checks of deploy/kubernetes/validate/validate.mjs,
# and that validator's own tests (node --test) show it fails on broken manifests. docs/kubernetes.md.
# Needs kubectl (with its built-in kustomize) and Node.js; the validator's packages come from npm, pinned by
# deploy/kubernetes/validate/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v kubectl > /dev/null; then
  echo "check-kubernetes: kubectl is not installed (it renders the overlays: kubectl kustomize)" >&2
  exit 1
fi
validate=deploy/kubernetes/validate
# kubernetes-models declares Node.js >= 22; on 20 npm warns (EBADENGINE) and the validator runs all the same.
npm ci --prefix "$validate" --no-audit --no-fund --loglevel=error 2> >(grep -v EBADENGINE >&2) > /dev/null

rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
status=0
for overlay in dev production; do
  if ! kubectl kustomize "deploy/kubernetes/overlays/$overlay" > "$rendered/$overlay.yaml"; then
    echo "check-kubernetes: kubectl kustomize deploy/kubernetes/overlays/$overlay failed" >&2
    status=1
    continue
  fi
  # One line: "<overlay>: N objects valid (Kind n, …)", or one line per problem and a non-zero exit.
  node "$validate/validate.mjs" --overlay "$overlay" "$rendered/$overlay.yaml" || status=1
done

# The validator's negative tests, on made-up objects and on the renders above broken on purpose.
(cd "$validate" && RENDERED_DIR="$rendered" node --test --test-reporter=tap) > "$rendered/tests.log" 2>&1 || { cat "$rendered/tests.log" >&2; status=1; }
grep -E '^# (tests|pass|fail) ' "$rendered/tests.log" | tr '\n' ' ' | sed 's/# //g; s/ $/\n/; s/^/validator tests: /' || true
exit "$status"
