#!/usr/bin/env bash
# CI, part two: the project on the other Node LTS lines users run (22, 24 and 26), besides the
# main run on the machine's Node 20. For each: the newest release of that line from the npm
# registry's `node` package (a binary and its C headers), a copy of the committed tree, `npm ci`
# with any native addon built against that Node's own headers, no EBADENGINE warning, the SQLite
# statement-collection probe, the type check, and the whole suite on SQLite.
#
#   .ci/other-node.sh 22 24 26
#
# Each argument is an npm version range for the `node` package (22, 24, 24.21.0).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d "${TMPDIR:-/tmp}/other-node.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Installs node@$2 into folder $1 and prints where its binary and headers are.
fetch_node() {
  mkdir -p "$1"
  # The package's preinstall script fetches the build for this platform.
  printf '{"private":true,"allowScripts":{"node":true}}\n' > "$1/package.json"
  (cd "$1" && npm install --no-audit --no-fund "node@$2" > /dev/null)
  local build="$1/node_modules/node/node_modules/node-$(node -p 'process.platform + "-" + process.arch')"
  [ -x "$build/bin/node" ] && [ -f "$build/include/node/node.h" ] || {
    echo "node@$2: no binary or headers under $build" >&2
    return 1
  }
  echo "$build"
}

for version in "$@"; do
  home="$scratch/node-$version"
  mkdir -p "$home/project"
  echo "== node@$version from the npm registry"
  build=$(fetch_node "$home/runtime" "$version")

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
    # 2,000 statements prepared and dropped, then collected: while working, idle, in a worker
    # thread and at exit (better-sqlite3 12 built against Node 24.19+ headers aborts in each).
    node --expose-gc --import tsx scripts/sqlite-gc-probe.ts
    echo "== node $(node --version): type check"
    npm run typecheck
    echo "== node $(node --version): tests on SQLite"
    env -u TEST_DATABASE_URL npm test
  )
done
echo "== other Node lines passed: $*"
