package ipam

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

func TestNoIPAMNoPane(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	ctx := *tp.ctx
	ctx.Sources = []model.Source{{Name: "fabric", Kind: "fabric"}}
	if p := New(&ctx); p != nil {
		t.Fatal("a pane without IPAM sources must opt out")
	}
}

func TestSummaryRegionsAndStatus(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	if len(p.regions) != 3 || p.regions[0].Region != "IAD" || p.regions[0].Above != 1 {
		t.Fatalf("regions %+v", p.regions)
	}
	if got := p.regions[0].Share(); got < 0.93 || got > 0.94 {
		t.Fatalf("IAD share %v, want 15/16", got)
	}
	if p.Badge() != "▲1" {
		t.Fatalf("badge %q", p.Badge())
	}
	if s := p.ProviderStatus("ipam"); !strings.Contains(s, "1 pool ≥80%") {
		t.Fatalf("status %q", s)
	}
	if s := p.ProviderStatus("other"); s != "" {
		t.Fatalf("status of another provider %q", s)
	}
	// A higher threshold: nothing is hot.
	tp2 := newTestPane(t, false, newFake("ipam"))
	tp2.p.threshold = 95
	tp2.p.regSrc = nil
	tp2.p.refreshData()
	if tp2.p.Badge() != "" || tp2.p.regions[0].Above != 0 {
		t.Fatalf("threshold 95: badge %q regions %+v", tp2.p.Badge(), tp2.p.regions[0])
	}
}

func TestViewsCycleAcrossProviders(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam-a"), newFake("ipam-b"))
	p := tp.p
	want := []View{ViewResources, ViewMasks, ViewBlocks, ViewHolding, ViewSummary}
	for _, v := range want {
		tp.keys("v")
		if p.CurrentView() != v {
			t.Fatalf("view %s, want %s", p.CurrentView(), v)
		}
	}
	if p.Provider() != "ipam-b" {
		t.Fatalf("after the last view comes the next provider, got %s", p.Provider())
	}
	tp.load()
	if p.br.data == nil || p.br.data.Provider != "ipam-b" {
		t.Fatal("browser not switched to the second provider")
	}
	tp.keys("V")
	if p.CurrentView() != ViewHolding || p.Provider() != "ipam-a" {
		t.Fatalf("V: %s %s", p.CurrentView(), p.Provider())
	}
}

func TestRegionDrillDownToTheFullestBlock(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	tp.keys("enter") // IAD is first: the fullest region
	if p.CurrentView() != ViewBlocks || p.br.filter.Query != "region==iad family==ipv4" {
		t.Fatalf("view %s filter %q", p.CurrentView(), p.br.filter.Query)
	}
	if b := p.SelectedBlock(); b == nil || b.CIDR() != "23.41.0.0/24" {
		t.Fatalf("selected %v", p.SelectedBlock())
	}
	// Matching pools are shown closed, the others hidden.
	rows, _, _ := p.Browser()
	if len(rows) != 1 {
		t.Fatalf("%d rows for one IAD pool", len(rows))
	}
	tp.keys("F")
	if b := p.SelectedBlock(); b == nil || b.CIDR() != "23.41.0.0/25" {
		t.Fatalf("drilled to %v", p.SelectedBlock().CIDR())
	}
	tp.keys("F")
	if !strings.Contains(tp.toast, "no children") {
		t.Fatalf("toast %q", tp.toast)
	}
	tp.keys("down", "F")
	if b := p.SelectedBlock(); b.CIDR() != "23.41.0.192/26" {
		t.Fatalf("fullest child of 23.41.0.128/25: %s", b.CIDR())
	}
	// Collapse walks back up; esc clears the filter and keeps the selection.
	tp.keys("left")
	if p.SelectedBlock().CIDR() != "23.41.0.128/25" {
		t.Fatalf("left from a leaf selects its parent, got %s", p.SelectedBlock().CIDR())
	}
	tp.keys("esc")
	if p.br.filter.Query != "" || p.SelectedBlock().CIDR() != "23.41.0.128/25" {
		t.Fatalf("esc: filter %q selected %s", p.br.filter.Query, p.SelectedBlock().CIDR())
	}
	rows, _, _ = p.Browser()
	if len(rows) != 7 { // 3 pools, the IAD one opened down to 23.41.0.128/25's halves
		t.Fatalf("unfiltered rows %d", len(rows))
	}
}

func TestBrowserFilterExpandOrderDetailsCopy(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	p.SetView(ViewBlocks)
	rows, _, tree := p.Browser()
	if len(rows) != 3 {
		t.Fatalf("pools shown closed: %d rows", len(rows))
	}
	// Live filter: a customer's blocks are shown inside their pools.
	tp.keys("/")
	tp.typeText("bluepeak")
	if !p.Capturing() {
		t.Fatal("filter input must capture keys")
	}
	rows, _, _ = p.Browser()
	var got []string
	for _, r := range rows {
		got = append(got, tree.Block(r).CIDR())
	}
	want := "23.41.0.0/24 23.41.0.0/25 185.45.0.0/24 185.45.0.0/25 185.45.0.0/26"
	if strings.Join(got, " ") != want {
		t.Fatalf("filtered rows\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	tp.keys("enter")
	if p.Capturing() || p.br.matches != 2 {
		t.Fatalf("matches %d", p.br.matches)
	}
	// Field filters: tags, VLAN, negation.
	for q, n := range map[string]int{"tags=ptp": 1, "vlan=1140": 1, "rir==apnic": 3, "status==holding": 1, "!public": 0, "region=ashburn": 9} {
		p.br.setFilter(q)
		if p.br.matches != n {
			t.Errorf("/%s: %d matches, want %d", q, p.br.matches, n)
		}
	}
	p.br.setFilter("")
	// Expand, order by use, details, copy.
	tp.keys("home", "right")
	rows, _, _ = p.Browser()
	if len(rows) != 5 {
		t.Fatalf("expanded first pool: %d rows", len(rows))
	}
	tp.keys("down", "down", "s")
	if !p.br.byUse || p.SelectedBlock().CIDR() != "23.41.0.128/25" {
		t.Fatalf("order toggle kept selection? %s", p.SelectedBlock().CIDR())
	}
	rows, _, _ = p.Browser()
	if tree.Block(rows[1]).CIDR() != "23.41.0.0/25" {
		// 23.41.0.0/25 (100%) comes before 23.41.0.128/25 (87.5%).
		t.Fatalf("fullest first: %s", tree.Block(rows[1]).CIDR())
	}
	tp.keys("enter")
	if !p.details || !strings.Contains(p.View(), "── 23.41.0.128/25 · id") {
		t.Fatalf("details:\n%s", p.View())
	}
	tp.keys("y")
	if len(tp.copy) != 1 || tp.copy[0] != "23.41.0.128/25" || !strings.Contains(tp.toast, "copied 23.41.0.128/25") {
		t.Fatalf("copy %v toast %q", tp.copy, tp.toast)
	}
	tp.keys("esc")
	if p.details {
		t.Fatal("esc closes the details")
	}
}

func TestSmartAssignShowsTheBlockAfterwards(t *testing.T) {
	f := newFake("ipam")
	tp := newTestPane(t, false, f)
	p := tp.p
	p.SetView(ViewBlocks)
	tp.keys("home", "right", "down") // 23.41.0.0/25, assigned to Bluepeak (1001)
	tp.keys("A")
	if p.form == nil || p.form.value("resource") != "1001" || p.form.value(model.ParamRIR) != "ARIN" || p.form.value(model.ParamRegion) != "IAD" || p.form.value(model.ParamMask) != "29" {
		t.Fatalf("form not prefilled from the selection: %+v", p.form)
	}
	// Resolve by name instead of id.
	p.form.fields[0].in.SetValue("bluepeak")
	tp.keys("enter")
	if p.form != nil || p.flow.Dialog() == nil {
		t.Fatalf("form err %q", p.form.err)
	}
	if len(f.planned) != 1 || f.planned[0].Params[model.ParamResourceID] != "1001" || f.planned[0].Target.Name != "Bluepeak Networks" {
		t.Fatalf("planned %+v", f.planned)
	}
	if v := p.View(); !strings.Contains(v, "action=smartAssign&mask=29&resourceId=1001") || !strings.Contains(v, "[ Cancel ]") {
		t.Fatalf("dialog:\n%s", v)
	}
	if len(f.ran) != 0 {
		t.Fatal("sent before confirmation")
	}
	tp.keys("tab", "enter")
	if len(f.ran) != 1 {
		t.Fatalf("ran %d", len(f.ran))
	}
	if !strings.Contains(p.flow.Last, "Assigned 23.41.0.144/29") || p.flow.LastErr {
		t.Fatalf("last %q", p.flow.Last)
	}
	// The refresh came back with the new block: it is shown and selected.
	if p.CurrentView() != ViewBlocks || p.SelectedBlock() == nil || p.SelectedBlock().CIDR() != "23.41.0.144/29" {
		t.Fatalf("after: %v", p.SelectedBlock())
	}
	if !strings.Contains(p.View(), "●") {
		t.Fatal("new block not marked")
	}
}

func TestSmartAssignFormErrors(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	tp.keys("A")
	tp.keys("enter") // no resource
	if p.form == nil || !strings.Contains(p.form.err, "customer resource") {
		t.Fatalf("form %+v", p.form)
	}
	p.form.fields[0].in.SetValue("e") // several names contain an e
	tp.keys("enter")
	if p.form == nil || !strings.Contains(p.form.err, "matches") {
		t.Fatalf("ambiguous: %q", p.form.err)
	}
	tp.keys("esc")
	if p.form != nil || !strings.Contains(tp.toast, "nothing was planned") {
		t.Fatalf("cancel: %q", tp.toast)
	}
}

func TestProcessHoldingTankFromThePreview(t *testing.T) {
	f := newFake("ipam")
	tp := newTestPane(t, false, f)
	p := tp.p
	tp.keys("P")
	if p.CurrentView() != ViewHolding || p.flow.Dialog() == nil {
		t.Fatalf("P: view %s dialog %v", p.CurrentView(), p.flow.Dialog() != nil)
	}
	if got := f.planned[0].Params[model.ParamPreview]; got != "fp-1" {
		t.Fatalf("planned with preview %q", got)
	}
	if v := p.View(); !strings.Contains(v, "1 block previewed") || !strings.Contains(v, "23.41.0.160/27") {
		t.Fatalf("dialog:\n%s", v)
	}
	tp.keys("enter") // focus starts on Cancel
	if len(f.ran) != 0 || p.flow.Dialog() != nil || !strings.Contains(tp.toast, "nothing was sent") {
		t.Fatalf("cancel: ran %d toast %q", len(f.ran), tp.toast)
	}
	tp.keys("P", "tab", "enter")
	if len(f.ran) != 1 || !strings.Contains(p.flow.Last, "were moved") {
		t.Fatalf("ran %d last %q", len(f.ran), p.flow.Last)
	}
	// The preview was re-read: now empty, so P says so and plans nothing.
	n := len(f.planned)
	tp.keys("P")
	if len(f.planned) != n || !strings.Contains(tp.toast, "empty") {
		t.Fatalf("empty tank: planned %d toast %q", len(f.planned)-n, tp.toast)
	}
}

func TestDeassignNeedsTheCIDRTyped(t *testing.T) {
	f := newFake("ipam")
	tp := newTestPane(t, false, f)
	p := tp.p
	p.SetView(ViewBlocks)
	tp.keys("home", "D")
	if p.form != nil || !strings.Contains(tp.toast, "only assigned blocks") {
		t.Fatalf("deassign of a pool: %q", tp.toast)
	}
	tp.keys("right", "down", "D")
	if p.form == nil || p.form.must != "23.41.0.0/25" || p.form.value(model.ParamEntityHandle) != "NOCTO-ARIN" {
		t.Fatalf("form %+v", p.form)
	}
	tp.keys("enter")
	if p.flow.Dialog() != nil || !strings.Contains(p.form.err, "type 23.41.0.0/25") {
		t.Fatalf("untyped: %q", p.form.err)
	}
	tp.typeText("23.41.0.0/25")
	tp.keys("enter")
	if p.flow.Dialog() == nil {
		t.Fatalf("typed: %q", p.form.err)
	}
	if a := p.flow.Dialog().Action(); a.ConfirmText != "" || a.Risk != model.RiskHigh {
		t.Fatalf("dialog action %+v", a)
	}
	f.failNext = &model.APIError{Provider: "ipam", Method: "GET", Path: "/api/v1/api.php", Status: 200, Code: "success=0", Message: "Entity handle is wrong"}
	tp.keys("tab", "enter")
	if !p.flow.LastErr || !strings.Contains(p.flow.Last, "Entity handle is wrong") {
		t.Fatalf("failure not reported: %q", p.flow.Last)
	}
}

func TestReadOnlyBlocksEveryAction(t *testing.T) {
	f := newFake("ipam")
	tp := newTestPane(t, true, f)
	p := tp.p
	p.SetView(ViewBlocks)
	tp.keys("home", "right", "down")
	for _, k := range []string{"A", "P", "D", "W"} {
		tp.keys(k)
		if p.form != nil || p.flow.Dialog() != nil {
			t.Fatalf("%s opened something in read-only mode", k)
		}
	}
	// Even a direct call is refused before planning.
	tp.run(p.beginSmartAssign())
	tp.run(p.beginProcess())
	if len(f.planned) != 0 || len(f.ran) != 0 || !strings.Contains(tp.toast, "read-only") {
		t.Fatalf("planned %d ran %d toast %q", len(f.planned), len(f.ran), tp.toast)
	}
	// Viewing and copying still work.
	tp.keys("y")
	if len(tp.copy) != 1 {
		t.Fatal("copy disabled in read-only mode")
	}
}

func TestResourcesTableSortAndFilter(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	p.SetView(ViewResources)
	if p.res.Total() != 4 {
		t.Fatalf("%d resource rows", p.res.Total())
	}
	first := p.res.At(0).Cells[colName]
	if first != "Kestrel Health" && first != "Bluepeak Networks" {
		t.Fatalf("sorted by share: first %q", first)
	}
	tp.keys("s") // FAMILY ascending
	if col, _ := p.res.SortBy(); col != colFamily {
		t.Fatalf("sort col %d", col)
	}
	tp.keys("/")
	tp.typeText("family=ipv6")
	tp.keys("enter")
	if p.res.Len() != 1 || p.res.At(0).Cells[colName] != "Kestrel Health" {
		t.Fatalf("filtered %d", p.res.Len())
	}
	tp.keys("A")
	if p.form == nil || p.form.value("resource") != "1004" {
		t.Fatalf("smart-assign from a resource row: %+v", p.form)
	}
}

func TestStaleAndErrorStates(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	p := tp.p
	// A failed refresh keeps the data and says it is stale.
	k := Key("ipam", ResMasks)
	tp.hub().Fail(k, errors.New("provision: GET /api/v1/api.php: 502 bad gateway"))
	p.SetView(ViewMasks)
	if v := p.View(); !strings.Contains(v, "stale since 10:30:00") || !strings.Contains(v, "IPv4 by prefix length") {
		t.Fatalf("stale masks:\n%s", v)
	}
	// Nothing loaded yet and an error: the error is shown.
	tp2 := newTestPane(t, false, newFake("ipam2"))
	k2 := Key("ipam2", ResHolding)
	tp2.hub().Drop(k2)
	tp2.hub().Fail(k2, &model.APIError{Status: 200, Code: "success=0", Message: "Invalid hash", Method: "GET", Path: "/api/v1/api.php"})
	tp2.p.SetView(ViewHolding)
	if v := tp2.p.View(); !strings.Contains(v, "✗ holding tank preview") || !strings.Contains(v, "Invalid hash") {
		t.Fatalf("error:\n%s", v)
	}
}

func TestHelpNote(t *testing.T) {
	ro := newTestPane(t, true, newFake("ipam"))
	ro.p.SetView(ViewBlocks) // where every IPAM action has its key
	if n := ro.p.Keys().Note(); !strings.Contains(n, "read-only") || !strings.Contains(n, "smart-assign (A)") || !strings.Contains(n, "SWIP (W)") {
		t.Fatalf("read-only note %q", n)
	}
	rw := newTestPane(t, false, newFake("ipam"))
	if n := rw.p.Keys().Note(); !strings.Contains(n, "exact request") || !strings.Contains(n, "smart-assign") {
		t.Fatalf("note %q", n)
	}
}

// read_only = true on one IPAM provider: its actions are off and say why,
// the footer and help leave them out; viewing still works.
func TestPerProviderReadOnly(t *testing.T) {
	f := newFake("ipam")
	tp := newTestPane(t, false, f)
	tp.ctx.Sources[0].ReadOnly = true
	p := tp.p
	p.SetView(ViewBlocks)
	tp.keys("home", "right", "down", "A")
	if p.form != nil || p.flow.Active() || tp.toast != "read-only: smart assignment disabled (read_only = true for ipam)" {
		t.Fatalf("A on a read-only IPAM: form %v, toast %q", p.form != nil, tp.toast)
	}
	for _, b := range p.Keys().ShortHelp(0) {
		if d := b.Help().Desc; strings.Contains(d, "assign") || strings.Contains(d, "SWIP") {
			t.Errorf("footer offers %q on a read-only provider", d)
		}
	}
	if n := p.Keys().Note(); !strings.Contains(n, "(read_only = true for ipam)") {
		t.Errorf("note = %q", n)
	}
	if len(f.planned) != 0 || len(f.ran) != 0 {
		t.Fatal("planned or sent on a read-only provider")
	}
}

// The summary's shares add up (allocated is shown as a part of assigned,
// not as a share of its own) and every figure is exact, IPv6 too.
func TestSummarySharesAddUpAndFiguresAreExact(t *testing.T) {
	tp := newTestPane(t, false, newFake("ipam"))
	u := model.Utilization{Family: model.IPv6, Unit: "/64s",
		Total: model.HostsOf(12_500_000), Assigned: model.HostsOf(7_775_000), Allocated: model.HostsOf(1_025_000),
		Available: model.HostsOf(4_050_000), Holding: model.HostsOf(675_000),
		AssignedPct: 62.2, AllocatedPct: 8.2, AvailablePct: 32.4, HoldingPct: 5.4}
	lines := tp.p.utilLines(u, 100)
	sum := 0.0
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) == 0 || !strings.HasSuffix(f[len(f)-1], "%") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(f[len(f)-1], "%"), 64)
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		sum += v
	}
	if sum < 99.9 || sum > 100.1 {
		t.Errorf("shares add up to %.1f%%:\n%s", sum, strings.Join(lines, "\n"))
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "12,500,000") || strings.Contains(all, "12.5M") {
		t.Errorf("IPv6 total not exact:\n%s", all)
	}
	if !strings.Contains(all, "└ allocated") || !strings.Contains(all, "1,025,000 (13.2% of assigned)") {
		t.Errorf("allocated not shown as a part of assigned:\n%s", all)
	}
}
