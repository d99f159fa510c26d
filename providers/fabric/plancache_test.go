package fabric

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// The planning cache keeps a few flat values per connection, not the
// object as received: everything a plan reads of the rebuilt connection
// must be what it would read of the whole one.
func TestPlanningCacheReadsAsTheWholeConnection(t *testing.T) {
	env := newEnv(t, 1500, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	p.refreshPorts(ctx)
	var pending, zside, update, ownEditable int
	for _, m := range cs {
		if m.Raw != nil {
			t.Fatalf("%s: the listing keeps its raw JSON", m.ID)
		}
		whole, ok := env.sim.Snapshot(m.ID)
		if !ok {
			t.Fatalf("%s: not in the simulator", m.ID)
		}
		p.mu.Lock()
		got, _ := p.conn(m.ID)
		ports := p.ports
		p.mu.Unlock()
		for _, tc := range []struct {
			what      string
			want, got any
		}{
			{"pendingOf", pendingOf(whole), pendingOf(got)},
			{"needsZSide", needsZSide(whole), needsZSide(got)},
			{"landingMetro", landingMetro(whole), landingMetro(got)},
			{"requesterVLAN", requesterVLAN(whole), requesterVLAN(got)},
			{"ownActions", ownActions(whole), ownActions(got)},
			{"portLimit", portLimit(whole, ports), portLimit(got, ports)},
			{"name", firstNonEmpty(whole.Name, whole.UUID), firstNonEmpty(got.Name, got.UUID)},
			{"bandwidth", whole.Bandwidth, got.Bandwidth},
			{"direction", whole.Direction, got.Direction},
			{"state", whole.State, got.State},
		} {
			if !reflect.DeepEqual(tc.want, tc.got) {
				t.Fatalf("%s %s: %#v from the whole connection, %#v from the cache", m.ID, tc.what, tc.want, tc.got)
			}
		}
		if pd := pendingOf(whole); pd != nil {
			pending++
			if pd.Kind == model.ChangeUpdate {
				update++
			}
			if pd.Kind == model.ChangeCreation && needsZSide(whole) {
				zside++
			}
		}
		if ok, _ := editable(whole); ok && len(ownActions(whole)) > 0 {
			ownEditable++
		}
	}
	// The comparison means something only if the world has each case.
	if pending == 0 || zside == 0 || ownEditable == 0 {
		t.Fatalf("world too plain: %d pending (%d updates), %d creations needing our side, %d of ours editable", pending, update, zside, ownEditable)
	}
	t.Logf("%d connections: %d pending (%d updates), %d creations needing our side, %d of ours editable", len(cs), pending, update, zside, ownEditable)
}

// A listing keeps one copy of each repeated string (metro, type, state,
// account …), shared by every connection spelling it.
func TestListingInternsRepeatedStrings(t *testing.T) {
	env := newEnv(t, 500, sim.Timing{})
	p := env.provider(t, validateAll)
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	first := map[string]*byte{}
	shared := 0
	for _, c := range cs {
		for _, s := range []string{c.Type, c.RawState, c.Status, c.A.Metro, c.Z.Metro, c.A.Account, c.Z.Account, c.A.Type, c.Z.Type} {
			if s == "" {
				continue
			}
			if ptr, ok := first[s]; !ok {
				first[s] = unsafe.StringData(s)
			} else if ptr != unsafe.StringData(s) {
				t.Fatalf("%s: %q is a copy of its own", c.ID, s)
			} else {
				shared++
			}
		}
	}
	if shared == 0 {
		t.Fatal("no repeated strings in the listing")
	}
}
