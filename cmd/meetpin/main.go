// Command meetpin is the whole service in one binary: `meetpin serve` runs
// it, `meetpin migrate` manages the schema, `meetpin seed` fills demo data,
// `meetpin user` manages accounts from the shell.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"meetpin.app/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a subcommand gets from the OS.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server (applies pending migrations unless MEETPIN_AUTO_MIGRATE=false)", cmdServe},
		{"migrate", "migrate up|down|status: apply, roll back one step, or list the schema migrations", cmdMigrate},
		{"seed", "seed --demo | --rooms N: create demo accounts and rooms, or N generated rooms for benchmarks", cmdSeed},
		{"user", "user create [--admin] --email E --nickname N: create an account from the shell", cmdUser},
		{"backup", "backup FILE: one archive of the database and the media, consistent while serving", cmdBackup},
		{"restore", "restore [--force] FILE: check an archive, then restore it into an empty data dir and database", cmdRestore},
		{"doctor", "check the environment without serving (variables, secrets, database and schema, Redis, Stripe, Kakao, data dir); exit 1 on any problem", cmdDoctor},
		{"health", "health [--ready]: probe the local server's livez (readyz), exit 0 on 200; for images without curl", cmdHealth},
		{"perf", "perf baseline URL | perf compare URL --baseline FILE: a bounded read load; p50/p95/p99 and req/s as JSON, exit 1 on a p95 regression", cmdPerf},
		{"smoke", "smoke URL [--json] [--write [--yes]] [--token T]: check a running deployment, exit 1 naming each failed check", cmdSmoke},
		{"version", "print the version, commit and Go version", cmdVersion},
		{"help", "show this help", nil},
	}
}

// run dispatches args[1] to a subcommand and returns the exit code. Errors
// are printed as one line; nothing panics out of here.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) < 2 {
		usage(stderr)
		return 2
	}
	name := args[1]
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			err := c.run(ctx, e, args[2:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "meetpin %s: %s\n", name, oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "meetpin: unknown command %q (run `meetpin help`)\n", name)
	return 2
}

var errUsage = errors.New("usage")

// oneLine joins a multi-error into one line per problem, indented, so each
// bad variable is reported but the output stays readable.
func oneLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	if len(lines) == 1 {
		return lines[0]
	}
	return "\n  " + strings.Join(lines, "\n  ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "meetpin: a map-based meetup service in one binary.")
	fmt.Fprintln(w, "\nUsage: meetpin <command> [flags]   (meetpin <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	envHelp(w)
}

func envHelp(w io.Writer) {
	fmt.Fprintln(w, "\nEnvironment:")
	for _, v := range config.Vars {
		def := ""
		if v.Default != "" {
			def = " (default " + v.Default + ")"
		}
		fmt.Fprintf(w, "  %-26s %s%s\n", v.Name, v.Help, def)
	}
}

// newFlags returns a flag set whose -h prints the flags and the environment.
func newFlags(e env, name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("meetpin "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: meetpin %s\n\n", summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		envHelp(e.stdout)
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args; a bad flag is a usage error (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
