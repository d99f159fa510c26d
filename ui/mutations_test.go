package ui_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/mutate"
)

// ixWorld is a fake IX-API account: active rows offer a change request
// and decommission; decommission needs the cancellation policy first.
func ixWorld() *fake.World { return fake.New("ix", 30, 0, 5).OfferIXActions() }

// selectState filters the Connections pane to one state and returns the
// selected connection.
func selectState(t *testing.T, h *harness, state string) model.Connection {
	t.Helper()
	h.keys("/")
	h.typeText("state==" + state)
	h.keys("enter")
	c, ok := connList(h).Selected()
	if !ok {
		t.Fatalf("no %s connection", state)
	}
	return *c
}

// rowState is the STATE cell of key, filtered out or not.
func rowState(h *harness, l *connections.Model, key string) string {
	for _, r := range l.Table().All() {
		if r.Key == key {
			return r.Cells[connections.ColState]
		}
	}
	return ""
}

// helpKeys is the list's footer key help as text (a toast may cover the
// footer itself).
func helpKeys(l *connections.Model) string {
	var parts []string
	for _, b := range l.Keys().ShortHelp(0) {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " • ")
}

func TestFileChangeRequestFlow(t *testing.T) {
	w := ixWorld()
	h := newHarness(t, ui.Options{AuditPath: "/tmp/audit.log"}, w)
	l := connList(h)
	c := selectState(t, h, "active")
	if f := h.footer(); !strings.Contains(f, "c change…") || !strings.Contains(f, "D decommission…") || strings.Contains(f, "C withdraw") {
		t.Errorf("footer does not offer exactly the row's actions: %q", f)
	}
	h.keys("c")
	d := l.Flow.Dialog()
	if d == nil || d.FocusOnConfirm() {
		t.Fatalf("c: dialog %v (focus must start on Cancel)", d)
	}
	proposed := c.BandwidthMbps * 2
	v := h.view()
	for _, s := range []string{"File change request on " + c.Name, "POST /network-services/" + c.ID + "/change-request",
		fmt.Sprintf(`"capacity": %d`, proposed), "Capacity (Mbit/s)", "risk: medium", "Now      " + model.FormatMbps(c.BandwidthMbps)} {
		if !strings.Contains(v, s) {
			t.Errorf("dialog lacks %q:\n%s", s, v)
		}
	}
	// An invalid capacity shows the planner's error and blocks Confirm.
	h.typeText("3k")
	if !strings.Contains(h.view(), `capacity "3k" is not a positive number`) {
		t.Errorf("planner error not shown:\n%s", h.view())
	}
	h.keys("tab", "enter")
	if len(w.Calls()) != 0 || !l.Flow.Active() || !strings.Contains(h.view(), "cannot confirm") {
		t.Fatalf("invalid capacity confirmed: calls %d", len(w.Calls()))
	}
	// Fixing it re-plans the preview as it is typed.
	h.keys("backspace")
	h.typeText("000")
	v = h.view()
	if !strings.Contains(v, `"capacity": 3000`) || !strings.Contains(v, "→ 3G") || strings.Contains(v, "cannot confirm") {
		t.Fatalf("preview not re-planned with 3000:\n%s", v)
	}
	planned := l.Flow.Dialog().Action()
	_, reads := w.Counts()
	h.keys("enter") // focus is still on Confirm
	calls := w.Calls()
	if len(calls) != 1 || !reflect.DeepEqual(calls[0], planned) {
		t.Fatalf("runner got %+v\nwant exactly the previewed %+v", calls, planned)
	}
	if calls[0].Request.Params[model.ParamCapacity] != "3000" {
		t.Errorf("params = %v", calls[0].Request.Params)
	}
	// Re-read, never assumed; the row now offers the withdrawal.
	if _, r := w.Counts(); r != reads+1 {
		t.Errorf("re-reads %d, want %d", r, reads+1)
	}
	if got := rowState(h, l, c.Key()); got != "changing" {
		t.Errorf("row state after re-read = %q, want changing", got)
	}
	if !strings.Contains(l.Flow.Last, "✓ file a change request for "+c.Name+": HTTP 201") || !strings.Contains(l.Flow.Last, "now: changing") ||
		!strings.Contains(l.Flow.Last, "audit: /tmp/audit.log") {
		t.Errorf("outcome = %q", l.Flow.Last)
	}
	h.keys("esc") // clear the filter: the row is no longer active
	l.TableView().SetCursor(l.Table().Index(c.Key()))
	if f := helpKeys(l); !strings.Contains(f, "C withdraw…") || strings.Contains(f, "c change…") {
		t.Errorf("footer after filing: %q", f)
	}

	// Withdraw it: a dialog without input, Cancel by default.
	h.keys("C")
	v = h.view()
	for _, s := range []string{"Withdraw the change request on " + c.Name, "DELETE /network-services/" + c.ID + "/change-request", "(no body)", "risk: low"} {
		if !strings.Contains(v, s) {
			t.Errorf("withdraw dialog lacks %q:\n%s", s, v)
		}
	}
	h.keys("enter")
	if len(w.Calls()) != 1 {
		t.Fatal("enter on Cancel sent the withdrawal")
	}
	h.keys("C", "tab", "enter")
	calls = w.Calls()
	if len(calls) != 2 || calls[1].Request.Kind != model.ActionWithdrawChangeRequest || calls[1].HTTP.Method != "DELETE" {
		t.Fatalf("calls = %+v", calls)
	}
	if got := rowState(h, l, c.Key()); got != "active" {
		t.Errorf("row state after withdrawal = %q", got)
	}
}

func TestDecommissionPreparesThenConfirmsByName(t *testing.T) {
	w := ixWorld()
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	c := selectState(t, h, "active")
	h.keys("D")
	prep, _ := w.Prepared()
	if len(prep) != 1 || prep[0].Kind != model.ActionDecommission || prep[0].Target.ID != c.ID {
		t.Fatalf("prepare calls = %+v", prep)
	}
	// Planned twice: once refused (prepare first), once with the policy.
	var dec []model.ActionRequest
	for _, p := range w.Planned() {
		if p.Kind == model.ActionDecommission {
			dec = append(dec, p)
		}
	}
	if len(dec) != 2 || dec[0].Params[model.ParamDecommissionAt] != "" || dec[1].Params[model.ParamDecommissionAt] != "2025-04-30" {
		t.Fatalf("decommission plans = %+v", dec)
	}
	if l.Flow.Dialog() == nil {
		t.Fatalf("no dialog after prepare:\n%s", h.view())
	}
	if !strings.Contains(h.line("Decommission at"), "2025-04-30") || !strings.Contains(h.line("Charged until"), "2025-05-31") {
		t.Errorf("dates not shown:\n%s", h.view())
	}
	v := h.view()
	for _, s := range []string{"DELETE /connections/" + c.ID, `"decommission_at": "2025-04-30"`, "risk: high", "Type " + c.Name + " to confirm"} {
		if !strings.Contains(v, s) {
			t.Errorf("dialog lacks %q:\n%s", s, v)
		}
	}
	// The name must be typed exactly.
	h.typeText(c.Name[:len(c.Name)-1])
	h.keys("tab", "enter")
	if len(w.Calls()) != 0 || !strings.Contains(h.view(), "exactly") {
		t.Fatalf("partial name accepted (calls %d)", len(w.Calls()))
	}
	planned := l.Flow.Dialog().Action()
	h.typeText(c.Name[len(c.Name)-1:])
	h.keys("enter")
	calls := w.Calls()
	if len(calls) != 1 || !reflect.DeepEqual(calls[0], planned) {
		t.Fatalf("calls %+v, want %+v", calls, planned)
	}
	if got := rowState(h, l, c.Key()); got != "deprovisioning" {
		t.Errorf("row after re-read = %q", got)
	}
	if !strings.Contains(l.Flow.Last, "✓ decommission "+c.Name) || !strings.Contains(l.Flow.Last, "decommission_requested") {
		t.Errorf("outcome = %q", l.Flow.Last)
	}
}

func TestDecommissionPrepareIsCancellable(t *testing.T) {
	w := ixWorld()
	w.PrepareDelay = time.Hour
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	selectState(t, h, "active")
	cmd := h.sendNoRun(keyMsg("D"))
	if !l.Flow.Active() || l.Flow.Dialog() != nil || l.Flow.Preparing() == "" {
		t.Fatalf("D: active %v dialog %v preparing %q", l.Flow.Active(), l.Flow.Dialog(), l.Flow.Preparing())
	}
	if !strings.Contains(h.view(), "reading the cancellation policy of") || !strings.Contains(h.footer(), "esc cancel") {
		t.Errorf("preparation not shown:\n%s", h.view())
	}
	h.spawn(cmd) // Prepare now runs, as Bubble Tea would run it
	h.keys("j")  // other keys are held while preparing
	if !l.Flow.Active() {
		t.Fatal("a key other than esc ended the preparation")
	}
	h.keys("esc")
	if l.Flow.Active() || !strings.Contains(h.footer(), "cancelled: nothing was sent") {
		t.Fatalf("esc did not cancel: %q", h.footer())
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		h.exec(nil)
		if _, n := w.Prepared(); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the provider's Prepare was not cancelled")
		}
	}
	if l.Flow.Dialog() != nil || len(w.Calls()) != 0 {
		t.Fatal("a cancelled preparation opened the dialog or sent something")
	}
	// A new attempt works normally.
	w.PrepareDelay = 0
	h.keys("D")
	if l.Flow.Dialog() == nil {
		t.Fatalf("second D: no dialog:\n%s", h.view())
	}
}

func TestDecommissionPrepareErrorShown(t *testing.T) {
	w := ixWorld()
	w.PrepareErr = &model.APIError{Provider: "ix", Method: "GET", Path: "/connections/x/cancellation-policy", Status: 404, Message: "no such connection"}
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	c := selectState(t, h, "active")
	h.keys("D")
	if l.Flow.Active() || len(w.Calls()) != 0 {
		t.Fatal("dialog opened or action sent after a failed preparation")
	}
	for _, s := range []string{"✗ cannot decommission " + c.Name, "reading the cancellation policy", "404", "no such connection"} {
		if !strings.Contains(l.Flow.Last, s) {
			t.Errorf("outcome %q lacks %q", l.Flow.Last, s)
		}
	}
	if !strings.Contains(h.view(), "✗ cannot decommission") {
		t.Errorf("error not on screen:\n%s", h.view())
	}
}

func TestDecommissionRefusalsAreExplained(t *testing.T) {
	t.Run("provider offers none (Fabric)", func(t *testing.T) {
		w := fake.New("fabric", 10, 0, 1)
		h := newHarness(t, ui.Options{}, w)
		c, _ := connList(h).Selected()
		h.keys("D")
		if connList(h).Flow.Active() {
			t.Fatal("dialog opened")
		}
		if f := h.footer(); !strings.Contains(f, "cannot decommission "+c.Name+": fabric does not offer decommission") {
			t.Errorf("footer = %q", f)
		}
		for _, p := range w.Planned() {
			if p.Kind == model.ActionDecommission {
				t.Error("planned an action the row does not offer")
			}
		}
	})
	t.Run("planner says unsupported", func(t *testing.T) {
		w := fake.New("fabric", 10, 0, 1)
		first := w.Snapshot()[0]
		w.Mutate(first.ID, func(c *model.Connection) { c.Actions = []model.ActionKind{model.ActionDecommission} })
		h := newHarness(t, ui.Options{}, w)
		l := connList(h)
		l.TableView().SetCursor(l.Table().Index(first.Key()))
		h.keys("D")
		if l.Flow.Active() || !strings.Contains(h.footer(), "not supported by fabric") {
			t.Errorf("active %v, footer %q", l.Flow.Active(), h.footer())
		}
	})
	t.Run("prepare first without a preparer", func(t *testing.T) {
		w := ixWorld()
		w.NoPreparer = true
		h := newHarness(t, ui.Options{}, w)
		selectState(t, h, "active")
		h.keys("D")
		if connList(h).Flow.Active() || !strings.Contains(h.footer(), "needs data it cannot read first") {
			t.Errorf("footer %q", h.footer())
		}
	})
	t.Run("change request not offered", func(t *testing.T) {
		w := ixWorld()
		h := newHarness(t, ui.Options{}, w)
		selectState(t, h, "deprovisioned")
		h.keys("c")
		if connList(h).Flow.Active() || !strings.Contains(h.footer(), "does not offer change request") {
			t.Errorf("footer %q", h.footer())
		}
	})
}

func TestReadOnlyBlocksChangeRequestsAndDecommission(t *testing.T) {
	w := ixWorld()
	h := newHarness(t, ui.Options{ReadOnly: true}, w)
	selectState(t, h, "active")
	want := map[string]string{
		"c": "read-only mode: filing change requests disabled (--read-only)",
		"C": "read-only mode: withdrawing change requests disabled (--read-only)",
		"D": "read-only mode: deletion, deassignment and decommission disabled (--read-only)",
	}
	for _, inDetail := range []bool{false, true} {
		if inDetail {
			h.keys("enter")
		}
		for k, msg := range want {
			h.keys(k)
			if f := h.footer(); f != msg {
				t.Errorf("detail=%v %s: footer %q, want %q", inDetail, k, f, msg)
			}
		}
	}
	if connList(h).Flow.Active() || len(w.Planned()) != 0 || len(w.Calls()) != 0 {
		t.Fatalf("read-only: planned %d, sent %d", len(w.Planned()), len(w.Calls()))
	}
	if p, _ := w.Prepared(); len(p) != 0 {
		t.Fatal("read-only: prepared a decommission")
	}
}

func TestActionKeysFromDetailView(t *testing.T) {
	w := ixWorld()
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	c := selectState(t, h, "active")
	h.keys("enter")
	if !l.InDetail() {
		t.Fatal("no detail view")
	}
	if f := h.footer(); !strings.Contains(f, "g graph") || !strings.Contains(f, "c change…") || !strings.Contains(f, "y copy id") {
		t.Errorf("detail footer = %q", f)
	}
	h.keys("c", "tab", "enter")
	calls := w.Calls()
	if len(calls) != 1 || calls[0].Request.Kind != model.ActionFileChangeRequest || calls[0].Request.Target.ID != c.ID {
		t.Fatalf("calls = %+v", calls)
	}
	// The detail view follows the re-read.
	if !strings.Contains(h.view(), "changing") {
		t.Errorf("detail not refreshed:\n%s", h.view())
	}
}

func TestGraphKeyInListFootersAndHelp(t *testing.T) {
	w := fake.New("p1", 20, 2, 1)
	h := newHarness(t, ui.Options{}, w)
	for _, pn := range []string{"1", "2"} {
		h.keys(pn)
		if f := h.footer(); !strings.Contains(f, "g graph") || !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
			t.Errorf("pane %s footer = %q", pn, f)
		}
		h.keys("?")
		v := h.view()
		for _, s := range []string{"g      traffic graph", "y copy id", "ctrl+s export view…", "D decommission…", "c change request…", "C withdraw change…", "next pane"} {
			if !strings.Contains(v, s) {
				t.Errorf("pane %s help lacks %q:\n%s", pn, s, v)
			}
		}
		h.keys("esc")
	}
}

// TestApprovalsCanColumnFollowsActions: a change of the offered actions
// alone (nothing else) must reach the CAN column on the next refresh.
func TestApprovalsCanColumnFollowsActions(t *testing.T) {
	w := fake.New("p1", 20, 2, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2")
	l := apprList(h)
	c, _ := l.Selected()
	if got := l.Table().At(l.Table().Index(c.Key())).Cells[len(l.Table().Columns())-1]; got != "approve,reject" {
		t.Fatalf("CAN = %q", got)
	}
	w.Mutate(c.ID, func(x *model.Connection) { x.Actions = []model.ActionKind{model.ActionApprove} })
	h.keys("r")
	if got := l.Table().At(l.Table().Index(c.Key())).Cells[len(l.Table().Columns())-1]; got != "approve" {
		t.Errorf("CAN after the provider dropped reject = %q, want approve", got)
	}
	if !strings.Contains(h.line(c.Name), "●") {
		t.Errorf("changed row not marked: %q", h.line(c.Name))
	}
}

// The result line belongs to the pane whose action it reports, and goes
// after mutate.ResultTTL.
func TestResultLineScopedAndExpires(t *testing.T) {
	saved := mutate.ResultTTL
	mutate.ResultTTL = 30 * time.Millisecond
	t.Cleanup(func() { mutate.ResultTTL = saved })
	w := fake.New("p1", 20, 2, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2", "a", "tab")
	cmd := h.sendNoRun(keyMsg("enter"))
	h.spawn(cmd)
	// Collect the outcome only (not the expiry yet): the harness' idle
	// window is longer than the TTL, so look right after the result lands.
	deadline := time.Now().Add(2 * time.Second)
	for apprList(h).Flow.Last == "" && time.Now().Before(deadline) {
		select {
		case msg := <-h.results:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					h.spawn(c)
				}
			} else if msg != nil {
				h.spawn(h.update(msg))
			}
		case <-time.After(time.Second):
		}
	}
	if l := apprList(h).Flow.Last; !strings.HasPrefix(l, "✓ approve") {
		t.Fatalf("Approvals result = %q", l)
	}
	if connList(h).Flow.Last != "" {
		t.Error("the Connections pane shows the Approvals pane's result")
	}
	h.exec(nil) // the expiry arrives
	if l := apprList(h).Flow.Last; l != "" {
		t.Errorf("result line still there after its TTL: %q", l)
	}
	// (The footer's toast is the root's and goes on its own.)
	if v := h.view(); strings.Contains(v[:strings.LastIndex(v, "\n")], "✓ approve") {
		t.Errorf("result line still on screen:\n%s", v)
	}
}

// Fabric's bandwidth change: b opens the dialog with an input for the new
// bandwidth, re-planned as typed; what is sent is what was shown; the row
// is re-read.
func TestChangeBandwidthFlow(t *testing.T) {
	w := fake.New("fab", 20, 0, 4).OfferBandwidthChange()
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	c := selectState(t, h, "active")
	if f := helpKeys(l); !strings.Contains(f, "b bandwidth…") {
		t.Errorf("footer lacks the bandwidth key: %q", f)
	}
	h.keys("b")
	d := l.Flow.Dialog()
	if d == nil || d.FocusOnConfirm() {
		t.Fatalf("b: dialog %v", d)
	}
	v := h.view()
	for _, s := range []string{"Bandwidth (Mbit/s)", "PATCH /fabric/v4/connections/" + c.ID, fmt.Sprintf(`"value": %d`, c.BandwidthMbps*2),
		"Now      " + model.FormatMbps(c.BandwidthMbps)} {
		if !strings.Contains(v, s) {
			t.Errorf("dialog lacks %q:\n%s", s, v)
		}
	}
	h.typeText("10000")
	if v := h.view(); !strings.Contains(v, `"value": 10000`) || !strings.Contains(v, "→ 10G") {
		t.Fatalf("not re-planned with 10000:\n%s", v)
	}
	planned := l.Flow.Dialog().Action()
	h.keys("tab", "enter")
	calls := w.Calls()
	if len(calls) != 1 || !reflect.DeepEqual(calls[0], planned) {
		t.Fatalf("sent %+v, want the previewed %+v", calls, planned)
	}
	var bw string
	for _, r := range l.Table().All() {
		if r.Key == c.Key() {
			bw = r.Cells[connections.ColBW]
		}
	}
	if bw != "10G" || !strings.Contains(l.Flow.Last, "✓ change the bandwidth of "+c.Name) {
		t.Errorf("after: BW %q, result %q", bw, l.Flow.Last)
	}
}
