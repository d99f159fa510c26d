package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Provider is one configured ProVision instance. It implements
// model.Provider, IPAMSource, ActionPlanner and ActionRunner.
type Provider struct {
	name   string
	client *Client

	mu       sync.Mutex
	blocks   []model.Block         // last full listing, for planning (no I/O in Plan)
	byID     map[int64]int         // lazily built index into blocks
	previews map[string]previewRec // fingerprints of previews served
}

type previewRec struct {
	at    time.Time
	count int
}

var (
	_ model.Provider       = (*Provider)(nil)
	_ model.IPAMSource     = (*Provider)(nil)
	_ model.ActionPlanner  = (*Provider)(nil)
	_ model.ActionRunner   = (*Provider)(nil)
	_ model.ActionVerifier = (*Provider)(nil)
)

// New returns the provider named name (the config label) for the ProVision
// instance at baseURL, signing requests with creds.
func New(name, baseURL string, creds Credentials, opts ...Option) (*Provider, error) {
	if name == "" {
		return nil, errorf("provider name is empty")
	}
	opts = append(append([]Option(nil), opts...), httpx.WithProvider(name))
	c, err := NewClient(baseURL, creds, opts...)
	if err != nil {
		return nil, err
	}
	return &Provider{name: name, client: c, previews: map[string]previewRec{}}, nil
}

// Name is the instance label.
func (p *Provider) Name() string { return p.name }

// Kind is "provision".
func (p *Provider) Kind() string { return Kind }

// Client exposes the API client.
func (p *Provider) Client() *Client { return p.client }

func (p *Provider) adapter() *adapter { return newAdapter(p.name, p.client.cfg.holdingID) }

// BlockParams turns a model query into action=get filters.
func BlockParams(q model.BlockQuery) Params {
	var p Params
	if q.Family != "" {
		p.Set("type", string(q.Family))
	}
	if q.RIR != "" {
		p.Set("rir", q.RIR)
	}
	if q.Region != "" {
		p.Set("region", q.Region)
	}
	if q.VLAN > 0 {
		p.SetInt("vlan", int64(q.VLAN))
	}
	if len(q.Tags) > 0 {
		p.Set("tags", strings.Join(q.Tags, ","))
		if q.TagsMode != "" {
			p.Set("tagsMode", q.TagsMode)
		}
	}
	if q.Assigned != nil {
		p.SetBool("isAssigned", *q.Assigned)
	}
	if q.Leaf != nil {
		p.SetBool("isAggregate", *q.Leaf)
	}
	if q.TopAggregateID != 0 {
		p.SetInt("topAggregateId", q.TopAggregateID)
	}
	if q.ResourceID != 0 {
		p.SetInt("resourceId", q.ResourceID)
	}
	if q.Search != "" {
		p.Set("search", q.Search)
	}
	if q.Mask > 0 {
		p.SetInt("mask", int64(q.Mask))
	}
	if q.SortField != "" {
		p.Set("sortField", q.SortField)
		if q.SortOrder != "" {
			p.Set("sortOrder", q.SortOrder)
		}
	}
	return p
}

// Blocks lists every block matching q, page by page, each page decoded as
// it arrives and the listing bounded (httpx.WithBounds). A block that does not
// decode or cannot be placed (no id, no prefix) is counted and reported
// in a *model.Incomplete returned with the blocks read, as is a listing
// cut short. An unfiltered listing is kept for planning actions.
func (p *Provider) Blocks(ctx context.Context, q model.BlockQuery, prog *model.Progress) ([]model.Block, error) {
	ad := p.adapter()
	cfg := p.client.cfg
	filter := BlockParams(q)
	listing := httpx.Listing[model.Block]{
		Provider: p.name, What: "blocks", Limit: cfg.pageSize, Bounds: cfg.Bounds, Progress: prog,
		ID: func(b *model.Block) string { return strconv.FormatInt(b.ID, 10) },
	}
	out, err := httpx.Offsets(ctx, listing, func(ctx context.Context, offset, limit int) (httpx.Page[model.Block], error) {
		wp, err := p.client.blocksPage(ctx, filter, offset, limit)
		if err != nil {
			return httpx.Page[model.Block]{}, err
		}
		page := httpx.Page[model.Block]{Items: make([]model.Block, 0, len(wp.blocks)), Dropped: wp.dropped, Problem: wp.problem, Overfull: wp.overfull}
		for i := range wp.blocks {
			b, err := ad.block(&wp.blocks[i])
			if err != nil {
				if page.Dropped == 0 {
					page.Problem = err.Error()
				}
				page.Dropped++
				continue
			}
			page.Items = append(page.Items, b)
		}
		return page, nil
	})
	var incomplete *model.Incomplete
	if err != nil && !errors.As(err, &incomplete) {
		return nil, err
	}
	if incomplete != nil {
		cfg.Logger.Warn("provision: block listing incomplete", "provider", p.name, "err", err.Error())
	}
	// A block moving between pages while we read shows up twice.
	out = dedupe(out)
	if isZeroQuery(q) {
		p.mu.Lock()
		p.blocks, p.byID = out, nil
		p.mu.Unlock()
	}
	return out, err
}

func isZeroQuery(q model.BlockQuery) bool {
	return q.Family == "" && q.RIR == "" && q.Region == "" && q.VLAN == 0 && len(q.Tags) == 0 &&
		q.Assigned == nil && q.Leaf == nil && q.TopAggregateID == 0 && q.ResourceID == 0 && q.Search == "" && q.Mask == 0
}

func dedupe(bs []model.Block) []model.Block {
	seen := make(map[int64]struct{}, len(bs))
	out := bs[:0]
	for _, b := range bs {
		if _, dup := seen[b.ID]; dup {
			continue
		}
		seen[b.ID] = struct{}{}
		out = append(out, b)
	}
	return out
}

// Utilization runs getHostUtilization for q.Family.
func (p *Provider) Utilization(ctx context.Context, q model.UtilQuery) (model.Utilization, error) {
	if q.Family != model.IPv4 && q.Family != model.IPv6 {
		return model.Utilization{}, errorf("utilization needs a family (ipv4 or ipv6), got %q", q.Family)
	}
	var ps Params
	ps.Set("type", string(q.Family))
	ps.SetMulti("code", q.Codes)
	ps.SetMulti("region", q.Regions)
	if q.RIR != "" {
		ps.Set("rir", q.RIR)
	}
	ps.SetMulti("tags", q.Tags)
	if len(q.VLANs) > 0 {
		vs := make([]string, len(q.VLANs))
		for i, v := range q.VLANs {
			vs[i] = strconv.Itoa(v)
		}
		if len(vs) == 1 {
			ps.Set("vlan", vs[0])
		} else {
			b, _ := json.Marshal(q.VLANs) // numbers, not strings
			ps.Set("vlan", string(b))
		}
	}
	w, err := p.client.HostUtilization(ctx, ps)
	if err != nil {
		return model.Utilization{}, err
	}
	return p.adapter().utilization(q.Family, w), nil
}

// MaskReport runs maskReport.
func (p *Provider) MaskReport(ctx context.Context, q model.MaskQuery) (model.MaskReport, error) {
	var ps Params
	if q.ResourceID != 0 {
		ps.SetInt("resource_id", q.ResourceID)
	}
	if len(q.Tags) > 0 {
		ps.Set("tags", strings.Join(q.Tags, ","))
	}
	if len(q.Regions) > 0 {
		ps.Set("regions", strings.Join(q.Regions, ","))
	}
	w, err := p.client.MaskReport(ctx, ps)
	if err != nil {
		return model.MaskReport{}, err
	}
	return p.adapter().maskReport(w), nil
}

// HoldingTank previews processing the holding tank (preview=true) and
// remembers the preview's fingerprint: only a remembered, recent preview
// can be used to plan the processing.
func (p *Provider) HoldingTank(ctx context.Context) (model.HoldingPreview, error) {
	hp, err := p.preview(ctx)
	if err != nil {
		return hp, err
	}
	p.mu.Lock()
	now := p.client.cfg.Clock()
	for fp, r := range p.previews {
		if now.Sub(r.at) > p.client.cfg.previewTTL {
			delete(p.previews, fp)
		}
	}
	p.previews[hp.Fingerprint] = previewRec{at: now, count: len(hp.Blocks)}
	p.mu.Unlock()
	return hp, nil
}

func (p *Provider) preview(ctx context.Context) (model.HoldingPreview, error) {
	wire, msg, err := p.client.PreviewHoldingTank(ctx)
	if err != nil {
		return model.HoldingPreview{}, err
	}
	ad := p.adapter()
	hp := model.HoldingPreview{Provider: p.name, Message: clean(msg), At: p.client.cfg.Clock()}
	for i := range wire {
		b, err := ad.block(&wire[i])
		if err != nil {
			return model.HoldingPreview{}, errBadData(p.name, ActProcessHolding, err)
		}
		hp.Blocks = append(hp.Blocks, b)
	}
	hp.Fingerprint = Fingerprint(hp.Blocks)
	return hp, nil
}

// rirs are the values smartAssign accepts, in the reference's spelling.
var rirs = []string{"ARIN", "RIPE", "APNIC", "AfriNIC", "LACNIC", "1918"}

func normRIR(s string) (string, bool) {
	for _, r := range rirs {
		if strings.EqualFold(r, strings.TrimSpace(s)) {
			return r, true
		}
	}
	return "", false
}

var handleRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Plan builds the exact request of an IPAM action. It does no I/O: blocks
// come from the last full listing, previews from HoldingTank.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	a := model.Action{Request: req}
	var ps Params
	var action string
	prm := func(k string) string { return strings.TrimSpace(req.Params[k]) }
	switch req.Kind {
	case model.ActionProcessHolding:
		fp := prm(model.ParamPreview)
		p.mu.Lock()
		rec, ok := p.previews[fp]
		p.mu.Unlock()
		switch {
		case fp == "" || !ok:
			return a, errorf("preview the holding tank first: processing is planned from a preview, so what moves is what was shown")
		case p.client.cfg.Clock().Sub(rec.at) > p.client.cfg.previewTTL:
			return a, errorf("the holding tank preview is older than %s: preview again", p.client.cfg.previewTTL)
		case rec.count == 0:
			return a, errorf("the holding tank preview is empty: nothing would move")
		}
		action = ActProcessHolding
		ps.Set("preview", "false")
		a.Title = fmt.Sprintf("Process the holding tank: return %d block%s to the available pool", rec.count, plural(rec.count))
		a.Risk = model.RiskMedium
	case model.ActionSmartAssign:
		action = ActSmartAssign
		title, err := p.planSmartAssign(req, &ps)
		if err != nil {
			return a, err
		}
		a.Title, a.Risk = title, model.RiskMedium
	case model.ActionDeassign, model.ActionReassign:
		b, err := p.targetBlock(req.Target)
		if err != nil {
			return a, err
		}
		if b.Status != model.BlockAssigned {
			return a, errorf("%s is %s, not assigned: nothing to %s", b.CIDR(), b.Status, req.Kind)
		}
		lir := b.LIRID
		if v := prm(model.ParamLIRID); v != "" {
			if lir, err = positive(model.ParamLIRID, v); err != nil {
				return a, err
			}
		}
		if lir == 0 {
			return a, errorf("%s has no LIR id: pass %s", b.CIDR(), model.ParamLIRID)
		}
		handle := firstNonEmpty(prm(model.ParamEntityHandle), p.client.cfg.entityHandle)
		if !handleRe.MatchString(handle) {
			return a, errorf("%s needs the LIR's org handle (entity handle, e.g. CONNE-81); got %q", req.Kind, handle)
		}
		res := b.ResourceID
		if v := prm(model.ParamResourceID); v != "" {
			if res, err = positive(model.ParamResourceID, v); err != nil {
				return a, err
			}
		}
		if res == 0 {
			return a, errorf("%s is not assigned to a resource", b.CIDR())
		}
		ps.SetInt("blockId", b.ID)
		if req.Kind == model.ActionDeassign {
			action = ActDeassign
			ps.Set("block", b.CIDR())
			a.Title = fmt.Sprintf("SWIP deassign %s from %s", b.CIDR(), nameOr(b.ResourceName, res))
			a.Risk = model.RiskHigh
			a.ConfirmText = b.CIDR()
		} else {
			action = ActSimpleReassign
			a.Title = fmt.Sprintf("SWIP reassign %s to resource %d (ARIN simple reassign)", b.CIDR(), res)
			a.Risk = model.RiskMedium
		}
		ps.SetInt("resourceId", res)
		ps.SetInt("lirId", lir)
		ps.Set("entityHandle", handle)
		if n := prm(model.ParamNetName); n != "" {
			if !handleRe.MatchString(n) {
				return a, errorf("net name %q: letters, digits, dot, dash and underscore only", n)
			}
			ps.Set("netName", n)
		}
	default:
		return a, fmt.Errorf("%w: provision: action %q", model.ErrUnsupported, req.Kind)
	}
	a.HTTP = Request(action, ps)
	a.Idempotent = false
	return a, nil
}

func (p *Provider) planSmartAssign(req model.ActionRequest, ps *Params) (string, error) {
	prm := func(k string) string { return strings.TrimSpace(req.Params[k]) }
	fam := family(prm(model.ParamFamily))
	if fam == "" {
		return "", errorf("smart assign needs %s = ipv4 or ipv6", model.ParamFamily)
	}
	mask, err := strconv.Atoi(strings.TrimPrefix(prm(model.ParamMask), "/"))
	if err != nil || mask < 1 || mask > fam.Bits() {
		return "", errorf("smart assign needs a mask between 1 and %d, got %q", fam.Bits(), prm(model.ParamMask))
	}
	rir, ok := normRIR(prm(model.ParamRIR))
	if !ok {
		return "", errorf("smart assign needs an RIR (%s), got %q", strings.Join(rirs, ", "), prm(model.ParamRIR))
	}
	resID, resQ := prm(model.ParamResourceID), prm(model.ParamResourceQuery)
	if (resID == "") == (resQ == "") {
		return "", errorf("smart assign needs exactly one of %s or %s", model.ParamResourceID, model.ParamResourceQuery)
	}
	ps.SetInt("mask", int64(mask))
	ps.Set("type", fam.Label()) // the reference spells it "IPv4"
	ps.Set("rir", rir)
	var who string
	if resID != "" {
		id, err := positive(model.ParamResourceID, resID)
		if err != nil {
			return "", err
		}
		ps.SetInt("resourceId", id)
		who = "resource " + strconv.FormatInt(id, 10)
		if n := req.Target.Name; n != "" {
			who = n + " (" + who + ")"
		}
	} else {
		var obj map[string]any
		if json.Unmarshal([]byte(resQ), &obj) != nil {
			return "", errorf("%s must be a JSON object, e.g. {\"custom_id\":\"cust-001\"}", model.ParamResourceQuery)
		}
		compact, _ := json.Marshal(obj)
		ps.Set("resourceQuery", string(compact))
		who = "the resource matching " + string(compact)
	}
	region, code, tags := prm(model.ParamRegion), prm(model.ParamCode), splitTags(prm(model.ParamTags))
	var vlan int
	if v := prm(model.ParamVLAN); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 4094 {
			return "", errorf("VLAN %q is not a number in 1..4094", v)
		}
		vlan = n
	}
	if region != "" {
		ps.Set("region", region)
	}
	if len(tags) > 0 {
		ps.Set("tags", strings.Join(tags, ","))
	}
	if vlan > 0 {
		ps.SetInt("vlan", int64(vlan))
	}
	if code != "" {
		ps.Set("code", code)
	}
	// The title leads with what matters in a confirmation: size, who, and
	// the block the assignment is expected to come from (family and RIR
	// are in the request).
	title := fmt.Sprintf("Smart-assign /%d to %s", mask, who)
	p.mu.Lock()
	src, found := PredictSmartAssign(p.blocks, fam, mask, rir, region, vlan, tags)
	p.mu.Unlock()
	if found {
		title += ", expected from " + src.CIDR()
		if src.Region != "" {
			title += " (" + src.Region + ")"
		}
	} else if p.blocks != nil {
		title += ", no matching free block in the last listing"
	}
	return title, nil
}

// PredictSmartAssign is the block smartAssign is expected to carve the
// assignment from: the smallest available unsplit block of the family and
// RIR that fits the mask and matches region, VLAN and tags (intersection),
// lowest address first. ProVision's own choice may differ; the result of
// the action says what was really assigned.
func PredictSmartAssign(blocks []model.Block, fam model.IPFamily, mask int, rir, region string, vlan int, tags []string) (model.Block, bool) {
	best := -1
	for i := range blocks {
		b := &blocks[i]
		if b.Status != model.BlockAvailable || b.Family != fam || !strings.EqualFold(b.RIR, rir) ||
			!b.Prefix.IsValid() || b.Prefix.Bits() > mask {
			continue
		}
		if region != "" && !strings.EqualFold(b.Region, region) {
			continue
		}
		if vlan > 0 && b.VLAN != vlan {
			continue
		}
		if !hasAllTags(b, tags) {
			continue
		}
		if best < 0 || b.Prefix.Bits() > blocks[best].Prefix.Bits() ||
			(b.Prefix.Bits() == blocks[best].Prefix.Bits() && b.Prefix.Addr().Less(blocks[best].Prefix.Addr())) {
			best = i
		}
	}
	if best < 0 {
		return model.Block{}, false
	}
	return blocks[best], true
}

func hasAllTags(b *model.Block, tags []string) bool {
	for _, t := range tags {
		if !b.HasTag(t) {
			return false
		}
	}
	return true
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func positive(name, v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return 0, errorf("%s must be a positive integer, got %q", name, v)
	}
	return n, nil
}

func nameOr(name string, id int64) string {
	if name != "" {
		return fmt.Sprintf("%s (resource %d)", name, id)
	}
	return fmt.Sprintf("resource %d", id)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// targetBlock finds the action's block in the last listing.
func (p *Provider) targetBlock(t model.Ref) (model.Block, error) {
	id, err := strconv.ParseInt(t.ID, 10, 64)
	if err != nil {
		return model.Block{}, errorf("block id %q is not an integer", t.ID)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byID == nil {
		p.byID = make(map[int64]int, len(p.blocks))
		for i := range p.blocks {
			p.byID[p.blocks[i].ID] = i
		}
	}
	i, ok := p.byID[id]
	if !ok {
		return model.Block{}, errorf("block %s is not loaded: refresh the block list first", t.ID)
	}
	return p.blocks[i], nil
}

// mutations maps action kinds to the API action they may send.
var mutations = map[model.ActionKind]string{
	model.ActionProcessHolding: ActProcessHolding,
	model.ActionSmartAssign:    ActSmartAssign,
	model.ActionDeassign:       ActDeassign,
	model.ActionReassign:       ActSimpleReassign,
}

// Do sends a planned action exactly as planned, once. Processing the
// holding tank first previews it again and refuses unless the preview
// still matches the one the action was planned from: whatever path led
// here, processing never happens without a matching preview=true answer
// first.
func (p *Provider) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res := model.Result{Action: a}
	want, ok := mutations[a.Request.Kind]
	if !ok {
		return res, fmt.Errorf("%w: provision: action %q", model.ErrUnsupported, a.Request.Kind)
	}
	if err := checkPlanned(a.HTTP, want); err != nil {
		return res, err
	}
	if a.Request.Kind == model.ActionProcessHolding {
		if err := p.confirmPreview(ctx, a); err != nil {
			return res, err
		}
	}
	resp, env, err := p.client.send(ctx, a.HTTP)
	res.At = p.client.cfg.Clock()
	res.Sends = httpx.Sends(resp, err)
	if resp != nil {
		res.Status = resp.Status
	}
	if err != nil {
		res.Message = model.ErrorSummary(err)
		var ae *model.APIError
		if errors.As(err, &ae) && res.Status == 0 {
			res.Status = ae.Status
		}
		return res, err
	}
	res.Message = clean(string(env.Message))
	ad := p.adapter()
	switch a.Request.Kind {
	case model.ActionSmartAssign:
		var w Block
		if len(env.Data) > 0 && json.Unmarshal(env.Data, &w) == nil {
			if b, err := ad.block(&w); err == nil {
				res.Affected = append(res.Affected, b.Ref())
				if res.Message == "" {
					res.Message = "assigned " + b.CIDR()
				}
			}
		}
		if len(res.Affected) == 0 && env.ID.Valid {
			res.Affected = append(res.Affected, model.Ref{Provider: p.name, Type: "block", ID: strconv.FormatInt(env.ID.V, 10)})
		}
	case model.ActionProcessHolding:
		if ws, err := phpList[Block](env.Data); err == nil {
			for i := range ws {
				if b, err := ad.block(&ws[i]); err == nil {
					res.Affected = append(res.Affected, b.Ref())
				}
			}
		}
	default:
		res.Affected = append(res.Affected, a.Request.Target)
	}
	if res.Message == "" {
		res.Message = "ProVision reported success"
	}
	return res, nil
}

// Verify re-reads what an action with an unknown outcome was aimed at.
// Processing the holding tank took effect when a fresh preview no longer
// matches the one it was planned from; a deassign when the block is no
// longer assigned to that resource; a reassign when it is, SWIPped. A lost
// smartAssign answer does not say which block was chosen, so it stays
// unknown.
func (p *Provider) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	want, ok := mutations[a.Request.Kind]
	if !ok {
		return false, "", fmt.Errorf("%w: provision: action %q", model.ErrUnsupported, a.Request.Kind)
	}
	if err := checkPlanned(a.HTTP, want); err != nil {
		return false, "", err
	}
	params := plannedParams(a.HTTP)
	switch a.Request.Kind {
	case model.ActionProcessHolding:
		hp, err := p.preview(ctx)
		if err != nil {
			return false, "", err
		}
		if fp := strings.TrimSpace(a.Request.Params[model.ParamPreview]); fp != "" && hp.Fingerprint == fp {
			return false, fmt.Sprintf("the holding tank still holds the %d block%s it was processed for", len(hp.Blocks), plural(len(hp.Blocks))), nil
		}
		return true, fmt.Sprintf("the holding tank changed since the preview (%d block%s now)", len(hp.Blocks), plural(len(hp.Blocks))), nil
	case model.ActionDeassign, model.ActionReassign:
		blockID, err1 := strconv.ParseInt(params.Get("blockId"), 10, 64)
		resID, err2 := strconv.ParseInt(params.Get("resourceId"), 10, 64)
		if err1 != nil || err2 != nil {
			return false, "", errorf("cannot tell: the request names no block and resource")
		}
		b, err := p.reread(ctx, blockID)
		if err != nil {
			return false, "", err
		}
		assignedThere := b.Status == model.BlockAssigned && b.ResourceID == resID
		now := fmt.Sprintf("%s is %s, resource %d", b.CIDR(), b.Status, b.ResourceID)
		if a.Request.Kind == model.ActionDeassign {
			return !assignedThere, now, nil
		}
		if assignedThere && b.Swipped {
			return true, now + ", SWIPped", nil
		}
		return false, now, nil
	}
	return false, "", errorf("cannot tell: a lost smartAssign answer does not name the block it chose; look for a new /%s assigned to %s", params.Get("mask"), firstNonEmpty(params.Get("resourceId"), "the resource"))
}

// plannedParams are the parameters of a planned request (query, or form
// body when it was POSTed).
func plannedParams(h model.HTTPRequest) url.Values {
	_, rawQ, _ := strings.Cut(h.Path, "?")
	q, _ := url.ParseQuery(rawQ)
	if len(h.Body) > 0 {
		if bq, err := url.ParseQuery(string(h.Body)); err == nil {
			for k, v := range bq {
				q[k] = v
			}
		}
	}
	return q
}

// reread reads one block by id. The id filter narrows the listing; the
// block is still looked for by id, so a server that ignores the filter
// cannot make another block stand in for it.
func (p *Provider) reread(ctx context.Context, id int64) (model.Block, error) {
	var f Params
	f.SetInt("id", id)
	page, err := p.client.GetBlocks(ctx, f, 0, 50)
	if err != nil {
		return model.Block{}, err
	}
	ad := p.adapter()
	for i := range page {
		b, err := ad.block(&page[i])
		if err == nil && b.ID == id {
			return b, nil
		}
	}
	return model.Block{}, errorf("block %d is not in the re-read", id)
}

// checkPlanned refuses a request that is not the API action the kind
// stands for (a tampered or mixed-up plan must not reach the server).
func checkPlanned(h model.HTTPRequest, action string) error {
	if h.Method != http.MethodGet && h.Method != http.MethodPost {
		return errorf("refusing to send %s: actions are GET or POST", h.Method)
	}
	path, rawQ, _ := strings.Cut(h.Path, "?")
	if path != APIPath {
		return errorf("refusing to send %s %s: not the API v1 endpoint", h.Method, path)
	}
	q, err := url.ParseQuery(rawQ)
	if err != nil || q.Get("target") != "ipam" || q.Get("action") != action || len(q["action"]) != 1 {
		return errorf("refusing to send: the request is not action=%s", action)
	}
	all := q
	if len(h.Body) > 0 {
		bq, err := url.ParseQuery(string(h.Body))
		if err != nil {
			return errorf("refusing to send: unreadable form body")
		}
		if len(bq["action"]) > 0 || len(bq["target"]) > 0 {
			return errorf("refusing to send: the body names another action")
		}
		all = bq
	}
	if action == ActProcessHolding && all.Get("preview") != "false" {
		return errorf("refusing to send: processing the holding tank must say preview=false explicitly")
	}
	return nil
}

// confirmPreview previews the holding tank again and compares it with the
// preview the action was planned from.
func (p *Provider) confirmPreview(ctx context.Context, a model.Action) error {
	fp := strings.TrimSpace(a.Request.Params[model.ParamPreview])
	p.mu.Lock()
	_, known := p.previews[fp]
	p.mu.Unlock()
	if fp == "" || !known {
		return errorf("not processing the holding tank: no preview was shown for this action")
	}
	now, err := p.preview(ctx)
	if err != nil {
		return fmt.Errorf("not processing the holding tank: the confirming preview failed: %w", err)
	}
	if len(now.Blocks) == 0 {
		return errorf("not processing the holding tank: a fresh preview shows nothing to move")
	}
	if now.Fingerprint != fp {
		return errorf("not processing the holding tank: it changed since the preview (%d block%s would move now); preview again", len(now.Blocks), plural(len(now.Blocks)))
	}
	return nil
}

// LastBlocks returns the last full listing (nil before the first).
func (p *Provider) LastBlocks() []model.Block {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clip(p.blocks)
}
