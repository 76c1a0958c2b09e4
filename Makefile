# seckill: `make demo` runs a flash sale, `make test` runs every test. Both install what is
# missing first (`make deps`).
BUILD_DIR ?= build
# Lets ccache reuse objects between clones of the repository in different folders.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
BUILD_TYPE ?= Debug
CMAKE_FLAGS ?= -DSECKILL_WERROR=ON

.PHONY: help deps configure build test demo up down status bench chaos clean

help:
	@echo "make demo    build, start the local stack, run a flash sale and check it, stop (KEEP=1 keeps it)"
	@echo "make test    build and run every test (unit, integration, e2e) on the real servers"
	@echo "make up      start Redis, MariaDB, RabbitMQ, etcd and the three services (.run/stack.env)"
	@echo "make down    stop everything 'make up' started;  make status: what runs"
	@echo "make deps    install the Debian packages needed (apt-get; idempotent)"
	@echo "make bench   Release build, then the flow-control decision benchmark"
	@echo "make chaos   the fault suite: sales under injected faults, I1-I5 checked (SEEDS=3)"

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR)

test: build
	@BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/test.sh

demo: build
	@BUILD_DIR=$(abspath $(BUILD_DIR)) scripts/demo.sh

up: build
	@SECKILL_BIN_DIR=$(abspath $(BUILD_DIR))/bin scripts/stack.sh up

down:
	@scripts/stack.sh down

status:
	@scripts/stack.sh status

chaos: build
	@SECKILL_BIN_DIR=$(abspath $(BUILD_DIR))/bin scripts/chaos.sh --seeds $(or $(SEEDS),3) $(FAULTS)

bench: deps
	@cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-release --target flowcontrol_benchmark
	@build-release/bin/flowcontrol_benchmark --benchmark_min_time=0.5

clean:
	rm -rf $(BUILD_DIR)
