#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv.
# Finds a Python >= 3.12 ($IMSSIM_PYTHON, then PATH, then pyenv) and installs
# the package with its development, dashboard, calibration, discovery and compiled-loop (numba) extras, pinned by constraints.txt.
# With --browser (the test setup), also makes sure Debian's Chromium is there for the
# dashboard's browser test: installed with apt-get when missing and this is root.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    *) echo "setup: unknown option $arg (known: --browser)" >&2; exit 2 ;;
  esac
done

venv=.venv
want_ok='import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'

find_python() {
  local c
  for c in "${IMSSIM_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c "$want_ok" 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3; do
    if [ -x "$c" ] && "$c" -c "$want_ok" 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  return 1
}

stamp_of() { cat pyproject.toml constraints.txt | sha256sum | cut -c1-16; }

setup_venv() {
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$want_ok" 2>/dev/null \
     && [ -f "$venv/.installed-$(stamp_of)" ]; then
    return 0
  fi

  local py
  if ! py=$(find_python); then
    echo "setup: no Python >= 3.12 found (tried \$IMSSIM_PYTHON, python3.13, python3.12, python3 and pyenv versions); install one or set IMSSIM_PYTHON=/path/to/python3.12" >&2
    exit 1
  fi

  echo "setup: creating $venv with $py ($("$py" --version 2>&1))" >&2
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$want_ok" 2>/dev/null; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -c constraints.txt -e ".[dev,dashboard,calibrate,discover,fast]"
  rm -f "$venv"/.installed-*
  touch "$venv/.installed-$(stamp_of)"
  echo "setup: environment ready in $venv" >&2
}

# Debian's Chromium for the dashboard's browser test (Playwright drives it; it never
# downloads a browser of its own). Nothing to do, and no time spent, when it is there.
setup_browser() {
  local chromium="${IMSSIM_CHROMIUM:-/usr/bin/chromium}"
  [ -x "$chromium" ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: no Chromium at $chromium: the dashboard's browser test will be skipped (install Debian's chromium, or set IMSSIM_CHROMIUM)" >&2
    return 0
  fi
  echo "setup: installing Debian's chromium for the dashboard's browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q chromium >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1 || true
    if ! apt-get install -y -q chromium >/dev/null; then
      echo "setup: apt-get could not install chromium: the dashboard's browser test will be skipped (an error under CI=true)" >&2
      return 0
    fi
  fi
}

setup_venv
if [ "$browser" = true ]; then
  setup_browser
fi
