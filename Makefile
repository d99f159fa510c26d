# noctop — common tasks. Everything works with only Go installed.
GO      ?= go
PKG     := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build run demo chaos test soak bench fuzz golden lint fmt clean

build:            ## build ./noctop
	$(GO) build -ldflags "$(LDFLAGS)" -o noctop .

run demo:         ## run the dashboard against the embedded simulators
	$(GO) run . --demo

chaos:            ## the demo with faults injected
	$(GO) run . --demo --demo-faults chaos

test:             ## the README's test command (what CI runs)
	$(GO) test -race $(PKG)

SOAK ?= 10m
soak:             ## the dashboard against the chaos simulators with random keys for SOAK (10m); CI runs 30s of it
	NOCTOP_SOAK=$(SOAK) $(GO) test -race -run '^TestSoak$$' -count=1 -timeout 0 -v .

bench:            ## hot-path benchmarks (numbers go in the closing notes)
	$(GO) test -run '^$$' -bench . -benchmem $(PKG)

FUZZTIME ?= 20s
fuzz:             ## run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list $(PKG)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

golden:           ## rewrite View() golden files after an intended UI change
	$(GO) test ./ui/... -update

lint:             ## gofmt + go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet $(PKG)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -f noctop
