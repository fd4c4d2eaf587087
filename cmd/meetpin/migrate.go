package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"meetpin.app/migrate"
)

func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "migrate", "migrate up|down|status\n\n  up      apply every pending migration\n  down    roll back exactly the newest applied migration\n  status  list applied and pending migrations")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	store, m, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	switch fs.Arg(0) {
	case "up":
		rs, err := m.Up(ctx)
		for _, r := range rs {
			fmt.Fprintln(e.stdout, r)
		}
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			fmt.Fprintln(e.stdout, "no pending migrations")
		}
	case "down":
		r, err := m.Down(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, r)
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		unknown, err := m.Unknown(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT\n")
		for _, s := range st {
			state, at := "pending", ""
			if s.Applied {
				state, at = "applied", s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Version, s.Name, state, at)
		}
		for _, v := range unknown {
			fmt.Fprintf(tw, "%d\t?\tapplied, unknown to this binary (a newer binary applied it)\t\n", v)
		}
		tw.Flush()
		if len(unknown) > 0 {
			fmt.Fprintln(e.stderr, (&migrate.NewerSchemaError{Unknown: unknown, Latest: m.Latest()}).Error())
		}
	default:
		fs.Usage()
		return errUsage
	}
	return nil
}
