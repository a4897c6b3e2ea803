#!/usr/bin/env bash
# Draws peerlink's module and package dependencies from the code and writes them into
# docs/architecture.md, between <!-- architecture:begin --> and <!-- architecture:end -->.
#
#  1. Builds the jars of peer-core, relay-core and relay-server (no tests) and lists their
#     dependencies, unless the jars are newer than every source and pom (then it reuses them).
#  2. Runs jdeps -verbose:package over the three jars on the module path, keeping io.peerlink
#     packages only.
#  3. scripts/ArchitectureDoc.java turns that into Mermaid diagrams and text, checks the walls
#     (modules depend one way; a module uses only packages another exports to it) and exits 1,
#     after writing, when one is broken.
#
# usage: bash scripts/architecture.sh [maven options, e.g. -o]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
say() { echo "architecture: $*" >&2; }

modules=(peer-core relay-core relay-server)   # bottom-up
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
cpfile=target/runtime-classpath.txt           # per module, written by dependency:build-classpath

fresh() {
  local m jar
  for m in "${modules[@]}"; do
    jar="$m/target/$m-$version.jar"
    [[ -f "$jar" && -f "$m/$cpfile" ]] || return 1
    [[ -z "$(find "$m/src/main" "$m/pom.xml" pom.xml -newer "$jar" -type f -print -quit)" ]] || return 1
    # The class path file too: a dependency added to a pom must reach jdeps' module path.
    [[ -z "$(find "$m/pom.xml" pom.xml -newer "$m/$cpfile" -type f -print -quit)" ]] || return 1
  done
}

if fresh; then
  say "reusing the jars in */target (newer than their sources)"
else
  say "building ${modules[*]} (no tests)"
  log=$(mktemp "${TMPDIR:-/tmp}/peerlink-architecture.XXXXXX")
  trap 'rm -f "$log"' EXIT
  ./mvnw -B -ntp -q "$@" -pl relay-server -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    dependency:build-classpath -Dmdep.outputFile="$cpfile" -DincludeScope=runtime >"$log" 2>&1 \
    || { tail -40 "$log" >&2; say "FAILED: the build"; exit 1; }
fi

jars=()
for m in "${modules[@]}"; do jars+=("$m/target/$m-$version.jar"); done
# Third-party jars for the module path (jdeps resolves each module's requires); ours are the jars.
modulepath=$(for m in "${modules[@]}"; do cat "$m/$cpfile"; echo; done | tr ':' '\n' \
  | grep -v -e '^$' -e '/io/peerlink/' -e "^$ROOT/" | sort -u | paste -sd: -)

out=$(mktemp "${TMPDIR:-/tmp}/peerlink-jdeps.XXXXXX")
trap 'rm -f "$out" ${log:+"$log"}' EXIT
jdeps --multi-release 17 --module-path "$modulepath" -verbose:package -e 'io\.peerlink\..*' "${jars[@]}" >"$out"
java scripts/ArchitectureDoc.java "$out" docs/architecture.md "${jars[@]}"
