#!/usr/bin/env bash
# Installs what `make build` (install.sh build) or `make test` (install.sh test)
# needs on a fresh machine. Idempotent: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

step() { printf '\n== %s\n' "$*"; }

apt_updated=
need() { # need PACKAGE CHECK...: apt-get install PACKAGE unless CHECK succeeds
  local package=$1; shift
  "$@" >/dev/null 2>&1 && return 0
  step "apt-get install $package"
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}

# The wasm target and wasm-bindgen-cli at exactly the version Cargo.lock pins.
# rust-toolchain.toml names 1.95.0; on these machines that toolchain may be a link to the installed
# stable one, so the target is added to whichever toolchain directory rustc really runs from.
rustup target list --installed | grep -qx wasm32-unknown-unknown || {
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || rustup target add --toolchain "$(basename "$(rustc --print sysroot)")" wasm32-unknown-unknown
}
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  step "cargo install wasm-bindgen-cli $want"
  # --locked can fail to resolve here (yanked pins); the version itself is pinned.
  cargo install wasm-bindgen-cli --version "$want" --locked 2>/dev/null || cargo install wasm-bindgen-cli --version "$want"
fi
need python3 command -v python3
need nodejs command -v node
need npm command -v npm

# npm packages: wasm-opt (binaryen) for the build; Playwright and friends for tests.
if [ ! -d e2e/node_modules ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  step "npm ci (e2e/)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

[ "$what" = test ] || exit 0

# Tools nobody here wrote, that check what the studio makes.
need chromium command -v chromium
need openssl command -v openssl
need gcc command -v gcc
need libssl-dev test -f /usr/include/openssl/ssl.h
need openjdk-17-jdk-headless command -v javac
# GNU time's %M (peak RSS) for package.test.mjs and the bench's row (g); uptime for the bench's load line;
# a C++ compiler for libFuzzer (make fuzz-smoke); Python's zipfile and tar unpack what the tests download.
need time test -x /usr/bin/time
need procps command -v uptime
need g++ command -v g++
need tar command -v tar
# The IoT Operations test runs a real MQTT broker and client; its YAML is read with PyYAML.
need mosquitto test -x /usr/sbin/mosquitto
need mosquitto-clients command -v mosquitto_pub
need python3-yaml python3 -c 'import yaml'
# Debian's own python3 refuses pip installs (PEP 668) unless told; a test machine may do so.
pip_install() { python3 -m pip install -q "$@" 2>/dev/null || python3 -m pip install -q --break-system-packages "$@"; }
# The checkers use the path validator's ExtensionPolicy and
# PolicyBuilder.extension_policies (cryptography 45), and
# Certificate.verify_directly_issued_by (40); Debian 12 ships 38. Probe for those names.
cryptography_probe='from cryptography import x509
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store
x509.Certificate.verify_directly_issued_by, PolicyBuilder.extension_policies, PolicyBuilder.build_client_verifier'
python3 -c "$cryptography_probe" 2>/dev/null || { step "pip install cryptography>=45"; pip_install 'cryptography>=45'; python3 -c "$cryptography_probe"; }
command -v lint_pkix_cert >/dev/null || { step "pip install pkilint"; pip_install pkilint; }
# cargo-fuzz for `make fuzz-smoke` (the version pinned here; no lock file to honour).
command -v cargo-fuzz >/dev/null || { step "cargo install cargo-fuzz 0.13.2"; cargo install cargo-fuzz --version 0.13.2 --locked 2>/dev/null || cargo install cargo-fuzz --version 0.13.2; }
