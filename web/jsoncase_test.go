package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// snakeCase is the casing of the API's JSON names (docs/adr/0006-json-field-casing.md).
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// jsonNameExceptions are the JSON names that keep another casing: the
// camelCase names API clients, operators' dashboards and stored
// notification rows already use, and formats that others define.
// The list only shrinks: a new name follows snakeCase.
var jsonNameExceptions = map[string]string{
	// Operator surface: /api/health, /api/status, /api/monitoring, /api/cache/stats.
	"maxOpen": "legacy", "inUse": "legacy", "waitCount": "legacy", "responseTime": "legacy", "checkedAt": "legacy",
	"goVersion": "legacy", "heapAllocBytes": "legacy", "heapSysBytes": "legacy", "sysBytes": "legacy",
	"gcCount": "legacy", "gcPauseP99Ms": "legacy", "errorRate": "legacy", "ratePerMinute": "legacy",
	"avgMs": "legacy", "p50Ms": "legacy", "p95Ms": "legacy", "p99Ms": "legacy", "windowMinutes": "legacy",
	"openStreams": "legacy", "rateLimitRejections": "legacy", "cronRuns": "legacy", "hitRate": "legacy",
	"keyCount": "legacy", "avgResponseTime": "legacy", "requestCount": "legacy", "lastHour": "legacy",
	// Profile stats and room list paging.
	"hostedRooms": "legacy", "joinedRooms": "legacy", "completedMatches": "legacy", "totalMessages": "legacy",
	"memberSince": "legacy", "totalPages": "legacy", "hasNext": "legacy", "hasPrev": "legacy",
	// Host-message input and the data of stored notifications.
	"roomId": "legacy", "receiverId": "legacy", "requestId": "legacy", "matchId": "legacy",
	"hostMessageId": "legacy", "boostUntil": "legacy",
	// Defined by browsers (CSP reports) and the web-vitals library.
	"csp-report": "external", "document-uri": "external", "blocked-uri": "external", "violated-directive": "external",
	"effective-directive": "external", "documentURL": "external", "blockedURL": "external", "effectiveDirective": "external", "navigationType": "external",
}

// apiSources are the packages whose types and maps become API JSON.
var apiSources = []string{"..", "../app", ".", "../metrics", "../cron"}

// TestJSONNamesFollowTheRule: every json struct tag and every key of a
// map[string]any literal in the API's packages is snake_case or a listed
// exception, and every exception is still in use (so the list shrinks
// when a legacy name goes).
func TestJSONNamesFollowTheRule(t *testing.T) {
	used := map[string]bool{}
	check := func(pos token.Position, name string) {
		if name == "" || name == "-" {
			return
		}
		if _, ok := jsonNameExceptions[name]; ok {
			used[name] = true
			return
		}
		if !snakeCase.MatchString(name) {
			t.Errorf("%s: JSON name %q is not snake_case (docs/adr/0006-json-field-casing.md)", pos, name)
		}
	}
	fset := token.NewFileSet()
	for _, dir := range apiSources {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Field:
					if n.Tag != nil {
						tag, _ := strconv.Unquote(n.Tag.Value)
						name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
						check(fset.Position(n.Pos()), name)
					}
				case *ast.CompositeLit:
					if m, ok := n.Type.(*ast.MapType); ok && isIdent(m.Key, "string") && isIdent(m.Value, "any") {
						for _, e := range n.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok {
								if lit, ok := kv.Key.(*ast.BasicLit); ok && lit.Kind == token.STRING {
									key, _ := strconv.Unquote(lit.Value)
									check(fset.Position(lit.Pos()), key)
								}
							}
						}
					}
				}
				return true
			})
		}
	}
	for name := range jsonNameExceptions {
		if !used[name] {
			t.Errorf("exception %q is no longer used: remove it from jsonNameExceptions", name)
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
