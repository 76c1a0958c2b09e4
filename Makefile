# seckill: `make demo` runs a flash sale, `make test` runs every test. Both install what is
# missing first (`make deps`).
BUILD_DIR ?= build
# Lets ccache reuse objects between clones of the repository in different folders.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
BUILD_TYPE ?= Debug
CMAKE_FLAGS ?= -DSECKILL_WERROR=ON
# `make demo` and `make bench` measure speed, so they use a Release build in a folder of its own
# (never the Debug build of `make test`).
RELEASE_DIR ?= build-release
SERVICE_TARGETS := seckill-gateway seckill-product seckill-order seckill-bench
# The bench also runs the publisher alone (R_pub) and fills the order queue with it (P6), and
# one gRPC hop plain and with mutual TLS (R_grpc, T1).
BENCH_TARGETS := $(SERVICE_TARGETS) seckill-publish-bench seckill-rpc-bench flowcontrol_benchmark tracing_benchmark

.PHONY: help deps configure build configure-release lint test demo up down status bench chaos fuzz clean

help:
	@echo "make demo    Release build, start the local stack, run a flash sale and check it, stop (KEEP=1 keeps it)"
	@echo "make test    build and run every test (unit, integration, e2e) on the real servers"
	@echo "make lint    the style checks (clang-format-14, buf lint of proto/, clang-tidy-14: .clang-format, proto/buf.yaml, .clang-tidy); make test runs them first"
	@echo "make up      start Redis, MariaDB, RabbitMQ, etcd and the three services (.run/stack.env);"
	@echo "             SCALE=N: N instances of each service and nginx in front of the gateways"
	@echo "make down    stop everything 'make up' started;  make status: what runs"
	@echo "make deps    install the Debian packages and the pinned npm packages needed (idempotent)"
	@echo "make bench   Release build; the system against nginx and Redis in one run (.run/bench/results)"
	@echo "make chaos   the fault suite: sales under injected faults, I1-I5 checked (SEEDS=3)"
	@echo "make fuzz    the parsers' libFuzzer targets, FUZZ_SECONDS each (default 600; make test runs 20)"

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR)

# The format check first: it fails in a second, the build takes minutes. clang-tidy needs the
# built tree (compile commands, generated headers).
lint: configure
	@scripts/lint.sh
	@cmake --build $(BUILD_DIR)
	@BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/tidy.sh

test: lint build
	@BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/test.sh
	@scripts/fuzz.sh --seconds 20

fuzz: deps
	@scripts/fuzz.sh --seconds $(or $(FUZZ_SECONDS),600)

configure-release: deps
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

demo: configure-release
	@cmake --build $(RELEASE_DIR) --target $(SERVICE_TARGETS)
	@BUILD_DIR=$(abspath $(RELEASE_DIR)) scripts/demo.sh

up: build
	@SCALE=$(or $(SCALE),1) SECKILL_BIN_DIR=$(abspath $(BUILD_DIR))/bin scripts/stack.sh up

down:
	@scripts/stack.sh down

status:
	@scripts/stack.sh status

chaos: build
	@SECKILL_BIN_DIR=$(abspath $(BUILD_DIR))/bin scripts/chaos.sh --seeds $(or $(SEEDS),3) $(FAULTS)

bench: configure-release
	@cmake --build $(RELEASE_DIR) --target $(BENCH_TARGETS)
	@$(RELEASE_DIR)/bin/flowcontrol_benchmark --benchmark_min_time=0.5
	@$(RELEASE_DIR)/bin/tracing_benchmark --benchmark_min_time=0.5
	@SECKILL_BIN_DIR=$(abspath $(RELEASE_DIR))/bin scripts/bench.sh

clean:
	rm -rf $(BUILD_DIR) $(RELEASE_DIR) build-fuzz
