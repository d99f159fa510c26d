package providers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/kind"
)

// A kind is its package plus one line in Kinds: no code outside a kind's
// own package spells its name. Every string literal of non-test Go code in
// the module that equals a kind's name must sit in that kind's package.
func TestKindNamesOnlyInTheirPackage(t *testing.T) {
	root := filepath.Join("..")
	// Not kind references: Metal names the Fabric side of a shared
	// interconnection "fabric" (an endpoint type, as the Metal API does);
	// the IX-API simulator's random stream for provisioning delays is
	// keyed "provision" (renaming it would change the simulated world).
	allowed := map[string]bool{"providers/metal:fabric": true, "providers/ixapi:provision": true}
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, k := range Kinds {
				if v == k.Name && dir != "providers/"+k.Name && !allowed[dir+":"+v] {
					found = append(found, rel+": "+lit.Value)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("kind names spelled outside their packages (use the kinds table):\n%s", strings.Join(found, "\n"))
	}
}

// Every descriptor is complete: the registry, config and the demo rely on
// each field.
func TestKindsTableComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds {
		if k.Name == "" || k.Title == "" || len(k.Credentials) == 0 || k.New == nil || len(k.Can) == 0 ||
			k.Sim.Name == "" || k.Sim.New == nil || len(k.Sim.Secrets) == 0 {
			t.Errorf("incomplete descriptor %+v", k)
		}
		if seen[k.Name] || seen[k.Sim.Name] {
			t.Errorf("duplicate kind or demo name %q", k.Name)
		}
		seen[k.Name], seen[k.Sim.Name] = true, true
		// The demo's credentials are one complete set of the kind's.
		complete := slices.ContainsFunc(k.Credentials, func(set []string) bool {
			for _, s := range set {
				if _, ok := k.Sim.Secrets[s]; !ok {
					return false
				}
			}
			return true
		})
		if !complete {
			t.Errorf("%s: demo secrets %v are no complete credential set of %v", k.Name, k.Sim.Secrets, k.Credentials)
		}
		for _, s := range slices.Collect(mapsKeys(k.Sim.Secrets)) {
			if !slices.Contains(k.SecretNames(), s) {
				t.Errorf("%s: demo secret %q is not one of the kind's", k.Name, s)
			}
		}
		if k.Config != nil && len(k.ConfigKeys()) == 0 {
			t.Errorf("%s: a kind config without keys", k.Name)
		}
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The example config documents every kind's keys, and parses with the
// real table.
func TestExampleConfigParsesWithEveryKind(t *testing.T) {
	src, err := os.ReadFile("../config.example.toml")
	if err != nil {
		t.Skip("config.example.toml not found")
	}
	if _, err := config.Parse("config.example.toml", src, func(string) string { return "dummy" }, Kinds); err != nil {
		t.Fatalf("config.example.toml does not parse: %v", err)
	}
	for _, k := range Kinds {
		if !strings.Contains(string(src), `kind = "`+k.Name+`"`) {
			t.Errorf("config.example.toml has no [[provider]] example of kind %s", k.Name)
		}
		for _, key := range k.ConfigKeys() {
			if !strings.Contains(string(src), key) {
				t.Errorf("config.example.toml does not mention %s's key %s", k.Name, key)
			}
		}
	}
	if _, ok := kind.Find(Kinds, "nope"); ok {
		t.Fatal("Find")
	}
}
