package ui_test

import (
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/pane"
)

// Goldens: 120×40, ASCII profile (TestMain), fixed clock. Update with
//   go test ./ui/ -run TestGolden -update

func goldenWorld() *fake.World { return fake.New("fabric-prod", 300, 9, 42) }

func demoOpts() ui.Options {
	return ui.Options{Demo: true, Banner: "DEMO — simulated providers on 127.0.0.1", AuditPath: "~/.local/state/noctop/audit.log"}
}

func TestGoldenConnections(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld(), fake.New("fabric-lab", 20, 4, 7))
	h.keys("home", "down", "down")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenFiltered(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.keys("/")
	h.typeText("state=pending a=et-1")
	h.keys("enter", "s", "s", "s", "s", "S") // sort by BW descending
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenApprovalsDialog(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.keys("2", "x")
	h.typeText("not our port")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenApprovalsList(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.keys("2", "a", "tab", "enter")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenDetail(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.keys("2", "enter")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenHelp(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.keys("?")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenHelpReadOnly(t *testing.T) {
	o := demoOpts()
	o.ReadOnly = true
	h := newHarness(t, o, goldenWorld())
	h.keys("?")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenLoading(t *testing.T) {
	w1, w2 := goldenWorld(), fake.New("metal", 10, 0, 3)
	// Build the model but do not run the fetches: both stay in flight.
	w1.ListDelay = time.Hour
	w1.Pages = 12 // a page each 5 minutes: none arrives in the test
	s2 := w2.Source()
	s2.Connections = stuck{} // no pages known
	fh := fakehub.New(clock, w1.Source(), s2)
	t.Cleanup(fh.Close)
	m := ui.New(ui.Options{Hub: fh, Now: clock, Demo: true}, nil)
	m.Init() // starts both fetches (commands not run)
	nm, _ := m.Update(sizeMsg(120, 40))
	m = nm.(ui.Model)
	k := pane.Key("fabric-prod", pane.ResConnections)
	waitFor(t, func() bool { st, _ := fh.Status(k); return st.Total == 12 })
	fh.Progress(k).Add(5)
	nm, _ = m.Update(spinner.TickMsg{})
	m = nm.(ui.Model)
	golden.RequireEqual(t, []byte(m.View()))
}

func TestGoldenError(t *testing.T) {
	w := goldenWorld()
	w.ListErr = &model.APIError{Provider: "fabric-prod", Method: "POST", Path: "/fabric/v4/connections/search", Status: 503,
		Code: "EQ-3000501", Message: "service unavailable", CorrelationID: "c0ffee"}
	ok := fake.New("fabric-lab", 0, 0, 5)
	h := newHarness(t, demoOpts(), w, ok)
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenStale(t *testing.T) {
	w := goldenWorld()
	h := newHarness(t, demoOpts(), w)
	w.ListErr = &model.APIError{Provider: "fabric-prod", Method: "POST", Path: "/fabric/v4/connections/search", Status: 500, Message: "internal error"}
	h.keys("r")
	golden.RequireEqual(t, []byte(h.view()))
}

func TestGoldenTiny(t *testing.T) {
	h := newHarness(t, demoOpts(), goldenWorld())
	h.size(20, 5)
	golden.RequireEqual(t, []byte(h.view()))
}

// stuck is a listing that never answers (until cancelled).
type stuck struct{}

func (stuck) Connections(ctx context.Context, _ *model.Progress) ([]model.Connection, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
