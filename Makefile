# The two commands of the README:
#   make serve   build the studio and serve it on http://127.0.0.1:$(PORT)/
#   make test    run every test
# Each installs what it needs first (tools/install.sh, idempotent).

PORT ?= 8080
SHELL := bash

.PHONY: serve build package release test test-rust test-node test-e2e test-reproducible check-reproducible fuzz-smoke install install-test bench clean screenshots

serve: build
	@echo "Studio: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory www

build: install
	python3 tools/build_wasm.py

# The npm package (library + `cert-studio` command): dist/cert-studio-<version>.tgz.
package: build
	python3 tools/build_package.py

# What a version publishes, in dist/: cert-studio-offline.html, cert-studio-<version>.tgz
# and their SHA256SUMS; the same commit rebuilds the same bytes (README, "Check a release").
release: package
	python3 tools/build_release.py

install:
	tools/install.sh build

install-test:
	tools/install.sh test

test: install-test build package test-reproducible test-rust test-node test-e2e fuzz-smoke

# Formatting and lints first (rustfmt.toml; clippy with warnings as errors), then every Rust test.
test-rust:
	cargo fmt --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace

# The wasm JS API and the npm package in Node (need `make build` and `make package` first).
test-node:
	node --test e2e/node/

test-e2e:
	cd e2e && npx playwright test

# The offline file and the package built again from two copies of the tree at other
# paths, byte for byte, and the wasm free of this machine's paths (needs `make build`;
# what it checks: tools/check_reproducible.py). check-reproducible also builds the
# wasm in each copy, in its own target folder (minutes).
test-reproducible:
	python3 tools/check_reproducible.py

check-reproducible: install
	python3 tools/check_reproducible.py --full

# The README's screenshots of every tab (docs/screenshots), made by page.spec.js.
screenshots: build
	cd e2e && UPDATE_SCREENSHOTS=1 npx playwright test page.spec.js -g screenshots

# Every fuzz target for a short, bounded time from the seed corpus (crate/fuzz/seeds);
# -timeout fails any single input that takes over 5 s. Twelve targets at 8 s keep the
# run about as long as seven at 14 s did.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
FUZZ_TARGETS = pkcs8_key material import_ca inspect pfx device_list sign_csr names chain_verdict preflight holdings_expiry ber
FUZZ_SECONDS ?= 8
# cargo-fuzz has no --locked: the lock file is checked first, so a stale one fails here instead of being rewritten.
fuzz-smoke:
	@cargo metadata --locked --offline --format-version 1 --manifest-path crate/fuzz/Cargo.toml >/dev/null || \
	  { echo "crate/fuzz/Cargo.lock is out of date: run 'cargo update --workspace --manifest-path crate/fuzz/Cargo.toml' and commit it"; exit 1; }
	cd crate/fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t && \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run $$t corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) -timeout=5 -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|Done|==.*ERROR|SUMMARY|error)" ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# Headless Chromium on the page's own worker code against OpenSSL, WebCrypto,
# node-forge and @peculiar/x509, and the package's command; prints one table (see README, Benchmark).
bench: package
	node bench/run.mjs

clean:
	rm -rf www/pkg target dist e2e/test-results e2e/playwright-report
