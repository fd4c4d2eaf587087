package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"meetpin.app/config"
)

// repoRoot is the module root, two levels above this package.
const repoRoot = "../.."

// TestKubernetesManifests parses deploy/kubernetes/ and checks it against
// the binary: every probe path answers 200 on a real server (and each
// probe is the right one for its job), ports and selectors line up, every
// variable and secret key is one meetpin reads, and the grace period
// covers the drain delay plus the shutdown timeout.
func TestKubernetesManifests(t *testing.T) {
	docs := map[string][]map[string]any{} // by kind
	files, _ := filepath.Glob(filepath.Join(repoRoot, "deploy/kubernetes/*.yaml"))
	if len(files) < 5 {
		t.Fatalf("deploy/kubernetes has %d files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var doc map[string]any
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			kind, _ := doc["kind"].(string)
			if kind == "" || doc["apiVersion"] == nil {
				t.Fatalf("%s: a document without kind or apiVersion", f)
			}
			docs[kind] = append(docs[kind], doc)
		}
	}
	for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret", "Kustomization"} {
		if len(docs[kind]) != 1 {
			t.Fatalf("%d %s documents, want 1", len(docs[kind]), kind)
		}
	}
	dep := docs["Deployment"][0]
	depName := str(t, dep, "metadata.name")
	podLabels := obj(t, dep, "spec.template.metadata.labels")
	if !subset(obj(t, dep, "spec.selector.matchLabels"), podLabels) {
		t.Fatal("the Deployment's selector does not match its pod labels")
	}
	pod := obj(t, dep, "spec.template.spec")
	containers := pod["containers"].([]any)
	if len(containers) != 1 {
		t.Fatalf("%d containers", len(containers))
	}
	c := containers[0].(map[string]any)

	// Ports: the named port is the one MEETPIN_ADDR listens on.
	env := map[string]string{}
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
	}
	for _, e := range c["env"].([]any) {
		e := e.(map[string]any)
		name := e["name"].(string)
		if !known[name] {
			t.Errorf("the Deployment sets %s, which meetpin does not read", name)
		}
		env[name], _ = e["value"].(string)
	}
	ports := c["ports"].([]any)
	port := ports[0].(map[string]any)
	if port["name"] != "http" || ":"+strconv.Itoa(num(port["containerPort"])) != env["MEETPIN_ADDR"] {
		t.Fatalf("container port %v does not match MEETPIN_ADDR %q", port, env["MEETPIN_ADDR"])
	}

	// Probes: each one's path answers 200 on a real server.
	probes := map[string]string{}
	for _, p := range []string{"startupProbe", "livenessProbe", "readinessProbe"} {
		probe := obj(t, c, p)
		probes[p] = str(t, probe, "httpGet.path")
		if hp := obj(t, probe, "httpGet")["port"]; hp != "http" {
			t.Errorf("%s port %v, want the named port http", p, hp)
		}
	}
	if probes["livenessProbe"] != "/api/livez" || probes["startupProbe"] != "/api/livez" {
		t.Errorf("liveness and startup must use /api/livez, which touches no dependency: %v", probes)
	}
	if probes["readinessProbe"] != "/api/readyz" {
		t.Errorf("readiness must use /api/readyz, which turns 503 while draining: %v", probes)
	}
	r := startReplica(t, nil)
	for p, path := range probes {
		if code, body := getBody(t, r.base, path, ""); code != 200 {
			t.Errorf("%s %s: HTTP %d %s", p, path, code, body)
		}
	}

	// Shutdown: the grace period covers the drain and the shutdown timeout.
	defaults, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	drain, shutdown := defaults.DrainDelay, defaults.ShutdownTimeout
	if v := env["MEETPIN_DRAIN_DELAY"]; v != "" {
		drain, _ = time.ParseDuration(v)
	}
	if v := env["MEETPIN_SHUTDOWN_TIMEOUT"]; v != "" {
		shutdown, _ = time.ParseDuration(v)
	}
	grace := time.Duration(num(pod["terminationGracePeriodSeconds"])) * time.Second
	if grace <= drain+shutdown {
		t.Errorf("terminationGracePeriodSeconds %s does not cover drain %s + shutdown %s", grace, drain, shutdown)
	}

	// Security: non-root, read-only root, no privilege escalation.
	if obj(t, pod, "securityContext")["runAsNonRoot"] != true || obj(t, c, "securityContext")["readOnlyRootFilesystem"] != true ||
		obj(t, c, "securityContext")["allowPrivilegeEscalation"] != false {
		t.Error("the pod must run as non-root with a read-only root and no privilege escalation")
	}

	// The Secret: its keys are variables meetpin reads, and the
	// Deployment takes it.
	sec := docs["Secret"][0]
	secName := str(t, sec, "metadata.name")
	for k, v := range obj(t, sec, "stringData") {
		if !known[k] {
			t.Errorf("the example Secret has %s, which meetpin does not read", k)
		}
		env[k] = v.(string)
	}
	// Together they are a valid production configuration.
	if cfg, err := config.Load(func(k string) string { return env[k] }); err != nil || !cfg.Production() || !cfg.Postgres() || cfg.RedisURL == "" {
		t.Errorf("the Deployment's env with the example Secret: %v", err)
	}
	var fromSecret bool
	for _, ef := range c["envFrom"].([]any) {
		if str(t, ef.(map[string]any), "secretRef.name") == secName {
			fromSecret = true
		}
	}
	if !fromSecret {
		t.Errorf("the Deployment does not take the Secret %q", secName)
	}

	// Service, PDB, HPA point at the Deployment's pods.
	svc := docs["Service"][0]
	if !subset(obj(t, svc, "spec.selector"), podLabels) {
		t.Error("the Service's selector does not match the pods")
	}
	if sp := obj(t, svc, "spec")["ports"].([]any)[0].(map[string]any); sp["targetPort"] != "http" {
		t.Errorf("the Service's targetPort %v, want http", sp["targetPort"])
	}
	pdb := docs["PodDisruptionBudget"][0]
	if !subset(obj(t, pdb, "spec.selector.matchLabels"), podLabels) {
		t.Error("the PodDisruptionBudget's selector does not match the pods")
	}
	hpa := docs["HorizontalPodAutoscaler"][0]
	if str(t, hpa, "spec.scaleTargetRef.name") != depName || str(t, hpa, "spec.scaleTargetRef.kind") != "Deployment" {
		t.Error("the HPA does not scale the Deployment")
	}
	if minR, minA := num(obj(t, hpa, "spec")["minReplicas"]), num(obj(t, pdb, "spec")["minAvailable"]); minR <= minA {
		t.Errorf("HPA minReplicas %d must exceed the PDB's minAvailable %d, or no node can be drained", minR, minA)
	}
	// The kustomization lists files that exist (the example Secret excepted).
	for _, res := range obj(t, docs["Kustomization"][0], "")["resources"].([]any) {
		if _, err := os.Stat(filepath.Join(repoRoot, "deploy/kubernetes", res.(string))); err != nil {
			t.Errorf("kustomization resource %v: %v", res, err)
		}
	}
}

// TestDockerfile checks the Dockerfile's shape, that `meetpin health` (its
// HEALTHCHECK) works, and that the binary it builds (CGO_ENABLED=0) is
// static. A Docker build runs only where a Docker daemon answers.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var user, health, entry string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch f := strings.Fields(line); {
		case len(f) == 0 || strings.HasPrefix(line, "#"):
		case f[0] == "FROM":
			froms = append(froms, f[1])
		case f[0] == "USER":
			user = f[1]
		case f[0] == "HEALTHCHECK":
			health = line
		case f[0] == "ENTRYPOINT":
			entry = line
		}
	}
	if len(froms) < 2 {
		t.Fatalf("not a multi-stage build: %v", froms)
	}
	final := froms[len(froms)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("final stage %s: want distroless static or scratch", final)
	}
	if user == "" || user == "root" || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q: want a non-root user", user)
	}
	if !strings.Contains(health, `CMD ["/meetpin", "health"]`) || !strings.Contains(entry, `["/meetpin"]`) {
		t.Errorf("HEALTHCHECK %q / ENTRYPOINT %q", health, entry)
	}
	if !bytes.Contains(b, []byte("CGO_ENABLED=0 go build")) {
		t.Error("the binary is not built with CGO_ENABLED=0")
	}

	// The HEALTHCHECK command itself, against a live server and against nothing.
	r := startReplica(t, nil)
	addr := strings.TrimPrefix(r.base, "http://")
	if code, out, errs := runCmd(t, map[string]string{"MEETPIN_ADDR": addr}, "health"); code != 0 || !strings.Contains(out, "/api/livez: ok") {
		t.Fatalf("health: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCmd(t, map[string]string{"MEETPIN_ADDR": addr}, "health", "--ready"); code != 0 {
		t.Fatalf("health --ready: %d %q", code, errs)
	}
	if code, _, errs := runCmd(t, map[string]string{"MEETPIN_ADDR": freeAddr(t)}, "health"); code != 1 || !strings.Contains(errs, "/api/livez") {
		t.Fatalf("health with nothing listening: %d %q", code, errs)
	}

	// CGO_ENABLED=0 builds: every dependency is pure Go (no package needs
	// cgo, and runtime/cgo is not linked), so the binary is static.
	t.Run("static binary", func(t *testing.T) {
		cmd := exec.Command("go", "list", "-e", "-deps", "-f", "{{if .Error}}{{.ImportPath}}: {{.Error}}\n{{end}}{{if .CgoFiles}}cgo: {{.ImportPath}}\n{{end}}{{if eq .ImportPath \"runtime/cgo\"}}runtime/cgo linked\n{{end}}", ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Fatalf("with CGO_ENABLED=0: %v\n%s", err, out)
		}
	})
	t.Run("docker build", func(t *testing.T) {
		if _, err := exec.LookPath("docker"); err != nil {
			t.Skip("no docker command")
		}
		if err := exec.Command("docker", "info").Run(); err != nil {
			t.Skip("no Docker daemon answers `docker info`: the image is not built here")
		}
		if os.Getenv("MEETPIN_TEST_DOCKER") == "" {
			t.Skip("set MEETPIN_TEST_DOCKER=1 to build the image (it pulls node, golang and distroless)")
		}
		cmd := exec.Command("docker", "build", "-q", "-t", "meetpin:test", repoRoot)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker build: %v\n%s", err, out)
		}
	})
}

// TestSystemdUnit checks deploy/systemd/meetpin.service: its settings, and
// `systemd-analyze verify` (with ExecStart pointed at an executable that
// exists here) printing nothing, where systemd-analyze exists.
func TestSystemdUnit(t *testing.T) {
	path := filepath.Join(repoRoot, "deploy/systemd/meetpin.service")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{} // "Section.Key" → values
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("not key=value: %q", line)
			}
			keys[section+"."+k] = append(keys[section+"."+k], v)
		}
	}
	want := map[string]string{
		"Service.ExecStart": "/usr/local/bin/meetpin serve", "Service.Restart": "on-failure", "Service.KillSignal": "SIGTERM",
		"Service.NoNewPrivileges": "yes", "Service.ProtectSystem": "strict", "Service.DynamicUser": "yes",
		"Service.StateDirectory": "meetpin", "Service.EnvironmentFile": "-/etc/meetpin/meetpin.env",
		"Service.PrivateTmp": "yes", "Service.CapabilityBoundingSet": "", "Install.WantedBy": "multi-user.target",
	}
	for k, v := range want {
		if got := keys[k]; !slices.Contains(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	stop, err := time.ParseDuration(keys["Service.TimeoutStopSec"][0])
	if err != nil || stop <= 20*time.Second {
		t.Errorf("TimeoutStopSec %v must exceed the drain delay + shutdown timeout (20s)", keys["Service.TimeoutStopSec"])
	}
	for _, env := range keys["Service.Environment"] {
		known := map[string]bool{}
		for _, v := range config.Vars {
			known[v.Name] = true
		}
		for _, kv := range strings.Fields(env) {
			if k, _, _ := strings.Cut(kv, "="); !known[k] {
				t.Errorf("Environment sets %s, which meetpin does not read", k)
			}
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit was checked by the rules above only")
	}
	exe, err := os.Executable() // any executable will do for verify
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "meetpin.service")
	os.WriteFile(unit, bytes.ReplaceAll(b, []byte("/usr/local/bin/meetpin"), []byte(exe)), 0o644)
	out, err := exec.Command(analyze, "verify", "--man=no", unit).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// obj walks a dotted path of maps; "" is m itself.
func obj(t *testing.T, m map[string]any, path string) map[string]any {
	t.Helper()
	cur := m
	if path == "" {
		return cur
	}
	for _, k := range strings.Split(path, ".") {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("no %s (at %s)", path, k)
		}
		cur = next
	}
	return cur
}

func str(t *testing.T, m map[string]any, path string) string {
	t.Helper()
	i := strings.LastIndex(path, ".")
	parent := m
	if i >= 0 {
		parent = obj(t, m, path[:i])
	}
	s, ok := parent[path[i+1:]].(string)
	if !ok {
		t.Fatalf("no string at %s", path)
	}
	return s
}

func num(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return -1
}

// subset reports whether every key of a has the same value in b.
func subset(a, b map[string]any) bool {
	if len(a) == 0 {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
