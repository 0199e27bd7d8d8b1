# alesim: see README.md. Every target works on a fresh clone with Go installed.
GO       ?= go
BIN      := bin/alesim
SCENARIO ?= scenarios/soes-1983.yaml
OUT      ?= out

.PHONY: build run test test-long vet fmt bench instr clean e2e examples e2e-slurm fuzz faults cross-check

build:
	$(GO) build -o $(BIN) ./cmd/alesim

# The shipped default scenario: the 1983 point arithmetic (section 1.3 reproduced), then the Monte
# Carlo on the same scenario. Machine-readable results go to $(OUT)/ (written to a temporary file,
# then renamed, so a failed run never leaves a half file).
run: build
	@mkdir -p $(OUT)
	$(BIN) validate $(SCENARIO)
	$(BIN) point $(SCENARIO)
	$(BIN) point --format json $(SCENARIO) > $(OUT)/point.json.tmp && mv $(OUT)/point.json.tmp $(OUT)/point.json
	$(BIN) point --format csv $(SCENARIO) > $(OUT)/point.csv.tmp && mv $(OUT)/point.csv.tmp $(OUT)/point.csv
	$(BIN) run --out $(OUT)/run --force $(SCENARIO)
	@echo "open $(OUT)/run/report.html (charts, tables, provenance); point figures in $(OUT)/point.json and point.csv"

# Unit, golden and statistical tests; gofmt and go vet must be clean; the engine, the Parquet sink and
# the commands (point, run, sensitivity, and an interrupted run --trials-file) under the race detector.
test:
	@fmt_out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt_out" ]; then echo "gofmt needed on: $$fmt_out"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -short -count=1 ./...
	$(GO) test -short -count=1 -race -run 'Determinism|CopulaDeterministic|Cancel|Adding|ParquetRoundTrip|SortFloats' ./sim/ ./analysis/ ./report/
	$(GO) test -short -count=1 -race -run 'Golden|Interrupt' ./cmd/alesim/

# Long statistical tests (confidence-interval coverage over many replications).
test-long:
	$(GO) test -count=1 -run 'Long' -v -timeout 60m ./...

# The two USPS scenarios: reports (with the tornado chart) under $(OUT)/.
examples: build
	$(BIN) run --quiet --force --out $(OUT)/usps-wets-access --sensitivity savings:rec-3-rotation scenarios/usps-wets-access.yaml
	$(BIN) run --quiet --force --out $(OUT)/usps-cloud-records --sensitivity ale scenarios/usps-cloud-records.yaml
	@echo "open $(OUT)/usps-wets-access/report.html and $(OUT)/usps-cloud-records/report.html"

# Renders report.html of the reference scenario and of scenarios/hospital.yaml in headless Chromium
# (installs Debian's chromium and poppler-utils if missing); fails on a console error, a chart that did
# not render, text overflowing its box, "1983" in the hospital report's wording, or a printed PDF with
# a figure split across pages. Leaves screenshots under /tmp/alesim-e2e. About 3 minutes. In CI.
e2e:
	scripts/e2e-report.sh /tmp/alesim-e2e

# Slurm end to end (root, Debian 12): installs slurm-wlm and munge if missing, starts a one-node
# cluster, submits deploy/slurm's job array and merge job, and checks that the merged summary equals
# a single-process run. Stops the daemons it started. About 1.5-2 minutes including the install.
e2e-slurm:
	scripts/e2e-slurm.sh

# Native Go fuzzing of the scenario parser and of the distributions, one target at a time;
# -parallel 1 leaves CPU for others. FUZZTIME=10m make fuzz for a longer run.
FUZZTIME ?= 5m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1 ./model/
	$(GO) test -run '^$$' -fuzz '^FuzzDistributions$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 10s -parallel 1 ./model/dist/

# The fault suite of issue 13: signals, full disks (a tmpfs, as root), damaged shard files, odd
# paths, concurrent runs, memory limits (ulimit -v), full stdout. Ends with "N passed, N failed";
# fails if any case regresses. About two to three minutes on two cores.
faults:
	scripts/faults.sh

# Cross-architecture determinism (docs/determinism.md): builds for amd64 v1, v3 and arm64, checks for
# fused multiply-adds in the numeric code, compares fixed-seed JSON runs (arm64 under qemu-user, which
# it installs from Debian if missing). About three minutes. Not in CI: it still finds differences.
cross-check:
	scripts/cross-check.sh

# The engine against the bare sampling kernel (BenchmarkBareLoop: bench-30's Poisson counts and
# lognormal losses, nothing else), one and two workers, on bench-30 and soes-1983: BENCHCOUNT
# interleaved-by-count runs, summarised by benchstat, then the ratios of the medians. Timings, so
# run it on an idle machine; `make instr` counts instructions instead (callgrind, any load).
BENCHCOUNT ?= 6
BENCHSTAT  := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
bench:
	@mkdir -p $(OUT)
	$(GO) test -run '^$$' -bench '^Benchmark(BareLoop|Bench30_1Worker|EngineBench30Workers2|SOES1Worker|SOES2Workers)$$' \
	  -count $(BENCHCOUNT) ./sim/ | tee $(OUT)/bench.txt
	$(GO) run $(BENCHSTAT) $(OUT)/bench.txt
	scripts/bench-ratio.sh $(OUT)/bench.txt

# Instructions a trial of bench-30, the engine against the bare kernel (callgrind; needs valgrind;
# about 2 minutes). Other load does not change the counts (docs/performance.md).
instr:
	scripts/instr-ratio.sh

clean:
	rm -rf bin $(OUT)
