package ixapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/internal/hostile"
)

// A hostile IX-API: the connections list rewritten the way a broken or
// malicious proxy would; every other list is empty. Objects are written by
// hand from the 2.1.0 schema.

func hostileConnection(i int) string {
	return fmt.Sprintf(`{"id":"c%d","name":"conn %d","state":"production","mode":"standalone","ports":[],"managing_account":"a1","consuming_account":"a1"}`, i, i)
}

func connectionsJSON(from, to int) string {
	parts := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		parts = append(parts, hostileConnection(i))
	}
	return strings.Join(parts, ",")
}

var millionEmptyList = append(append([]byte(`[`), hostile.EmptyObjects(1_000_000)...), ']')

func hostileIXAPI(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/v2"+PathConnections {
			w.Write([]byte(`[]`))
			return
		}
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, err := strconv.Atoi(q.Get("limit"))
		if err != nil || lim <= 0 {
			lim = 100 // the server's own page size
		}
		self := strconv.Quote("http://" + r.Host + r.URL.RequestURI())
		envelope := func(fields string, from, to int) {
			fmt.Fprintf(w, `{%s"previous":null,"results":[%s]}`, fields, connectionsJSON(from, to))
		}
		switch mode {
		case "one page of 1M {}":
			w.Write(millionEmptyList)
		case "one paged answer of 1M {}":
			fmt.Fprintf(w, `{"count":1000000,"next":%s,"results":[%s]}`, self, hostile.EmptyObjects(1_000_000))
		case "next to itself":
			envelope(`"next":`+self+`,`, 0, 100)
		case "offset ignored":
			envelope(`"next":true,`, 0, 100)
		case "huge total, empty later pages":
			if off == 0 {
				envelope(`"count":9999999,"next":`+self+`,`, 0, 100)
			} else {
				envelope(`"count":9999999,"next":`+self+`,`, 0, 0)
			}
		case "count=0 with items", "count=null with items":
			count := map[string]string{"count=0 with items": "0", "count=null with items": "null"}[mode]
			next := "null"
			if off+lim < 250 {
				next = strconv.Quote(fmt.Sprintf("http://%s/api/v2/connections?offset=%d&limit=%d", r.Host, off+lim, lim))
			}
			envelope(`"count":`+count+`,"next":`+next+`,`, off, min(off+lim, 250))
		case "wrong types in every field":
			w.Write([]byte(`[{"id":1,"name":2,"state":3,"mode":4,"ports":5},{"id":[],"state":{}},{"id":true},"x",7]`))
		case "some without id":
			fmt.Fprintf(w, `[%s,{"name":"no id"},{"id":""},{"id":12,"state":"production"}]`, connectionsJSON(0, 247))
		case "endless body":
			hostile.Endless(w, `[{"name":"`)
		case "deep nesting":
			w.Write(hostile.Deep(100_000))
		default:
			panic("unknown mode " + mode)
		}
	}
}

func hostileIX(t *testing.T, h http.Handler, opts ...Option) (*Provider, *hostile.Counter) {
	t.Helper()
	counter := &hostile.Counter{H: h}
	mux := http.NewServeMux()
	mux.Handle("/api/v2"+PathConnections, counter)
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	all := append([]Option{httpx.WithRetry(fastRetryN(3))}, opts...)
	p, err := New("ix", srv.URL+"/api/v2", Credentials{Token: "hostile-test-token"}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, counter
}

func TestHostileLists(t *testing.T) {
	tests := []struct {
		mode       string
		opts       []Option
		wantRows   int
		maxLists   int // requests at /connections
		incomplete bool
		wantErr    []string // nil: no error
		wantIs     error
	}{
		{mode: "one page of 1M {}", maxLists: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"ix: none of 1000000 connections could be read: an object without an id"}},
		{mode: "one page of 1M {}", opts: []Option{httpx.WithBounds(httpx.Bounds{MaxItems: 1000})}, maxLists: 1, wantIs: model.ErrTooLarge,
			wantErr: []string{"none of 1000 connections could be read", "more than max_items (1000) in one answer"}},
		{mode: "one paged answer of 1M {}", opts: []Option{WithPageLimit(100)}, maxLists: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 100 connections could be read", "more than the 100 connections asked for in one page"}},
		{mode: "next to itself", wantRows: 100, maxLists: 2, incomplete: true,
			wantErr: []string{"ix: connections truncated at 100 items: the server answered offset 100 with the same page as offset 0"}},
		{mode: "offset ignored", wantRows: 100, maxLists: 2, incomplete: true,
			wantErr: []string{"the same page as offset 0 (it ignores the paging parameters)"}},
		{mode: "huge total, empty later pages", wantRows: 100, maxLists: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 9999999 connections, more than max_items (1000000); its pages ended after 100"}},
		{mode: "count=0 with items", wantRows: 250, maxLists: 3},
		{mode: "count=null with items", wantRows: 250, maxLists: 3},
		{mode: "wrong types in every field", maxLists: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"ix: none of 5 connections could be read: an object without an id (field id: got JSON number, want string)"}},
		{mode: "some without id", wantRows: 247, maxLists: 1, incomplete: true,
			wantErr: []string{"ix: 3 of 250 connections could not be read: an object without an id"}},
		{mode: "endless body", maxLists: 1, wantIs: model.ErrTooLarge, wantErr: []string{"GET /connections", "longer than"}},
		{mode: "deep nesting", maxLists: 1, wantIs: model.ErrBadResponse, wantErr: []string{"exceeded max depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, counter := hostileIX(t, hostileIXAPI(tt.mode), tt.opts...)
			rows, err := p.Connections(context.Background(), nil)
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			if counter.N() > tt.maxLists {
				t.Errorf("%d requests at /connections, want at most %d", counter.N(), tt.maxLists)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error: the loss is silent")
			}
			var in *model.Incomplete
			if errors.As(err, &in) != tt.incomplete {
				t.Errorf("error %v: Incomplete = %v, want %v", err, errors.As(err, &in), tt.incomplete)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q\nlacks %q", err, s)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestHostileInventoryKeepsWhatItRead(t *testing.T) {
	p, _ := hostileIX(t, hostileIXAPI("some without id"))
	nodes, err := p.Inventory(context.Background(), nil)
	var in *model.Incomplete
	if !errors.As(err, &in) || in.Dropped != 3 || len(nodes) == 0 {
		t.Fatalf("%d nodes, %v", len(nodes), err)
	}
}

// TestHostileListPeakRSS: one unpaged answer of a million empty objects,
// in a real process.
func TestHostileListPeakRSS(t *testing.T) {
	res, hwm := hostile.InChild(t, "TestHostileListPeakRSS", func() string {
		p, counter := hostileIX(t, hostileIXAPI("one page of 1M {}"))
		rows, err := p.Connections(context.Background(), nil)
		return fmt.Sprintf("rows=%d lists=%d err=%v", len(rows), counter.N(), err)
	})
	t.Logf("peak RSS %d MiB: %s", hwm, res)
	if hwm > 500 || !strings.Contains(res, "rows=0 lists=1 ") {
		t.Fatalf("peak RSS %d MiB: %s", hwm, res)
	}
}
