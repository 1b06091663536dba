# Shared bootstrap for scripts/pinscope and scripts/test (sourced, not run).
#
# pinscope_bootstrap: make sure <repo>/.venv exists, runs Python >= 3.12 and has the project
# installed editable with its test extras; reinstall when pyproject.toml changed since the last
# install (a stamp file holds its hash). Then put .venv/bin first on PATH.
# pinscope_find_python: print the first Python >= 3.12 found, or explain what to install.
# Only bash builtins are used to search, so a test can run it with a PATH of fakes.

PINSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PINSCOPE_VENV="$PINSCOPE_ROOT/.venv"
PINSCOPE_EXTRAS="test"
PINSCOPE_STAMP="$PINSCOPE_VENV/.pinscope-install-stamp"
PINSCOPE_LOG="$PINSCOPE_VENV/pinscope-install.log"

_pinscope_say() { printf 'pinscope: %s\n' "$*" >&2; }

# True when "$1" runs and is Python >= 3.12 (pyenv shims for unselected versions exit 127).
_pinscope_python_ok() {
    [[ -n "$1" && -x "$1" ]] && "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

# Print the last of the arguments (glob order: newest last) that is a working Python >= 3.12.
_pinscope_newest_ok() {
    local i
    for ((i = $#; i >= 1; i--)); do
        if _pinscope_python_ok "${!i}"; then
            printf '%s\n' "${!i}"
            return 0
        fi
    done
    return 1
}

pinscope_find_python() {
    local candidate name
    if [[ -n "${PINSCOPE_PYTHON:-}" ]]; then
        candidate="$(command -v "$PINSCOPE_PYTHON" || true)"
        if _pinscope_python_ok "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
        _pinscope_say "PINSCOPE_PYTHON=$PINSCOPE_PYTHON is not a working Python 3.12 or newer."
        return 1
    fi
    for name in python3.13 python3.12 python3; do
        candidate="$(command -v "$name" || true)"
        if _pinscope_python_ok "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    # pyenv installs that are present but not selected, then Debian's own; newest first in each.
    _pinscope_newest_ok "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 && return 0
    _pinscope_newest_ok /usr/bin/python3.1[2-9] && return 0
    _pinscope_say "pinscope needs Python 3.12 or newer (mitmproxy 12.3 requires it) and none was found."
    _pinscope_say "Install one, e.g. on Debian/Ubuntu: apt-get install python3.12 python3.12-venv;"
    _pinscope_say "or with pyenv: pyenv install 3.12. Or point PINSCOPE_PYTHON at one."
    return 1
}

# The stamp: pyproject.toml's hash and the extras installed. Fails when the venv's Python is broken.
_pinscope_stamp() {
    "$PINSCOPE_VENV/bin/python" - "$PINSCOPE_ROOT/pyproject.toml" "$PINSCOPE_EXTRAS" 2>/dev/null <<'PY'
import hashlib, sys
assert sys.version_info >= (3, 12)
with open(sys.argv[1], "rb") as f:
    print(hashlib.sha256(f.read()).hexdigest(), sys.argv[2])
PY
}

_pinscope_install() {
    local stamp python
    if ! _pinscope_python_ok "$PINSCOPE_VENV/bin/python" \
        || ! "$PINSCOPE_VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        python="$(pinscope_find_python)" || return 1
        _pinscope_say "creating .venv with $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"
        rm -rf "$PINSCOPE_VENV"
        if ! "$python" -m venv "$PINSCOPE_VENV" >&2; then
            rm -rf "$PINSCOPE_VENV"
            _pinscope_say "could not create a virtual environment with $python."
            _pinscope_say "On Debian/Ubuntu install the venv module: apt-get install python3.12-venv (or python3.13-venv)."
            return 1
        fi
    fi
    stamp="$(_pinscope_stamp)" || return 1
    if [[ -f "$PINSCOPE_STAMP" && "$(<"$PINSCOPE_STAMP")" == "$stamp" ]]; then
        return 0
    fi
    _pinscope_say "installing pinscope and its dependencies into .venv (first run takes a few minutes)..."
    if ! (cd "$PINSCOPE_ROOT" && "$PINSCOPE_VENV/bin/python" -m pip install \
        --disable-pip-version-check --no-input -e ".[$PINSCOPE_EXTRAS]") >"$PINSCOPE_LOG" 2>&1; then
        cat "$PINSCOPE_LOG" >&2
        _pinscope_say "pip install failed (output above; also in ${PINSCOPE_LOG#"$PINSCOPE_ROOT/"})."
        return 1
    fi
    printf '%s\n' "$stamp" >"$PINSCOPE_STAMP"
    _pinscope_say "installed (log: ${PINSCOPE_LOG#"$PINSCOPE_ROOT/"})."
}

pinscope_bootstrap() {
    local status=0
    # Two scripts starting at once must not both install; the lock is released before exec.
    if command -v flock >/dev/null 2>&1; then
        exec 9<"$PINSCOPE_ROOT/pyproject.toml"
        flock 9
    fi
    _pinscope_install || status=$?
    if command -v flock >/dev/null 2>&1; then
        flock -u 9
        exec 9<&-
    fi
    [[ $status -eq 0 ]] || return "$status"
    export VIRTUAL_ENV="$PINSCOPE_VENV"
    export PATH="$PINSCOPE_VENV/bin:$PATH"
}
