# Thin wrappers around cargo; see README.md.
CARGO ?= cargo
OUT ?= out

.PHONY: run test ci fmt fmt-check lint doc samples schemas bench build

## Convert every report in samples/ into $(OUT)/ and build the index.
run:
	$(CARGO) run --release --locked -- convert samples -o $(OUT)

## Every test (unit, integration, corpus, schema, browser).
test:
	python3 tools/test_make_samples.py
	$(CARGO) test --locked

build:
	$(CARGO) build --release --locked

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --document-private-items --locked

## Regenerate the sample reports (deterministic); the .doc/.wps twins need LibreOffice.
samples:
	python3 tools/make_samples.py
	bash tools/make_doc_samples.sh

## Regenerate schemas/ from the Rust types.
schemas:
	UPDATE_SCHEMAS=1 $(CARGO) test --locked --test schemas

## Throughput and memory benchmark (not part of `make test`).
bench:
	bash scripts/bench.sh
	bash scripts/bench_index.sh
	bash scripts/bench_doc.sh

ci: fmt-check lint doc test
