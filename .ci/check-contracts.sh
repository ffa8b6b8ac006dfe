#!/usr/bin/env bash
# The contracts' guard: buf lint (STANDARD rules) on Contracts/Protos, then buf breaking (FILE rules)
# against an earlier commit, HEAD~1 unless one is given: .ci/check-contracts.sh [commit].
# buf is pinned by tools/buf/package-lock.json and comes from npm; the Buf Schema Registry is never used
# (the Google protos it would serve are copied in Contracts/ThirdParty). Rules: Contracts/buf.yaml.
# A deliberate break passes only when the commit being checked says why, in a trailer of its message:
#   Contracts-Breaking: <who is affected and why that is acceptable>
set -euo pipefail
cd "$(dirname "$0")/.."

against="${1:-HEAD~1}"
npm ci --prefix tools/buf --no-audit --no-fund --loglevel=error >/dev/null
buf="$PWD/tools/buf/node_modules/.bin/buf"

echo "buf lint: Contracts/Protos, STANDARD rules"
(cd Contracts && "$buf" lint)

if ! against_commit="$(git rev-parse -q --verify "$against^{commit}")"; then
  if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    # A CI checkout may hold only the last commit: fetch the one before it if the remote can be reached.
    git fetch -q --deepen=1 2>/dev/null || true
  fi
  if ! against_commit="$(git rev-parse -q --verify "$against^{commit}")"; then
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
      echo "WARNING buf breaking: NOT CHECKED. $against is not in this shallow clone and could not be fetched" \
        "(git fetch --deepen=1 failed); run .ci/check-contracts.sh in a full clone." >&2
      exit 0
    fi
    echo "buf breaking: skipped, there is no $against to compare with (the repository's first commit)"
    exit 0
  fi
fi

if git cat-file -e "$against_commit:Contracts/buf.yaml" 2>/dev/null; then
  # The object store, shared by every worktree; buf clones the commit from it.
  against_input="$(git rev-parse --path-format=absolute --git-common-dir)#format=git,ref=$against_commit,subdir=Contracts"
elif git cat-file -e "$against_commit:Contracts/Protos" 2>/dev/null; then
  # Once, where buf.yaml is new: the earlier protos, built with this commit's configuration and imports.
  echo "buf breaking: $against has no Contracts/buf.yaml; comparing with its Contracts/Protos, built with this commit's buf.yaml and ThirdParty"
  earlier="$(mktemp -d)"
  trap 'rm -rf "$earlier"' EXIT
  git archive "$against_commit" Contracts/Protos | tar -x -C "$earlier"
  cp -r Contracts/buf.yaml Contracts/ThirdParty "$earlier/Contracts/"
  against_input="$earlier/Contracts"
else
  echo "buf breaking: skipped, $against has no contracts to compare with"
  exit 0
fi

echo "buf breaking: Contracts/Protos against $against ($(git rev-parse --short "$against_commit")), FILE rules"
if (cd Contracts && "$buf" breaking --against "$against_input"); then
  exit 0
fi

why="$(git log -1 --format='%(trailers:key=Contracts-Breaking,valueonly)' HEAD | sed '/^$/d')"
if [ -n "$why" ]; then
  echo "buf breaking: the changes above are breaking, and accepted by HEAD's Contracts-Breaking trailer: $why"
  exit 0
fi

echo "buf breaking: the changes above break the contracts' clients. Keep the old field, RPC or name (reserve" \
  "what you remove), or add a v2 package; if the break is deliberate, say why in the commit message:" \
  "'Contracts-Breaking: <why>'" >&2
exit 1
