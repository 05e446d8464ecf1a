# microcloud — build, test and demo. Everything runs as root on Debian bookworm;
# `make check` and `make demo` install what they need themselves.

MODULE   := github.com/microcloud-project/microcloud
VERSION  ?= 0.1.0
COMMIT   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
GO       ?= go
GOTAGS   := libsqlite3
LDFLAGS  := -X $(MODULE)/version.version=$(VERSION) -X $(MODULE)/version.commit=$(COMMIT)
BINARIES := microcloud microcloudd

# build/deps.sh writes the cgo flags for the static libdqlite here. Make
# rebuilds an included file that is missing, then restarts, so every target
# sees the flags even on a fresh clone.
-include .deps/cgo.mk
export CGO_CFLAGS CGO_LDFLAGS
export CGO_ENABLED := 1

.PHONY: all deps build check unit fuzz system test vet demo clean docs deb contract bench

all: build

.deps/cgo.mk: build/deps.sh build/glibcshim.c
	build/deps.sh build

deps: .deps/cgo.mk
	build/deps.sh build
	build/deps.sh lab
	build/deps.sh deb

build: .deps/cgo.mk
	@mkdir -p bin
	$(GO) build -tags $(GOTAGS) -ldflags "$(LDFLAGS)" -o bin/ ./cmd/... ./test/cmd/...

# staticcheck, pinned, built into the git-ignored .deps/ from the Go module proxy.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := .deps/bin/staticcheck-$(STATICCHECK_VERSION)
$(STATICCHECK):
	@mkdir -p .deps/bin
	GOBIN=$(CURDIR)/.deps/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv .deps/bin/staticcheck $@

vet: .deps/cgo.mk $(STATICCHECK)
	$(GO) vet -tags $(GOTAGS) ./...
	$(GO) vet -tags $(GOTAGS),system ./test/...
	$(STATICCHECK) -tags $(GOTAGS),system ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	build/lint-shell

# Unit tests: pure logic, no root, no lab.
unit: .deps/cgo.mk
	$(GO) test -tags $(GOTAGS) -count=1 ./...

# A short fuzz run of the preseed parser and the disk filter language: no
# input may panic them (go test -fuzz takes one target at a time). Budgets
# are counts of inputs (about 20 s each here), not durations: a duration
# races Go's fuzz coordinator at its end (go.dev/issue/75804) and fails
# with "context deadline exceeded" on a busy machine.
FUZZ_PARSE  ?= 150000x
FUZZ_FILTER ?= 100000x
fuzz: .deps/cgo.mk
	$(GO) test -tags $(GOTAGS) -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZ_PARSE) ./preseed/
	$(GO) test -tags $(GOTAGS) -run '^$$' -fuzz '^FuzzFilter$$' -fuzztime $(FUZZ_FILTER) ./preseed/

# System tests: real daemons (and, from the lab on, real LXD/OVN/Ceph in
# network namespaces). They need root.
system: build
	bash build/system-tests.sh .deps/system-tests.log $(GO) test -tags $(GOTAGS),system -count=1 -timeout 60m -p 1 -v ./test/...

test: unit fuzz system

# The benchmark (test/system/bench_test.go; root, the lab, about an hour):
# init against the raw service floor, add, discovery, microcloudd's memory.
# It writes bench.md, bench.json and bench.png to BENCH_OUT. Not part of
# `make check`, where TestBenchSmoke runs the same code once at N = 2.
BENCH_OUT ?= $(CURDIR)/doc/bench
bench: build
	BENCH_OUT="$(BENCH_OUT)" $(GO) test -tags $(GOTAGS),system -count=1 -timeout 4h -p 1 -v -run '^TestBench$$' ./test/system/

# The contract suite (test/system/contract_test.go): MicroOVN's and
# MicroCeph's APIs as the product uses them. It runs in `make system` against
# the lab daemons; `make contract LAB_BIN=dir` runs it against the
# lab-microovnd and lab-microcephd in dir (for instance the real daemons).
CONTRACT_BIN := $(CURDIR)/.deps/contract-bin
contract: build
	bash build/contract-bin.sh "$(CONTRACT_BIN)" "$(LAB_BIN)"
	LAB_BIN="$(CONTRACT_BIN)" $(GO) test -tags $(GOTAGS),system -count=1 -timeout 20m -p 1 -v -run '^TestContract' ./test/system/

# The Debian package is built before the tests: TestDebianPackage installs it.
check: deps build vet deb test

# The CLI reference in doc/reference/, generated from the commands (a unit
# test fails when it is out of date), in a clean environment so that the
# defaults shown are the package's.
docs: build
	env -i PATH=/usr/bin:/bin bin/microcloud __docs markdown doc/reference/microcloud.md
	env -i PATH=/usr/bin:/bin bin/microcloudd __docs markdown doc/reference/microcloudd.md

# The Debian package (bookworm, amd64) in dist/, checked by lintian.
# Its binaries are position-independent and fully RELRO (Debian's hardening).
deb: .deps/cgo.mk
	build/deps.sh deb
	@mkdir -p dist/bin
	$(GO) build -tags $(GOTAGS) -buildmode=pie -ldflags "$(LDFLAGS) -linkmode=external -extldflags '-Wl,-z,relro,-z,now'" -o dist/bin/ ./cmd/microcloud ./cmd/microcloudd
	BIN=dist/bin build/deb.sh $(VERSION) dist
	lintian --fail-on error,warning dist/microcloud_$(VERSION)_amd64.deb

# The 3-machine lab with a full MicroCloud (LXD, OVN, Ceph) and instances.
demo: deps build
	test/demo/demo

clean:
	rm -rf bin dist
