#!/usr/bin/env bash
# Create (or refresh) the project's virtual environment in .venv.
# Finds a Python >= 3.12 ($IMSSIM_PYTHON, then PATH, then pyenv) and installs
# the package with its development extra, pinned by constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

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

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$want_ok" 2>/dev/null \
   && [ -f "$venv/.installed-$(stamp_of)" ]; then
  exit 0
fi

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
"$venv/bin/python" -m pip install --quiet -c constraints.txt -e ".[dev]"
rm -f "$venv"/.installed-*
touch "$venv/.installed-$(stamp_of)"
echo "setup: environment ready in $venv" >&2
