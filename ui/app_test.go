package ui_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fake"
)

func connList(h *harness) *connections.Model {
	return h.m.Panes()[0].(*connections.Pane).List()
}

func apprList(h *harness) *connections.Model {
	return h.m.Panes()[1].(*connections.Pane).List()
}

func selectedKey(l *connections.Model) string {
	c, ok := l.Selected()
	if !ok {
		return ""
	}
	return c.Key()
}

func TestLoadsEverySource(t *testing.T) {
	w1, w2 := fake.New("p1", 50, 5, 1), fake.New("p2", 30, 0, 2)
	h := newHarness(t, ui.Options{}, w1, w2)
	if got := connList(h).Table().Total(); got != 80 {
		t.Fatalf("connections = %d, want 80", got)
	}
	if got := apprList(h).Table().Total(); got != 10 {
		t.Fatalf("approvals = %d, want 10 (every 5th of p1)", got)
	}
	// Two panes need the same resource: it is fetched once per source.
	if l, _ := w1.Counts(); l != 1 {
		t.Errorf("p1 listed %d times, want 1 (shared state)", l)
	}
	// Until the operator presses a key the cursor stays on the first row,
	// whichever provider answered first.
	if c := connList(h).TableView().Cursor(); c != 0 {
		t.Errorf("untouched list: cursor %d, want 0", c)
	}
	if !strings.Contains(h.view(), "p1 ● ok · 50 conns · 10 pending") {
		t.Errorf("status bar missing p1 health:\n%s", h.view())
	}
}

func TestSortCyclesAndReverses(t *testing.T) {
	w := fake.New("p1", 40, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	if col, desc := l.Table().SortBy(); col != connections.ColName || desc {
		t.Fatalf("initial sort = %d,%v", col, desc)
	}
	if !strings.Contains(h.view(), "NAME▲") {
		t.Errorf("header lacks NAME▲")
	}
	h.keys("s")
	if col, _ := l.Table().SortBy(); col != connections.ColType {
		t.Fatalf("after s: sort col %d, want TYPE", col)
	}
	h.keys("s", "s", "s") // STATE, STATUS, BW
	if col, _ := l.Table().SortBy(); col != connections.ColBW {
		t.Fatalf("after 4×s: sort col %d, want BW", col)
	}
	h.keys("S")
	if !strings.Contains(h.view(), "BW▼") {
		t.Errorf("header lacks BW▼:\n%s", h.view())
	}
	rows := l.Table().Visible()
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1].Item.(*model.Connection), rows[i].Item.(*model.Connection)
		if a.BandwidthMbps < b.BandwidthMbps {
			t.Fatalf("BW▼ not descending numerically at %d: %d then %d", i, a.BandwidthMbps, b.BandwidthMbps)
		}
	}
	// Back to NAME: natural order (Conn-AM-8 before Conn-AM-16? names differ by index)
	for i := 0; i < 6; i++ { // UPDATED... wraps to PROVIDER, then NAME
		h.keys("s")
	}
	if col, _ := l.Table().SortBy(); col != connections.ColName {
		t.Fatalf("sort did not wrap to NAME: %d", col)
	}
	names := []string{}
	for _, r := range l.Table().Visible() {
		names = append(names, r.Cells[connections.ColName])
	}
	if !slices.IsSortedFunc(names, model.NaturalCompare) {
		t.Errorf("names not in natural order: %v", names[:10])
	}
}

func TestFilterKeysAndTitle(t *testing.T) {
	w := fake.New("p1", 200, 10, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.keys("/")
	if !l.Filtering() {
		t.Fatal("/ did not open the filter")
	}
	h.typeText("state=pending")
	if l.Len() != 20 {
		t.Fatalf("state=pending matched %d, want 20", l.Len())
	}
	if !strings.Contains(h.view(), "Connections (20/200)") {
		t.Errorf("title lacks count:\n%s", h.line("Connections"))
	}
	// 'q' typed into the filter must not quit.
	h.typeText(" q")
	if h.quit {
		t.Fatal("q in the filter input quit the app")
	}
	h.keys("backspace")
	h.send(keyMsg("esc")) // clears and closes
	if l.Filtering() || l.Len() != 200 {
		t.Fatalf("esc: filtering=%v len=%d", l.Filtering(), l.Len())
	}
	h.keys("/")
	h.typeText("!state=pending")
	h.keys("enter")
	if l.Filtering() || l.Len() != 180 {
		t.Fatalf("enter should keep the filter: filtering=%v len=%d", l.Filtering(), l.Len())
	}
	if !strings.Contains(h.line("Connections ("), "Connections (180/200) /!state=pending") {
		t.Errorf("title = %q", h.line("Connections ("))
	}
	h.keys("esc")
	if l.Len() != 200 {
		t.Errorf("esc outside the input should clear the filter, len=%d", l.Len())
	}
}

func TestCursorKeptAcrossRefreshSortAndFilter(t *testing.T) {
	w := fake.New("p1", 100, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.keys("down", "down", "down", "down", "down")
	want := selectedKey(l)
	if want == "" || l.TableView().Cursor() != 5 {
		t.Fatalf("cursor at %d", l.TableView().Cursor())
	}
	// The provider gains rows that sort before the selection.
	cs := w.Snapshot()
	for i := 0; i < 10; i++ {
		c := cs[i]
		c.ID, c.Name = fmt.Sprintf("new-%d", i), fmt.Sprintf("AAA-%d", i)
		cs = append(cs, c)
	}
	w.Set(cs)
	h.keys("r")
	if got := selectedKey(l); got != want {
		t.Fatalf("after refresh cursor on %s, want %s", got, want)
	}
	if l.TableView().Cursor() != 15 {
		t.Errorf("cursor index %d, want 15 (10 rows inserted before)", l.TableView().Cursor())
	}
	h.keys("S")
	if got := selectedKey(l); got != want {
		t.Fatalf("after reverse sort cursor on %s, want %s", got, want)
	}
	sel, _ := l.Selected()
	h.keys("/")
	h.typeText(sel.Name)
	h.keys("enter")
	if got := selectedKey(l); got != want {
		t.Fatalf("after filter cursor on %s, want %s", got, want)
	}
}

func TestChangedRowsMarkedForOneRefresh(t *testing.T) {
	w := fake.New("p1", 30, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	if strings.Contains(h.view(), "●  ") && strings.Count(h.view(), "●") > 1 {
		t.Fatalf("first load must not mark rows:\n%s", h.view())
	}
	target := w.Snapshot()[3]
	w.Mutate(target.ID, func(c *model.Connection) { c.Status = "REPROVISIONED" })
	h.keys("r")
	line := h.line(target.Name)
	cl := connList(h)
	if !strings.Contains(line, "●") || cl.Table().At(cl.Table().Index(target.Key())).Cells[connections.ColStatus] != "REPROVISIONED" {
		t.Fatalf("changed row not marked: %q", line)
	}
	if n := strings.Count(h.view(), "●"); n != 2 { // the row + the status bar's ok dot
		t.Errorf("%d markers, want exactly the changed row (+status dot):\n%s", n, h.view())
	}
	h.keys("r")
	if line := h.line(target.Name); strings.Contains(line, "●") {
		t.Errorf("mark should last one refresh: %q", line)
	}
}

// Superseded fetch results are dropped by the hub (providers/hub
// TestRefreshWhileLoadingCoalesces, TestResultAfterCloseDropped); the UI
// only ever reads the hub's current snapshot. Two refreshes asked for
// while one is in flight still show the newest data.
func TestRefreshesWhileLoadingShowNewest(t *testing.T) {
	w := fake.New("p1", 10, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	h.sendNoRun(keyMsg("r"))
	h.sendNoRun(keyMsg("r"))
	w.Set(w.Snapshot()[1:])
	h.exec(nil)
	h.keys("r")
	if got := connList(h).Table().Total(); got != 9 {
		t.Fatalf("rows = %d, want the newest listing's 9", got)
	}
}

func firstPending(w *fake.World) model.Connection {
	for _, c := range w.Snapshot() {
		if c.Pending != nil && c.Pending.WaitingOnUs {
			return c
		}
	}
	panic("no pending connection")
}

// oldestPending is what the Approvals pane selects first.
func oldestPending(w *fake.World) model.Connection {
	var best model.Connection
	for _, c := range w.Snapshot() {
		if c.Pending != nil && c.Pending.WaitingOnUs && (best.ID == "" || c.Pending.Since.Before(best.Pending.Since)) {
			best = c
		}
	}
	return best
}

func TestApprovalsOldestFirstWithAge(t *testing.T) {
	w := fake.New("p1", 100, 7, 3)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2")
	if h.m.Active() != 1 {
		t.Fatal("2 did not switch to Approvals")
	}
	l := apprList(h)
	rows := l.Table().Visible()
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Item.(*model.Connection).Pending.Since.After(rows[i].Item.(*model.Connection).Pending.Since) {
			t.Fatalf("not oldest first at %d", i)
		}
	}
	c := oldestPending(w)
	age := fixedNow.Sub(c.Pending.Since)
	want := fmt.Sprintf("%dh", int(age.Hours()))
	if line := h.line(c.Name); !strings.Contains(line, want) {
		t.Errorf("oldest row %q lacks age %q", line, want)
	}
}

func TestApproveFlow(t *testing.T) {
	w := fake.New("p1", 60, 6, 1)
	h := newHarness(t, ui.Options{AuditPath: "/tmp/audit.log"}, w)
	h.keys("2")
	l := apprList(h)
	target := oldestPending(w)
	if got := selectedKey(l); got != target.Key() {
		t.Fatalf("selected %s, want oldest %s", got, target.Key())
	}
	h.keys("a")
	d := l.Flow.Dialog()
	if d == nil {
		t.Fatal("a did not open the confirmation dialog")
	}
	if d.FocusOnConfirm() {
		t.Fatal("focus must start on Cancel")
	}
	planned := d.Action()
	v := h.view()
	for _, s := range []string{"Approve creation of " + target.Name, "POST /fabric/v4/connections/" + target.ID + "/actions",
		`"type": "CONNECTION_CREATION_ACCEPTANCE"`, "risk: medium", "[ Cancel ]"} {
		if !strings.Contains(v, s) {
			t.Errorf("dialog lacks %q:\n%s", s, v)
		}
	}
	// Default button: enter cancels and nothing is sent.
	h.keys("enter")
	if l.Flow.Active() || len(w.Calls()) != 0 {
		t.Fatalf("enter on Cancel: active=%v calls=%d", l.Flow.Active(), len(w.Calls()))
	}
	_, readsBefore := w.Counts()
	h.keys("a", "tab", "enter")
	calls := w.Calls()
	if len(calls) != 1 {
		t.Fatalf("runner called %d times, want 1", len(calls))
	}
	if !reflect.DeepEqual(calls[0], planned) {
		t.Fatalf("runner got %+v\nwant the planned action %+v", calls[0], planned)
	}
	if _, reads := w.Counts(); reads != readsBefore+1 {
		t.Errorf("re-read calls %d, want %d", reads, readsBefore+1)
	}
	// The re-read state is shown: gone from Approvals, provisioning in Connections.
	if l.Table().Index(target.Key()) >= 0 {
		t.Error("approved connection still listed in Approvals")
	}
	cl := connList(h)
	i := cl.Table().Index(target.Key())
	if i < 0 || cl.Table().At(i).Cells[connections.ColState] != "provisioning" {
		t.Errorf("connections row not updated from re-read")
	}
	if !strings.Contains(h.view(), "✓ approve "+target.Name+": HTTP 202") || !strings.Contains(h.view(), "now: provisioning") {
		t.Errorf("result not shown:\n%s", h.view())
	}
	if !strings.Contains(l.Flow.Last, "audit: /tmp/audit.log") {
		t.Errorf("audit path not shown: %q", l.Flow.Last)
	}
}

func TestRejectRequiresReason(t *testing.T) {
	w := fake.New("p1", 30, 3, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2")
	l := apprList(h)
	target := oldestPending(w)
	h.keys("x", "tab", "enter")
	if len(w.Calls()) != 0 {
		t.Fatal("reject without a reason was sent")
	}
	if !l.Flow.Active() || !strings.Contains(h.view(), "a reason is required") {
		t.Fatalf("dialog should stay open and say a reason is required:\n%s", h.view())
	}
	h.typeText("   ")
	h.keys("enter")
	if len(w.Calls()) != 0 {
		t.Fatal("whitespace reason accepted")
	}
	h.typeText("not our cross-connect")
	if !strings.Contains(h.view(), `"description": "   not our cross-connect"`) {
		t.Errorf("preview not re-planned with the reason:\n%s", h.view())
	}
	h.keys("enter")
	calls := w.Calls()
	if len(calls) != 1 || calls[0].Request.Kind != model.ActionReject || calls[0].Request.Reason != "   not our cross-connect" ||
		!strings.Contains(string(calls[0].HTTP.Body), "not our cross-connect") {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[0].Request.Target.ID != target.ID {
		t.Errorf("rejected %s, want %s", calls[0].Request.Target.ID, target.ID)
	}
}

func TestReadOnlyBlocksMutations(t *testing.T) {
	w := fake.New("p1", 30, 3, 1)
	h := newHarness(t, ui.Options{ReadOnly: true}, w)
	for _, pn := range []string{"1", "2"} {
		h.keys(pn)
		if pn == "1" {
			// put the cursor on a pending row
			h.keys("/")
			h.typeText("state=pending")
			h.keys("enter")
		}
		h.keys("a")
		if !strings.Contains(h.view(), "read-only mode: approvals disabled (--read-only)") {
			t.Errorf("pane %s: no read-only message:\n%s", pn, h.view())
		}
		h.keys("x")
		if !strings.Contains(h.view(), "read-only mode: rejections disabled (--read-only)") {
			t.Errorf("pane %s: no read-only message for x", pn)
		}
	}
	if apprList(h).Flow.Active() || connList(h).Flow.Active() {
		t.Fatal("a dialog opened in read-only mode")
	}
	if n := len(w.Calls()); n != 0 {
		t.Fatalf("runner called %d times in read-only mode", n)
	}
	if !strings.Contains(h.view(), "READ-ONLY") {
		t.Error("header lacks READ-ONLY")
	}
	h.keys("?")
	if v := strings.Join(strings.Fields(strings.ReplaceAll(h.view(), "│", "")), " "); !strings.Contains(v, "read-only mode: approve (a), reject (x), change requests (c/C), bandwidth changes (b),") ||
		!strings.Contains(v, "decommission (D) and VLAN changes (v) are disabled (--read-only)") {
		t.Errorf("help does not explain read-only:\n%s", h.view())
	}
}

func TestRunnerErrorShownAndLogged(t *testing.T) {
	w := fake.New("p1", 30, 3, 1)
	w.DoErr = &model.APIError{Provider: "p1", Method: "POST", Path: "/fabric/v4/connections/x/actions", Status: 409,
		Code: "EQ-3142102", Message: "connection is not in an approvable state", CorrelationID: "corr-42"}
	h := newHarness(t, ui.Options{}, w)
	h.keys("2", "a", "tab", "enter")
	if len(w.Calls()) != 1 {
		t.Fatalf("calls = %d", len(w.Calls()))
	}
	v := h.view()
	if !strings.Contains(v, "✗ approve") || !strings.Contains(v, "409 EQ-3142102") {
		t.Errorf("error not shown in the pane:\n%s", v)
	}
	if !strings.Contains(apprList(h).Flow.Last, "corr-42") {
		t.Errorf("correlation id lost: %q", apprList(h).Flow.Last)
	}
	if !strings.Contains(h.log.String(), "action failed") || !strings.Contains(h.log.String(), "EQ-3142102") {
		t.Errorf("error not logged: %s", h.log.String())
	}
	// The connection is still re-read (never assume the outcome).
	if _, reads := w.Counts(); reads != 1 {
		t.Errorf("re-read %d times after a failed action, want 1", reads)
	}
}

// An action whose answer was lost says so, with what the re-read showed,
// instead of "failed".
func TestUnknownOutcomeShown(t *testing.T) {
	w := fake.New("p1", 30, 3, 1)
	w.DoErr = &model.UnknownOutcome{Err: &model.APIError{Provider: "p1", Method: "POST", Path: "/fabric/v4/connections/x/actions", Status: 401},
		Verdict: model.VerdictApplied, Detail: "state PROVISIONING"}
	h := newHarness(t, ui.Options{}, w)
	h.keys("2", "a", "tab", "enter")
	if len(w.Calls()) != 1 {
		t.Fatalf("calls = %d", len(w.Calls()))
	}
	last := apprList(h).Flow.Last
	if !strings.HasPrefix(last, "? approve") || strings.Contains(last, "failed") ||
		!strings.Contains(last, "outcome unknown: sent once, the answer was lost — re-read shows applied: state PROVISIONING") {
		t.Errorf("unknown outcome shown as %q", last)
	}
	if !strings.Contains(h.log.String(), "action outcome unknown") {
		t.Errorf("not logged: %s", h.log.String())
	}
}

func TestFailingProviderDoesNotAffectOthers(t *testing.T) {
	good, bad := fake.New("good", 20, 0, 1), fake.New("bad", 20, 0, 2)
	bad.ListErr = &model.APIError{Provider: "bad", Method: "POST", Path: "/x", Status: 503, Message: "upstream unavailable"}
	h := newHarness(t, ui.Options{}, good, bad)
	if connList(h).Table().Total() != 20 {
		t.Fatalf("good provider rows = %d", connList(h).Table().Total())
	}
	st := h.status()
	if !strings.Contains(st, "good ● ok") || !strings.Contains(st, "bad ✗") || !strings.Contains(st, "503") {
		t.Errorf("status bar = %q", st)
	}
	// Old data + new error = stale, data kept.
	bad.ListErr = nil
	h.keys("r")
	bad.ListErr = &model.APIError{Provider: "bad", Method: "POST", Path: "/x", Status: 500, Message: "boom"}
	h.keys("r")
	if connList(h).Table().Total() != 40 {
		t.Fatalf("stale data dropped: %d", connList(h).Table().Total())
	}
	if !strings.Contains(h.status(), "bad stale since") {
		t.Errorf("status bar = %q", h.status())
	}
	unauth := fake.New("u", 5, 0, 3)
	unauth.ListErr = &model.APIError{Status: 401, Message: "token expired"}
	rl := fake.New("r", 5, 0, 4)
	rl.ListErr = &model.RateLimited{RetryAfter: 90 * time.Second}
	h2 := newHarness(t, ui.Options{}, unauth, rl)
	st = h2.status()
	if !strings.Contains(st, "u ✗ unauthorized") || !strings.Contains(st, "r rate limited until 10:31:30") {
		t.Errorf("status = %q", st)
	}
}

func TestPauseAndResume(t *testing.T) {
	w := fake.New("p1", 5, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("space")
	if !strings.Contains(h.view(), "PAUSED") {
		t.Fatal("header lacks PAUSED")
	}
	// The hub pauses (what falls due meanwhile is fetched on resume:
	// providers/hub TestPauseAndResume).
	if !h.m.Hub().Paused() {
		t.Fatal("hub not paused")
	}
	h.keys("space")
	if h.m.Hub().Paused() {
		t.Fatal("hub still paused")
	}
	if strings.Contains(h.view(), "PAUSED") {
		t.Fatal("still PAUSED")
	}
}

func TestQuitCancelsFetches(t *testing.T) {
	w := fake.New("p1", 5, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	w.ListDelay = time.Hour
	cmd := h.sendNoRun(keyMsg("r"))
	_ = cmd // the fetch is in flight (not run here)
	ctx := h.m.Context()
	h.keys("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
	if ctx.Err() == nil {
		t.Fatal("quit did not cancel the session's commands")
	}
}

func TestValidateKeys(t *testing.T) {
	if err := ui.ValidateKeys(map[string][]string{"down": {"z"}, "refresh": {"ctrl+r", "f5"}, "pause": {"space"}}, nil); err != nil {
		t.Fatalf("valid table rejected: %v", err)
	}
	bad := []map[string][]string{
		{"launch_missiles": {"m"}},
		{"down": {}},
		{"down": {"ctlr+x"}},
		{"approve": {"j"}}, // j is down
		{"refresh": {"q"}}, // q is quit
	}
	for _, b := range bad {
		if err := ui.ValidateKeys(b, nil); err == nil {
			t.Errorf("ValidateKeys(%v) = nil, want an error", b)
		}
	}
	if !slices.Contains(ui.KeyActions(), "approve") {
		t.Error("KeyActions lacks approve")
	}
}

func TestReboundKeysWork(t *testing.T) {
	w := fake.New("p1", 20, 0, 1)
	h := newHarness(t, ui.Options{Keys: map[string][]string{"down": {"z"}, "up": {"Z"}}}, w)
	l := connList(h)
	h.keys("z", "z")
	if l.TableView().Cursor() != 2 {
		t.Fatalf("rebound down: cursor %d", l.TableView().Cursor())
	}
	h.keys("j")
	if l.TableView().Cursor() != 2 {
		t.Fatal("j still moves after rebinding down to z")
	}
	h.keys("?")
	if !strings.Contains(h.view(), "z") || !strings.Contains(h.view(), "down") {
		t.Error("help does not show the rebound key")
	}
}

func TestNavigationKeys(t *testing.T) {
	w := fake.New("p1", 500, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	v := l.TableView()
	page := v.Rows()
	h.keys("pgdown")
	if v.Cursor() != page {
		t.Errorf("pgdown: %d want %d", v.Cursor(), page)
	}
	h.keys("ctrl+d")
	if v.Cursor() != page+page/2 {
		t.Errorf("ctrl+d: %d", v.Cursor())
	}
	h.keys("end")
	if v.Cursor() != 499 {
		t.Errorf("end: %d", v.Cursor())
	}
	h.keys("down")
	if v.Cursor() != 499 {
		t.Errorf("down past end: %d", v.Cursor())
	}
	h.keys("home", "up")
	if v.Cursor() != 0 {
		t.Errorf("home/up: %d", v.Cursor())
	}
	h.keys("tab")
	if h.m.Active() != 1 {
		t.Error("tab")
	}
	h.keys("shift+tab")
	if h.m.Active() != 0 {
		t.Error("shift+tab")
	}
	h.keys("9") // no pane 9: ignored
	if h.m.Active() != 0 {
		t.Error("9 should be ignored with two panes")
	}
}

func TestDetailView(t *testing.T) {
	w := fake.New("p1", 20, 2, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("2", "enter")
	l := apprList(h)
	if !l.InDetail() {
		t.Fatal("enter did not open details")
	}
	v := h.view()
	for _, s := range []string{"Summary", "Pending change", "A side", "Z side", "API fields", "equinixStatus: PENDING", "waiting on      us"} {
		if !strings.Contains(v+strings.Join(nil, ""), s) && !strings.Contains(v, s) {
			// API fields may be below the fold: scroll down and look again.
			h.keys("end")
			if !strings.Contains(h.view(), s) {
				t.Errorf("detail lacks %q", s)
			}
			h.keys("home")
		}
	}
	h.keys("esc")
	if l.InDetail() {
		t.Fatal("esc did not close details")
	}
}

func TestTinyAndOddSizesNeverPanic(t *testing.T) {
	w := fake.New("p1", 50, 5, 1)
	h := newHarness(t, ui.Options{Demo: true, Banner: "DEMO — a very long banner that cannot possibly fit"}, w)
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {20, 5}, {5, 20}, {2, 3}, {40, 6}, {300, 100}, {80, 2}} {
		h.size(sz[0], sz[1])
		for _, k := range []string{"", "?", "esc", "2", "enter", "esc", "a", "esc", "1"} {
			if k != "" {
				h.keys(k)
			}
			v := h.view()
			if sz[0] == 0 || sz[1] == 0 {
				continue
			}
			lines := strings.Split(v, "\n")
			if len(lines) != sz[1] {
				t.Fatalf("%dx%d after %q: %d lines", sz[0], sz[1], k, len(lines))
			}
			for _, l := range lines {
				if wd := lipglossWidth(l); wd > sz[0] {
					t.Fatalf("%dx%d after %q: line %q is %d wide", sz[0], sz[1], k, l, wd)
				}
			}
		}
	}
}

func TestActionNotOfferedIsExplained(t *testing.T) {
	w := fake.New("p1", 10, 0, 1)
	h := newHarness(t, ui.Options{}, w)
	h.keys("a")
	if connList(h).Flow.Active() {
		t.Fatal("dialog opened for a connection without the approve action")
	}
	if !strings.Contains(h.view(), "does not offer approve") {
		t.Errorf("no explanation:\n%s", h.line("approve"))
	}
	_ = errors.New
}

// While a filter is typed, intermediate keystrokes must not strand the
// cursor: it returns to the connection selected before typing when that one
// matches, and otherwise rests on the first match.
func TestTypingFilterAnchorsCursor(t *testing.T) {
	w := fake.New("p1", 100, 10, 1)
	h := newHarness(t, ui.Options{}, w)
	l := connList(h)
	h.keys("down", "down", "down")
	anchor, _ := l.Selected()
	// Pass through a query that hides the anchor, then one that shows it again.
	h.keys("/")
	h.typeText("!" + anchor.Name)
	h.keys("backspace")
	for range anchor.Name {
		h.keys("backspace")
	}
	if got := selectedKey(l); got != anchor.Key() {
		t.Fatalf("after typing and erasing the cursor is on %s, want the anchor %s", got, anchor.Key())
	}
	// A query that hides the anchor for good: the first match is selected.
	h.typeText("state=pending")
	h.keys("enter")
	if anchor.State != model.StatePending && l.TableView().Cursor() != 0 {
		t.Fatalf("anchor filtered out: cursor at %d, want the first match", l.TableView().Cursor())
	}
}

// A long demo banner is squeezed before READ-ONLY or PAUSED would be cut.
func TestHeaderKeepsModeMarkers(t *testing.T) {
	w := fake.New("p1", 10, 1, 1)
	banner := "DEMO — simulated providers on 127.0.0.1 · faults: latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02"
	for _, width := range []int{80, 120, 160} {
		h := newHarness(t, ui.Options{Demo: true, Banner: banner, ReadOnly: true}, w)
		h.size(width, 30)
		h.keys(" ") // pause
		head := strings.SplitN(h.view(), "\n", 2)[0]
		if !strings.Contains(head, "READ-ONLY") || !strings.Contains(head, "PAUSED") {
			t.Errorf("width %d: header lost a mode marker: %q", width, head)
		}
		if !strings.Contains(head, "DEMO") {
			t.Errorf("width %d: banner dropped entirely: %q", width, head)
		}
	}
}
