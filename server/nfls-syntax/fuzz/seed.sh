#!/usr/bin/env bash
# Seeds fuzz/corpus/parse from the shared corpus (../shared/corpus next to the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../../../shared/corpus"
if [ ! -d "$src" ]; then
  echo "seed.sh: $src is absent; nothing to seed" >&2
  exit 0
fi
mkdir -p "$here/corpus/parse"
find "$src" -name '*.json' -type f -print0 | while IFS= read -r -d '' f; do
  cp "$f" "$here/corpus/parse/$(basename "$f")"
done
echo "seeded $(ls "$here/corpus/parse" | wc -l) files into $here/corpus/parse"
