#!/usr/bin/env bash
# End-to-end latency and memory of northflank-lsp, side by side with vscode-json-language-server
# given our schemas, on generated templates of about 100 KB, 1 MB and 10 MB.
#
# Usage: [RUNS=N] [SIZES="100k 1m 10m"] [COMPARE=0] tests/bench/lsp.sh [OUT_DIR]
# (needs ../shared/bench and, for the comparison, npm). Prints one JSON line per run (from
# ../shared/bench/lspbench.py, and open_timeline.py's medians for the complete diagnostics) and a
# Markdown table; with RUNS=N each server runs N times per file and the table gives the medians.
# COMPARE=0 leaves vscode-json-language-server out (its 10 MB runs take minutes each).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared="$repo/../shared/bench"
out=${1:-$(mktemp -d)}
runs=${RUNS:-1}
if [ ! -f "$shared/lspbench.py" ]; then
  echo "skipped: $shared is absent (it exists on the project's machines, not in a clone)"
  exit 0
fi
mkdir -p "$out"
(cd "$repo" && cargo build --release --locked -p nfls-lsp >&2)
server="$repo/target/release/northflank-lsp"
# How much of the linker's function order (server/nfls-lsp/build.rs) still matches the binary.
python3 "$repo/tests/bench/symbol_order.py" --check >&2

# vscode-json-language-server, installed into a private folder.
tools="$out/tools"
if [ ! -x "$tools/node_modules/.bin/vscode-json-language-server" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund vscode-langservers-extracted@4.10.0 >&2) || true
fi
json_server="$tools/node_modules/.bin/vscode-json-language-server"

declare -A nodes=([100k]=80 [1m]=800 [10m]=8000)
results="$out/results.jsonl"
: > "$results"
: > "$out/timeline.jsonl"
for size in ${SIZES:-100k 1m 10m}; do
  file="$out/template-$size.json"
  python3 "$shared/gen_template.py" --nodes "${nodes[$size]}" --seed 1 > "$file"
  for _ in $(seq "$runs"); do
    python3 "$shared/lspbench.py" --server "$server --stdio" --file "$file" --points 50 | tee -a "$results"
  done
  # lspbench times the first publishDiagnostics, which for northflank-lsp holds the syntax
  # errors alone: time the complete one too, under the same conditions (a fresh server, the
  # document opened straight after `initialized`).
  python3 "$repo/tests/bench/open_timeline.py" "$server" "$file" --runs "$runs" --wait 0 \
    | tail -n 1 | sed 's/^[^{]*//' \
    | python3 -c 'import json, sys; print(json.dumps({"file": sys.argv[1], "timeline": json.load(sys.stdin)}))' "$(basename "$file")" \
    | tee -a "$out/timeline.jsonl"
  if [ -x "$json_server" ] && [ "${COMPARE:-1}" != 0 ]; then
    # The same document for vscode-json-language-server, whose `$schema` names our template
    # schema by its file URL: it would otherwise try to download the `$schema` URL the file
    # names (no network here), report that as its only diagnostic and validate nothing.
    json_file="$out/template-$size.vscode.json"
    settings=$(python3 - "$repo" "$file" "$out/schemas" "$json_file" <<'PY'
import glob, json, os, sys
repo, file, target, json_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
# A copy of our schemas whose `$id`s are file URLs, so that the cross-file `$ref`s resolve
# offline (lspbench answers the server's `vscode/content` requests from disk).
os.makedirs(target, exist_ok=True)
for path in glob.glob(os.path.join(repo, "schemas", "*.schema.json")):
    content = json.load(open(path))
    content["$id"] = "file://" + os.path.join(target, os.path.basename(path))
    json.dump(content, open(os.path.join(target, os.path.basename(path)), "w"))
url = "file://" + os.path.join(target, "template.schema.json")
text = open(file).read()
document = json.loads(text)
old = json.dumps(document.get("$schema", ""))
if "$schema" in document:
    text = text.replace('"$schema": ' + old, '"$schema": ' + json.dumps(url), 1)
open(json_file, "w").write(text)
print(json.dumps({"json": {"validate": {"enable": True}, "schemas": [{"fileMatch": [json_file], "url": url}]}}))
PY
)
    for _ in $(seq "$runs"); do
      python3 "$shared/lspbench.py" --server "$json_server --stdio" --file "$json_file" --points 50 --settings "$settings" | tee -a "$results"
    done
  fi
done

python3 - "$results" "$out/timeline.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
complete = {}
for line in open(sys.argv[2]):
    if line.strip():
        entry = json.loads(line)
        complete[entry["file"]] = entry["timeline"].get("parsed")
groups = {}
for r in rows:
    name = "northflank-lsp" if "northflank-lsp" in r["server"] else "vscode-json-language-server"
    groups.setdefault((name, r["file"]), []).append(r)
def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else "-"
print()
print("| server | file | runs | open→first diagnostics ms | open→complete diagnostics ms | change→diagnostics ms | diagnostics | completion p95 ms | hover p95 ms | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (name, file), group in groups.items():
    p95 = lambda k: median([r[k]["p95"] if r.get(k) else None for r in group])
    rss = median([r["peak_rss_kib"] / 1024 if r.get("peak_rss_kib") else None for r in group])
    size = round(group[0]["bytes"] / 1e6, 2)
    first = median([r['open_to_diagnostics_ms'] for r in group])
    # vscode-json-language-server publishes once: its first diagnostics are complete.
    whole = complete.get(file, "-") if name == "northflank-lsp" else first
    print(f"| {name} | {file} ({size} MB) | {len(group)} | {first} | {whole} | {median([r['change_to_diagnostics_ms'] for r in group])} | {group[0]['diagnostics']} | {p95('completion_ms')} | {p95('hover_ms')} | {rss} |")
PY
