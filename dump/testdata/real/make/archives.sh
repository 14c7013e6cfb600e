#!/usr/bin/env bash
# The contacts compressed and archived by the real programs, password-
# protected ones included (password "infected", as leaks are often shared).
# Debian packages: xz-utils, bzip2, zstd, p7zip-full (7z), zip, gzip.
# RAR is not here: Debian packages no program that writes it.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$SRC" "$work/contacts.csv"
cd "$work"
xz -k -9 -c contacts.csv >"$OUT/xz.csv.xz"
bzip2 -k -9 -c contacts.csv >"$OUT/bzip2.csv.bz2"
zstd -q -19 -c contacts.csv >"$OUT/zstd.csv.zst"
rm -f "$OUT"/7z*.7z "$OUT"/7z*.zip
7z a -bd -bso0 "$OUT/7z.7z" contacts.csv
7z a -bd -bso0 -pinfected "$OUT/7z-password.7z" contacts.csv
7z a -bd -bso0 -pinfected -mhe=on "$OUT/7z-password-headers.7z" contacts.csv
7z a -bd -bso0 -tzip -pinfected "$OUT/7z-zipcrypto.zip" contacts.csv
7z a -bd -bso0 -tzip -pinfected -mem=AES256 "$OUT/7z-aes256.zip" contacts.csv
# An archive in an archive: a tar.xz inside a 7z.
tar -cf inner.tar contacts.csv
xz -9 inner.tar
7z a -bd -bso0 "$OUT/7z-nested.7z" inner.tar.xz
