#!/usr/bin/env bash
# Installs what `make test` needs when it is missing; a quick no-op when
# everything is there. `make test` and `.ci/run` call it first.
#
# Debian packages (apt-get, needs root):
#   python3, python3-venv   the sample generator's tests; the test virtualenv
#   chromium                 the HTML pages are checked in headless Chromium
#   fonts-wqy-microhei       a CJK font, so screenshots show text, not boxes
#   openjdk-17-jre-headless  Java for Spark (openjdk-21 where 17 is not packaged)
#   unzip                    fuzz corpus seeding (.ci/run)
# Python packages (pip, into the virtualenv $REPORTDEX_VENV, default
# .venv-test/ in the repository; no root needed, the system Python is untouched):
#   pyspark, pyarrow         the Spark example's local-mode test; Parquet queries
#
# `make test` puts $REPORTDEX_VENV/bin first on PATH, so the tests' `python3`
# is the virtualenv's. Set REPORTDEX_SKIP_INSTALL=1 to skip this script.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${REPORTDEX_SKIP_INSTALL:-0}" = 1 ]; then exit 0; fi

VENV=${REPORTDEX_VENV:-.venv-test}
# Pinned: versions that exist on the Python registry and run on Java 17.
PY_PACKAGES=(pyspark==4.0.1 pyarrow==21.0.0)

have() { command -v "$1" >/dev/null 2>&1; }

# --- Debian packages ---------------------------------------------------------
need_apt=()
if have python3; then
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
else
  need_apt+=(python3 python3-venv)
fi
have chromium || have chromium-browser || need_apt+=(chromium)
fc-list 2>/dev/null | grep -i 'wenquanyi' >/dev/null || need_apt+=(fonts-wqy-microhei)
java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1
}
java_ok=0
if have java; then
  major=$(java_major)
  [ -n "$major" ] && [ "$major" -ge 17 ] && java_ok=1
fi
[ "$java_ok" = 1 ] || need_apt+=(JAVA)
have unzip || need_apt+=(unzip)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! have apt-get; then
    echo "install-deps: missing Debian packages: ${need_apt[*]/JAVA/openjdk-17-jre-headless}" >&2
    echo "install-deps: install them as root, e.g.:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need_apt[*]/JAVA/openjdk-17-jre-headless}" >&2
    echo "  (or run this script as root: sudo bash tools/install-deps.sh)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-deps: apt-get update" >&2
  apt-get update -qq
  pkgs=()
  for p in "${need_apt[@]}"; do
    if [ "$p" = JAVA ]; then
      # Debian 12 packages Java 17; later releases only 21 (Spark 4 runs on both).
      p=""
      for cand in openjdk-17-jre-headless openjdk-21-jre-headless; do
        if apt-cache policy "$cand" 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; then
          p=$cand
          break
        fi
      done
      [ -n "$p" ] || { echo "install-deps: no OpenJDK 17 or 21 package found" >&2; exit 1; }
    fi
    pkgs+=("$p")
  done
  echo "install-deps: apt-get install ${pkgs[*]}" >&2
  apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

# --- Python packages, in a virtualenv -----------------------------------------
# The venv sees the system's packages too (--system-site-packages) and adds ours.
if [ ! -x "$VENV/bin/python" ]; then
  echo "install-deps: python3 -m venv $VENV" >&2
  python3 -m venv --system-site-packages "$VENV"
fi
missing_py=$("$VENV/bin/python" - "${PY_PACKAGES[@]}" <<'PY'
import sys
from importlib import metadata
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    try:
        if metadata.version(name) != version:
            print(spec)
    except metadata.PackageNotFoundError:
        print(spec)
PY
)
if [ -n "$missing_py" ]; then
  echo "install-deps: pip install into $VENV:" $missing_py >&2
  # shellcheck disable=SC2086
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $missing_py
fi
