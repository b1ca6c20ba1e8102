# The two commands: `make run` and `make test` (see README.md).
BUILD ?= build
JOBS  ?= $(shell nproc)
DATA  ?= ./data
LISTEN ?= 127.0.0.1:7878

.PHONY: all build run test deps test-deps clean unit

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

unit: build
	@for t in $(BUILD)/*_tests; do $$t --gtest_brief=1 || exit 1; done

clean:
	rm -rf $(BUILD)
