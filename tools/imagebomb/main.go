// Command imagebomb measures what avatar uploads cost a real meetpin
// process: it starts `meetpin serve` on a free loopback port with a fresh
// SQLite data directory, signs up one account, reads the process's
// resident memory (VmRSS) at idle, sends rounds of parallel uploads of one
// image, and reports the peak resident memory (VmHWM, reset before the
// first round) above idle, the memory left after, and each answer.
//
//	go build -o bin/meetpin ./cmd/meetpin
//	go run ./tools/imagebomb                        # the attack of issue 14
//	go run ./tools/imagebomb -image largest         # the biggest accepted PNG
//	go run ./tools/imagebomb -bin /tmp/old-meetpin  # another build
//
// It is a measurement (docs/security.md), not a test: it prints numbers
// and exits 0 unless the server could not be run.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"meetpin.app/meetpintest"
)

func main() {
	bin := flag.String("bin", "bin/meetpin", "the meetpin binary to run")
	kind := flag.String("image", "attack", "attack: 6324×6324 16-bit RGBA PNG of zeros; wide: the same at 8 bits; largest: 4000×4000 8-bit RGBA PNG (the biggest PNG the limits accept)")
	parallel := flag.Int("parallel", 4, "uploads in flight at once")
	rounds := flag.Int("rounds", 3, "rounds of parallel uploads")
	flag.Parse()
	if err := run(*bin, *kind, *parallel, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "imagebomb:", err)
		os.Exit(1)
	}
}

func run(bin, kind string, parallel, rounds int) error {
	var img []byte
	switch kind {
	case "attack":
		img = meetpintest.ZeroPNG(6324, 6324, 16)
	case "wide":
		img = meetpintest.ZeroPNG(6324, 6324, 8)
	case "largest":
		img = meetpintest.ZeroPNG(4000, 4000, 8)
	default:
		return fmt.Errorf("unknown -image %q", kind)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "imagebomb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "MEETPIN_ADDR="+addr, "MEETPIN_DATA_DIR="+dir, "MEETPIN_RATELIMIT=off",
		"MEETPIN_CRON=off", "MEETPIN_LOG_LEVEL=error", "DATABASE_URL=", "REDIS_URL=")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}
	token, err := signup(base)
	if err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // let start-up settle
	pid := cmd.Process.Pid
	idle, _ := memory(pid, "VmRSS")
	// Writing 5 to clear_refs resets VmHWM to the current RSS.
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		fmt.Fprintln(os.Stderr, "imagebomb: cannot reset the peak (VmHWM includes start-up):", err)
	}
	fmt.Printf("image %s: %d bytes; %d rounds of %d parallel uploads; server pid %d\n", kind, len(img), rounds, parallel, pid)
	fmt.Printf("idle RSS %.1f MB\n", mb(idle))
	answers := map[string]int{}
	var slowest time.Duration
	start := time.Now()
	for range rounds {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range parallel {
			wg.Go(func() {
				t0 := time.Now()
				a := upload(base, token, img)
				d := time.Since(t0)
				mu.Lock()
				answers[a]++
				slowest = max(slowest, d)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	peak, _ := memory(pid, "VmHWM")
	after, _ := memory(pid, "VmRSS")
	fmt.Printf("peak RSS %.1f MB (%.1f MB above idle); RSS after %.1f MB; %s for all, slowest upload %s\n",
		mb(peak), mb(peak-idle), mb(after), elapsed.Round(time.Millisecond), slowest.Round(time.Millisecond))
	for a, n := range answers {
		fmt.Printf("  %d × %s\n", n, a)
	}
	return nil
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// memory reads a field of /proc/PID/status in kB.
func memory(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if res, err := http.Get(base + "/api/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not become ready in 30 s")
}

func signup(base string) (string, error) {
	body := `{"email":"bomb@example.com","password":"imagebomb-Pa55-long","nickname":"bomber"}`
	res, err := http.Post(base+"/api/auth/signup", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Data.Token == "" {
		return "", fmt.Errorf("signup: %d %v", res.StatusCode, err)
	}
	return out.Data.Token, nil
}

// upload posts img as the avatar and returns "status code".
func upload(base, token string, img []byte) string {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("avatar", "zeros.png")
	_, _ = part.Write(img)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/profile/avatar", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Timeout: 5 * time.Minute}
	res, err := client.Do(req)
	if err != nil {
		return "error " + err.Error()
	}
	defer res.Body.Close()
	var out struct {
		Code string `json:"code"`
	}
	_ = json.NewDecoder(res.Body).Decode(&out)
	if out.Code == "" {
		out.Code = "ok"
	}
	return fmt.Sprintf("%d %s", res.StatusCode, out.Code)
}
