package inventory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

// srig drives the pane over a servers source, doing what the root does
// with the messages its commands produce.
type srig struct {
	t   *testing.T
	p   *Pane
	s   *fake.Servers
	hub *fakehub.Hub
	sub model.Subscription
	// noAwait: after an action, only the pane's own checks tell it the
	// re-read ended (as when the re-read brings back the same tree and
	// the hub publishes nothing).
	noAwait   bool
	toasts    []string
	refreshes []string
}

func newServerRig(t *testing.T, globalRO, providerRO bool) *srig {
	t.Helper()
	// The result line's expiry fires at once; the rig drops it, so the
	// line stays for the assertions and no command waits on a timer.
	old := mutate.ResultTTL
	mutate.ResultTTL = 0
	oldPoll := rereadPoll
	rereadPoll = time.Millisecond
	t.Cleanup(func() { mutate.ResultTTL, rereadPoll = old, oldPoll })
	s := fake.NewServers("metal-demo")
	src := s.Source(providerRO)
	hub := fakehub.New(clock, src)
	t.Cleanup(hub.Close)
	ctx := &pane.Context{Sources: []model.Source{src}, Hub: hub, Keys: keys.Default(), ReadOnly: globalRO,
		Styles: styles.New(styles.DefaultTheme()), Now: clock, Spinner: func() string { return "*" }, AuditPath: "/tmp/audit.log"}
	p := NewPane(ctx)
	p.SetSize(120, 30)
	r := &srig{t: t, p: p, s: s, hub: hub}
	k := Key("metal-demo")
	if err := hub.Load(k); err != nil {
		t.Fatal(err)
	}
	r.sub = hub.Subscribe()
	t.Cleanup(r.sub.Close)
	p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
	return r
}

// do runs cmd and handles what it produces: toasts are recorded, shared
// data updates applied and broadcast, results and events delivered to the
// pane, expiries dropped.
func (r *srig) do(cmd tea.Cmd) {
	r.t.Helper()
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range m {
			r.do(c)
		}
	case pane.ToastMsg:
		r.toasts = append(r.toasts, m.Text)
	case pane.RefreshMsg:
		r.refreshes = append(r.refreshes, m.Provider)
	case mutate.DoneMsg:
		_, next := r.p.Update(m)
		r.do(next)
		if len(m.Outcome.Refreshed) > 0 && !r.noAwait {
			r.awaitRefetch()
		}
	case rereadCheckMsg:
		_, next := r.p.Update(m)
		r.do(next)
	case eventsMsg, capacityMsg:
		_, next := r.p.Update(m)
		r.do(next)
	}
}

// awaitRefetch delivers the hub's re-read of the inventory after an
// action (the fake hub fetches it in a goroutine, as the real one does).
func (r *srig) awaitRefetch() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		changes, err := r.sub.Next(ctx)
		if err != nil {
			r.t.Fatalf("the inventory was not re-read after the action: %v", err)
		}
		for _, c := range changes {
			st, _ := r.hub.Status(c.Key)
			if c.Key.Resource == pane.ResInventory && (c.DataChanged || st.Err != nil && !st.Loading) {
				_, next := r.p.Update(pane.ChangedMsg{Key: c.Key, DataChanged: c.DataChanged})
				r.do(next)
				return
			}
		}
	}
}

// press sends keys; commands run only when no input is open (an input's
// cursor blink would wait on a timer) or when asked with do.
func (r *srig) press(ks ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range ks {
		var m tea.KeyMsg
		switch k {
		case "enter":
			m = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			m = tea.KeyMsg{Type: tea.KeyEsc}
		case "tab":
			m = tea.KeyMsg{Type: tea.KeyTab}
		case "down":
			m = tea.KeyMsg{Type: tea.KeyDown}
		case "end":
			m = tea.KeyMsg{Type: tea.KeyEnd}
		case "home":
			m = tea.KeyMsg{Type: tea.KeyHome}
		case "ctrl+n":
			m = tea.KeyMsg{Type: tea.KeyCtrlN}
		case "backspace":
			m = tea.KeyMsg{Type: tea.KeyBackspace}
		default:
			m = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		_, last = r.p.Update(m)
		r.p.View() // as Bubble Tea does after every Update (the dialog records what was shown)
	}
	return last
}

func (r *srig) typeText(s string) {
	for _, ch := range s {
		r.press(string(ch))
	}
}

// goTo moves the cursor to the row labelled label, expanding on the way.
func (r *srig) goTo(label string) {
	r.t.Helper()
	r.do(r.press("home"))
	for range 200 {
		if n, _, ok := r.p.Selected(); ok && strings.HasPrefix(n.Label, label) {
			return
		}
		r.do(r.press("l")) // expand, or step into the first child
		if n, _, ok := r.p.Selected(); ok && strings.HasPrefix(n.Label, label) {
			return
		}
		r.do(r.press("down"))
	}
	r.t.Fatalf("no row %q in %v", label, r.p.Rows())
}

func (r *srig) lastToast() string {
	if len(r.toasts) == 0 {
		return ""
	}
	return r.toasts[len(r.toasts)-1]
}

// confirmDialog tabs to Confirm and presses enter, running the action and
// what it returns.
func (r *srig) confirmDialog() {
	r.t.Helper()
	d := r.p.Dialog()
	if d == nil {
		r.t.Fatalf("no dialog open (toasts %q)", r.toasts)
	}
	r.press("tab")
	if !r.p.Dialog().FocusOnConfirm() {
		r.t.Fatal("tab did not move focus to Confirm")
	}
	r.do(r.press("enter"))
}

func TestBondMemberPortThroughTheDialog(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("eth1")
	if r.p.Keys().ShortHelp(0) == nil {
		t.Fatal("no footer")
	}
	r.do(r.press("B")) // eth1 is not bonded: disbond is not offered
	if r.p.DialogOpen() || !strings.Contains(r.lastToast(), "does not offer it now") {
		t.Fatalf("disbond on an unbonded port: dialog %v, toast %q", r.p.DialogOpen(), r.lastToast())
	}
	r.do(r.press("b"))
	if !r.p.DialogOpen() {
		t.Fatalf("b opened no dialog; toasts %q", r.toasts)
	}
	v := r.p.View()
	for _, want := range []string{"POST /ports/p-eth1/bond?bulk_enable=false", "bulk_enable", "only eth1 joins bond0", "select bond0"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	if r.p.Dialog().FocusOnConfirm() {
		t.Error("focus must start on Cancel")
	}
	r.confirmDialog()
	if got := r.s.SentPaths(); len(got) != 1 || got[0] != "POST /ports/p-eth1/bond?bulk_enable=false" {
		t.Fatalf("sent %q", got)
	}
	// Re-read, not assumed: the provider was listed again and the tree shows it.
	if r.s.Reads < 2 {
		t.Errorf("no re-read after the action (%d reads)", r.s.Reads)
	}
	if n, _, _ := r.p.Selected(); n == nil || !strings.HasPrefix(n.Label, "eth1 · bonded") {
		t.Errorf("after bonding the selection shows %+v", n)
	}
	if res, isErr := r.p.Result(); isErr || !strings.Contains(res, "✓ bond eth1 of web-01") || !strings.Contains(res, "now eth1 · bonded") || !strings.Contains(res, "audit: /tmp/audit.log") {
		t.Errorf("result line %q (err %v)", res, isErr)
	}
	if !strings.Contains(r.p.View(), "✓ bond eth1 of web-01") {
		t.Errorf("result line not shown:\n%s", r.p.View())
	}
}

func TestDisbondBondPortIsBulk(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("bond0")
	r.do(r.press("B"))
	v := r.p.View()
	for _, want := range []string{"POST /ports/p-bond0/disbond?bulk_disable=true", "bulk_disable", "every member port of bond0 leaves", "eth0 bonded=true", "eth1 bonded=false"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	// Cancel sends nothing.
	r.do(r.press("esc"))
	if r.p.DialogOpen() || len(r.s.SentPaths()) != 0 || !strings.Contains(r.lastToast(), "nothing was sent") {
		t.Fatalf("cancel: dialog %v sent %q toast %q", r.p.DialogOpen(), r.s.SentPaths(), r.lastToast())
	}
	r.do(r.press("B"))
	r.confirmDialog()
	if got := r.s.SentPaths(); len(got) != 1 || got[0] != "POST /ports/p-bond0/disbond?bulk_disable=true" {
		t.Fatalf("sent %q", got)
	}
	if r.s.Bonded["p-eth0"] || r.s.Bonded["p-eth1"] {
		t.Error("the fake did not apply the disbond")
	}
}

func TestConvertToLayer2PicksAVirtualNetwork(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("bond0")
	r.do(r.press("L"))
	if !r.p.DialogOpen() {
		t.Fatalf("L opened no dialog; toasts %q", r.toasts)
	}
	v := r.p.View()
	for _, want := range []string{"VLAN 1001 backend (sjc1), VLAN 1002 storage (sjc1)", "1 more in other facilities, not usable from sjc1", "/ports/p-bond0/convert/layer-2", "Type web-01 to confirm", "(ctrl+n moves"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "VLAN 1003") {
		t.Errorf("a virtual network of another facility is offered:\n%s", v)
	}
	// A VLAN the project does not have is refused before planning and
	// blocks Confirm.
	r.typeText("1003") // the project's, but in ams1
	planned := len(r.s.Planned)
	r.press("tab", "enter")
	if !r.p.DialogOpen() || len(r.s.SentPaths()) != 0 {
		t.Fatal("an unknown VLAN was confirmed")
	}
	if v := r.p.View(); !strings.Contains(v, `"1003" is not a virtual network of this project in sjc1 (VLAN 1001, 1002)`) {
		t.Errorf("no reason for the refused VLAN:\n%s", v)
	}
	if len(r.s.Planned) != planned {
		t.Errorf("the UI's check should refuse before the planner is asked")
	}
	r.press("tab") // back to Cancel, edit the value
	for range 4 {
		r.press("backspace")
	}
	r.typeText("1002")
	if v := r.p.View(); !strings.Contains(v, `"vnid": "1002"`) {
		t.Errorf("the request does not follow the typed VLAN:\n%s", v)
	}
	// The hostname must be typed too.
	r.press("tab", "enter")
	if len(r.s.SentPaths()) != 0 || !strings.Contains(r.p.View(), `type "web-01" exactly`) {
		t.Fatalf("confirmed without the hostname: %q\n%s", r.s.SentPaths(), r.p.View())
	}
	r.press("tab", "ctrl+n")
	r.typeText("web-01")
	r.confirmDialog()
	sent := r.s.Sent
	if len(sent) != 1 || sent[0].HTTP.Path != "/ports/p-bond0/convert/layer-2" || string(sent[0].HTTP.Body) != "{\n  \"vnid\": \"1002\"\n}" {
		t.Fatalf("sent %+v", sent)
	}
	if n, _, _ := r.p.Selected(); n == nil || !strings.HasPrefix(n.Label, "bond0 · layer2-bonded") {
		t.Errorf("after the conversion the selection shows %+v", n)
	}
}

func TestPowerOffNeedsTheHostname(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("web-01")
	if r.do(r.press("O")); r.p.DialogOpen() || !strings.Contains(r.lastToast(), "cannot power on this server") {
		t.Fatalf("power on an active server: dialog %v toast %q", r.p.DialogOpen(), r.lastToast())
	}
	r.do(r.press("P"))
	if !r.p.DialogOpen() {
		t.Fatalf("P opened no dialog: %q", r.toasts)
	}
	v := r.p.View()
	for _, want := range []string{"POST /devices/d-web/actions?type=power_off", "Type web-01 to confirm", "stays disabled until the server's name is typed"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	r.typeText("web-02") // wrong
	r.press("tab", "enter")
	if !r.p.DialogOpen() || len(r.s.SentPaths()) != 0 {
		t.Fatalf("a wrong hostname confirmed: sent %q", r.s.SentPaths())
	}
	if !strings.Contains(r.p.View(), `type "web-01" exactly to confirm`) {
		t.Errorf("no reason shown:\n%s", r.p.View())
	}
	r.press("tab", "backspace")
	r.typeText("1")
	r.confirmDialog()
	if got := r.s.SentPaths(); len(got) != 1 || got[0] != "POST /devices/d-web/actions?type=power_off" {
		t.Fatalf("sent %q", got)
	}
	if res, _ := r.p.Result(); !strings.Contains(res, "(powering_off)") {
		t.Errorf("the re-read state is not in the result: %q", res)
	}
}

func TestActionsOffWhenReadOnly(t *testing.T) {
	for _, tc := range []struct {
		name             string
		global, provider bool
		want             string
	}{
		{"global", true, false, "read-only mode: port bonding disabled (--read-only)"},
		{"provider", false, true, "read-only: port bonding disabled (read_only = true for metal-demo)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newServerRig(t, tc.global, tc.provider)
			r.goTo("eth1")
			r.do(r.press("b"))
			if r.p.DialogOpen() || r.lastToast() != tc.want {
				t.Fatalf("dialog %v, toast %q want %q", r.p.DialogOpen(), r.lastToast(), tc.want)
			}
			for _, b := range r.p.Keys().ShortHelp(0) {
				if b.Help().Key == "b" {
					t.Error("bond is in the footer under read-only")
				}
			}
			if note := r.p.Keys().Note(); !strings.Contains(note, "port bonding (b/B), layer conversions (L/I), VLAN changes (n/N/v), power actions (O/P/R) and deletion (D) are disabled") {
				t.Errorf("? note %q", note)
			}
			if len(r.s.Planned) != 0 || len(r.s.SentPaths()) != 0 {
				t.Errorf("read-only planned %d, sent %q", len(r.s.Planned), r.s.SentPaths())
			}
		})
	}
}

func TestActionKeysFollowTheNode(t *testing.T) {
	r := newServerRig(t, false, false)
	footer := func() string {
		var ks []string
		for _, b := range r.p.Keys().ShortHelp(0) {
			ks = append(ks, b.Help().Key)
		}
		return " " + strings.Join(ks, " ") + " "
	}
	r.goTo("eth1")
	if f := footer(); !strings.Contains(f, " b ") || strings.Contains(f, " B ") || !strings.Contains(f, " n ") || !strings.Contains(f, " N ") {
		t.Errorf("eth1 footer: %q", f)
	}
	r.goTo("db-01") // failed: no power action
	if f := footer(); strings.Contains(f, " P ") || strings.Contains(f, " R ") || strings.Contains(f, " O ") || strings.Contains(f, " b ") {
		t.Errorf("failed server footer: %q", f)
	}
}

func TestDetailListsTheNodesActions(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("web-01")
	r.press("enter")
	v := r.p.View()
	for _, want := range []string{"Actions", "P", "power off…", "R", "reboot…"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "power on…") {
		t.Errorf("an active server does not power on:\n%s", v)
	}
	// The keys work from the detail view too.
	r.do(r.press("P"))
	if !r.p.DialogOpen() {
		t.Fatalf("P in the detail view: %q", r.toasts)
	}
	ro := newServerRig(t, true, false)
	ro.goTo("web-01")
	ro.press("enter")
	if !strings.Contains(ro.p.View(), "off: read-only (--read-only)") {
		t.Errorf("read-only detail:\n%s", ro.p.View())
	}
}

func TestConvertToLayer3AsksWhichAddresses(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("bond0")
	r.do(r.press("I"))
	if !r.p.DialogOpen() {
		t.Fatalf("I opened no dialog: %q", r.toasts)
	}
	v := r.p.View()
	for _, want := range []string{"/ports/p-bond0/convert/layer-3", "Request IPs", "public-ipv4,private-ipv4,public-ipv6 (default: all three)", "must carry no VLAN"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	r.typeText("public-ipv4")
	if got := r.p.Dialog().Action().Request.Params[model.ParamRequestIPs]; got != "public-ipv4" {
		t.Errorf("typed addresses planned as %q", got)
	}
}

// A re-read that fails is said, and the provider is refreshed instead:
// the outcome is never assumed.
func TestFailedRereadRefreshes(t *testing.T) {
	r := newServerRig(t, false, false)
	r.goTo("eth0")
	r.do(r.press("B"))
	r.s.InvErr = errors.New("HTTP 502: bad gateway")
	r.confirmDialog()
	if len(r.s.SentPaths()) != 1 {
		t.Fatalf("sent %q", r.s.SentPaths())
	}
	res, _ := r.p.Result()
	if !strings.Contains(res, "re-read failed") || !strings.Contains(res, "bad gateway") {
		t.Errorf("result %q", res)
	}
	// The tree still shows what was last read, not an assumed outcome.
	if n, _, _ := r.p.Selected(); n == nil || !strings.HasPrefix(n.Label, "eth0 · bonded") {
		t.Errorf("selection %+v", n)
	}
}

// A re-read that brings back the same tree publishes no change; the pane
// asks the hub until the re-read ended and then says how the node is
// (a reboot changes nothing the inventory shows).
func TestRereadWithoutChangeStillEnds(t *testing.T) {
	r := newServerRig(t, false, false)
	r.noAwait = true
	r.goTo("web-01")
	r.do(r.press("R"))
	if !r.p.DialogOpen() {
		t.Fatalf("R opened no dialog: %q", r.toasts)
	}
	r.typeText("web-01")
	r.confirmDialog()
	if got := r.s.SentPaths(); len(got) != 1 || !strings.Contains(got[0], "type=reboot") {
		t.Fatalf("sent %q", got)
	}
	res, _ := r.p.Result()
	if strings.Contains(res, rereadPending) || !strings.Contains(res, "now web-01") {
		t.Fatalf("result %q: the re-read never ended", res)
	}
}
