package ixapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// Change requests from the right side (IX-API 2.4.2): only the B-side of
// a p2p_vc files; the A-side accepts by updating the service and its
// config, and rejects with DELETE …/change-request.

func TestApproveAChangeRequestFiledByTheOtherSide(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	rows := must[[]model.Connection](t)(p.Connections(ctx, nil))
	row := findRow(t, rows, func(c model.Connection) bool { return c.HasAction(model.ActionApprove) })
	if row.Pending == nil || !row.Pending.WaitingOnUs || !strings.Contains(row.Pending.Description, "requested by") || row.Pending.Since.IsZero() {
		t.Fatalf("a request on our service waits on us, with its age: %+v", row.Pending)
	}
	// We are the A-side: filing or withdrawing is not ours to do.
	for _, k := range []model.ActionKind{model.ActionFileChangeRequest, model.ActionWithdrawChangeRequest} {
		if _, err := p.Plan(model.ActionRequest{Kind: k, Target: refOf(row)}); !errors.Is(err, model.ErrUnsupported) {
			t.Errorf("%s from the A-side: %v", k, err)
		}
	}
	a := must[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: refOf(row)}))
	nscID := strings.TrimPrefix(row.ID, "nsc:")
	svcID := p.ix.nscs[nscID].NetworkService
	cr := p.ix.changes[svcID]
	if a.HTTP.Method != http.MethodPatch || a.HTTP.Path != "/network-services/"+svcID || a.HTTP.ContentType != ContentMergePatch {
		t.Fatalf("first request: %+v", a.HTTP)
	}
	if len(a.Then) != 1 || a.Then[0].Method != http.MethodPatch || a.Then[0].Path != "/network-service-configs/"+nscID || a.Then[0].ContentType != ContentMergePatch {
		t.Fatalf("second request: %+v", a.Then)
	}
	var sp servicePatch
	var cp configPatch
	if json.Unmarshal(a.HTTP.Body, &sp) != nil || json.Unmarshal(a.Then[0].Body, &cp) != nil {
		t.Fatal("bodies are not JSON")
	}
	if sp.Type != TypeP2PVC || sp.ProductOffering != cr.ProductOffering || *sp.Capacity != *cr.Capacity || *cp.Capacity != *cr.Capacity {
		t.Errorf("bodies %s / %s for %+v", a.HTTP.Body, a.Then[0].Body, cr)
	}
	if !strings.Contains(a.Title, "Approve") || !strings.Contains(a.Title, model.FormatMbps(*cr.Capacity)) || a.NeedsReason || a.Idempotent {
		t.Errorf("plan: %+v", a)
	}
	res, err := p.Do(ctx, a)
	if err != nil || res.Sent != 2 || !strings.Contains(res.Message, "then PATCH /network-service-configs/") {
		t.Fatalf("do: %+v %v", res, err)
	}
	got := must[model.Connection](t)(p.Connection(ctx, row.ID))
	if got.State != model.StateActive || got.Pending != nil || got.BandwidthMbps != *cr.Capacity || got.HasAction(model.ActionApprove) {
		t.Errorf("after approval: %s %+v %d Mbps %v", got.State, got.Pending, got.BandwidthMbps, got.Actions)
	}
	// Still the A-side: no change request to file now either.
	if got.HasAction(model.ActionFileChangeRequest) {
		t.Error("the A-side is offered to file a change request")
	}
	// The server refuses the A-side's filing too.
	if _, err := p.Client().CreateChangeRequest(ctx, svcID, NetworkServiceChangeRequest{ProductOffering: cr.ProductOffering, Capacity: ptr(int64(200))}); !isStatus(err, http.StatusForbidden) {
		t.Errorf("A-side filing: %v", err)
	}
}

func TestRejectAChangeRequestKeepsTheReasonForTheAudit(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	rows := must[[]model.Connection](t)(p.Connections(ctx, nil))
	row := findRow(t, rows, func(c model.Connection) bool { return c.HasAction(model.ActionReject) })
	req := model.ActionRequest{Kind: model.ActionReject, Target: refOf(row), Reason: "no budget this quarter"}
	a := must[model.Action](t)(p.Plan(req))
	if a.HTTP.Method != http.MethodDelete || !strings.HasSuffix(a.HTTP.Path, "/change-request") || a.HTTP.Body != nil || len(a.Then) != 0 || !a.NeedsReason {
		t.Fatalf("plan %+v", a)
	}
	if a.Request.Reason != req.Reason {
		t.Errorf("the reason must travel with the action (the audit log records it): %q", a.Request.Reason)
	}
	must[model.Result](t)(p.Do(ctx, a))
	got := must[model.Connection](t)(p.Connection(ctx, row.ID))
	if got.State != model.StateActive || got.Pending != nil || got.BandwidthMbps != row.BandwidthMbps {
		t.Errorf("after rejection: %s %+v %d", got.State, got.Pending, got.BandwidthMbps)
	}
}

func TestOurFilingsAreDecidedByTheOtherSide(t *testing.T) {
	e := newEnv(t)
	p := e.provider()
	ctx := ctxT(t)
	rows := must[[]model.Connection](t)(p.Connections(ctx, nil))
	var filed []model.Connection
	for _, r := range rows {
		if len(filed) < 6 && r.HasAction(model.ActionFileChangeRequest) {
			if r.HasAction(model.ActionApprove) || r.Pending != nil {
				t.Fatalf("%s: B-side row with approval actions: %+v", r.ID, r)
			}
			if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: refOf(r)}); !errors.Is(err, model.ErrUnsupported) {
				t.Errorf("approve on a B-side row: %v", err)
			}
			a := must[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionFileChangeRequest, Target: refOf(r), Params: map[string]string{ParamCapacity: "100"}}))
			must[model.Result](t)(p.Do(ctx, a))
			filed = append(filed, r)
		}
	}
	if len(filed) < 3 {
		t.Fatalf("only %d B-side rows", len(filed))
	}
	mid := must[model.Connection](t)(p.Connection(ctx, filed[0].ID))
	if mid.Pending == nil || mid.Pending.WaitingOnUs || !strings.Contains(mid.Pending.Description, "waiting for") {
		t.Errorf("our filing waits on the other side: %+v", mid.Pending)
	}
	e.clock.Advance(sim.DemoTiming().RemoteMax + time.Second)
	accepted, rejected := 0, 0
	for _, r := range filed {
		got := must[model.Connection](t)(p.Connection(ctx, r.ID))
		switch {
		case got.Pending != nil || got.State != model.StateActive:
			t.Errorf("%s still pending after the other side's delay: %+v", r.ID, got.Pending)
		case got.BandwidthMbps == 100:
			accepted++
		case got.BandwidthMbps == r.BandwidthMbps:
			rejected++
		default:
			t.Errorf("%s: %d Mbps", r.ID, got.BandwidthMbps)
		}
	}
	if accepted == 0 {
		t.Errorf("none of %d filings accepted (%d rejected)", len(filed), rejected)
	}
	t.Logf("%d accepted, %d rejected by the other side", accepted, rejected)
}

func TestOtherMembersFileChangeRequestsOverTime(t *testing.T) {
	e := newEnv(t, withTiming(sim.DemoTiming()))
	p := e.provider()
	ctx := ctxT(t)
	count := func() int {
		n := 0
		for _, r := range must[[]model.Connection](t)(p.Connections(ctx, nil)) {
			if r.Pending != nil && r.Pending.WaitingOnUs && r.HasAction(model.ActionApprove) {
				n++
			}
		}
		return n
	}
	// Decide on everything waiting, then let time pass: new requests
	// arrive, but never more than maxWaitingChanges at once.
	for _, r := range must[[]model.Connection](t)(p.Connections(ctx, nil)) {
		if r.HasAction(model.ActionReject) {
			a := must[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionReject, Target: refOf(r), Reason: "test"}))
			must[model.Result](t)(p.Do(ctx, a))
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d still waiting", n)
	}
	for i := 0; i < 60; i++ {
		e.clock.Advance(30 * time.Second)
	}
	n := count()
	if n == 0 || n > maxWaitingChanges {
		t.Errorf("%d change requests waiting on us after 30 minutes", n)
	}
}

// A hand-written server (not the simulator) where the service update is
// accepted and the config update fails: the result says which step failed
// and that both objects must be re-read; a failing first step sends
// nothing more.
func TestSecondStepFailureIsReportedPlainly(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	failFirst := false
	srv := httptest.NewServer(http.StripPrefix(SimBasePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		ff := failFirst
		mu.Unlock()
		switch {
		case r.URL.Path == "/network-services/ns1" && !ff:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"id":"ns1","type":"p2p_vc","state":"production_change_pending","capacity":2000}`))
		default:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/validation-error.html","title":"Some fields did not validate.","status":400,
			  "properties":[{"name":"capacity","reason":"exceeds the connection's speed"}]}`))
		}
	})))
	t.Cleanup(srv.Close)
	p, err := New("ix", srv.URL+SimBasePath, Credentials{Token: "static-test-token"}, httpx.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	a := model.Action{
		HTTP: model.HTTPRequest{Method: http.MethodPatch, Path: "/network-services/ns1", Body: []byte(`{"type":"p2p_vc","capacity":2000}`), ContentType: ContentMergePatch},
		Then: []model.HTTPRequest{{Method: http.MethodPatch, Path: "/network-service-configs/nsc1", Body: []byte(`{"type":"p2p_vc","capacity":2000}`), ContentType: ContentMergePatch}},
	}
	res, err := p.Do(context.Background(), a)
	if err == nil || res.Sent != 1 || res.Status != http.StatusBadRequest {
		t.Fatalf("res %+v err %v", res, err)
	}
	for _, want := range []string{"step 2 of 2 failed", "PATCH /network-service-configs/nsc1", "exceeds the connection's speed", "PATCH /network-services/ns1 (HTTP 202)", "re-read the network service and its config"} {
		if !strings.Contains(res.Message, want) {
			t.Errorf("message lacks %q: %s", want, res.Message)
		}
	}
	if len(seen) != 2 || !strings.Contains(seen[0], ContentMergePatch) || !strings.Contains(seen[1], "/network-service-configs/nsc1") {
		t.Errorf("sent %v", seen)
	}
	// A failing first step: the second is never sent.
	mu.Lock()
	seen, failFirst = nil, true
	mu.Unlock()
	res, err = p.Do(context.Background(), a)
	if err == nil || res.Sent != 0 || len(seen) != 1 || strings.Contains(res.Message, "step") {
		t.Errorf("first step failing: %+v %v, sent %v", res, err, seen)
	}
	// Anything else is refused before sending: a PATCH without the merge
	// patch type, or to another collection.
	mu.Lock()
	seen = nil
	mu.Unlock()
	for _, h := range []model.HTTPRequest{
		{Method: http.MethodPatch, Path: "/network-services/ns1", Body: []byte(`{}`)},
		{Method: http.MethodPatch, Path: "/connections/c1", Body: []byte(`{}`), ContentType: ContentMergePatch},
	} {
		if _, err := p.Do(context.Background(), model.Action{HTTP: a.HTTP, Then: []model.HTTPRequest{h}}); err == nil {
			t.Errorf("%+v was accepted", h)
		}
	}
	if len(seen) != 0 {
		t.Errorf("refused actions sent %v", seen)
	}
}
