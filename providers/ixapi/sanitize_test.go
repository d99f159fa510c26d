package ixapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

// poison returns v with terminal escapes appended to every string but
// numbers and the ids in keep (so the index still links up), decoded the
// way the client decodes objects (the raw JSON kept for the detail view).
func poison[T any, PT metaObject[T]](t *testing.T, v T, keep map[string]bool) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	b, err = modeltest.InjectJSON(b, func(_, s string) bool {
		_, err := strconv.ParseFloat(s, 64)
		return err == nil || keep[s]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeObject[T, PT](b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func poisonAll[T any, PT metaObject[T]](t *testing.T, m map[string]T, keep map[string]bool) {
	for k, v := range m {
		m[k] = poison[T, PT](t, v, keep)
	}
}

// TestAdaptSanitisesEveryString poisons every string of the fixture
// exchange (ids aside) and checks the adapters on their own (connections,
// configs, the inventory tree, series) return nothing a terminal would
// interpret.
func TestAdaptSanitisesEveryString(t *testing.T) {
	ix := fixtureIndex()
	keep := map[string]bool{}
	for _, m := range []map[string]bool{keysOf(ix.metros), keysOf(ix.mans), keysOf(ix.facilities), keysOf(ix.pops), keysOf(ix.devices),
		keysOf(ix.ports), keysOf(ix.conns), keysOf(ix.nscs), keysOf(ix.services), keysOf(ix.offerings), keysOf(ix.accounts)} {
		for k := range m {
			keep[k] = true
		}
	}
	poisonAll[MetroArea](t, ix.metros, keep)
	poisonAll[MetroAreaNetwork](t, ix.mans, keep)
	poisonAll[Facility](t, ix.facilities, keep)
	poisonAll[PointOfPresence](t, ix.pops, keep)
	poisonAll[Device](t, ix.devices, keep)
	poisonAll[Port](t, ix.ports, keep)
	poisonAll[Connection](t, ix.conns, keep)
	poisonAll[NetworkServiceConfig](t, ix.nscs, keep)
	poisonAll[NetworkService](t, ix.services, keep)
	poisonAll[ProductOffering](t, ix.offerings, keep)
	poisonAll[Account](t, ix.accounts, keep)

	var got []any
	for _, c := range ix.conns {
		got = append(got, connToModel("ix", c, ix))
	}
	for _, n := range ix.nscs {
		got = append(got, nscToModel("ix", n, ix))
	}
	inv := buildInventory("ix", ix)
	got = append(got, inv)
	ts := Timeseries{Precision: 300, CreatedAt: modeltest.Hostile, Samples: []TimeseriesSample{{Timestamp: time.Unix(0, 0)}}}
	s := toSeries(ts, seriesOpts{ref: model.Ref{ID: modeltest.Hostile, Name: modeltest.Hostile}, prefix: modeltest.Hostile,
		aggregate: modeltest.Hostile, now: time.Unix(3600, 0), rng: time.Hour})
	got = append(got, s)
	for i, v := range got {
		if bad := modeltest.Dirty(v); len(bad) > 0 {
			t.Errorf("result %d (%T): unclean fields: %s", i, v, strings.Join(bad, ", "))
		}
	}
	if n := inv[0].Label; !strings.Contains(n, "␛]52;c;") {
		t.Errorf("label %q: the escapes did not arrive (as pictures)", n)
	}
}

func keysOf[T any](m map[string]T) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
