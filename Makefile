# alesim: see README.md. Every target works on a fresh clone with Go installed.
GO       ?= go
BIN      := bin/alesim
SCENARIO ?= scenarios/soes-1983.yaml
OUT      ?= out

.PHONY: build run test test-long vet fmt bench clean

build:
	$(GO) build -o $(BIN) ./cmd/alesim

# The shipped default scenario: the 1983 point arithmetic (section 1.3 reproduced).
run: build
	@mkdir -p $(OUT)
	$(BIN) validate $(SCENARIO)
	$(BIN) point $(SCENARIO)
	$(BIN) point --format json $(SCENARIO) > $(OUT)/point.json.tmp && mv $(OUT)/point.json.tmp $(OUT)/point.json
	$(BIN) point --format csv $(SCENARIO) > $(OUT)/point.csv.tmp && mv $(OUT)/point.csv.tmp $(OUT)/point.csv
	@echo "wrote $(OUT)/point.json and $(OUT)/point.csv"

# Unit, golden and statistical tests; gofmt and go vet must be clean; the engine under the race detector.
test:
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt_out" ]; then echo "gofmt needed on: $$fmt_out"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -short -count=1 ./...

# Long statistical tests (confidence-interval coverage over many replications).
test-long:
	$(GO) test -count=1 -run 'Long' -timeout 60m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./sim/...

clean:
	rm -rf bin $(OUT)
