#!/usr/bin/env bash
# Installs what the real-VS-Code tests need (test/e2e/README.md):
#   - Debian packages: chromium (driven by playwright-core), ripgrep (VS Code's
#     search; the @vscode/ripgrep download cannot work offline), libkrb5-dev
#     (the kerberos native module of code-server);
#   - code-server 4.100.3 (= VS Code 1.100.3, the last line on Node 20) into
#     test/e2e/.cache/code-server. It is a test tool, never a project dependency.
# Idempotent: apt-get runs only for a missing package, code-server is skipped
# when its marker file says that version is installed. Safe as root with
# CI=true and no TTY. Progress goes to stderr so callers can keep stdout clean.
# usage: scripts/install-e2e-deps.sh [--force]   (--force reinstalls code-server)
set -euo pipefail
exec 1>&2

CS_VERSION=4.100.3
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CS_DIR=${RUNLENS_CODE_SERVER_DIR:-$ROOT/test/e2e/.cache/code-server}
MARKER=$CS_DIR/.installed-$CS_VERSION
now() { date +%s%3N; }
T0=$(now)
# elapsed seconds since $1 (default: start), without bc (not on every machine)
since() { local ms=$(( $(now) - ${1:-$T0} )); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }
log() { echo "install-e2e-deps: $*"; }
export DEBIAN_FRONTEND=noninteractive CI=${CI:-true}
# node-gyp: compile on every core (the native rebuild is most of a warm install)
export JOBS=${JOBS:-max}

# --- Debian packages -------------------------------------------------------
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
missing=()
for pkg in chromium ripgrep libkrb5-dev build-essential python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  T=$(now)
  log "apt-get install ${missing[*]}"
  APT_LOG=$(mktemp)
  # dpkg is chatty: keep its output for a failure only
  if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      </dev/null >"$APT_LOG" 2>&1; then
    tail -40 "$APT_LOG"; log "apt-get failed"; exit 1
  fi
  rm -f "$APT_LOG"
  log "apt packages done in $(since "$T")"
else
  log "apt packages present"
fi
for exe in /usr/bin/chromium /usr/bin/rg; do
  [ -x "$exe" ] || { log "missing $exe after apt-get"; exit 1; }
done

# --- code-server -----------------------------------------------------------
# two runs at once (two terminals) must not install into the same folder together
mkdir -p "$(dirname "$CS_DIR")"
exec 9>"$CS_DIR.lock"
flock 9
if [ "${1:-}" != --force ] && [ -f "$MARKER" ]; then
  log "code-server $CS_VERSION already installed in $CS_DIR (total $(since))"
  exit 0
fi
T=$(now)
# A half-finished install is not worth repairing: start from an empty folder.
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
cd "$CS_DIR"
printf '{ "name": "runlens-e2e-code-server", "private": true }\n' > package.json
NPM=(npm --no-audit --no-fund --loglevel=error)
# 1) fetch without scripts: code-server's postinstall wants --unsafe-perm as
#    root and runs a nested install whose @vscode/ripgrep postinstall downloads
#    rg from GitHub (unreachable). Its steps are done by hand below.
"${NPM[@]}" install --ignore-scripts code-server@$CS_VERSION
log "npm install code-server: $(since "$T")"
# the prebuilt argon2 download fails, so it falls back to a node-gyp build
T1=$(now)
npm_config_yes=true "${NPM[@]}" rebuild argon2
log "argon2 rebuild: $(since "$T1")"
VS=node_modules/code-server/lib/vscode
(
  cd "$VS"
  T1=$(now)
  "${NPM[@]}" install --omit=dev --ignore-scripts
  log "vscode deps: $(since "$T1")"
  # 3) an existing bin/ makes @vscode/ripgrep's postinstall skip its download
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sfn /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  # 4) node-pty's postinstall runs `npx node-gyp`, which gives up without a TTY
  T1=$(now)
  npm_config_yes=true "${NPM[@]}" rebuild
  log "vscode native rebuild: $(since "$T1")"
  # the remaining steps of code-server's postinstall.sh
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
  (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
  T1=$(now)
  (cd extensions && npm_config_yes=true "${NPM[@]}" install --omit=dev)
  log "built-in extensions deps: $(since "$T1")"
)
# --version also logs a line about its config file: keep the version line
VERSION=$(XDG_CONFIG_HOME=$CS_DIR/.xdg XDG_DATA_HOME=$CS_DIR/.xdg node node_modules/code-server/out/node/entry.js --version | grep -m1 "^$CS_VERSION " || true)
rm -rf "$CS_DIR/.xdg"
case "$VERSION" in
  "$CS_VERSION "*) ;;
  *) log "unexpected code-server --version: $VERSION"; exit 1 ;;
esac
echo "$VERSION" > "$MARKER"
log "code-server $VERSION installed in $(since "$T") (total $(since))"
