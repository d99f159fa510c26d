package connections_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/connections"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

// The list engine's own tests: each drives a pane with the messages the
// root would send (shared-state changes, keys) and checks what an operator
// relies on.

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var base = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// rig is one pane over one provider "p" whose data the test sets.
type rig struct {
	t   *testing.T
	hub *fakehub.Hub
	ctx *pane.Context
	p   *connections.Pane
	key model.ResourceKey
}

func newRig(t *testing.T, factory pane.Factory) *rig {
	t.Helper()
	hub := fakehub.New(func() time.Time { return base })
	ctx := &pane.Context{Sources: []model.Source{{Name: "p", Connections: nil}}, Hub: hub, Keys: keys.Default(),
		Styles: styles.New(styles.DefaultTheme()), Now: func() time.Time { return base }}
	r := &rig{t: t, hub: hub, ctx: ctx, key: pane.Key("p", pane.ResConnections)}
	r.p = factory(ctx).(*connections.Pane)
	hub.Define(r.key) // data arrives through load
	r.p.SetSize(160, 30)
	return r
}

// load makes cs the provider's newest listing, as a fetch would (through
// pane.Fetched), and tells the pane.
func (r *rig) load(cs []model.Connection) {
	r.t.Helper()
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].FingerprintKey = 0
		pane.Fetched("p", &cs[i])
	}
	r.hub.Set(r.key, cs)
	r.run(r.update(pane.ChangedMsg{Key: r.key, DataChanged: true}))
}

func (r *rig) update(msg tea.Msg) tea.Cmd {
	_, cmd := r.p.Update(msg)
	return cmd
}

// run executes cmd and feeds its messages back (toasts and other root
// messages are dropped).
func (r *rig) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(20 * time.Millisecond):
		return // a timer (the input's cursor blink): nothing the list needs
	}
	if msg != nil && strings.Contains(reflect.TypeOf(msg).PkgPath(), "bubbles/cursor") {
		return // the input's cursor blinks forever
	}
	switch msg := msg.(type) {
	case nil, pane.ToastMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			r.run(c)
		}
	default:
		r.run(r.update(msg))
	}
}

func (r *rig) press(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "backspace":
			msg = tea.KeyMsg{Type: tea.KeyBackspace}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		r.run(r.update(msg))
	}
}

func (r *rig) typeText(s string) {
	for _, c := range s {
		r.press(string(c))
	}
}

func (r *rig) selected() string {
	c, ok := r.p.List().Selected()
	if !ok {
		return ""
	}
	return c.ID
}

// ids lists the rows shown, in order.
func (r *rig) ids() []string {
	var out []string
	for _, row := range r.p.List().Table().Visible() {
		out = append(out, row.Item.(*model.Connection).ID)
	}
	return out
}

// marked lists the ids whose rows carry the new/changed mark on screen.
func (r *rig) marked() []string {
	var out []string
	for _, l := range strings.Split(r.p.View(), "\n") {
		if !strings.Contains(l, "●") {
			continue
		}
		for _, f := range strings.Fields(l) {
			if strings.HasPrefix(f, "c-") {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

// conns are n active connections c-00 … named after their id, so the
// default sort (NAME) lists them in id order.
func conns(n int) []model.Connection {
	out := make([]model.Connection, n)
	for i := range out {
		id := fmt.Sprintf("c-%02d", i)
		out[i] = model.Connection{Provider: "p", ID: id, Name: id, State: model.StateActive, Type: "EVPL", BandwidthMbps: 1000,
			Updated: base.Add(-time.Duration(i) * time.Minute)}
	}
	return out
}

func TestCursorStaysOnItsConnection(t *testing.T) {
	r := newRig(t, connections.New)
	cs := conns(10)
	r.load(cs)
	r.press("down", "down", "down")
	if r.selected() != "c-03" {
		t.Fatalf("selected %s after three downs", r.selected())
	}
	// New rows sort in above it, and it changes itself: still selected.
	more := append([]model.Connection{}, cs...)
	for _, id := range []string{"c-00a", "c-01a", "c-02a"} {
		more = append(more, model.Connection{Provider: "p", ID: id, Name: id, State: model.StateActive})
	}
	more[3].Status = "CHANGED"
	r.load(more)
	if r.selected() != "c-03" {
		t.Errorf("after rows were added above: selected %s, want c-03", r.selected())
	}
	// The provider lists in another order: still selected.
	slices.Reverse(more)
	r.load(more)
	if r.selected() != "c-03" {
		t.Errorf("after the provider reordered: selected %s, want c-03", r.selected())
	}
	// Re-sorting keeps it too.
	r.press("s")
	if r.selected() != "c-03" {
		t.Errorf("after a sort change: selected %s, want c-03", r.selected())
	}
	// When it goes, the cursor stays where it was rather than jumping home.
	r.press("S")
	pos := r.p.List().TableView().Cursor()
	var without []model.Connection
	for _, c := range more {
		if c.ID != "c-03" {
			without = append(without, c)
		}
	}
	r.load(without)
	if got := r.p.List().TableView().Cursor(); got != pos && got != pos-1 {
		t.Errorf("after its row went: cursor %d, was %d", got, pos)
	}
}

func TestUntouchedListStaysOnTop(t *testing.T) {
	r := newRig(t, connections.New)
	cs := conns(5)
	r.load(cs[2:])
	if r.selected() != "c-02" {
		t.Fatalf("first row = %s", r.selected())
	}
	// Before the operator touched the list, a load that sorts rows above
	// the first one moves the cursor to the new top.
	r.load(cs)
	if r.selected() != "c-00" {
		t.Errorf("untouched list: selected %s, want the top row c-00", r.selected())
	}
}

func TestNewAndChangedRowsAreMarked(t *testing.T) {
	r := newRig(t, connections.New)
	cs := conns(6)
	r.load(cs)
	if m := r.marked(); len(m) != 0 {
		t.Fatalf("first load marked %v: nothing is new on a first load", m)
	}
	next := slices.Clone(cs)
	next[1].State = model.StateChanging // changed
	next[4].Actions = []model.ActionKind{model.ActionDecommission}
	next = append(next, model.Connection{Provider: "p", ID: "c-06", Name: "c-06", State: model.StatePending}) // new
	r.load(next)
	if m, want := r.marked(), []string{"c-01", "c-04", "c-06"}; !slices.Equal(m, want) {
		t.Errorf("marked %v, want %v", m, want)
	}
	// An unchanged refresh clears the marks.
	r.load(next)
	if m := r.marked(); len(m) != 0 {
		t.Errorf("unchanged refresh left marks %v", m)
	}
}

func TestFilterNarrowsAndKeepsItsAnchor(t *testing.T) {
	r := newRig(t, connections.New)
	cs := conns(12)
	for i := range cs {
		if i%3 == 0 {
			cs[i].State = model.StatePending
		}
	}
	r.load(cs)
	r.press("down", "down", "down") // c-03, pending
	r.press("/")
	r.typeText("state==pending")
	if got, want := r.ids(), []string{"c-00", "c-03", "c-06", "c-09"}; !slices.Equal(got, want) {
		t.Fatalf("filtered rows %v, want %v", got, want)
	}
	if r.selected() != "c-03" {
		t.Errorf("the anchor matches: selected %s, want c-03", r.selected())
	}
	// Narrowing further past the anchor lands on the first match and
	// returns to the anchor once it matches again.
	r.typeText(" name=c-1")
	if got := r.ids(); !slices.Equal(got, []string{}) && !slices.Equal(got, []string(nil)) {
		t.Fatalf("no pending c-1x, got %v", got)
	}
	for range len(" name=c-1") {
		r.press("backspace")
	}
	if r.selected() != "c-03" {
		t.Errorf("back to the wider filter: selected %s, want the anchor c-03", r.selected())
	}
	r.press("enter")
	if r.p.List().Filtering() {
		t.Fatal("enter did not keep the filter")
	}
	// A refresh keeps the filter: a new pending row appears, others stay out.
	cs = append(cs, model.Connection{Provider: "p", ID: "c-12", Name: "c-12", State: model.StatePending})
	r.load(cs)
	if got := r.ids(); len(got) != 5 || got[4] != "c-12" {
		t.Errorf("after a refresh: %v", got)
	}
	r.press("esc")
	if got := len(r.ids()); got != 13 {
		t.Errorf("esc: %d rows, want all 13", got)
	}
}

func TestSortIsStable(t *testing.T) {
	r := newRig(t, connections.New)
	cs := conns(8)
	for i := range cs {
		cs[i].Name = "same" // every NAME ties: provider order decides
	}
	r.load(cs)
	want := r.ids()
	if !slices.Equal(want, []string{"c-00", "c-01", "c-02", "c-03", "c-04", "c-05", "c-06", "c-07"}) {
		t.Fatalf("ties not in provider order: %v", want)
	}
	// A change of one row that does not touch the sort column, twice over,
	// must not reshuffle the ties.
	for round := range 2 {
		next := slices.Clone(cs)
		next[round+2].Status = fmt.Sprint("x", round)
		r.load(next)
		if got := r.ids(); !slices.Equal(got, want) {
			t.Fatalf("round %d: ties reshuffled: %v, want %v", round, got, want)
		}
	}
	// Reversed, the ties keep their order too.
	r.press("S")
	if got := r.ids(); !slices.Equal(got, want) {
		t.Errorf("reverse sort reshuffled ties: %v", got)
	}
}

func TestStaleBuildIsDropped(t *testing.T) {
	old := connections.AsyncBuild
	connections.AsyncBuild = 1
	t.Cleanup(func() { connections.AsyncBuild = old })
	r := newRig(t, connections.New)
	start := func(cs []model.Connection) tea.Cmd {
		for i := range cs {
			pane.Fetched("p", &cs[i])
		}
		r.hub.Set(r.key, cs)
		cmd := r.update(pane.ChangedMsg{Key: r.key, DataChanged: true})
		if cmd == nil || !r.p.List().Building() {
			t.Fatal("a first load did not build in a command")
		}
		return cmd
	}
	first, second := start(conns(30)), start(conns(12))
	r.run(first) // superseded: its 30 rows must not appear
	if got := r.p.List().Table().Total(); got != 0 {
		t.Fatalf("a superseded build installed %d rows", got)
	}
	r.run(second)
	if got := r.p.List().Table().Total(); got != 12 || r.p.List().Building() {
		t.Fatalf("current build: %d rows, building %v", got, r.p.List().Building())
	}
	// Late again: the old build's result after the current one.
	r.run(first)
	if got := r.p.List().Table().Total(); got != 12 {
		t.Errorf("a late build replaced the current rows: %d", got)
	}
}

func TestApprovalsListsWhatWaitsOnUsOldestFirst(t *testing.T) {
	r := newRig(t, connections.NewApprovals)
	cs := conns(6)
	for i := range cs {
		cs[i].Pending = &model.PendingChange{Kind: model.ChangeCreation, Since: base.Add(-time.Duration(10-i) * time.Hour), WaitingOnUs: i%2 == 0}
	}
	cs[4].Pending.Since = base.Add(-48 * time.Hour) // the oldest
	r.load(cs)
	if got, want := r.ids(), []string{"c-04", "c-00", "c-02"}; !slices.Equal(got, want) {
		t.Errorf("approvals %v, want %v (waiting on us, oldest first)", got, want)
	}
}
