# Sourced by ./trail and ./mvnw (POSIX sh): selects a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME, then java on PATH, then the JDKs installed under /usr/lib/jvm (and a few usual places).

trail_java_major() { # the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

trail_jdk_ok() { # succeeds if $1 is a JDK home of version >= 21
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  # the JDK's release file names its version without starting a JVM; ask java itself otherwise
  _trail_v="$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)"
  [ -n "$_trail_v" ] || _trail_v="$(trail_java_major "$1/bin/java")"
  [ -n "$_trail_v" ] && [ "$_trail_v" -ge 21 ] 2>/dev/null
}

trail_find_jdk() {
  if trail_jdk_ok "${JAVA_HOME:-}"; then echo "$JAVA_HOME"; return 0; fi
  if command -v java >/dev/null 2>&1; then
    _trail_c="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if trail_jdk_ok "$_trail_c"; then echo "$_trail_c"; return 0; fi
  fi
  _trail_noglob=0
  case $- in *f*) _trail_noglob=1; set +f ;; esac
  _trail_found=""
  for _trail_c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    if [ -z "$_trail_found" ] && trail_jdk_ok "$_trail_c"; then _trail_found="$_trail_c"; fi
  done
  [ "$_trail_noglob" = 1 ] && set -f
  [ -n "$_trail_found" ] && echo "$_trail_found"
}

trail_select_jdk() {
  _trail_jdk="$(trail_find_jdk)" || _trail_jdk=""
  if [ -z "$_trail_jdk" ]; then
    echo "trail: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
    echo "trail: install one (e.g. 'apt-get install openjdk-21-jdk') or set JAVA_HOME to it." >&2
    return 2
  fi
  export JAVA_HOME="$_trail_jdk"
}
