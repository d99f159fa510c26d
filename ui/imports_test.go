package ui_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/noctop/noctop"

// importViolations walks every package under root/start (recursively, and
// transitively through the module's own packages) and returns the import
// chains that reach a package under module/providers. Test files count too:
// a UI test that needs a provider is a design smell we want to see.
func importViolations(t *testing.T, root, start string) []string {
	t.Helper()
	var bad []string
	seen := map[string]bool{}
	var visit func(pkg string, chain []string)
	visit = func(pkg string, chain []string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		dir := filepath.Join(root, strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/"))
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		imports := map[string]bool{}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
			if err != nil {
				t.Errorf("parse %s: %v", e.Name(), err)
				continue
			}
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				imports[p] = true
			}
		}
		var ps []string
		for p := range imports {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		for _, p := range ps {
			next := append(append([]string(nil), chain...), p)
			if p == module+"/providers" || strings.HasPrefix(p, module+"/providers/") {
				bad = append(bad, strings.Join(next, " -> "))
				continue
			}
			if strings.HasPrefix(p, module+"/") {
				visit(p, next)
			}
		}
	}
	base := filepath.Join(root, start)
	filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || strings.Contains(path, "testdata") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		pkg := module + "/" + filepath.ToSlash(rel)
		visit(pkg, []string{pkg})
		return nil
	})
	return bad
}

func TestUINeverImportsProviders(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s", root)
	}
	if bad := importViolations(t, root, "ui"); len(bad) > 0 {
		t.Fatalf("ui/ must reach providers only through model.Source:\n%s", strings.Join(bad, "\n"))
	}
}

// The checker itself must be able to fail.
func TestImportCheckerCatchesViolation(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "ui", "bad"), 0o755))
	must(os.MkdirAll(filepath.Join(root, "ui", "helper"), 0o755))
	must(os.WriteFile(filepath.Join(root, "ui", "bad", "bad.go"), []byte("package bad\nimport _ \""+module+"/ui/helper\"\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "ui", "helper", "h.go"), []byte("package helper\nimport _ \""+module+"/providers/fabric\"\n"), 0o644))
	bad := importViolations(t, root, "ui")
	if len(bad) == 0 {
		t.Fatal("a transitive import of providers/fabric was not detected")
	}
	if !strings.Contains(bad[0], "providers/fabric") {
		t.Errorf("chain = %q", bad[0])
	}
}

// widgetImports are what a widget may import from this module: plain data,
// text helpers, styles, keys and other widgets. Widgets are leaves: they
// know no pane, no shared state and no mutation path.
var widgetImports = []string{"model", "model/modeltest", "ui/internal/text", "ui/styles", "ui/keys", "ui/widgets/"}

// widgetViolations lists the imports of packages under root/ui/widgets
// (test files included) that widgetImports does not allow.
func widgetViolations(t *testing.T, root string) []string {
	t.Helper()
	var bad []string
	base := filepath.Join(root, "ui", "widgets")
	filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			t.Errorf("parse %s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			own, ok := strings.CutPrefix(p, module+"/")
			if !ok {
				continue
			}
			allowed := false
			for _, a := range widgetImports {
				if own == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(own, a)) {
					allowed = true
				}
			}
			if !allowed {
				bad = append(bad, filepath.ToSlash(rel)+" imports "+own)
			}
		}
		return nil
	})
	sort.Strings(bad)
	return bad
}

func TestWidgetsImportNoPane(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if bad := widgetViolations(t, root); len(bad) > 0 {
		t.Fatalf("widgets are leaves (allowed: %s):\n%s", strings.Join(widgetImports, ", "), strings.Join(bad, "\n"))
	}
}

func TestWidgetCheckerCatchesPaneImport(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "ui", "widgets", "w")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package w\nimport (\n_ \"" + module + "/ui/widgets/vtable\"\n_ \"" + module + "/ui/traffic\"\n_ \"" + module + "/ui/pane\"\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "w_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := widgetViolations(t, root)
	if len(bad) != 2 || !strings.Contains(bad[0], "ui/pane") || !strings.Contains(bad[1], "ui/traffic") {
		t.Fatalf("violations = %q, want ui/pane and ui/traffic (and not the widget)", bad)
	}
}
