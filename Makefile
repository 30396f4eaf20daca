# Thin wrappers around cargo; see README.md.
CARGO ?= cargo
OUT ?= out

.PHONY: run test deps ci fmt fmt-check lint doc samples schemas bench build fuzz

## Convert every report in samples/ into $(OUT)/ and build the index.
run:
	$(CARGO) run --release --locked -- convert samples -o $(OUT)

# The virtualenv tools/install-deps.sh fills with the tests' Python packages;
# its bin/ goes first on PATH for the tests, so their `python3` is its python.
REPORTDEX_VENV ?= .venv-test
export REPORTDEX_VENV
TEST_ENV = PATH="$(abspath $(REPORTDEX_VENV))/bin:$$PATH" REPORTDEX_PYTHON="$(abspath $(REPORTDEX_VENV))/bin/python"

## Every test (unit, integration, corpus, schema, browser, Spark), after
## installing what they need when it is missing (tools/install-deps.sh).
test:
	bash tools/install-deps.sh
	$(TEST_ENV) python3 tools/test_make_samples.py
	$(TEST_ENV) $(CARGO) test --locked

build:
	$(CARGO) build --release --locked

## Install what the tests need (Debian and Python packages; see README.md).
deps:
	bash tools/install-deps.sh

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

## Throughput and memory benchmark (not part of `make test`): small reports
## against the floor probe, the main corpus, index + compare site, .doc/.wps.
bench:
	bash scripts/bench_small.sh
	bash scripts/bench.sh
	bash scripts/bench_index.sh
	bash scripts/bench_doc.sh

ci: fmt-check lint doc test

## Fuzz every target for FUZZ_SECONDS each (one job, one at a time), after
## seeding fuzz/corpus/ (see fuzz/README.md). Exits non-zero on the first crash,
## hang (-timeout, seconds per input) or memory blow-up (-rss_limit_mb); the
## input is left in fuzz/artifacts/<target>/. Needs cargo-fuzz and nightly.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= container docx odt doc convert xml_differential
FUZZ_CARGO ?= cargo +nightly
# No sanitizer: the crate has no unsafe code but one malloc_trim call
# (src/memory.rs, outside what the targets run), so ASan would mostly halve
# the speed; overflow checks and debug assertions stay on (cargo fuzz's default).
FUZZ_BUILD_FLAGS ?= --sanitizer none
FUZZ_FLAGS ?= -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1
fuzz:
	bash fuzz/seed.sh
	$(FUZZ_CARGO) fuzz build $(FUZZ_BUILD_FLAGS)
	set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t: $(FUZZ_SECONDS)s"; \
	  $(FUZZ_CARGO) fuzz run $(FUZZ_BUILD_FLAGS) $$t -- -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS); \
	done
