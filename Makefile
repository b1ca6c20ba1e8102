# The two commands: `make run` and `make test` (see README.md).
BUILD ?= build
JOBS  ?= $(shell nproc)
DATA  ?= ./data
LISTEN ?= 127.0.0.1:7878

.PHONY: all build run test deps test-deps clean unit crash-test fuzz fuzz-build test-asan bench bench-build bench-micro \
	format format-check install deb coffer-bin

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/install-deps.sh run
	@mkdir -p $(DATA)
	@scripts/run.sh $(BUILD)/coffer $(DATA) $(LISTEN)

test: test-deps build
	@tests/run_all.sh $(BUILD)

# Packaging (docs/operations.md "Installing"). `make install PREFIX=/usr/local` (DESTDIR=…
# stages it elsewhere): PREFIX/bin/coffer, the systemd unit, PREFIX/etc/coffer/coffer.toml
# (/etc for PREFIX=/usr; an existing one is kept), the docs. `make deb`:
# $(BUILD)/coffer_VERSION_amd64.deb (CPack). Both build only the coffer binary.
PREFIX ?= /usr/local
coffer-bin: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target coffer

install: coffer-bin
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

deb: coffer-bin
	@scripts/install-deps.sh deb
	@cd $(BUILD) && cpack -G DEB

# `make crash-test N=1000`: the long crash-safety run (tests/reliability/crash_test.py)
N ?= 1000
crash-test: build
	@BUILD_DIR=$(abspath $(BUILD)) /usr/bin/python3 tests/reliability/crash_test.py --trials $(N)

unit: build
	@for t in $(BUILD)/*_tests; do $$t --gtest_brief=1 || exit 1; done

clean:
	rm -rf $(BUILD)

# `make bench` (issue #5, docs/performance.md): Release build in $(BENCH_BUILD),
# Coffer against an nginx reference under wrk; table on stdout, JSON in
# bench/results/latest.json. QUICK=1: 1,000 secrets, short runs (a few
# minutes). SIZES=1000,1000000 picks the data sizes; BENCH_ARGS passes more
# (see bench/bench.py --help). Not part of `make test`.
BENCH_BUILD ?= build-bench
bench-build:
	@scripts/install-deps.sh bench
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DCOFFER_BENCH=ON >/dev/null
	@cmake --build $(BENCH_BUILD) -j $(JOBS) --target coffer coffer_micro

bench: bench-build
	@bench/bench.py --coffer $(BENCH_BUILD)/coffer $(if $(QUICK),--quick) $(if $(SIZES),--sizes $(SIZES)) $(BENCH_ARGS)

bench-micro: bench-build
	@$(BENCH_BUILD)/coffer_micro $(BENCH_ARGS)

# libFuzzer targets (fuzz/README.md): built with clang in build-fuzz, each run
# for SECONDS seconds, one after another, over fuzz/corpus/<target>.
FUZZ_BUILD ?= build-fuzz
SECONDS ?= 60
fuzz-build: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DCOFFER_FUZZ=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target coffer_fuzz_all

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_BUILD) $(SECONDS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (gcc) in
# build-asan, with NDEBUG as in Release: the sanitizers check the code that
# ships (Boost 1.74's Beast has a known over-strict assert, n >= 5 in
# parse_chunk_header, fixed upstream in boostorg/beast#2861). Sanitizer reports fail the run (halt_on_error), including from
# the server the client suites start.
ASAN_BUILD ?= build-asan
test-asan: test-deps
	@cmake -S . -B $(ASAN_BUILD) -DCOFFER_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run_all.sh $(ASAN_BUILD)

# clang-format (.clang-format) over the C++ sources of src/ include/ fuzz/ bench/
# (never third_party/). `make format` rewrites them in place; `make format-check`
# changes nothing and prints how many lines a format would change.
FORMAT_FILES = $(wildcard $(shell git ls-files -co --exclude-standard -- 'src/*.cc' 'src/*.h' 'include/*.h' \
                 'fuzz/*.cc' 'fuzz/*.h' 'bench/*.cc' 'bench/*.h' 2>/dev/null))
format:
	@clang-format -i $(FORMAT_FILES)

format-check:
	@n=0; f=0; for x in $(FORMAT_FILES); do \
	  c=$$(clang-format "$$x" | diff "$$x" - | grep -c '^[<>]'); \
	  [ "$$c" -gt 0 ] && { n=$$((n + c)); f=$$((f + 1)); echo "$$x: $$c lines"; }; \
	done; echo "$$n lines would change in $$f files"; [ "$$n" -eq 0 ]
