# Sourced by ./trail and ./mvnw: selects a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME, then java on PATH, then the JDKs installed under /usr/lib/jvm (and a few usual places).

trail_java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

trail_find_jdk() {
  local cands=() c v noglob=0
  case $- in *f*) noglob=1; set +f ;; esac
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$c" ] && cands+=("$c")
  done
  for c in "${cands[@]}"; do
    if [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ]; then
      v="$(trail_java_major "$c/bin/java")"
      if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then
        echo "$c"
        [ "$noglob" = 1 ] && set -f
        return 0
      fi
    fi
  done
  [ "$noglob" = 1 ] && set -f
  return 1
}

trail_select_jdk() {
  local jdk
  if ! jdk="$(trail_find_jdk)"; then
    echo "trail: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
    echo "trail: install one (e.g. 'apt-get install openjdk-21-jdk') or set JAVA_HOME to it." >&2
    return 2
  fi
  export JAVA_HOME="$jdk"
}
