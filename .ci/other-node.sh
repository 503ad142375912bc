#!/usr/bin/env bash
# CI, part two: the project on the other Node LTS lines users run (22 and 24), besides the main
# run on the machine's Node. For each: Node from the npm registry's `node` package (a binary and
# its C headers), a copy of the committed tree, `npm ci` with better-sqlite3 built against those
# headers, no EBADENGINE warning, the type check, and the whole suite on SQLite.
#
#   .ci/other-node.sh 22 24:24.18.1
#
# Each argument is a version (an npm range: 22, 24, 24.21.0) and, after a colon, optionally the
# version whose headers native addons are built against. Node 24.19 added cleanup hooks to the
# inline node::ObjectWrap in its headers; better-sqlite3 12 built against them aborts the process
# when a statement is collected ("Assertion failed: (env) != nullptr", WiseLibs/better-sqlite3
# #1515, fixed only in better-sqlite3 13, which does not run on Node 20). Built against 24.18.1's
# headers (same ABI, 137) it runs on the newest 24. See README, "Node versions".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
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

for spec in "$@"; do
  version=${spec%%:*}
  headers=${spec#*:}
  home="$scratch/node-$version"
  mkdir -p "$home/project"
  echo "== node@$version from the npm registry (headers of node@$headers)"
  build=$(fetch_node "$home/runtime" "$version")
  nodedir=$build
  [ "$headers" = "$version" ] || nodedir=$(fetch_node "$home/headers" "$headers")

  git archive HEAD | tar -x -C "$home/project"
  (
    cd "$home/project"
    export PATH="$build/bin:$PATH" npm_config_nodedir="$nodedir"
    echo "== node $(node --version): npm ci"
    npm ci --no-audit --no-fund 2>&1 | tee "$home/install.log"
    if grep -q EBADENGINE "$home/install.log"; then
      echo "node $(node --version): the install printed EBADENGINE warnings (above)" >&2
      exit 1
    fi
    # Statements collected while the process runs and at exit: the abort described above.
    node --expose-gc -e "
      const db = new (require('better-sqlite3'))(':memory:');
      for (let i = 0; i < 2000; i++) db.prepare('select ' + i).get();
      globalThis.gc();
    "
    echo "== node $(node --version): type check"
    npm run typecheck
    echo "== node $(node --version): tests on SQLite"
    env -u TEST_DATABASE_URL npm test
  )
done
echo "== other Node lines passed: $*"
