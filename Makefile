# The two commands of the README:
#   make serve   build the studio and serve it on http://127.0.0.1:$(PORT)/
#   make test    run every test
# Each installs what it needs first (tools/install.sh, idempotent).

PORT ?= 8080

.PHONY: serve build test test-rust test-node test-e2e install install-test bench clean

serve: build
	@echo "Studio: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory www

build: install
	python3 tools/build_wasm.py

install:
	tools/install.sh build

install-test:
	tools/install.sh test

test: install-test build test-rust test-node test-e2e

test-rust:
	cargo test --workspace

# The wasm JS API in Node (needs `make build` first).
test-node:
	node --test e2e/node/

test-e2e:
	cd e2e && npx playwright test

clean:
	rm -rf www/pkg target e2e/test-results e2e/playwright-report
