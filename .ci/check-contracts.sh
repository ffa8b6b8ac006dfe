#!/usr/bin/env bash
# The contracts' guard: buf lint (STANDARD rules) on Contracts/Protos, then buf breaking (FILE rules)
# against Contracts/breaking-baseline.json, the contracts as their clients last saw them.
#   .ci/check-contracts.sh            lint, breaking, and the baseline must be the contracts as they are
#   .ci/check-contracts.sh --accept   rewrite the baseline after a change (a deliberate break included)
# The baseline is a file, not a git commit, so the check means the same in a shallow clone, a squashed
# merge or a fork: a break passes only in a commit that rewrites the baseline, where review sees it.
# buf is pinned by tools/buf/package-lock.json and comes from npm; the Buf Schema Registry is never used
# (the Google protos it would serve are copied in Contracts/ThirdParty). Rules: Contracts/buf.yaml.
set -euo pipefail
cd "$(dirname "$0")/../Contracts"

npm ci --prefix ../tools/buf --no-audit --no-fund --loglevel=error >/dev/null
buf="$PWD/../tools/buf/node_modules/.bin/buf"
baseline=breaking-baseline.json
current="$(mktemp --suffix=.json)"
trap 'rm -f "$current"' EXIT

echo "buf lint: Contracts/Protos, STANDARD rules"
"$buf" lint

# The descriptors only (no comments or source positions), one field per line so a diff reads well.
"$buf" build --exclude-source-info -o "$current"
node -e 'const fs = require("fs"); const f = process.argv[1];
         fs.writeFileSync(f, JSON.stringify(JSON.parse(fs.readFileSync(f, "utf8")), null, 1) + "\n");' "$current"

if [ "${1:-}" = --accept ]; then
  cp "$current" "$baseline"
  echo "buf breaking: Contracts/$baseline now holds the contracts as they are; commit it and say why in the message"
  exit 0
fi

echo "buf breaking: Contracts/Protos against Contracts/$baseline, FILE rules"
if ! "$buf" breaking "$current" --against "$baseline"; then
  echo "buf breaking: the changes above break the contracts' clients. Keep the old field, RPC or name (reserve" \
    "what you remove), or add a v2 package; if the break is deliberate, run '.ci/check-contracts.sh --accept'" \
    "and say in the commit message who is affected and why that is acceptable." >&2
  exit 1
fi
if ! cmp -s "$current" "$baseline"; then
  echo "buf breaking: the contracts changed without breaking anything, but Contracts/$baseline still holds the" \
    "old ones; run '.ci/check-contracts.sh --accept' so the next change is compared with these." >&2
  exit 1
fi
