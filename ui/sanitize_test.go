package ui_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/internal/fake"
	"github.com/noctop/noctop/ui/ipam"
)

// These tests feed the UI provider data that was NOT sanitised at the
// boundary (the fake sources bypass the registry's model.SafeSource), so
// they prove the screen layer on its own: every renderer must clean what
// it shows.

const bad = modeltest.Hostile

// hostileConn is a connection whose every string carries escapes, waiting
// for our approval.
func hostileConn(provider string, i int) model.Connection {
	var c model.Connection
	modeltest.Fill(&c)
	c.Provider = provider // the UI routes by it; providers set it from the config
	c.ID = bad + string(rune('a'+i))
	c.State = model.State(bad)
	c.Pending.Kind = model.ChangeCreation
	c.Pending.WaitingOnUs = true
	c.Actions = []model.ActionKind{model.ActionApprove, model.ActionReject}
	c.A.VLANs, c.Z.VLANs = []int{1001}, []int{2002}
	c.BandwidthMbps = 1000
	c.Created, c.Updated = fake.Base, fake.Base.Add(time.Minute)
	return c
}

// hostileRunner answers with a hostile message.
type hostileRunner struct{ next model.ActionRunner }

func (r hostileRunner) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res, err := r.next.Do(ctx, a)
	res.Message = bad
	return res, err
}

// hostileStats serves traffic with hostile series names and an inventory
// whose every string carries escapes.
type hostileStats struct{}

func (hostileStats) Series(_ context.Context, q model.SeriesQuery) ([]model.Series, error) {
	var out []model.Series
	for _, dir := range []string{"in", "out"} {
		s := model.Series{Ref: q.Target, Name: bad + dir, Direction: dir, Unit: model.UnitBitsPerSec, Aggregate: bad,
			Precision: 5 * time.Minute, Capacity: 1e9}
		for t := fixedNow.Add(-q.Range); t.Before(fixedNow); t = t.Add(5 * time.Minute) {
			s.Samples = append(s.Samples, model.Sample{T: t, V: 4e8})
		}
		out = append(out, s)
	}
	return out, nil
}

func (hostileStats) Peers(_ context.Context, config model.Ref) ([]model.Peer, error) {
	var p model.Peer
	modeltest.Fill(&p)
	p.Ref.Provider, p.ASN, p.AvgIn, p.AvgOut = config.Provider, 64500, 1e6, 2e6
	return []model.Peer{p}, nil
}

func (hostileStats) Inventory(context.Context, *model.Progress) ([]model.Node, error) {
	var n model.Node
	modeltest.Fill(&n)
	n.Children[0].Ref.Type = "port"
	return []model.Node{n}, nil
}

// hostileIPAM is an IPAM whose every string carries escapes.
type hostileIPAM struct{}

func hostileBlock(id int64, cidr string, parent int64, st model.BlockStatus) model.Block {
	var b model.Block
	modeltest.Fill(&b)
	b.Provider, b.ID, b.Parent, b.Status = "ipam", id, parent, st
	b.Prefix = netip.MustParsePrefix(cidr)
	b.Family = model.IPv4
	b.Leaf = st != model.BlockSplit
	b.Assigned = st == model.BlockAssigned
	b.ResourceID, b.VLAN = 7, 1140
	b.UpdatedAt = fixedNow.Add(-time.Hour)
	return b
}

func (hostileIPAM) blocks() []model.Block {
	top := hostileBlock(1, "10.0.0.0/24", 0, model.BlockSplit)
	top.Child1, top.Child2 = 2, 3
	return []model.Block{top, hostileBlock(2, "10.0.0.0/25", 1, model.BlockAssigned), hostileBlock(3, "10.0.0.128/25", 1, model.BlockHolding)}
}

func (f hostileIPAM) Utilization(_ context.Context, q model.UtilQuery) (model.Utilization, error) {
	var u model.Utilization
	modeltest.Fill(&u)
	u.Provider, u.Family = "ipam", q.Family
	u.Total, u.Assigned, u.Holding = model.HostsOf(256), model.HostsOf(128), model.HostsOf(128)
	u.AssignedPct, u.HoldingPct = 50, 50
	for i := range u.Resources {
		u.Resources[i].ID, u.Resources[i].Hosts, u.Resources[i].Blocks, u.Resources[i].Percent = int64(7+i), model.HostsOf(128), 1, 50
	}
	return u, nil
}

func (f hostileIPAM) Blocks(context.Context, model.BlockQuery, *model.Progress) ([]model.Block, error) {
	return f.blocks(), nil
}

func (f hostileIPAM) MaskReport(context.Context, model.MaskQuery) (model.MaskReport, error) {
	r := model.MaskReport{Provider: "ipam", Families: []model.MaskFamily{{Family: model.IPv4, Unit: bad,
		Totals: model.MaskRow{Mask: -1, Total: model.HostsOf(256)}, Prefixes: []model.MaskRow{{Mask: 25, Total: model.HostsOf(256)}}}}}
	return r, nil
}

func (f hostileIPAM) HoldingTank(context.Context) (model.HoldingPreview, error) {
	return model.HoldingPreview{Provider: "ipam", Blocks: f.blocks()[2:], Message: bad, At: fixedNow, Fingerprint: bad}, nil
}

// screenClean fails when view carries anything a terminal interprets:
// with the Ascii profile nothing at all (no styling either), with colour
// nothing once the app's own SGR styling is stripped.
func screenClean(t *testing.T, stage, view string, colour bool) {
	t.Helper()
	if colour {
		view = modeltest.StripSGR(view)
	}
	i := modeltest.FirstControl(view, true)
	if j := strings.IndexAny(view, "\t\r"); i < 0 || (j >= 0 && j < i) {
		i = j
	}
	if i >= 0 {
		lo, hi := max(i-60, 0), min(i+20, len(view))
		t.Errorf("%s: the screen carries a control at byte %d: …%q…", stage, i, view[lo:hi])
	}
}

// hostileApp builds the root model over hostile, unsanitised sources: a
// provider with one hostile connection (stats and inventory too), one
// whose listing fails with a hostile error, and a hostile IPAM.
func hostileApp(t *testing.T) (*harness, *fake.World, *clip) {
	w := fake.New("p1", 0, 0, 1)
	w.Set([]model.Connection{hostileConn("p1", 0)})
	src := w.Source()
	src.Runner = hostileRunner{w}
	src.Stats, src.Inventory, src.Peers = hostileStats{}, hostileStats{}, hostileStats{}
	broken := fake.New("p2", 1, 0, 2)
	broken.ListErr = &model.APIError{Provider: "p2", Method: "GET", Path: "/x", Status: 500, Code: bad, Message: bad, Details: bad}
	ip := hostileIPAM{}
	cb := &clip{}
	h := newHarnessSources(t, ui.Options{Clipboard: cb.write}, src, broken.Source(), model.Source{Name: "ipam", Kind: "provision", IPAM: ip})
	return h, w, cb
}

func TestHostileTextNeverReachesTheScreen(t *testing.T) {
	for _, colour := range []bool{false, true} {
		name := "ascii"
		if colour {
			name = "truecolor"
		}
		t.Run(name, func(t *testing.T) {
			if colour {
				lipgloss.SetColorProfile(termenv.TrueColor)
				defer lipgloss.SetColorProfile(termenv.Ascii)
			}
			hostileFlow(t, colour)
		})
	}
}

func hostileFlow(t *testing.T, colour bool) {
	h, w, cb := hostileApp(t)
	shown := func(stage string) {
		t.Helper()
		v := h.view()
		screenClean(t, stage, v, colour)
		if colour && !strings.Contains(v, "\x1b[") {
			t.Errorf("%s: no styling at all: the colour profile did not take", stage)
		}
	}
	seen := func(stage string) {
		t.Helper()
		shown(stage)
		// The status bar always shows p2's hostile error: look above it.
		lines := strings.Split(h.view(), "\n")
		if body := strings.Join(lines[:max(len(lines)-2, 0)], "\n"); !strings.Contains(body, "␛") {
			t.Errorf("%s: the hostile text is not on screen (as pictures): the test proves nothing here\n%s", stage, h.view())
		}
	}
	seen("connections list")
	h.keys("y")
	if got := cb.last(); got == "" || !modeltest.TerminalSafe(got, false) {
		t.Errorf("copied %q: the clipboard gets provider controls (pasted into a shell)", got)
	}
	seen("copied toast")
	if !strings.Contains(h.status(), "p2") {
		t.Errorf("status bar lacks the failing provider: %q", h.status())
	}
	h.keys("enter")
	seen("detail view")
	h.keys("end")
	seen("detail view, raw fields")
	h.keys("esc", "a")
	if !strings.Contains(h.view(), "Confirm") {
		t.Fatalf("the approve dialog did not open:\n%s", h.view())
	}
	seen("approve dialog")
	h.keys("tab", "enter")
	if n := len(w.Calls()); n != 1 {
		t.Fatalf("%d actions ran, want the approval", n)
	}
	seen("after approve (result toast)")
	h.keys("2")
	shown("approvals")
	w.DoErr = &model.APIError{Provider: "p1", Method: "POST", Path: bad, Status: 409, Message: bad}
	w.Set([]model.Connection{hostileConn("p1", 1)})
	h.keys("1", "r", "x")
	if !strings.Contains(h.view(), "Confirm") {
		t.Fatalf("the reject dialog did not open:\n%s", h.view())
	}
	seen("reject dialog")
	h.typeText("no")
	h.keys("tab", "enter")
	if n := len(w.Calls()); n != 2 {
		t.Fatalf("%d actions ran, want the approval and the rejection:\n%s", n, h.view())
	}
	seen("after a failed reject (error toast)")
	h.keys("2")
	seen("approvals")
	h.keys("enter")
	seen("approvals detail")
	h.keys("esc", "1", "g")
	settle(h)
	seen("traffic graph")
	h.keys("p")
	settle(h)
	seen("peers")
	h.keys("enter")
	settle(h)
	seen("peer graph")
	h.keys("esc", "esc")
	h.keys(string(rune('1' + paneIndex(t, h, "Inventory"))))
	seen("inventory")
	h.keys("right", "down", "right", "down")
	shown("inventory expanded")
	h.keys("enter")
	seen("inventory detail")
	h.keys("esc")
	ipi := paneIndex(t, h, "IPAM")
	h.keys(string(rune('1' + ipi)))
	ip := h.m.Panes()[ipi].(*ipam.Pane)
	for v := ipam.ViewSummary; v <= ipam.ViewHolding; v++ {
		ip.SetView(v)
		seen("IPAM view " + itoa(int(v)))
		h.keys("enter")
		seen("IPAM view " + itoa(int(v)) + " after enter")
		h.keys("esc")
	}
	ip.SetView(ipam.ViewBlocks)
	h.keys("right", "down", "D")
	seen("IPAM deassign form")
	h.keys("esc", "A")
	seen("IPAM smart-assign form")
	h.keys("esc", "?")
	shown("help")
	h.keys("esc", ":")
	h.typeText("provider ")
	h.keys("tab")
	shown("palette")
}

func itoa(n int) string { return string(rune('0' + n)) }
