package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// changeWorld is a search endpoint over connections with update times,
// answering any sort with /changeLog/updatedDateTime DESC and recording
// every page asked for. beforePage, when set, may change the world before
// page n is answered (an update arriving mid-listing).
type changeWorld struct {
	mu         sync.Mutex
	updated    map[string]time.Time // uuid -> updatedDateTime
	offsets    []int
	sorts      []string
	filtered   []string // filter properties asked for, if any
	beforePage func(cw *changeWorld, n int)
}

var changeBase = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newChangeWorld(n int) *changeWorld {
	cw := &changeWorld{updated: map[string]time.Time{}}
	for i := range n {
		// connection i was last updated i minutes after the base
		cw.updated[changeID(i)] = changeBase.Add(time.Duration(i) * time.Minute)
	}
	return cw
}

func changeID(i int) string { return fmt.Sprintf("0d4c7e2a-1111-4a0b-9c3d-%012d", i) }

func (cw *changeWorld) serve(w http.ResponseWriter, r *http.Request) {
	var req SearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.beforePage != nil {
		cw.beforePage(cw, len(cw.offsets))
	}
	off, limit := req.Pagination.Offset, req.Pagination.Limit
	cw.offsets = append(cw.offsets, off)
	for _, s := range req.Sort {
		cw.sorts = append(cw.sorts, s.Property+" "+s.Direction)
	}
	if req.Filter != nil {
		cw.filtered = append(cw.filtered, req.Filter.Property)
		for _, e := range req.Filter.And {
			cw.filtered = append(cw.filtered, e.Property)
		}
	}
	ids := make([]string, 0, len(cw.updated))
	for id := range cw.updated {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		ti, tj := cw.updated[ids[i]], cw.updated[ids[j]]
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return ids[i] < ids[j]
	})
	resp := ConnectionSearchResponse{Pagination: &Pagination{Offset: off, Limit: limit, Total: len(ids)}}
	for _, id := range ids[min(off, len(ids)):min(off+limit, len(ids))] {
		resp.Data = append(resp.Data, Connection{Type: "EVPL_VC", UUID: id, Name: "c-" + id[len(id)-4:], State: "ACTIVE", Bandwidth: 100,
			ChangeLog: &Changelog{UpdatedDateTime: cw.updated[id].Format(time.RFC3339)}})
	}
	writeJSON(w, http.StatusOK, resp)
}

func (cw *changeWorld) pages() []int {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return slices.Clone(cw.offsets)
}

func changesProvider(t *testing.T, cw *changeWorld, opts ...Option) *Provider {
	t.Helper()
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path != SearchPath {
			http.NotFound(w, r)
			return
		}
		cw.serve(w, r)
	}
	return f.provider(t, append([]Option{WithPageLimit(10)}, opts...)...)
}

func ids(cs []model.Connection) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ID)
	}
	sort.Strings(out)
	return out
}

// wantSince: the ids of connections updated at or after since.
func (cw *changeWorld) wantSince(since time.Time) []string {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	var out []string
	for id, u := range cw.updated {
		if !u.Before(since) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func TestConnectionChangesStopsAtSince(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n         int
		since     time.Time
		wantPages []int // offsets asked for, in order
	}{
		// 95 connections, newest (94 min) first, 10 a page.
		{"nothing changed", 95, changeBase.Add(200 * time.Minute), []int{0}},
		{"three changed", 95, changeBase.Add(92 * time.Minute), []int{0}},
		{"since on a page boundary", 95, changeBase.Add(85 * time.Minute), []int{0, 10}},
		{"since mid second page", 95, changeBase.Add(80 * time.Minute), []int{0, 10}},
		{"since mid third page", 95, changeBase.Add(72 * time.Minute), []int{0, 10, 20}},
		{"everything changed: pages to the end", 95, changeBase.Add(-time.Hour), []int{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}},
		{"exactly full last page", 40, changeBase.Add(-time.Hour), []int{0, 10, 20, 30}},
		{"empty listing", 0, changeBase, []int{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cw := newChangeWorld(tc.n)
			p := changesProvider(t, cw)
			var prog model.Progress
			cs, err := p.ConnectionChanges(context.Background(), tc.since, &prog)
			if err != nil {
				t.Fatal(err)
			}
			if got := cw.pages(); !slices.Equal(got, tc.wantPages) {
				t.Errorf("pages asked for (offsets) %v, want %v: paging went beyond since or stopped short", got, tc.wantPages)
			}
			if got, want := ids(cs), cw.wantSince(tc.since); !slices.Equal(got, want) {
				t.Errorf("got %d changed connections %v, want %d %v", len(got), got, len(want), want)
			}
			if done, _ := prog.Load(); done != len(tc.wantPages) {
				t.Errorf("progress %d pages, want %d", done, len(tc.wantPages))
			}
			for _, s := range cw.sorts {
				if s != "/changeLog/updatedDateTime DESC" {
					t.Errorf("sorted by %q, want /changeLog/updatedDateTime DESC", s)
				}
			}
			for _, f := range cw.filtered {
				if strings.Contains(f, "updatedDateTime") {
					t.Errorf("filtered on %q: not a searchable field in the spec", f)
				}
			}
			for _, c := range cs {
				if c.Provider != "fabric-err" || c.ID == "" {
					t.Errorf("row not adapted: %+v", c)
				}
			}
		})
	}
}

// An update arriving mid-listing moves a connection to the front; the rows
// before its old place shift back one. None of the other changes is
// missed (the shifted row shows up twice and is kept once); the moved one
// may be missed by this listing, but the next one, since this one's
// start, has it.
func TestConnectionChangesMissesNoUpdateWhileTheListShifts(t *testing.T) {
	for _, moved := range []int{70, 84, 93} {
		t.Run(fmt.Sprint("moved ", moved), func(t *testing.T) {
			cw := newChangeWorld(95)
			since := changeBase.Add(65 * time.Minute)  // 30 rows changed: pages 0..30
			start := changeBase.Add(299 * time.Minute) // when the listing began
			cw.beforePage = func(cw *changeWorld, n int) {
				if n == 1 {
					cw.updated[changeID(moved)] = start.Add(time.Minute)
				}
			}
			p := changesProvider(t, cw)
			cs, err := p.ConnectionChanges(context.Background(), since, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(cs)
			if len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Fatalf("duplicate rows: %v", got)
			}
			for _, id := range cw.wantSince(since) {
				if id != changeID(moved) && !slices.Contains(got, id) {
					t.Errorf("missed %s, updated after since and not moved", id)
				}
			}
			if last := cw.pages(); last[len(last)-1] > 40 {
				t.Fatalf("paged to offset %d for 30 changes", last[len(last)-1])
			}
			cw.mu.Lock()
			cw.beforePage = nil
			cw.mu.Unlock()
			next, err := p.ConnectionChanges(context.Background(), start, nil)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(next); !slices.Equal(g, []string{changeID(moved)}) {
				t.Fatalf("next listing since the first one's start: %v, want only the moved %s", g, changeID(moved))
			}
		})
	}
}

// The listing's bounds hold: a change listing that does not end is cut
// with a *model.Incomplete and the rows read.
func TestConnectionChangesBounded(t *testing.T) {
	cw := newChangeWorld(95)
	p := changesProvider(t, cw, httpx.WithBounds(httpx.Bounds{MaxPages: 3}))
	cs, err := p.ConnectionChanges(context.Background(), changeBase.Add(-time.Hour), nil)
	var in *model.Incomplete
	if !errors.As(err, &in) || !in.Truncated || !errors.Is(err, model.ErrTooLarge) {
		t.Fatalf("err = %v, want a truncated *model.Incomplete (too large)", err)
	}
	if len(cs) != 30 || len(cw.pages()) != 3 {
		t.Fatalf("got %d rows in %d pages, want 30 in 3", len(cs), len(cw.pages()))
	}
}

// A failed page after good ones keeps what was read (newer than what was
// not), as a partial result; a failure on the first page is an error.
func TestConnectionChangesFailure(t *testing.T) {
	cw := newChangeWorld(95)
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			writeJSON(w, http.StatusBadRequest, []Error{{ErrorCode: "EQ-3040010", ErrorMessage: "bad"}})
			return
		}
		cw.serve(w, r)
	}
	p := f.provider(t, WithPageLimit(10))
	cs, err := p.ConnectionChanges(context.Background(), changeBase.Add(60*time.Minute), nil)
	if !model.IsPartial(err) || len(cs) != 10 {
		t.Fatalf("got %d rows, err %v; want the first page's 10 and a partial error", len(cs), err)
	}
	f2 := newFakeAPI(t)
	f2.api = func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, http.StatusBadRequest, []Error{{ErrorCode: "EQ-3040010", ErrorMessage: "bad"}})
	}
	p2 := f2.provider(t, WithPageLimit(10))
	if cs, err := p2.ConnectionChanges(context.Background(), changeBase, nil); err == nil || model.IsPartial(err) || cs != nil {
		t.Fatalf("first page failed: got %d rows, err %v; want an error and no rows", len(cs), err)
	}
}

// Against the simulator: after a full listing, nothing changed costs one
// page; a bandwidth change sent through the provider is in the next
// change listing, which still stops after a page.
func TestConnectionChangesAgainstTheSimulator(t *testing.T) {
	env := newEnv(t, 400, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	all := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	p.refreshPorts(ctx)
	env.clock.Advance(time.Hour)
	since := env.clock.Now()
	var prog model.Progress
	cs := must1[[]model.Connection](t)(p.ConnectionChanges(ctx, since, &prog))
	if done, _ := prog.Load(); done != 1 || len(cs) != 0 {
		t.Fatalf("nothing changed since %s, but %d pages were read and %d rows returned", since, done, len(cs))
	}
	var target model.Connection
	for _, c := range all {
		if w, _ := env.sim.Snapshot(c.ID); c.HasAction(model.ActionChangeBandwidth) && w.Direction == dirOutgoing && c.BandwidthMbps < 5000 {
			target = c
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no connection whose bandwidth can change")
	}
	env.clock.Advance(time.Minute)
	a := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: target.ID}}))
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	prog = model.Progress{}
	cs = must1[[]model.Connection](t)(p.ConnectionChanges(ctx, since, &prog))
	if _, ok := findConn(cs, func(c model.Connection) bool { return c.ID == target.ID }); !ok {
		t.Fatalf("the changed connection %s is not among the %d changes since %s", target.ID, len(cs), since)
	}
	if done, _ := prog.Load(); done != 1 {
		t.Fatalf("%d pages read for %d changes", done, len(cs))
	}
}

// The inventory reuses the connections a full listing read and the
// change listings kept current: at 100k a re-listing per inventory
// refresh undid the incremental refresh (every 15 s, 1,000 pages).
func TestInventoryReusesConnectionsKeptCurrentByChanges(t *testing.T) {
	env := newEnv(t, 400, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	must1[[]model.Connection](t)(p.Connections(ctx, nil))
	pagesOf := func() int {
		var prog model.Progress
		must1[[]model.Node](t)(p.Inventory(ctx, &prog))
		done, _ := prog.Load()
		return done
	}
	if n := pagesOf(); n != 0 {
		t.Fatalf("inventory right after a listing read %d pages", n)
	}
	env.clock.Advance(2 * connectionsTTL)
	must1[[]model.Connection](t)(p.ConnectionChanges(ctx, env.clock.Now().Add(-time.Minute), nil))
	if n := pagesOf(); n != 0 {
		t.Fatalf("inventory after a complete change listing read %d pages of connections again", n)
	}
	env.clock.Advance(2 * connectionsTTL)
	if n := pagesOf(); n == 0 {
		t.Fatal("inventory with neither listing for two minutes did not list the connections")
	}
}

// An inventory with nothing changed is the very slice of the last one
// (the hub and the sanitiser compare it in O(1)); a change builds anew;
// an inventory asked while the connections are being listed waits for
// that listing instead of starting its own.
func TestInventoryUnchangedIsTheSameSlice(t *testing.T) {
	env := newEnv(t, 400, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	var listings atomic.Int32
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prog model.Progress
			if _, err := p.Inventory(ctx, &prog); err != nil {
				t.Error(err)
			}
			if done, _ := prog.Load(); done > 0 {
				listings.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := listings.Load(); n != 1 {
		t.Fatalf("two inventories at once listed the connections %d times, want once", n)
	}
	a := must1[[]model.Node](t)(p.Inventory(ctx, nil))
	b := must1[[]model.Node](t)(p.Inventory(ctx, nil))
	if len(a) == 0 || &a[0] != &b[0] {
		t.Fatal("an unchanged inventory was built again")
	}
	var target model.Connection
	for _, c := range must1[[]model.Connection](t)(p.Connections(ctx, nil)) {
		if c.HasAction(model.ActionChangeBandwidth) && c.BandwidthMbps < 5000 {
			target = c
			break
		}
	}
	c := must1[[]model.Node](t)(p.Inventory(ctx, nil))
	if &c[0] == &b[0] {
		t.Fatal("the inventory after a new listing is the old slice")
	}
	env.clock.Advance(time.Minute)
	act := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: target.ID}}))
	if _, err := p.Do(ctx, act); err != nil {
		t.Fatal(err)
	}
	cs := must1[[]model.Connection](t)(p.ConnectionChanges(ctx, env.clock.Now().Add(-time.Minute), nil))
	if len(cs) == 0 {
		t.Fatal("no change listed")
	}
	if d := must1[[]model.Node](t)(p.Inventory(ctx, nil)); &d[0] == &c[0] {
		t.Fatal("the inventory after a change is the old slice")
	}
}
