#!/usr/bin/env bash
# Checks that every Swift file (but the generated etcd API) is as `swift format` writes it with the checked-in
# .swift-format; with --fix, formats them in place instead. CI runs the check.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.swift' | grep -v '/Generated/')
if [ "${1:-}" = "--fix" ]; then
    swift format format --in-place --parallel --configuration .swift-format "${files[@]}"
    exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for file in "${files[@]}"; do
    mkdir -p "$scratch/$(dirname "$file")"
    cp "$file" "$scratch/$file"
done
(cd "$scratch" && swift format format --in-place --parallel --configuration "$OLDPWD/.swift-format" "${files[@]}")
unformatted=()
for file in "${files[@]}"; do
    cmp -s "$file" "$scratch/$file" || unformatted+=("$file")
done
if [ "${#unformatted[@]}" -gt 0 ]; then
    echo "lint: ${#unformatted[@]} file(s) are not formatted; run scripts/lint.sh --fix:" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "lint: ${#files[@]} Swift files formatted"
