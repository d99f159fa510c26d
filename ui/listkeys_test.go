package ui_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/export"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakestats"
	"github.com/noctop/noctop/ui/inventory"
)

// clip records what the copy key wrote.
type clip struct {
	mu   sync.Mutex
	got  []string
	fail error
}

func (c *clip) write(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.got = append(c.got, s)
	return nil
}

func (c *clip) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) == 0 {
		return ""
	}
	return c.got[len(c.got)-1]
}

func TestCopyIDEverywhere(t *testing.T) {
	w := fake.New("p1", 20, 2, 1)
	st := fakestats.New("p1", clock)
	src := w.Source()
	src.Inventory = st.ModelSource().Inventory
	cb := &clip{}
	h := newHarnessSources(t, ui.Options{Clipboard: cb.write}, src)

	h.keys("down", "y")
	c, _ := connList(h).Selected()
	if cb.last() != c.ID || h.footer() != "copied "+c.ID {
		t.Errorf("Connections: copied %q, footer %q; want %s", cb.last(), h.footer(), c.ID)
	}
	h.keys("2", "y")
	a, _ := apprList(h).Selected()
	if cb.last() != a.ID {
		t.Errorf("Approvals: copied %q, want %s", cb.last(), a.ID)
	}
	h.keys("enter", "down", "y")
	if !apprList(h).InDetail() || cb.last() != a.ID {
		t.Errorf("detail: copied %q, want %s", cb.last(), a.ID)
	}
	h.keys("esc")

	inv := paneIndex(t, h, "Inventory")
	h.keys(string(rune('1' + inv)))
	ip := h.m.Panes()[inv].(*inventory.Pane)
	h.keys("down")
	n, _, _ := ip.Selected()
	h.keys("y")
	if n.Ref.ID == "" || cb.last() != n.Ref.ID {
		t.Errorf("Inventory: copied %q, want %q", cb.last(), n.Ref.ID)
	}
	h.keys("enter", "y")
	if cb.last() != n.Ref.ID {
		t.Errorf("Inventory detail: copied %q", cb.last())
	}
	h.keys("esc", "up", "up", "up", "y") // the provider root has no id
	if !strings.Contains(h.footer(), "nothing to copy") {
		t.Errorf("root: footer %q", h.footer())
	}

	cb.fail = errors.New("terminal went away")
	h.keys("1", "y")
	if !strings.Contains(h.footer(), "copy failed: terminal went away") {
		t.Errorf("error not shown: %q", h.footer())
	}
}

func TestExportCurrentView(t *testing.T) {
	dir := t.TempDir()
	w := fake.New("p1", 200, 10, 1)
	h := newHarness(t, ui.Options{ExportDir: dir}, w)
	h.size(240, 40) // room for the whole path in the footer
	l := connList(h)
	h.keys("/")
	h.typeText("state=pending")
	h.keys("enter", "s", "s", "s", "s", "S") // BW descending
	want := l.Table().Visible()

	h.keys("ctrl+s")
	if !l.Exporting() || !strings.Contains(h.view(), "export 20 rows as: enter JSON · c CSV · esc cancel") {
		t.Fatalf("no format prompt:\n%s", h.line("Connections"))
	}
	h.keys("q") // captured by the prompt: not quit
	if h.quit {
		t.Fatal("q quit while the export prompt was open")
	}
	h.keys("enter")
	name := export.FileName("connections", "json", fixedNow)
	path := filepath.Join(dir, name)
	if f := h.footer(); f != "exported 20 rows of Connections /state=pending to "+path {
		t.Errorf("footer = %q", f)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []export.ConnectionRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want) {
		t.Fatalf("exported %d rows, view has %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.Provider+"/"+r.ID != want[i].Key || r.State != "pending" {
			t.Fatalf("row %d = %s/%s %s, want %s (the view's order)", i, r.Provider, r.ID, r.State, want[i].Key)
		}
	}

	// CSV, in the same second: a new file, the JSON one untouched.
	h.keys("ctrl+s", "c")
	csvPath := filepath.Join(dir, strings.TrimSuffix(name, ".json")+".csv")
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatalf("csv: %v (footer %q)", err, h.footer())
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 21 {
		t.Fatalf("csv rows %d %v", len(rows), err)
	}

	// esc exports nothing.
	h.keys("ctrl+s", "esc")
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files after esc: %d, want 2", len(ents))
	}
	// Approvals export their own view.
	h.keys("2", "ctrl+s", "enter")
	if !strings.Contains(h.footer(), "exported 20 rows of Approvals to") {
		t.Errorf("approvals export: %q", h.footer())
	}

	// Errors are shown, nothing half-written is left.
	bad := newHarness(t, ui.Options{ExportDir: filepath.Join(dir, "missing")}, w)
	bad.keys("ctrl+s", "enter")
	if f := bad.footer(); !strings.HasPrefix(f, "✗ export:") {
		t.Errorf("error footer = %q", f)
	}
	// An empty view has nothing to export.
	bad.keys("/")
	bad.typeText("no-such-connection")
	bad.keys("enter", "ctrl+s")
	if connList(bad).Exporting() || !strings.Contains(bad.footer(), "nothing to export") {
		t.Errorf("empty view: %q", bad.footer())
	}
}

// sparkWorld is two providers: one with statistics, one without.
func sparkWorld(t *testing.T) (*harness, *fakestats.Source) {
	t.Helper()
	w := fake.New("ix", 15, 0, 3)
	st := fakestats.New("ix", clock)
	src := w.Source()
	src.Stats = st.ModelSource().Stats
	plain := fake.New("fab", 15, 0, 4)
	return newHarnessSources(t, ui.Options{}, src, plain.Source()), st
}

func queries(st *fakestats.Source) []model.SeriesQuery {
	st.SetErr(nil) // takes the lock: a consistent read
	return st.Queries
}

func TestSparklineColumnToggle(t *testing.T) {
	h, st := sparkWorld(t)
	l := connList(h)
	h.keys("down", "down", "pgdown", "home")
	if l.SparklinesOn() || len(queries(st)) != 0 || strings.Contains(h.view(), connections.SparkTitle) {
		t.Fatalf("sparklines must be off by default: on %v, %d queries", l.SparklinesOn(), len(queries(st)))
	}
	h.keys("t")
	if !l.SparklinesOn() || !strings.Contains(h.view(), connections.SparkTitle) {
		t.Fatalf("t did not show the column:\n%s", h.view())
	}
	if !strings.Contains(h.footer(), "24h trend column on for ix rows") {
		t.Errorf("footer = %q", h.footer())
	}
	// Only rows whose source has statistics are fetched, each once.
	qs := queries(st)
	if len(qs) != 15 {
		t.Errorf("%d series queries, want 15 (the ix rows; fab has no statistics)", len(qs))
	}
	seen := map[string]bool{}
	for _, q := range qs {
		if seen[q.Target.ID] || q.Target.Provider != "ix" {
			t.Errorf("query %+v repeated or for the wrong provider", q.Target)
		}
		seen[q.Target.ID] = true
	}
	for _, r := range l.Table().Visible() {
		c := r.Item.(*model.Connection)
		line := ""
		for _, ln := range strings.Split(h.view(), "\n") {
			if strings.Contains(ln, " "+c.Provider+" ") && strings.Contains(ln, " "+c.Name+" ") {
				line = ln
			}
		}
		has := strings.ContainsAny(line, "▁▂▃▄▅▆▇█")
		if has != (c.Provider == "ix") {
			t.Errorf("%s row sparkline %v: %q", c.Provider, has, line)
		}
	}
	// Moving and refreshing within the TTL asks for nothing new.
	h.keys("down", "down", "r")
	if n := len(queries(st)); n != 15 {
		t.Errorf("queries after moves/refresh = %d, want still 15", n)
	}
	h.keys("t")
	if l.SparklinesOn() || strings.Contains(h.view(), connections.SparkTitle) {
		t.Error("second t did not hide the column")
	}
}

func TestSparklinesBoundedAndOnlyVisible(t *testing.T) {
	w := fake.New("ix", 500, 0, 3)
	st := fakestats.New("ix", clock)
	src := w.Source()
	src.Stats = st.ModelSource().Stats
	h := newHarnessSources(t, ui.Options{}, src)
	l := connList(h)
	cmd := h.sendNoRun(keyMsg("t"))
	if n := l.SparksInflight(); n == 0 || n > l.Sparks().Max {
		t.Fatalf("in flight after t: %d (max %d)", n, l.Sparks().Max)
	}
	h.exec(cmd)
	rows := l.TableView().Rows()
	if n := len(queries(st)); n != rows {
		t.Errorf("fetched %d series for %d visible rows", n, rows)
	}
	h.keys("pgdown")
	if n := len(queries(st)); n <= rows || n > 2*rows+1 {
		t.Errorf("after pgdown: %d queries, want the next page only", n)
	}
}

func TestSparklinesWithoutStatistics(t *testing.T) {
	h := newHarness(t, ui.Options{}, fake.New("fab", 10, 0, 1))
	h.keys("t")
	if connList(h).SparklinesOn() || !strings.Contains(h.footer(), "no configured provider offers traffic statistics") {
		t.Errorf("footer %q", h.footer())
	}
	// Approvals has no trend column: t does nothing there.
	h.keys("2", "t")
	if apprList(h).SparklinesOn() {
		t.Error("Approvals grew a trend column")
	}
}
