package traffic

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakestats"
)

func peerList(t *testing.T, r *rig) *peerView {
	t.Helper()
	pv, ok := r.p.top().(*peerView)
	if !ok {
		t.Fatalf("top screen is %T, want the peer list:\n%s", r.p.top(), r.view())
	}
	return pv
}

func TestPeersListSortFilter(t *testing.T) {
	r := newRig(t)
	r.open(configTarget())
	r.keys("p")
	pv := peerList(t, r)
	if r.srcs[0].PeerCalls != 1 || pv.Table().Total() != 100 {
		t.Fatalf("peers = %d after %d calls", pv.Table().Total(), r.srcs[0].PeerCalls)
	}
	if !r.has("Peers of exchange LAN FRA (100)") || !r.has("AVG IN▼") {
		t.Errorf("title/sort header:\n%s", r.view())
	}
	// Busiest first, numerically.
	rows := pv.Table().Visible()
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Item.(*model.Peer).AvgIn < rows[i].Item.(*model.Peer).AvgIn {
			t.Fatalf("AVG IN▼ not descending at %d", i)
		}
	}
	r.keys("s") // AVG OUT
	if col, _ := pv.Table().SortBy(); col != PeerAvgOut {
		t.Errorf("s: sort col %d", col)
	}
	r.keys("s", "S") // wraps to ASN, reversed
	if col, desc := pv.Table().SortBy(); col != PeerASN || !desc || pv.Table().At(0).Cells[PeerASN] != "AS64599" {
		t.Errorf("ASN▼: col %d desc %v first %s", col, desc, pv.Table().At(0).Cells[PeerASN])
	}
	r.keys("/")
	if !r.p.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	for _, ch := range "name=bravo" {
		r.p.Update(keyMsg(string(ch))) // its command is only the cursor blink
	}
	r.keys("enter")
	if pv.Table().Len() != 17 || !r.has("(17/100)") {
		t.Errorf("name=bravo kept %d rows:\n%s", pv.Table().Len(), r.view())
	}
	r.keys("esc") // clears the filter, stays on the list
	if pv.Table().Len() != 100 || r.p.top() != pv {
		t.Errorf("esc did not clear the filter first")
	}
}

func TestPeersCompare(t *testing.T) {
	r := newRig(t)
	r.open(configTarget())
	r.keys("p")
	pv := peerList(t, r)
	first := pv.Table().At(0).Item.(*model.Peer)
	second := pv.Table().At(1).Item.(*model.Peer)
	r.keys("m", "m")
	if !r.has("● 2 marked: g compares them") {
		t.Errorf("marks not shown:\n%s", r.view())
	}
	r.keys("g")
	q := lastQuery(t, r.srcs[0])
	if q.Target.ID != "nsc-1" || fmt.Sprint(q.Peers) != fmt.Sprint([]string{first.Ref.ID, second.Ref.ID}) {
		t.Fatalf("compare query = %+v", q)
	}
	g, ok := r.p.Graph()
	if !ok || len(g.Target().Peers) != 2 {
		t.Fatalf("no compare graph")
	}
	for _, want := range []string{"Traffic › 2 peers on exchange LAN FRA", "in only", fmt.Sprintf("━━ AS%d in", first.ASN), fmt.Sprintf("── AS%d in", second.ASN)} {
		if !r.has(want) {
			t.Errorf("compare view lacks %q:\n%s", want, r.view())
		}
	}
	if r.has(" out ") {
		t.Errorf("compare shows out lines by default")
	}
	r.keys("esc")
	if peerList(t, r) != pv || len(pv.order) != 2 {
		t.Fatalf("esc did not return to the marked list")
	}
	// Unmark both, graph the one under the cursor: in and out.
	r.keys("up", "up", "m", "m", "up", "up", "enter")
	if g, _ := r.p.Graph(); len(g.Target().Peers) != 1 || !r.has("in+out") || !r.has(fmt.Sprintf("AS%d out", first.ASN)) {
		t.Errorf("single peer graph:\n%s", r.view())
	}
	r.keys("esc", "esc")
	if g, ok := r.p.Graph(); !ok || g.Target().Ref.ID != "nsc-1" || len(g.Target().Peers) != 0 || r.p.Depth() != 1 {
		t.Fatalf("esc esc did not return to the config graph (depth %d)", r.p.Depth())
	}
	r.keys("esc") // nothing below: stays
	if r.p.Depth() != 1 {
		t.Fatal("esc popped the last screen")
	}
}

func TestPeersLimitsAndErrors(t *testing.T) {
	src := fakestats.New("ix", clock)
	r := newRig(t, src)
	r.open(configTarget())
	r.keys("p")
	for i := 0; i < MaxCompare; i++ {
		r.keys("m")
	}
	_, cmd := r.p.Update(keyMsg("m"))
	if cmd == nil || !strings.Contains(fmt.Sprint(cmd()), fmt.Sprintf("at most %d peers", MaxCompare)) {
		t.Errorf("marking past the limit not refused")
	}
	r.keys("esc")
	src.SetErr(&model.APIError{Provider: "ix", Method: "GET", Path: "/network-service-configs/nsc-1/peer-statistics", Status: 404,
		Problem: &model.Problem{Title: "Not Found", Detail: "no such config"}})
	r.keys("p")
	if !r.has("✗ GET /network-service-configs/nsc-1/peer-statistics: 404: Not Found (no such config)") {
		t.Errorf("peer error not shown:\n%s", r.view())
	}
	// A source without peers: p explains.
	r2 := newRig(t)
	r2.p.ctx.Sources[0].Peers = nil
	r2.open(configTarget())
	_, cmd = r2.p.Update(keyMsg("p"))
	if cmd == nil || !strings.Contains(fmt.Sprint(cmd()), "cannot list peers") || r2.p.Depth() != 1 {
		t.Errorf("p without a PeerSource")
	}
	_ = errors.New
}

func TestGoldenTraffic120x40(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.GapFrom, src.GapTo = fixedNow.Add(-7*time.Hour), fixedNow.Add(-5*time.Hour)
	r := newRig(t, src)
	r.p.SetSize(120, 40)
	r.open(portTarget())
	golden.RequireEqual(t, []byte(r.view()))
}

func TestGoldenTraffic80x24(t *testing.T) {
	src := fakestats.New("ix", clock)
	src.Burst = fixedNow.Add(-17*24*time.Hour - 3*time.Hour - 35*time.Minute)
	r := newRig(t, src)
	r.p.SetSize(80, 24)
	r.open(portTarget())
	r.keys("M")
	golden.RequireEqual(t, []byte(r.view()))
}

func TestGoldenPeersCompare120x40(t *testing.T) {
	r := newRig(t)
	r.open(configTarget())
	r.keys("p", "m", "down", "m", "g")
	golden.RequireEqual(t, []byte(r.view()))
}
