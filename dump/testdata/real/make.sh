#!/usr/bin/env bash
# Regenerates the files under files/ with the real programs that write them:
# each script in make/ reads contacts.csv (synthetic people) and writes the
# same contacts in the formats of one program family. The tests read the
# committed files, so neither CI nor the tests need these programs.
# Usage: make.sh [FAMILY...]   (default: every script in make/)
set -euo pipefail
cd "$(dirname "$0")"
export SRC="$PWD/contacts.csv" OUT="$PWD/files"
mkdir -p "$OUT"
families=("$@")
[ ${#families[@]} -gt 0 ] || families=($(cd make && ls *.sh | sed 's/\.sh$//'))
for f in "${families[@]}"; do
	printf '==> %s\n' "$f" >&2
	bash "make/$f.sh"
done
