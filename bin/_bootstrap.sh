# Shared set-up for bin/start and bin/test: a Python >= 3.12, uv, and the locked
# dependencies in .venv. Sourced, not run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UV_PYTHON_DOWNLOADS=never
export UV_LINK_MODE=copy

find_python() {
  local candidate
  for candidate in python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      # The real interpreter, not a pyenv shim: uv would otherwise rebuild .venv every run.
      "$candidate" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  echo "ULVO needs Python 3.12 or newer (python3.12, python3.13 or python3)." >&2
  return 1
}

PYTHON="$(find_python)"
if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
  echo "==> Installing uv for $PYTHON"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
fi
echo "==> Installing the locked dependencies into .venv"
"$PYTHON" -m uv sync --frozen --python "$PYTHON" --quiet
