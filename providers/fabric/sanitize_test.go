package fabric

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model/modeltest"
)

// TestAdaptSanitisesEveryString poisons every string of every fixture
// (numbers aside) with terminal escapes and checks toModel, on its own,
// returns nothing a terminal would interpret (Raw included).
func TestAdaptSanitisesEveryString(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "connections", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	numeric := func(_, v string) bool { _, err := strconv.ParseFloat(v, 64); return err == nil }
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			poisoned, err := modeltest.InjectJSON(b, numeric)
			if err != nil {
				t.Fatal(err)
			}
			var c Connection
			if err := json.Unmarshal(poisoned, &c); err != nil {
				t.Fatal(err)
			}
			m := toModel("fab\x1b[2J", c)
			if bad := modeltest.Dirty(m); len(bad) > 0 {
				t.Errorf("unclean fields: %s", strings.Join(bad, ", "))
			}
			if !strings.Contains(m.Name, "␛]52;c;") {
				t.Errorf("name %q: the escapes did not arrive (as pictures)", m.Name)
			}
		})
	}
}
