// Command leakdesk is the response desk for a personal-data leak.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/leakdesk/leakdesk"
)

func main() {
	// Reading a leak allocates fast (every block of text is a new string)
	// and keeps a small live heap: the blocks in flight and the registry.
	// The GC's marking work is proportional to allocation divided by
	// GOGC, so collecting at three times the live heap instead of twice
	// saves a sixth of inspect's CPU time, for 10 MB more (56 MB on
	// bench/inspect.sh). Users can still set GOGC.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if path := os.Getenv("LEAKDESK_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "leakdesk: "+leakdesk.ErrorMessage(err))
	}
	pprof.StopCPUProfile() // os.Exit skips deferred calls
	os.Exit(exitCode(err))
}

// Exit codes, documented in the README.
const (
	exitOK           = 0
	exitInternal     = 1
	exitInvalid      = 2
	exitNotFound     = 3
	exitConflict     = 4
	exitUnauthorized = 5
	exitUnavailable  = 6
	exitIntegrity    = 7
	exitUnread       = 8
	exitForbidden    = 9
	exitInterrupted  = 130
)

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	switch leakdesk.ErrorCode(err) {
	case leakdesk.EINVALID:
		return exitInvalid
	case leakdesk.ENOTFOUND:
		return exitNotFound
	case leakdesk.ECONFLICT:
		return exitConflict
	case leakdesk.EUNAUTHORIZED:
		return exitUnauthorized
	case leakdesk.EUNAVAILABLE:
		return exitUnavailable
	case leakdesk.EINTEGRITY:
		return exitIntegrity
	case leakdesk.EUNREAD:
		return exitUnread
	case leakdesk.EFORBIDDEN:
		return exitForbidden
	default:
		return exitInternal
	}
}

// run is the whole program, with its environment passed in so that tests
// can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return newApp(getenv, stdin, stdout, stderr).execute(ctx, args)
}

// execute runs one command line and closes what it opened.
func (a *app) execute(ctx context.Context, args []string) error {
	defer a.close()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	return root.ExecuteContext(ctx)
}
