package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"meetpin.app"
	"meetpin.app/app"
)

func cmdUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(e.stderr, "usage: meetpin user create [--admin] --email E --nickname N [--password-stdin]")
		return errUsage
	}
	fs := newFlags(e, "user create", "user create [--admin] --email E --nickname N [--password-stdin]\n\nWithout --password-stdin a random password is generated and printed once.")
	admin := fs.Bool("admin", false, "give the account the admin role")
	email := fs.String("email", "", "email address (required)")
	nick := fs.String("nickname", "", "nickname, 2–20 Hangul/latin/digits/_ (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *nick == "" {
		fs.Usage()
		return errUsage
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("reading the password from standard input: %v", err)
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password = rand.Text()
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
	if _, err := m.Up(ctx); err != nil {
		return err
	}
	role := meetpin.RoleUser
	if *admin {
		role = meetpin.RoleAdmin
	}
	u, err := app.New(store, newLogger(e, "warn"), app.Options{}).CreateUser(ctx, app.SignupInput{Email: *email, Password: password, Nickname: *nick}, role)
	if err != nil {
		return fmt.Errorf("%s", meetpin.ErrorMessage(err))
	}
	fmt.Fprintf(e.stdout, "created %s %s (id %s)\n", role, u.Email, u.ID)
	if !*fromStdin {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	return nil
}
