package ipam

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/fakehub"
	"github.com/noctop/noctop/ui/keys"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/styles"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// fixedNow is the tests' clock.
var fixedNow = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// fakeIPAM is an in-memory IPAM source with a planner and runner that
// record what they were asked (the UI may not import a real provider).
type fakeIPAM struct {
	name string

	mu       sync.Mutex
	blocks   []model.Block
	hold     model.HoldingPreview
	nextID   int64
	planned  []model.ActionRequest
	ran      []model.Action
	failNext error
}

func (f *fakeIPAM) Name() string { return f.name }
func (f *fakeIPAM) Kind() string { return "provision" }

// addBlock creates a block under parent (0 for an aggregate).
func (f *fakeIPAM) add(cidr string, parent int64, st model.BlockStatus, region, rir string, res int64, resName string, tags ...string) int64 {
	f.nextID++
	p := netip.MustParsePrefix(cidr)
	fam := model.IPv4
	if p.Addr().Is6() {
		fam = model.IPv6
	}
	b := model.Block{Provider: f.name, ID: f.nextID, Family: fam, Prefix: p, Parent: parent, Status: st, Region: region,
		RegionName: regionNames[region], RIR: rir, ResourceID: res, ResourceName: resName, Tags: tags, Leaf: st != model.BlockSplit,
		Assigned: st == model.BlockAssigned, LIRID: 10, OrgID: "NOCTO-ARIN", UpdatedAt: fixedNow.Add(-48 * time.Hour)}
	for i := range f.blocks {
		if f.blocks[i].ID == parent {
			if f.blocks[i].Child1 == 0 {
				f.blocks[i].Child1 = b.ID
			} else {
				f.blocks[i].Child2 = b.ID
			}
		}
	}
	f.blocks = append(f.blocks, b)
	return b.ID
}

var regionNames = map[string]string{"IAD": "Ashburn", "AMS": "Amsterdam", "SIN": "Singapore"}

// newFake builds a small IPAM: a hot IAD pool (over 90%), a calm AMS pool,
// an IPv6 pool in SIN, holding blocks.
func newFake(name string) *fakeIPAM {
	f := &fakeIPAM{name: name}
	// IAD 23.41.0.0/24: 15/16 used.
	iad := f.add("23.41.0.0/24", 0, model.BlockSplit, "IAD", "ARIN", 0, "", "Public")
	a := f.add("23.41.0.0/25", iad, model.BlockAssigned, "IAD", "ARIN", 1001, "Bluepeak Networks", "Public", "Customer")
	_ = a
	b := f.add("23.41.0.128/25", iad, model.BlockSplit, "IAD", "ARIN", 0, "", "Public")
	c := f.add("23.41.0.128/26", b, model.BlockSplit, "IAD", "ARIN", 0, "", "Public")
	f.add("23.41.0.192/26", b, model.BlockAssigned, "IAD", "ARIN", 1002, "Cedarhaven Labs", "Public", "Colo")
	d := f.add("23.41.0.128/27", c, model.BlockSplit, "IAD", "ARIN", 0, "", "Public")
	f.add("23.41.0.160/27", c, model.BlockHolding, "IAD", "ARIN", 2, "6connect holding", "Public")
	f.add("23.41.0.128/28", d, model.BlockAssigned, "IAD", "ARIN", 1003, "Atlasridge Data", "Public", "PTP")
	f.add("23.41.0.144/28", d, model.BlockAvailable, "IAD", "ARIN", 1, "Available", "Public")
	// AMS 185.45.0.0/24: a quarter used.
	ams := f.add("185.45.0.0/24", 0, model.BlockSplit, "AMS", "RIPE", 0, "", "Public")
	e := f.add("185.45.0.0/25", ams, model.BlockSplit, "AMS", "RIPE", 0, "", "Public")
	f.add("185.45.0.128/25", ams, model.BlockAvailable, "AMS", "RIPE", 1, "Available", "Public")
	f.add("185.45.0.0/26", e, model.BlockAssigned, "AMS", "RIPE", 1001, "Bluepeak Networks", "Public", "Customer")
	f.add("185.45.0.64/26", e, model.BlockAvailable, "AMS", "RIPE", 1, "Available", "Public")
	// SIN 2400:1700::/44 (in /64s for reports).
	sin := f.add("2400:1700::/44", 0, model.BlockSplit, "SIN", "APNIC", 0, "", "Public")
	f.add("2400:1700::/45", sin, model.BlockAssigned, "SIN", "APNIC", 1004, "Kestrel Health", "Public")
	f.add("2400:1708::/45", sin, model.BlockAvailable, "SIN", "APNIC", 1, "Available", "Public")
	for i := range f.blocks {
		f.blocks[i].VLAN = map[int64]int{2: 1140, 5: 2001}[f.blocks[i].ID]
	}
	f.hold = model.HoldingPreview{Provider: name, At: fixedNow.Add(-time.Minute), Fingerprint: "fp-1",
		Message: "1 IPv4 and 0 IPv6 blocks would be moved to the available pool."}
	for _, x := range f.blocks {
		if x.Status == model.BlockHolding {
			f.hold.Blocks = append(f.hold.Blocks, x)
		}
	}
	return f
}

func (f *fakeIPAM) Blocks(ctx context.Context, q model.BlockQuery, p *model.Progress) ([]model.Block, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.blocks), nil
}

// usage adds up leaves the way the real reports do (IPv6 in /64s).
func leafSize(b *model.Block) model.Hosts {
	if b.Family == model.IPv6 {
		return model.PrefixSize(64, min(b.Prefix.Bits(), 64))
	}
	return b.Size()
}

func (f *fakeIPAM) Utilization(ctx context.Context, q model.UtilQuery) (model.Utilization, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := model.Utilization{Provider: f.name, Family: q.Family, Unit: "addresses"}
	if q.Family == model.IPv6 {
		u.Unit = "/64s"
	}
	per := map[int64]*model.ResourceUsage{}
	for i := range f.blocks {
		b := &f.blocks[i]
		if b.Family != q.Family || b.Status == model.BlockSplit {
			continue
		}
		n := leafSize(b)
		u.Total = u.Total.Add(n)
		switch b.Status {
		case model.BlockAssigned:
			u.Assigned = u.Assigned.Add(n)
			r := per[b.ResourceID]
			if r == nil {
				r = &model.ResourceUsage{ID: b.ResourceID, Name: b.ResourceName, Type: "entry"}
				per[b.ResourceID] = r
			}
			r.Hosts, r.Blocks = r.Hosts.Add(n), r.Blocks+1
		case model.BlockHolding:
			u.Holding = u.Holding.Add(n)
		default:
			u.Available = u.Available.Add(n)
		}
	}
	u.AssignedPct, u.HoldingPct, u.AvailablePct = model.Percent(u.Assigned, u.Total), model.Percent(u.Holding, u.Total), model.Percent(u.Available, u.Total)
	for _, r := range per {
		r.Percent = model.Percent(r.Hosts, u.Total)
		u.Resources = append(u.Resources, *r)
	}
	slices.SortFunc(u.Resources, func(a, b model.ResourceUsage) int { return int(a.ID - b.ID) })
	return u, nil
}

func (f *fakeIPAM) MaskReport(ctx context.Context, q model.MaskQuery) (model.MaskReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := model.MaskReport{Provider: f.name}
	for _, fam := range []model.IPFamily{model.IPv4, model.IPv6} {
		mf := model.MaskFamily{Family: fam, Unit: "addresses", Totals: model.MaskRow{Mask: -1}}
		if fam == model.IPv6 {
			mf.Unit = "/64s"
		}
		rows := map[int]*model.MaskRow{}
		for i := range f.blocks {
			b := &f.blocks[i]
			if b.Family != fam || b.Status == model.BlockSplit {
				continue
			}
			row := rows[b.Mask()]
			if row == nil {
				row = &model.MaskRow{Mask: b.Mask()}
				rows[b.Mask()] = row
			}
			n := leafSize(b)
			for _, x := range []*model.MaskRow{row, &mf.Totals} {
				x.Total = x.Total.Add(n)
				switch b.Status {
				case model.BlockAssigned:
					x.Assigned = x.Assigned.Add(n)
				case model.BlockHolding:
					x.Holding = x.Holding.Add(n)
				default:
					x.Available = x.Available.Add(n)
				}
			}
		}
		for _, x := range rows {
			x.AssignedPct, x.HoldingPct, x.AvailablePct = model.Percent(x.Assigned, x.Total), model.Percent(x.Holding, x.Total), model.Percent(x.Available, x.Total)
			mf.Prefixes = append(mf.Prefixes, *x)
		}
		t := &mf.Totals
		t.AssignedPct, t.HoldingPct, t.AvailablePct = model.Percent(t.Assigned, t.Total), model.Percent(t.Holding, t.Total), model.Percent(t.Available, t.Total)
		slices.SortFunc(mf.Prefixes, func(a, b model.MaskRow) int { return a.Mask - b.Mask })
		r.Families = append(r.Families, mf)
	}
	return r, nil
}

func (f *fakeIPAM) HoldingTank(ctx context.Context) (model.HoldingPreview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hold, nil
}

func (f *fakeIPAM) Plan(req model.ActionRequest) (model.Action, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.planned = append(f.planned, req)
	a := model.Action{Request: req, Risk: model.RiskMedium}
	switch req.Kind {
	case model.ActionProcessHolding:
		if req.Params[model.ParamPreview] != f.hold.Fingerprint {
			return a, errors.New("preview the holding tank first")
		}
		a.Title = "Process the holding tank"
		a.HTTP = model.HTTPRequest{Method: "GET", Path: "/api/v1/api.php?target=ipam&action=processHoldingTank&preview=false"}
	case model.ActionSmartAssign:
		a.Title = "Smart-assign /" + req.Params[model.ParamMask] + " to " + req.Target.Name
		a.HTTP = model.HTTPRequest{Method: "GET", Path: "/api/v1/api.php?target=ipam&action=smartAssign&mask=" + req.Params[model.ParamMask] + "&resourceId=" + req.Params[model.ParamResourceID]}
	case model.ActionDeassign:
		a.Title, a.Risk, a.ConfirmText = "SWIP deassign "+req.Target.Name, model.RiskHigh, req.Target.Name
		a.HTTP = model.HTTPRequest{Method: "GET", Path: "/api/v1/api.php?target=ipam&action=deassign&blockId=" + req.Target.ID + "&entityHandle=" + req.Params[model.ParamEntityHandle]}
	default:
		return a, fmt.Errorf("%w: %s", model.ErrUnsupported, req.Kind)
	}
	return a, nil
}

func (f *fakeIPAM) Do(ctx context.Context, a model.Action) (model.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, a)
	if err := f.failNext; err != nil {
		f.failNext = nil
		return model.Result{Action: a}, err
	}
	res := model.Result{Action: a, Status: 200, At: fixedNow}
	switch a.Request.Kind {
	case model.ActionSmartAssign:
		// Carve 23.41.0.144/29 out of the free /28 in IAD.
		var parent int64
		for i := range f.blocks {
			if f.blocks[i].CIDR() == "23.41.0.144/28" {
				f.blocks[i].Status, f.blocks[i].Leaf = model.BlockSplit, false
				parent = f.blocks[i].ID
			}
		}
		id := f.add("23.41.0.144/29", parent, model.BlockAssigned, "IAD", "ARIN", 1001, "Bluepeak Networks", "Public")
		f.add("23.41.0.152/29", parent, model.BlockAvailable, "IAD", "ARIN", 1, "Available", "Public")
		res.Message = "Assigned 23.41.0.144/29 to Resource (1001) via Smart Assign"
		res.Affected = []model.Ref{{Provider: f.name, Type: "block", ID: strconv.FormatInt(id, 10), Name: "23.41.0.144/29"}}
	case model.ActionProcessHolding:
		res.Message = "1 IPv4 and 0 IPv6 blocks were moved to the available pool."
		for i := range f.blocks {
			if f.blocks[i].Status == model.BlockHolding {
				f.blocks[i].Status = model.BlockAvailable
			}
		}
		f.hold.Blocks, f.hold.Fingerprint = nil, "fp-empty"
	default:
		res.Message = "done"
	}
	return res, nil
}

// testPane builds the pane on fake sources with a real store and keys.
type testPane struct {
	t     *testing.T
	p     *Pane
	ctx   *pane.Context
	cmds  []tea.Msg // messages produced by executed commands
	toast string
	copy  []string
}

func newTestPane(t *testing.T, readOnly bool, srcs ...*fakeIPAM) *testPane {
	t.Helper()
	km := keys.Default()
	var sources []model.Source
	for _, f := range srcs {
		sources = append(sources, model.SourceOf(f))
	}
	ctx := &pane.Context{Sources: sources, Hub: fakehub.New(clock, sources...), Keys: km,
		Styles: styles.New(styles.DefaultTheme()), Now: clock, ReadOnly: readOnly, AuditPath: "audit.log",
		Spinner: func() string { return "*" }}
	pp := New(ctx)
	if pp == nil {
		t.Fatal("pane is nil with IPAM sources")
	}
	tp := &testPane{t: t, p: pp.(*Pane), ctx: ctx}
	tp.p.Copy = func(s string) error { tp.copy = append(tp.copy, s); return nil }
	tp.p.SetSize(120, 38)
	tp.load()
	return tp
}

// load fetches every resource now, as the root would, and tells the pane.
func (tp *testPane) load() {
	tp.t.Helper()
	for _, k := range tp.p.Resources() {
		if err := tp.hub().Load(k); err != nil {
			tp.t.Fatalf("fetch %s: %v", k, err)
		}
		tp.p.Update(pane.ChangedMsg{Key: k, DataChanged: true})
	}
}

// run executes a command and everything it produces, feeding pane
// messages back into the pane (toasts and refreshes are recorded).
func (tp *testPane) run(cmd tea.Cmd) {
	tp.t.Helper()
	if cmd == nil {
		return
	}
	// Timers (cursor blink) would block: a command that does not answer
	// at once is not part of the flow under test.
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(100 * time.Millisecond):
		return
	}
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			tp.run(c)
		}
	case pane.ToastMsg:
		tp.toast = m.Text
	case pane.RefreshMsg:
		tp.cmds = append(tp.cmds, m)
		tp.load()
	case mutate.DoneMsg, mutate.PreparedMsg, copiedMsg:
		tp.cmds = append(tp.cmds, m)
		_, next := tp.p.Update(m)
		tp.p.View()
		tp.run(next)
		if done, ok := m.(mutate.DoneMsg); ok && len(done.Outcome.Refreshed) > 0 {
			// The hub refreshed what the action affected; the root's
			// bridge would deliver the changes: the rig loads them.
			tp.load()
		}
	default:
		// Cursor blinks and other timers: not part of the flows tested,
		// and feeding them back would loop forever.
	}
}

func (tp *testPane) keys(ks ...string) {
	tp.t.Helper()
	for _, k := range ks {
		_, cmd := tp.p.Update(keyMsg(k))
		tp.p.View() // as Bubble Tea renders after every message
		tp.run(cmd)
	}
}

func (tp *testPane) typeText(s string) {
	for _, r := range s {
		// Typing only ever returns cursor-blink timers: not run.
		tp.p.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		tp.p.View()
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// genBlocks builds n blocks of a realistic split tree (benchmarks).
func genBlocks(n int, seed uint64) []model.Block {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]model.Block, 0, n)
	var id int64
	regions := []string{"IAD", "AMS", "SIN", "FRA", "SJC"}
	var split func(p netip.Prefix, parent, top int64, depth, maxMask int, region string)
	split = func(p netip.Prefix, parent, top int64, depth, maxMask int, region string) {
		if len(out) >= n {
			return
		}
		id++
		me := id
		if top == 0 {
			top = me
		}
		out = append(out, model.Block{Provider: "bench", ID: me, Parent: parent, TopAggregate: top, Prefix: p, Region: region, RIR: "RIPE", Tags: []string{"Public"}})
		i := len(out) - 1
		if p.Bits() < maxMask && len(out)+2 <= n && (depth < 3 || r.Float64() < 0.8) {
			out[i].Status = model.BlockSplit
			lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
			a := p.Addr().AsSlice()
			a[p.Bits()/8] |= 0x80 >> (p.Bits() % 8)
			ha, _ := netip.AddrFromSlice(a)
			out[i].Child1 = id + 1
			split(lo, me, top, depth+1, maxMask, region)
			out[i].Child2 = id + 1
			split(netip.PrefixFrom(ha, p.Bits()+1), me, top, depth+1, maxMask, region)
			return
		}
		out[i].Leaf = true
		switch x := r.Float64(); {
		case x < 0.6:
			out[i].Status, out[i].Assigned, out[i].ResourceName, out[i].ResourceID = model.BlockAssigned, true, "Customer "+strconv.Itoa(r.IntN(500)), 1000
		case x < 0.7:
			out[i].Status = model.BlockHolding
		default:
			out[i].Status = model.BlockAvailable
		}
	}
	for a := 0; len(out) < n; a++ {
		v4 := netip.AddrFrom4([4]byte{byte(20 + a/256%200), byte(a), 0, 0})
		split(netip.PrefixFrom(v4, 16), 0, 0, 0, 29, regions[a%len(regions)])
	}
	return out
}

func (tp *testPane) hub() *fakehub.Hub { return tp.ctx.Hub.(*fakehub.Hub) }
