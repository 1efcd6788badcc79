# Sourced by serve.sh and test.sh: make .venv and install the project into it.
# Re-installs only when setup.cfg changes, so a second start is instant.
# Usage: ensure_venv [extra]

ensure_venv() {
    local extra="${1:-}" python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "This blog needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "Creating the virtual environment in .venv ..." >&2
        "$python" -m venv .venv
    fi
    local target="." stamp
    [ -n "$extra" ] && target=".[$extra]"
    stamp=".venv/.installed-$(sha256sum setup.cfg | cut -c1-16)-${extra:-base}"
    if [ ! -f "$stamp" ]; then
        echo "Installing the blog and its dependencies into .venv ..." >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
        touch "$stamp"
    fi
    # Cheap, so every start does it: a catalogue edited since is never stale.
    scripts/translations.sh compile
}
