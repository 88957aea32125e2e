# shellcheck shell=bash
# Sourced by ./suite and the bench scripts: exports JAVA_HOME pointing at a JDK >= 21 — JAVA_HOME
# when it qualifies, else the newest under /usr/lib/jvm — or exits saying how to get one.

# Prints the major version of the java binary given, or nothing if it does not run.
java_major() {
  local version
  version=$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}') || return 0
  version=${version#1.}
  printf '%s\n' "${version%%[.+-]*}"
}

find_jdk() {
  local major candidate best="" best_major=0 rejected=""
  if [[ -n "${JAVA_HOME:-}" ]]; then
    if [[ -x "$JAVA_HOME/bin/java" && -x "$JAVA_HOME/bin/javac" ]]; then
      major=$(java_major "$JAVA_HOME/bin/java")
      if [[ -n "$major" && "$major" -ge 21 ]]; then
        export JAVA_HOME
        export PATH="$JAVA_HOME/bin:$PATH"
        return 0
      fi
      rejected="JAVA_HOME=$JAVA_HOME is Java ${major:-unknown}; "
    else
      rejected="JAVA_HOME=$JAVA_HOME has no bin/java and bin/javac; "
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [[ -d "$candidate" && ! -L "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
    major=$(java_major "$candidate/bin/java")
    if [[ -n "$major" && "$major" -ge 21 && "$major" -gt "$best_major" ]]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [[ -z "$best" ]]; then
    echo "error: ${rejected}no JDK >= 21 found under /usr/lib/jvm. Install one (e.g. Temurin 21 or 25, or \
'apt-get install -y openjdk-21-jdk-headless' where your distribution has it) and run again, or point \
JAVA_HOME at it: JAVA_HOME=/path/to/jdk $0 ..." >&2
    exit 1
  fi
  [[ -n "$rejected" ]] && echo "warning: ${rejected}using $best (Java $best_major) instead" >&2
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

find_jdk
