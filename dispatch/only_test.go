package dispatch_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyDispatchInvalidates proves that the dispatcher is the only code
// of the module that invalidates the cache or publishes to the broker: it
// parses every non-test Go file and fails on any call of a method named
// Publish, Invalidate, Clear, Delete or DeletePrefix outside the packages
// allowed to make one. The check is by name, so it is stricter than
// needed: a new, unrelated method with one of these names must be renamed
// (or this list argued about in review).
func TestOnlyDispatchInvalidates(t *testing.T) {
	forbidden := map[string]bool{"Publish": true, "Invalidate": true, "Clear": true, "Delete": true, "DeletePrefix": true}
	allowed := map[string]string{
		"dispatch":    "the after-commit dispatcher",
		"readcache":   "the cache's own generations and evictions",
		"inmem":       "the in-process broker and cache",
		"redis":       "the Redis broker and cache",
		"meetpintest": "the broker and cache conformance suites",
	}
	root := filepath.Join("..")
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			if _, ok := allowed[filepath.ToSlash(rel)]; ok {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && forbidden[sel.Sel.Name] {
				t.Errorf("%s: calls %s: only package dispatch invalidates the cache or publishes; record a fact in a unit of work instead",
					fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Fatalf("parsed only %d files: is the module root %s?", files, root)
	}
}
