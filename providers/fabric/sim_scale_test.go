package fabric

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// Connections of the initial world are kept as compact records and
// regenerated when served: the regenerated one must be the generated one,
// byte for byte, and regenerating must change nothing.
func TestRegenerationGivesTheGeneratedConnection(t *testing.T) {
	for _, seed := range []int64{7, 20240611} {
		w := sim.NewWorld(sim.Config{Seed: seed, Scale: 4000, Clock: sim.NewFakeClock(simEpoch), Timing: sim.StillTiming()})
		s := NewSimulator(w, func(c *simConfig) { c.keepGenerated = true })
		s.engine.Lock()
		version, used := s.version, portUse(s)
		kinds := map[string]int{}
		for _, sc := range s.order {
			want, _ := json.Marshal(sc.c)
			got, _ := json.Marshal(s.regenerate(sc))
			if string(got) != string(want) {
				s.engine.Unlock()
				t.Fatalf("seed %d: connection %d regenerated differently:\n got %s\nwant %s", seed, sc.seq, got, want)
			}
			kinds[sc.c.Direction+"/"+sc.c.State+"/"+accessType(sc.c.ASide)+">"+accessType(sc.c.ZSide)]++
		}
		if s.version != version || !slices.Equal(portUse(s), used) {
			t.Errorf("seed %d: regenerating changed the world (version %d -> %d)", seed, version, s.version)
		}
		s.engine.Unlock()
		// The comparison covers every way a connection is generated.
		for _, k := range []string{"INCOMING/ACTIVE/COLO>SP", "INCOMING/ACTIVE/COLO>COLO", "INCOMING/ACTIVE/VD>COLO", "INCOMING/PENDING/COLO>SP",
			"OUTGOING/ACTIVE/COLO>SP", "OUTGOING/ACTIVE/CLOUD_ROUTER>SP", "OUTGOING/ACTIVE/COLO>NETWORK", "INTERNAL/ACTIVE/COLO>COLO",
			"INCOMING/DEPROVISIONED/COLO>COLO", "INCOMING/CANCELLED/COLO>SP", "OUTGOING/DRAFT/COLO>SP"} {
			if kinds[k] == 0 {
				t.Errorf("seed %d: no generated connection of kind %s (%v)", seed, k, kinds)
			}
		}
	}
}

func accessType(side ConnectionSide) string {
	if side.AccessPoint == nil {
		return ""
	}
	return side.AccessPoint.Type
}

func portUse(s *Simulator) []int {
	var out []int
	for _, p := range s.ports {
		out = append(out, p.vlans.Used())
	}
	return out
}

// The search's views are updated connection by connection as the world
// changes; after hours of arrivals, approvals, rejections, bandwidth
// changes and deletions every view must still be exactly what filtering
// and sorting the whole world gives, and the summaries must match the
// connections.
func TestSearchViewsFollowTheWorld(t *testing.T) {
	env := newEnv(t, 400, sim.DemoTiming(), WithSimMaxWaiting(100))
	p := env.provider(t, noValidation)
	c := p.Client()
	cond := func(prop, op string, vals ...string) *Expression {
		return &Expression{Property: prop, Operator: op, Values: vals}
	}
	queries := []struct {
		f    *Expression
		sort []SortCriteria
	}{
		{nil, nil}, // the default: updatedDateTime DESC
		{nil, []SortCriteria{{Property: "/uuid", Direction: "ASC"}}},
		{nil, []SortCriteria{{Property: "/name"}}},
		{nil, []SortCriteria{{Property: "/bandwidth", Direction: "DESC"}, {Property: "/changeLog/createdDateTime", Direction: "ASC"}}},
		{cond("/state", "=", "ACTIVE"), []SortCriteria{{Property: "/zSide/accessPoint/location/metroCode", Direction: "ASC"}}},
		{cond("/change/status", "IN", "SUBMITTED_FOR_APPROVAL", "APPROVED"), nil},
	}
	r := rand.New(rand.NewPCG(1, 2))
	did := map[string]int{}
	for step := 0; step < 30; step++ {
		env.clock.Advance(time.Duration(5+r.IntN(300)) * time.Second)
		did[act(t, env, p, r)]++
		for qi, q := range queries {
			var got []string
			total := -1
			for off := 0; ; off += 100 {
				resp, err := c.SearchConnections(ctx, SearchRequest{Filter: q.f, Sort: q.sort, Pagination: &PaginationRequest{Offset: off, Limit: 100}})
				if err != nil {
					t.Fatal(err)
				}
				total = resp.Pagination.Total
				for _, x := range resp.Data {
					got = append(got, x.UUID)
				}
				if len(resp.Data) < 100 {
					break
				}
			}
			want := bruteForce(t, env.sim, q.f, q.sort)
			if len(got) != total || !slices.Equal(got, want) {
				t.Fatalf("step %d query %d: the view has %d connections (total %d), filtering and sorting the world gives %d; first difference at %d",
					step, qi, len(got), total, len(want), firstDiff(got, want))
			}
		}
		checkSummaries(t, env.sim)
	}
	for _, k := range []string{"approve", "reject", "bandwidth", "delete"} {
		if did[k] == 0 {
			t.Errorf("the run never did %s (%v)", k, did)
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// bruteForce is the search as it was before views: filter every
// connection, stable-sort them.
func bruteForce(t *testing.T, s *Simulator, f *Expression, sortBy []SortCriteria) []string {
	t.Helper()
	if len(sortBy) == 0 {
		sortBy = []SortCriteria{{Property: "/changeLog/updatedDateTime", Direction: "DESC"}}
	}
	for i := range sortBy {
		if sortBy[i].Direction == "" {
			sortBy[i].Direction = "DESC"
		}
	}
	var p pred
	if f != nil {
		var bad *badSearch
		if p, bad = compile(*f, 0); bad != nil {
			t.Fatal(bad.reason)
		}
	}
	s.engine.Lock()
	defer s.engine.Unlock()
	var all []*Connection
	for _, sc := range s.order {
		if c := s.conn(sc); p == nil || p(c) {
			all = append(all, c)
		}
	}
	slices.SortStableFunc(all, func(a, b *Connection) int {
		for _, sc := range sortBy {
			c := compareValues(first(prop(a, sc.Property)), first(prop(b, sc.Property)))
			if sc.Direction == "DESC" {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.UUID, b.UUID)
	})
	out := make([]string, len(all))
	for i, c := range all {
		out[i] = c.UUID
	}
	return out
}

func checkSummaries(t *testing.T, s *Simulator) {
	t.Helper()
	s.engine.Lock()
	defer s.engine.Unlock()
	waiting := 0
	for _, sc := range s.order {
		c := s.conn(sc)
		if sum := summarize(c); sum != sc.sum {
			t.Fatalf("%s: summary %+v, the connection says %+v", c.Name, sc.sum, sum)
		}
		if sc.sum.waiting {
			waiting++
		}
	}
	if waiting != s.waiting {
		t.Fatalf("%d connections wait on us, the count says %d", waiting, s.waiting)
	}
}

// act does what an operator would: approve or reject a request, change the
// bandwidth of or delete one of our connections.
func act(t *testing.T, env *testEnv, p *Provider, r *rand.Rand) string {
	t.Helper()
	all, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for _, c := range all {
		switch {
		case c.Pending != nil && c.Pending.WaitingOnUs && c.HasAction(model.ActionApprove) && r.IntN(3) > 0:
			kind := model.ActionApprove
			if r.IntN(3) == 0 {
				kind = model.ActionReject
			}
			a, err := p.Plan(model.ActionRequest{Kind: kind, Target: model.Ref{Provider: p.Name(), Type: "connection", ID: c.ID}, Reason: "test"})
			if err != nil {
				continue
			}
			if _, err := p.Do(ctx, a); err != nil {
				t.Logf("%s %s: %v", kind, c.Name, err)
			}
			return string(kind)
		case c.State == model.StateActive && c.Pending == nil && direction(p, c.ID) == dirOutgoing:
			path := ConnPath + c.ID
			if r.IntN(2) == 0 {
				raw(t, env, http.MethodPatch, path, `[{"op":"replace","path":"/bandwidth","value":{"bandwidth":`+fmt.Sprint([]int{50, 100, 200}[r.IntN(3)])+`}}]`)
				return "bandwidth"
			}
			raw(t, env, http.MethodDelete, path, "")
			return "delete"
		}
	}
	return ""
}

func raw(t *testing.T, env *testEnv, method, path, body string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+DemoToken)
	rec := httptest.NewRecorder()
	env.sim.ServeHTTP(rec, req)
	return rec.Code
}

func TestOrderedListAgainstASortedSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	v := newView("", nil, []SortCriteria{{Property: "/bandwidth", Direction: "DESC"}})
	conns := make([]*simConn, 5000)
	for i := range conns {
		conns[i] = &simConn{uuid: fmt.Sprintf("%08x", r.Uint32())}
	}
	entry := func(sc *simConn) viewEntry {
		return viewEntry{sc: sc, key: newSortKey(fmt.Sprint(r.IntN(50)))}
	}
	var initial []viewEntry
	in := map[*simConn]viewEntry{}
	for _, sc := range conns[:2000] {
		e := entry(sc)
		initial = append(initial, e)
		in[sc] = e
	}
	l := newOrderedList(v.compare, initial)
	for op := 0; op < 20000; op++ {
		sc := conns[r.IntN(len(conns))]
		if e, ok := in[sc]; ok {
			if !l.remove(e) {
				t.Fatalf("op %d: remove of a present entry failed", op)
			}
			delete(in, sc)
		} else {
			e := entry(sc)
			l.insert(e)
			in[sc] = e
		}
		if op%997 == 0 || op == 19999 {
			var want []viewEntry
			for _, e := range in {
				want = append(want, e)
			}
			slices.SortFunc(want, func(a, b viewEntry) int { return v.compare(&a, &b) })
			got := l.page(0, len(want)+10, nil)
			if len(got) != len(want) || l.n != len(want) {
				t.Fatalf("op %d: list has %d (n %d), want %d", op, len(got), l.n, len(want))
			}
			for i := range want {
				if got[i] != want[i].sc {
					t.Fatalf("op %d: entry %d out of order", op, i)
				}
			}
			off := r.IntN(len(want) + 1)
			if pg := l.page(off, 37, nil); len(pg) != min(37, len(want)-off) || (len(pg) > 0 && pg[0] != want[off].sc) {
				t.Fatalf("op %d: page at %d wrong", op, off)
			}
		}
	}
	if l.remove(viewEntry{sc: &simConn{uuid: "x"}, key: newSortKey("1")}) {
		t.Fatal("removed an entry that is not there")
	}
}

func TestSortKeyCompareIsCompareValues(t *testing.T) {
	vals := []string{"", "a", "ab", "ab\x00", "ab\x00c", "abcdefgh", "abcdefghi", "abcdefgh\x00", "10", "9", "1e3", "-2", "0x10",
		"NaN", "inf", "2024-06-11T09:00:00.000Z", "2024-06-11T09:00:00.001Z", "3f2a1b4c-1d2e-4f00-8a9b-000000000000",
		"3f2a1b4c-1d2e-4f00-8a9b-000000000001", "Bluepeak Networks", "bluepeak", "\xff\xfe", "ÿ", "12345678", "123456789"}
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 300; i++ {
		b := make([]byte, r.IntN(12))
		for j := range b {
			b[j] = "0a-9\x00ÿ."[r.IntN(8)]
		}
		vals = append(vals, string(b))
	}
	for _, a := range vals {
		for _, b := range vals {
			ka, kb := newSortKey(a), newSortKey(b)
			if got, want := ka.compare(&kb), compareValues(a, b); got != want {
				t.Fatalf("compare(%q, %q) = %d, compareValues says %d", a, b, got, want)
			}
		}
	}
}

// Pages are rendered outside the lock while other requests change the
// world: under -race this must hold, and every page must be a valid
// search answer.
func TestPagesRenderWhileTheWorldChanges(t *testing.T) {
	env := newEnv(t, 800, sim.DemoTiming(), WithSimMaxWaiting(100))
	p := env.provider(t, noValidation)
	c := p.Client()
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := 0; g < 3; g++ {
		go func(g int) {
			for i := 0; ; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				sort := []SortCriteria{{Property: "/uuid", Direction: "ASC"}}
				if g == 1 {
					sort = nil
				}
				resp, err := c.SearchConnections(ctx, SearchRequest{Sort: sort, Pagination: &PaginationRequest{Offset: (i * 100) % 800, Limit: 100}})
				if err != nil || resp.Pagination == nil || len(resp.Data) == 0 {
					errs <- fmt.Errorf("page %d: %v", i, err)
					return
				}
			}
		}(g)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for step := 0; step < 15; step++ {
		env.clock.Advance(time.Duration(10+r.IntN(120)) * time.Second)
		act(t, env, p, r)
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// direction is connection id's direction as the provider last saw it.
func direction(p *Provider, id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns[id].facts.direction
}
