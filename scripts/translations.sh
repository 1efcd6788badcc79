#!/usr/bin/env bash
# The catalogues in blog/translations, kept in step with the code.
#
#   scripts/translations.sh extract     templates and Python -> blog/translations/messages.pot
#   scripts/translations.sh update      extract, then merge new strings into every catalogue
#   scripts/translations.sh compile     every .po -> .mo (the install step runs this)
#   scripts/translations.sh init LANG   start the catalogue of a new language (e.g. de, pt_BR)
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=".venv/bin/pybabel"
[ -x "$pybabel" ] || pybabel=pybabel
catalogues=blog/translations
template="$catalogues/messages.pot"

extract() {
    "$pybabel" -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
        --no-location --sort-output --project=blog -o "$template" .
}

case "${1:-}" in
    extract) extract ;;
    update) extract && "$pybabel" -q update --no-fuzzy-matching --ignore-obsolete -i "$template" -d "$catalogues" ;;
    compile) if compgen -G "$catalogues/*/LC_MESSAGES/*.po" >/dev/null; then
                 "$pybabel" -q compile -d "$catalogues"
             fi ;;
    init) "$pybabel" -q init -i "$template" -d "$catalogues" -l "${2:?which language?}" ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
