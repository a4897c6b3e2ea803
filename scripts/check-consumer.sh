#!/usr/bin/env bash
# The README's promise, checked for real: a project built from its snippets compiles and runs.
#
#  1. Installs peerlink (no tests) into a throwaway local repository. Third-party artifacts come
#     from your usual local repository, read-only (Maven's maven.repo.local.tail), so nothing of
#     yours changes and nothing is downloaded that you already have.
#  2. Checks what was installed: the BOM, the three libraries and the daemon, with sources and
#     javadoc jars; never examples, benchmarks or test-support.
#  3. Makes a consumer project whose pom holds the README's <dependency> snippet, whose sources
#     are the README's java blocks and whose resources the README's properties block, compiles it
#     against the throwaway repository alone (offline), and runs each program: it must exit 0,
#     print what the README says, and print no warning (no SLF4J notice, no java.util.logging
#     line, no leak report).
#
# usage: bash scripts/check-consumer.sh [--keep]   (--keep leaves the work folder for a look)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
keep=${1:-}

# Your usual local repository: MAVEN_REPO_LOCAL, else .mvn/maven.config's, else ~/.m2/repository.
repo="${MAVEN_REPO_LOCAL:-}"
if [[ -z "$repo" && -f .mvn/maven.config ]]; then
  repo=$(grep -o -- '-Dmaven.repo.local=[^ ]*' .mvn/maven.config | head -1 | cut -d= -f2- || true)
fi
repo="${repo:-$HOME/.m2/repository}"

work=$(mktemp -d "${TMPDIR:-/tmp}/peerlink-consumer.XXXXXX")
if [[ "$keep" != "--keep" ]]; then
  trap 'rm -rf "$work"' EXIT
fi
m2="$work/m2"
say() { echo "check-consumer: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

say "installing peerlink into $m2 (third-party artifacts read from $repo)"
./mvnw -B -ntp -q install -DskipTests -Dmaven.repo.local="$m2" -Dmaven.repo.local.tail="$repo" \
  >"$work/install.log" 2>&1 || { tail -40 "$work/install.log" >&2; fail "mvn install"; }

version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
published="$m2/io/peerlink"
for a in peerlink-parent peerlink-bom; do
  [[ -f "$published/$a/$version/$a-$version.pom" ]] || fail "$a $version was not installed"
done
for a in peer-core relay-core relay-server relay-daemon peerlink-daemon; do
  for f in "$a-$version.jar" "$a-$version-sources.jar" "$a-$version-javadoc.jar" "$a-$version.pom"; do
    [[ -f "$published/$a/$version/$f" ]] || fail "$f was not installed"
  done
done
for a in examples benchmarks test-support; do
  [[ ! -e "$published/$a" ]] || fail "$a must not be installed"
done
say "installed: $(ls "$published" | tr '\n' ' ')"

# The README's blocks, by language.
block() { # lang -> every block of that language, separated by a NUL
  awk -v lang="$1" '
    $0 == "```" lang { inside = 1; next }
    inside && $0 == "```" { inside = 0; printf "%c", 0; next }
    inside { print }' README.md
}

app="$work/consumer"
mkdir -p "$app/src/main/java" "$app/src/main/resources"
{
  cat <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
POM
  block xml | tr -d '\0'
  cat <<POM
  <build>
    <plugins>
      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
      <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
    </plugins>
  </build>
</project>
POM
} >"$app/pom.xml"
block properties | tr -d '\0' >"$app/src/main/resources/simplelogger.properties"
classes=()
while IFS= read -r -d '' java; do
  class=$(sed -n 's/^public class \([A-Za-z0-9_]*\).*/\1/p' <<<"$java" | head -1)
  [[ -n "$class" ]] || fail "a java block of README.md has no public class"
  printf '%s\n' "$java" >"$app/src/main/java/$class.java"
  classes+=("$class")
done < <(block java)
[[ ${#classes[@]} -gt 0 ]] || fail "README.md has no java block"
say "consumer project: ${classes[*]} from README.md"

# Offline and against the throwaway repository (plus the read-only tail for Maven's own plugins).
(cd "$app" && "$ROOT/mvnw" -B -ntp -q -o compile dependency:build-classpath -Dmdep.outputFile=cp.txt \
  -Dmaven.repo.local="$m2" -Dmaven.repo.local.tail="$repo") >"$work/compile.log" 2>&1 \
  || { cat "$work/compile.log" >&2; fail "the consumer project does not compile"; }
grep -q "$m2/io/peerlink/peer-core/$version/peer-core-$version.jar" "$app/cp.txt" \
  || fail "the consumer did not resolve peer-core from the throwaway repository"

for class in "${classes[@]}"; do
  out="$work/$class.out"
  err="$work/$class.err"
  timeout 120 java -Dio.netty.leakDetection.level=paranoid -cp "$app/target/classes:$(cat "$app/cp.txt")" \
    "$class" >"$out" 2>"$err" || { cat "$out" "$err" >&2; fail "$class exited non-zero"; }
  if grep -E 'SLF4J|WARN|LEAK' "$err" >/dev/null; then
    cat "$err" >&2
    fail "$class printed warnings"
  fi
  [[ -s "$out" ]] || fail "$class printed nothing"
  say "$class ran: $(head -c 200 "$out" | tr '\n' '|')"
done
case "$(cat "$work/FirstProgram.out" 2>/dev/null)" in
  *"connected over /tls/1.0.0 and /yamux/1.0.0"*"echoed 11 bytes"*) ;;
  *) fail "FirstProgram did not print what the README says" ;;
esac
say "OK: installed artifacts as published, the README's project compiles offline and runs cleanly"
