# motcua — see README.md. `make run` starts the demo center, `make test`
# runs everything CI runs.
GO      ?= go
BIN     ?= bin/motcua
DATA    ?= data
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/motcua/motcua/server.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export CGO_ENABLED := 1

.PHONY: build run test unit lint golden bench fuzz cross cross-arm64 cross-armv7 clean

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: the daemon on its embedded demo center, http://127.0.0.1:8080/
run: build
	./$(BIN) serve --data $(DATA) $(ARGS)

## test: lint, then every test with the race detector
test: lint unit

unit:
	$(GO) test -race -count=1 ./...

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## golden: rewrite the ESC/POS golden files after a deliberate change
golden:
	$(GO) test ./printer/... -update

## bench: ticket issue over HTTP, 50 concurrent clients, beside the disk's fsync rate
bench:
	$(GO) test -run='^$$' -bench=. -benchtime=3s ./server/ ./server/queue/

## fuzz: each fuzz target for a short while (FUZZTIME=1m for longer)
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## cross: linux/arm64 and linux/arm (ARMv7) builds; cgo needs Debian's
## gcc-aarch64-linux-gnu and gcc-arm-linux-gnueabihf
cross: cross-arm64 cross-armv7

cross-arm64:
	CC=aarch64-linux-gnu-gcc GOOS=linux GOARCH=arm64 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)-linux-arm64 .

cross-armv7:
	CC=arm-linux-gnueabihf-gcc GOOS=linux GOARCH=arm GOARM=7 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)-linux-armv7 .

clean:
	rm -rf bin
