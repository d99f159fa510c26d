package provision

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func loadAll(t *testing.T, p *Provider) []model.Block {
	t.Helper()
	bs, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

func TestPreviewBeforeProcessIsEnforced(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	ctx := context.Background()
	process := func(fp string) model.ActionRequest {
		return model.ActionRequest{Kind: model.ActionProcessHolding, Params: map[string]string{model.ParamPreview: fp}}
	}
	// No preview, or a made-up fingerprint: no plan.
	for _, fp := range []string{"", "0123456789abcdef01234567"} {
		if _, err := p.Plan(process(fp)); err == nil || !strings.Contains(err.Error(), "preview") {
			t.Fatalf("plan without preview %q: %v", fp, err)
		}
	}
	hp, err := p.HoldingTank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hp.Blocks) == 0 || hp.Fingerprint == "" || !strings.Contains(hp.Message, "would be moved") {
		t.Fatalf("preview: %+v", hp)
	}
	for _, b := range hp.Blocks {
		if b.Status != model.BlockHolding {
			t.Fatalf("previewed block %s is %s", b.CIDR(), b.Status)
		}
	}
	if n := e.rec.count(ActProcessHolding, "false"); n != 0 {
		t.Fatalf("processing sent %d times before confirmation", n)
	}
	a, err := p.Plan(process(hp.Fingerprint))
	if err != nil {
		t.Fatal(err)
	}
	if a.HTTP.Method != http.MethodGet || a.HTTP.Path != APIPath+"?target=ipam&action=processHoldingTank&preview=false" {
		t.Fatalf("planned request %+v", a.HTTP)
	}
	if strings.Contains(a.HTTP.Path, "apiKey") || strings.Contains(a.HTTP.Path, "hash") {
		t.Fatal("the preview shows credentials")
	}

	// Tampering: the runner refuses a request that is not preview=false
	// processing, and an action kind that does not match its request.
	bad := a
	bad.HTTP.Path = APIPath + "?target=ipam&action=processHoldingTank"
	if _, err := p.Do(ctx, bad); err == nil {
		t.Fatal("processing without an explicit preview=false accepted")
	}
	bad = a
	bad.HTTP.Path = APIPath + "?target=ipam&action=smartAssign&preview=false"
	if _, err := p.Do(ctx, bad); err == nil {
		t.Fatal("kind/action mismatch accepted")
	}
	bad = a
	bad.Request.Params = map[string]string{model.ParamPreview: "forged"}
	if _, err := p.Do(ctx, bad); err == nil {
		t.Fatal("Do with an unknown preview accepted")
	}

	// The tank changes between plan and run (another operator, churn):
	// Do previews again and refuses.
	e.clock.Advance(HoldPeriod + time.Hour) // recently held blocks become due too
	before := e.rec.count(ActProcessHolding, "true")
	if _, err := p.Do(ctx, a); err == nil || !strings.Contains(err.Error(), "changed since the preview") {
		t.Fatalf("changed tank: %v", err)
	}
	if e.rec.count(ActProcessHolding, "true") != before+1 {
		t.Fatal("Do did not preview again")
	}
	if n := e.rec.count(ActProcessHolding, "false"); n != 0 {
		t.Fatalf("processing sent %d times despite a changed tank", n)
	}

	// Preview again, plan from it, run: preview=true immediately precedes
	// the real request.
	hp, err = p.HoldingTank(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err = p.Plan(process(hp.Fingerprint))
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	ex := e.rec.all()
	if len(ex) < 2 || ex[len(ex)-1].Query.Get("preview") != "false" || ex[len(ex)-2].Query.Get("preview") != "true" {
		t.Fatalf("last two requests: %v / %v", ex[len(ex)-2].Query, ex[len(ex)-1].Query)
	}
	if len(res.Affected) != len(hp.Blocks) || !strings.Contains(res.Message, "were moved") {
		t.Fatalf("result %+v", res)
	}
	// Re-read: the blocks are available now, and the tank is empty.
	bs := loadAll(t, p)
	tr := model.BuildBlockTree(bs)
	for _, r := range res.Affected {
		id, _ := strconv.ParseInt(r.ID, 10, 64)
		i, ok := tr.Find(id)
		if !ok || tr.Block(i).Status != model.BlockAvailable {
			t.Fatalf("block %s not available after processing", r.Name)
		}
	}
	hp, err = p.HoldingTank(ctx)
	if err != nil || len(hp.Blocks) != 0 {
		t.Fatalf("tank after processing: %d blocks, %v", len(hp.Blocks), err)
	}
	if _, err := p.Plan(process(hp.Fingerprint)); err == nil {
		t.Fatal("planned processing of an empty preview")
	}
}

func TestPreviewExpires(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t, WithPreviewTTL(time.Minute))
	hp, err := p.HoldingTank(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionProcessHolding, Params: map[string]string{model.ParamPreview: hp.Fingerprint}}); err == nil {
		t.Fatal("stale preview accepted")
	}
}

func TestSmartAssignBeforeAndAfter(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	ctx := context.Background()
	bs := loadAll(t, p)
	want, ok := PredictSmartAssign(bs, model.IPv4, 29, "RIPE", "AMS", 0, nil)
	if !ok {
		t.Fatal("no free RIPE block in AMS")
	}
	req := model.ActionRequest{Kind: model.ActionSmartAssign, Target: model.Ref{Provider: "ipam-test", Type: "resource", ID: "1003", Name: "Cust 3"},
		Params: map[string]string{model.ParamMask: "/29", model.ParamFamily: "IPv4", model.ParamRIR: "ripe", model.ParamResourceID: "1003", model.ParamRegion: "AMS"}}
	a, err := p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if a.HTTP.Path != APIPath+"?target=ipam&action=smartAssign&mask=29&type=IPv4&rir=RIPE&resourceId=1003&region=AMS" {
		t.Fatalf("planned %s", a.HTTP.Path)
	}
	if !strings.Contains(a.Title, "expected from "+want.CIDR()) || a.Risk != model.RiskMedium || a.Idempotent {
		t.Fatalf("title %q", a.Title)
	}
	res, err := p.Do(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Affected) != 1 || !want.Prefix.Contains(mustPrefix(t, res.Affected[0].Name).Addr()) {
		t.Fatalf("assigned %+v, expected inside %s", res.Affected, want.CIDR())
	}
	if !strings.Contains(res.Message, "via Smart Assign") || res.Status != 200 {
		t.Fatalf("result %+v", res)
	}
	// After: the new block is in the listing, assigned to the resource,
	// under the block it was carved from.
	tr := model.BuildBlockTree(loadAll(t, p))
	id, _ := strconv.ParseInt(res.Affected[0].ID, 10, 64)
	i, ok := tr.Find(id)
	if !ok {
		t.Fatal("new block not listed")
	}
	b := tr.Block(i)
	if b.Status != model.BlockAssigned || b.ResourceID != 1003 || b.Mask() != 29 {
		t.Fatalf("new block %+v", b)
	}
	src, _ := tr.Find(want.ID)
	found := false
	for _, x := range tr.Path(i) {
		found = found || x == src
	}
	if !found {
		t.Fatalf("%s is not under %s", b.CIDR(), want.CIDR())
	}
}

func mustPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSmartAssignPlanValidation(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	base := map[string]string{model.ParamMask: "29", model.ParamFamily: "ipv4", model.ParamRIR: "ARIN", model.ParamResourceID: "1001"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if v == "<del>" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, params := range []map[string]string{
		with(model.ParamMask, "33"), with(model.ParamMask, "x"), with(model.ParamFamily, "ipv5"),
		with(model.ParamRIR, "NOPE"), with(model.ParamResourceID, "<del>"), with(model.ParamResourceID, "-4"),
		with(model.ParamResourceQuery, `{"custom_id":"x"}`), with(model.ParamVLAN, "5000"),
	} {
		if a, err := p.Plan(model.ActionRequest{Kind: model.ActionSmartAssign, Params: params}); err == nil {
			t.Errorf("%v planned: %s", params, a.HTTP.Path)
		}
	}
	// resourceQuery instead of an id; the simulator resolves it.
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionSmartAssign, Params: map[string]string{
		model.ParamMask: "56", model.ParamFamily: "ipv6", model.ParamRIR: "APNIC", model.ParamResourceQuery: `{"name": "` + e.world.Company(4).Name + `"}`}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(context.Background(), a)
	if err != nil || len(res.Affected) != 1 || !strings.HasSuffix(res.Affected[0].Name, "/56") {
		t.Fatalf("resourceQuery: %+v %v", res, err)
	}
	// The simulator refuses what cannot be satisfied, with success 0.
	a, _ = p.Plan(model.ActionRequest{Kind: model.ActionSmartAssign, Params: map[string]string{
		model.ParamMask: "8", model.ParamFamily: "ipv4", model.ParamRIR: "ARIN", model.ParamResourceID: "1001"}})
	if _, err := p.Do(context.Background(), a); err == nil || !strings.Contains(err.Error(), "No available") {
		t.Fatalf("impossible assignment: %v", err)
	}
}

func TestDeassignAndReassign(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	ctx := context.Background()
	bs := loadAll(t, p)
	var arin, ripe *model.Block
	for i := range bs {
		b := &bs[i]
		if b.Status != model.BlockAssigned || b.Family != model.IPv4 {
			continue
		}
		if b.RIR == "ARIN" && arin == nil {
			arin = b
		}
		if b.RIR == "RIPE" && ripe == nil {
			ripe = b
		}
	}
	if arin == nil || ripe == nil {
		t.Fatal("fixtures missing")
	}
	// Reassign (SWIP) the ARIN block to another customer.
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionReassign, Target: arin.Ref(), Params: map[string]string{model.ParamResourceID: "1005", model.ParamNetName: "NET-TEST-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.HTTP.Path, "action=simpleReassign&blockId="+strconv.FormatInt(arin.ID, 10)) || !strings.Contains(a.HTTP.Path, "entityHandle="+DemoEntityHandle) {
		t.Fatalf("reassign %s", a.HTTP.Path)
	}
	if res, err := p.Do(ctx, a); err != nil || !strings.Contains(res.Message, "simpleReassign") {
		t.Fatalf("reassign: %+v %v", res, err)
	}
	// Deassign needs the CIDR typed and goes to the holding tank.
	loadAll(t, p)
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionDeassign, Target: arin.Ref()})
	if err != nil {
		t.Fatal(err)
	}
	if a.Risk != model.RiskHigh || a.ConfirmText != arin.CIDR() || !strings.Contains(a.HTTP.Path, "block="+strings.ReplaceAll(arin.CIDR(), "/", "%2F")) {
		t.Fatalf("deassign plan %+v", a)
	}
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	tr := model.BuildBlockTree(loadAll(t, p))
	i, _ := tr.Find(arin.ID)
	if tr.Block(i).Status != model.BlockHolding {
		t.Fatalf("deassigned block is %s", tr.Block(i).Status)
	}
	// SWIP is ARIN only: the simulator refuses a RIPE block (success 0).
	a, err = p.Plan(model.ActionRequest{Kind: model.ActionReassign, Target: ripe.Ref()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Do(ctx, a)
	var pe *Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "ARIN") {
		t.Fatalf("RIPE SWIP: %v", err)
	}
	// Without an entity handle there is no plan.
	p2 := e.provider(t, WithEntityHandle(""))
	loadAll(t, p2)
	if _, err := p2.Plan(model.ActionRequest{Kind: model.ActionDeassign, Target: ripe.Ref()}); err == nil {
		t.Fatal("deassign without an entity handle planned")
	}
	// A block never loaded cannot be planned (no I/O in Plan).
	p3 := e.provider(t)
	if _, err := p3.Plan(model.ActionRequest{Kind: model.ActionDeassign, Target: ripe.Ref()}); err == nil {
		t.Fatal("planned on an unloaded block")
	}
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("approve: %v", err)
	}
}

func TestBlockQueryFilters(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	ctx := context.Background()
	all := loadAll(t, p)
	yes := true
	checks := []struct {
		q    model.BlockQuery
		keep func(b *model.Block) bool
	}{
		{model.BlockQuery{Family: model.IPv6}, func(b *model.Block) bool { return b.Family == model.IPv6 }},
		{model.BlockQuery{RIR: "APNIC", Region: "SIN"}, func(b *model.Block) bool { return b.RIR == "APNIC" && b.Region == "SIN" }},
		{model.BlockQuery{Assigned: &yes, Mask: 29}, func(b *model.Block) bool { return b.Assigned && b.Mask() == 29 }},
		{model.BlockQuery{Tags: []string{"PTP"}}, func(b *model.Block) bool { return b.HasTag("PTP") }},
		{model.BlockQuery{Leaf: &yes, Region: "FRA"}, func(b *model.Block) bool { return b.Status != model.BlockSplit && b.Region == "FRA" }},
	}
	for _, c := range checks {
		got, err := p.Blocks(ctx, c.q, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for i := range all {
			if c.keep(&all[i]) {
				want++
			}
		}
		if len(got) != want || want == 0 {
			t.Errorf("%+v: %d blocks, want %d", c.q, len(got), want)
		}
	}
	// A filtered listing does not replace the cache used for planning.
	if n := len(p.LastBlocks()); n != len(all) {
		t.Fatalf("cache %d, want %d", n, len(all))
	}
}
