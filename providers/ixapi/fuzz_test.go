package ixapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// Decoders get hostile input: they must never panic, and every error must
// say the response was bad (model.ErrBadResponse), never something else.

func FuzzDecodeListPage(f *testing.F) {
	for _, s := range []string{
		`[]`, `[{"id":"a"}]`, `{"count":2,"next":null,"results":[{"id":"a"},{"id":"b"}]}`,
		`{"total":1,"items":[1]}`, `{"data":null}`, `{"results":"x"}`, `{}`, `null`, `"x"`, `[`, `{"count":-1,"results":[]}`,
		`{"count":1e99,"next":"http://x","results":[{}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeListPage(b)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("error %v does not wrap ErrBadResponse", err)
			}
			return
		}
		if p.total < -1 {
			t.Fatalf("total %d", p.total)
		}
		// Every item decodes into some object without panicking.
		ports := decodeItems[Port](p.items)
		conns := decodeItems[NetworkServiceConfig](p.items)
		if len(ports) != len(p.items) || len(conns) != len(p.items) {
			t.Fatal("items lost")
		}
		for _, c := range conns {
			_ = nscToModel("ix", c, newIndex())
		}
	})
}

func FuzzDecodeObject(f *testing.F) {
	f.Add([]byte(`{"id":"c1","name":"x","state":"production","mode":"lag_lacp","ports":["p1"],"speed":20000}`))
	f.Add([]byte(`{"id":1,"speed":"fast","status":[{"severity":"high"}]}`))
	f.Add([]byte(`{"id":"n","type":"p2p_vc","vlan_config":{"vlan_type":"qinq","outer_vlan":5,"inner_vlan":"x"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeObject[Connection](b)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if e := c.DecodeError(); e != nil && !errors.Is(e, model.ErrBadResponse) {
			t.Fatalf("decode error %v", e)
		}
		m := connToModel("ix", c, newIndex())
		if m.ID != "conn:"+c.ID {
			t.Fatalf("id %q for %q", m.ID, c.ID)
		}
		n, err := decodeObject[NetworkServiceConfig](b)
		if err == nil {
			_ = nscToModel("ix", n, newIndex())
		}
	})
}

func FuzzDecodeProblem(f *testing.F) {
	f.Add(400, "application/problem+json", []byte(`{"type":"https://errors.ix-api.net/v2/validation-error.html","title":"T","status":400,"detail":"D","properties":[{"name":"a","reason":"b"}]}`))
	f.Add(401, "application/json", []byte(`{"type":"https://errors.ix-api.net/v2/signature-expired.html","title":"Signature has expired"}`))
	f.Add(400, "application/json", []byte(`{"type":"x","title":"T","decommission_at":5,"charged_until":"2025"}`))
	f.Add(500, "text/html", []byte(`<html><title>oops</title></html>`))
	f.Add(404, "application/json", []byte(`{"title":{"nested":true},"status":"404","properties":{"a":["b","c"]}}`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		if status < 100 || status > 599 {
			status = 400
		}
		h := http.Header{"Content-Type": {ct}}
		for _, dec := range []func(int, http.Header, []byte, *model.APIError){decodeError, decodeTokenError} {
			e := &model.APIError{Status: status, Method: "GET", Path: "/x"}
			dec(status, h, body, e)
			msg := e.Error()
			if e.Problem != nil && e.Problem.Title != "" && !strings.Contains(msg, e.Problem.Title) && e.Message == "" {
				t.Fatalf("title lost: %q", msg)
			}
		}
	})
}

func FuzzDecodeStatistics(f *testing.F) {
	f.Add([]byte(statisticsFixture))
	f.Add([]byte(`{"aggregates":{"x":{"precision":-1,"total_samples":1e20}}}`))
	f.Add([]byte(`{"aggregates":null}`))
	f.Add([]byte(stats242Port))
	f.Add([]byte(`{"aggregates":{"custom":{"start":"2025-03-10T12:00:00Z","end":"2025-03-11T12:00:00Z"},"1d":{"accuracy":"x"}},"light_levels_rx":[1,"2",null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeStatistics(b)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, r := range []time.Duration{time.Hour, 30 * 24 * time.Hour, 0} {
			name, a, ok := chooseAggregate(s.Aggregates, r)
			usable := PrecisionDuration(a.Precision) > 0 || a.Windowed() && a.Window(name) > 0
			if ok && (!usable || !validAggregate.MatchString(name) || name == AggregateCustom) {
				t.Fatalf("chose an unusable aggregate %q %+v", name, a)
			}
		}
		if ps, err := decodePeerStatistics(b); err == nil {
			for _, p := range ps {
				_, _, _ = chooseAggregate(p.Aggregates, time.Hour)
			}
		}
		_, _ = decodeRTT(b)
	})
}

func FuzzDecodeTimeseries(f *testing.F) {
	f.Add([]byte(`{"precision":300,"created_at":"2025-03-11T12:00:00Z","next_update_at":"2025-03-11T12:05:30Z","samples":[["2025-03-11T11:55:00Z",1,2,3,4],["2025-03-11T11:50:00Z",null,null,null,null]]}`))
	f.Add([]byte(`{"precision":1,"samples":[{"timestamp":1741694100,"average_ops_in":"5"}]}`))
	f.Add([]byte(`{"precision":86400,"samples":[["9999-12-31T23:59:59Z",1e308,1e308,1e308,1e308]]}`))
	f.Add([]byte(`{"samples":[[],[null],["x"],{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := decodeTimeseries(b)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("error %v", err)
			}
			return
		}
		now := time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)
		for _, r := range []time.Duration{time.Hour, 30 * 24 * time.Hour} {
			s := toSeries(ts, seriesOpts{rng: r, now: now, capacity: 1e9})
			if len(s[0].Samples) != len(s[1].Samples) || len(s[0].Samples) > maxGridSlots+len(ts.Samples) {
				t.Fatalf("series lengths %d/%d", len(s[0].Samples), len(s[1].Samples))
			}
			for _, smp := range s[0].Samples {
				if smp.Missing && smp.V != 0 || smp.V < 0 {
					t.Fatalf("sample %+v", smp)
				}
			}
		}
		// The fast tuple path agrees with encoding/json.
		var w struct {
			Samples json.RawMessage `json:"samples"`
		}
		if json.Unmarshal(b, &w) == nil && len(w.Samples) > 0 {
			checkScanAgrees(t, w.Samples)
		}
	})
}

func FuzzJWTExpiry(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3NDE2OTQ0MDB9.sig")
	f.Add("a.b.c")
	f.Add("...")
	f.Fuzz(func(t *testing.T, tok string) {
		now := time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC)
		exp := jwtExpiry(tok, now)
		if !exp.IsZero() && (exp.Before(now.AddDate(-2, 0, 0)) || exp.After(now.AddDate(11, 0, 0))) {
			t.Fatalf("absurd expiry %v accepted", exp)
		}
	})
}

// FuzzDecodeListStream: the streaming list decoder never panics, fails
// only with typed errors, keeps its bounds, keeps only objects with an id,
// and agrees with the whole-body decoder wherever that succeeds.
func FuzzDecodeListStream(f *testing.F) {
	for _, s := range []string{`[]`, `[{"id":"a"},{},7]`, `{"count":2,"next":null,"results":[{"id":"a"},{"id":"b"}]}`,
		`{"results":[{"id":"a"}],"count":null,"next":"http://x/?offset=1"}`, `{"data":null}`, `{"items":[{"id":1}]}`, `[[[[`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		const pageMax, listMax = 2, 3
		p, err := decodeListStream[Port](bytes.NewReader(b), pageMax, listMax)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		bound := listMax
		if p.enveloped {
			bound = pageMax
		}
		if n := len(p.items) + p.dropped; n > bound || (p.overfull && n != bound) {
			t.Fatalf("%d objects read, bound %d (overfull %v)", n, bound, p.overfull)
		}
		for _, it := range p.items {
			if it.ID == "" {
				t.Fatal("an object without an id was kept")
			}
		}
		ref, rerr := decodeListPage(b)
		if rerr == nil && !p.overfull && len(ref.items) != len(p.items)+p.dropped && p.enveloped == ref.enveloped {
			t.Fatalf("%d streamed (+%d dropped), %d decoded whole", len(p.items), p.dropped, len(ref.items))
		}
	})
}
