package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alesim/alesim/internal/signals"
	"github.com/alesim/alesim/model"
	"github.com/alesim/alesim/register"
	"github.com/spf13/pflag"
)

// Exit codes; --help lists them.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInvalid     = 3
	exitInterrupted = 130
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, stdout, stderr io.Writer, args []string) error
}

func commands() []command {
	return []command{
		{"validate", "check a scenario file and list every problem", runValidate},
		{"point", "the 1983 point arithmetic: ALE, savings and cost to savings ratio per finding", runPoint},
		{"run", "Monte Carlo: ALE and annual-loss distributions with confidence intervals", runRun},
		{"sensitivity", "rank the uncertain inputs by how much of the ALE or a safeguard's savings they decide (tornado)", runSensitivity},
		{"voi", "value of information: what knowing each uncertain input before deciding is worth (EVPI, EVPPI)", runVOI},
		{"merge", "combine shard results (run --shard K/N --out DIR) into the outputs of a single run", runMerge},
		{"import", "convert a spreadsheet risk register (.xlsx or .csv) into a commented YAML scenario", runImport},
		{"template", "write an empty register workbook (.xlsx) with instructions and one worked example row", runTemplate},
		{"compare", "compare two scenarios (paired, on one seed) or two saved runs: ALE, annual loss, each safeguard's savings, before and after", runCompare},
		{"schema", "print the JSON Schema (draft-07) of a scenario file, for editors", runSchema},
		{"plot", "re-draw the charts and report.html of a saved run (--out DIR) without re-simulating", runPlot},
	}
}

const topUsage = `alesim: Monte Carlo risk simulation of annual loss expectancy and safeguard savings.

Usage:
  alesim COMMAND [flags] SCENARIO

Commands:
%s
Run 'alesim COMMAND --help' for a command's flags.

Exit status:
  0    ok
  1    runtime failure
  2    usage error
  3    invalid scenario
  128+N  stopped by signal N, with everything staged removed: 130 SIGINT (Ctrl-C),
       143 SIGTERM (Slurm, Kubernetes), 129 SIGHUP, 131 SIGQUIT; a second signal stops at once
`

func usageText() string {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(topUsage, b.String())
}

// run is the whole program: it installs the signal policy (internal/signals), parses args, runs
// one command and maps its error to an exit code.
func run(stdout, stderr io.Writer, args []string) int {
	ctx, _, stop := signals.Notify(context.Background())
	defer stop()
	return runContext(ctx, stdout, stderr, args)
}

func runContext(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText())
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usageText())
		return exitOK
	case "--version", "version":
		fmt.Fprintln(stdout, "alesim", Version)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			out := &checkedWriter{w: stdout}
			err := c.run(ctx, out, stderr, args[1:])
			if sig, ok := signals.From(ctx).Received(); ok {
				fmt.Fprintf(stderr, "alesim: interrupted by %s\n", signalName(sig))
				return signals.ExitCode(sig)
			}
			if err == nil && out.err != nil {
				err = fmt.Errorf("writing to standard output: %w", out.err)
			}
			return exitCode(stderr, err)
		}
	}
	fmt.Fprintf(stderr, "alesim: unknown command %q\n\n%s", args[0], usageText())
	return exitUsage
}

func exitCode(stderr io.Writer, err error) int {
	var ue *usageError
	var me model.Errors
	var ri *reportedInvalid
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ri):
		fmt.Fprintf(stderr, "alesim: %v\n", err)
		return exitInvalid
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "alesim: %v\n", err)
		return exitUsage
	case errors.As(err, &me):
		fmt.Fprintln(stderr, me.Error())
		fmt.Fprintf(stderr, "alesim: %d problem(s) in scenario\n", len(me))
		return exitInvalid
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "alesim: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(stderr, "alesim: %v\n", err)
		return exitFailure
	}
}

// newFlags makes a subcommand's flag set; parse errors become usage errors.
func newFlags(name, args string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: alesim %s [flags] %s\n\nFlags:\n%s", name, args, fs.FlagUsages())
	}
	return fs
}

// parse parses flags and returns the one positional SCENARIO argument.
func parse(fs *pflag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return "", err
		}
		return "", usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", usagef("%s: want exactly one scenario file (got %d arguments)", fs.Name(), fs.NArg())
	}
	return fs.Arg(0), nil
}

// parseError turns a flag parse error into the command's error.
func parseError(fs *pflag.FlagSet, err error) error {
	if errors.Is(err, pflag.ErrHelp) {
		return err
	}
	return usagef("%s: %v", fs.Name(), err)
}

// parseOne is parse for a command whose one positional argument is not a scenario.
func parseOne(fs *pflag.FlagSet, args []string, what string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return "", err
		}
		return "", usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", usagef("%s: want exactly one %s (got %d arguments)", fs.Name(), what, fs.NArg())
	}
	return fs.Arg(0), nil
}

// loadScenario loads the SCENARIO argument of every command: a YAML scenario, or a register
// (.xlsx or .csv) read as the scenario its import would write.
func loadScenario(path string) (*model.Scenario, error) {
	load := model.Load
	if register.IsRegister(path) {
		load = register.Load
	}
	s, err := load(path)
	if err != nil {
		var me model.Errors
		if errors.As(err, &me) {
			return nil, err
		}
		return nil, fmt.Errorf("loading scenario: %w", err)
	}
	return s, nil
}
