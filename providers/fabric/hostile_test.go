package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/internal/hostile"
)

// A hostile Fabric: search answers rewritten the way a broken or malicious
// proxy would. Connections are written by hand from the spec's shape.

func hostileConn(i int) string {
	return fmt.Sprintf(`{"uuid":"c%07d","name":"conn %d","type":"EVPL_VC","state":"ACTIVE","bandwidth":50}`, i, i)
}

func connsJSON(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(hostileConn(i))
	}
	return b.String()
}

// searchOf reads offset and limit from a search request.
func searchOf(r *http.Request) (offset, limit int) {
	var req SearchRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	if req.Pagination != nil {
		return req.Pagination.Offset, req.Pagination.Limit
	}
	return 0, DefaultPageLimit
}

var millionEmptyPage = []byte(`{"pagination":{"offset":0,"limit":100,"total":1000000},"data":[` + string(hostile.EmptyObjects(1_000_000)) + `]}`)

// hostileFabric serves mode on the search; ports are an empty list.
func hostileFabric(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != SearchPath {
			if mode == "every answer 1M {}" {
				w.Write(millionEmptyPage)
				return
			}
			w.Write([]byte(`{"data":[]}`))
			return
		}
		off, lim := searchOf(r)
		page := func(pagination string, from, to int) {
			fmt.Fprintf(w, `{"pagination":%s,"data":[%s]}`, pagination, connsJSON(from, to))
		}
		pag := func(total int) string {
			return fmt.Sprintf(`{"offset":%d,"limit":%d,"total":%d}`, off, lim, total)
		}
		switch mode {
		case "one page of 1M {}", "every answer 1M {}":
			w.Write(millionEmptyPage)
		case "offset ignored":
			page("null", 0, lim)
		case "offset ignored, total known":
			page(pag(50_000), 0, lim)
		case "next to itself":
			// Honest content, but every page links to the first.
			fmt.Fprintf(w, `{"pagination":{"offset":%d,"limit":%d,"total":0,"next":"%s?offset=0"},"data":[%s]}`, off, lim, SearchPath, connsJSON(off, off+lim))
		case "huge total, empty later pages":
			if off == 0 {
				page(pag(9_999_999), 0, lim)
			} else {
				page(pag(9_999_999), 0, 0)
			}
		case "total=0 with items":
			page(pag(0), off, min(off+lim, 250))
		case "wrong types in every field":
			w.Write([]byte(`{"pagination":{"offset":0,"limit":100,"total":3},"data":[` +
				`{"uuid":1,"name":{},"state":[],"bandwidth":"x","type":2},{"uuid":false,"name":3},7]}`))
		case "some without uuid":
			// 250 connections; three of them cannot be identified.
			broken := map[int]string{50: `{"name":"a"}`, 120: `{"uuid":""}`, 200: `{"uuid":9}`}
			var items []string
			for i := off; i < min(off+lim, 250); i++ {
				if b, ok := broken[i]; ok {
					items = append(items, b)
				} else {
					items = append(items, hostileConn(i))
				}
			}
			fmt.Fprintf(w, `{"pagination":%s,"data":[%s]}`, pag(250), strings.Join(items, ","))
		case "endless body":
			hostile.Endless(w, `{"data":[{"name":"`)
		case "deep nesting":
			w.Write(hostile.Deep(100_000))
		case "deep nesting in data":
			w.Write(append([]byte(`{"data":`), hostile.Deep(100_000)...))
		default:
			panic("unknown mode " + mode)
		}
	}
}

func hostileProvider(t *testing.T, h http.Handler, opts ...Option) (*Provider, *hostile.Counter) {
	t.Helper()
	counter := &hostile.Counter{H: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
	})}
	mux := http.NewServeMux()
	mux.Handle(SearchPath, counter)
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	all := append([]Option{httpx.WithRetry(noSleepRetry())}, opts...)
	p, err := New("fab", srv.URL, Credentials{Token: "hostile-test-token"}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, counter
}

func TestHostileSearch(t *testing.T) {
	tests := []struct {
		mode        string
		wantRows    int
		maxSearches int
		incomplete  bool     // data with an *model.Incomplete; else an error without data (or none)
		wantErr     []string // nil: no error at all
		wantIs      error
	}{
		{mode: "one page of 1M {}", maxSearches: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"fab: none of 100 connections could be read: connection without a uuid", "more than the 100 connections asked for in one page"}},
		{mode: "offset ignored", wantRows: 100, maxSearches: 2, incomplete: true,
			wantErr: []string{"fab: connections truncated at 100 items: the server answered offset 100 with the same page as offset 0"}},
		{mode: "offset ignored, total known", wantRows: 100, maxSearches: 2 + DefaultConcurrency, incomplete: true,
			wantErr: []string{"with the same page as offset 0"}},
		{mode: "next to itself", wantRows: 100, maxSearches: 2, incomplete: true,
			wantErr: []string{"next link at offset 100 repeats the one at offset 0"}},
		{mode: "huge total, empty later pages", wantRows: 100, maxSearches: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 9999999 connections, more than max_items (1000000); its pages ended after 100"}},
		{mode: "total=0 with items", wantRows: 250, maxSearches: 3},
		{mode: "wrong types in every field", maxSearches: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 3 connections could be read: connection without a uuid (invalid JSON at offset 9: field uuid: got number, want string)"}},
		{mode: "some without uuid", wantRows: 247, maxSearches: 3, incomplete: true,
			wantErr: []string{"fab: 3 of 250 connections could not be read: connection without a uuid"}},
		{mode: "endless body", maxSearches: 1, wantIs: model.ErrTooLarge, wantErr: []string{"longer than"}},
		{mode: "deep nesting", maxSearches: 1, wantIs: model.ErrBadResponse, wantErr: []string{"expected an object"}},
		{mode: "deep nesting in data", maxSearches: 1, wantIs: model.ErrBadResponse, wantErr: []string{"exceeded max depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, counter := hostileProvider(t, hostileFabric(tt.mode))
			rows, err := p.Connections(context.Background(), nil)
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			if counter.N() > tt.maxSearches {
				t.Errorf("%d searches at the server, want at most %d", counter.N(), tt.maxSearches)
			}
			for _, r := range rows {
				if r.ID == "" {
					t.Fatal("a row without an id")
				}
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
			if in != nil && in.Got != len(rows) {
				t.Errorf("Incomplete.Got %d, %d rows", in.Got, len(rows))
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

func TestHostileSearchMaxItems(t *testing.T) {
	// An honest, big listing beyond the configured bound: the first
	// max_items rows, and a warning.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != SearchPath {
			w.Write([]byte(`{"data":[]}`))
			return
		}
		off, lim := searchOf(r)
		fmt.Fprintf(w, `{"pagination":{"offset":%d,"limit":%d,"total":5000},"data":[%s]}`, off, lim, connsJSON(off, min(off+lim, 5000)))
	})
	p, counter := hostileProvider(t, h, httpx.WithBounds(httpx.Bounds{MaxItems: 250}))
	rows, err := p.Connections(context.Background(), nil)
	var in *model.Incomplete
	if !errors.As(err, &in) || len(rows) != 250 || counter.N() > 3 ||
		!strings.Contains(err.Error(), "the server reports 5000 connections, more than max_items (250)") {
		t.Fatalf("%d rows after %d searches: %v", len(rows), counter.N(), err)
	}
}

// TestHostileSearchMemory: a page of a million empty objects costs what
// the hundred objects asked for cost, not what the answer weighs.
func TestHostileSearchMemory(t *testing.T) {
	p, counter := hostileProvider(t, hostileFabric("one page of 1M {}"))
	p.Connections(context.Background(), nil) // warm up: token, connections, ports
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		p.Connections(context.Background(), nil)
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("Connections against a 1M-item page: %d KiB allocated per listing, %d searches", perRun>>10, counter.N())
	if perRun > 4<<20 {
		t.Fatalf("%d bytes allocated per listing", perRun)
	}
}

// TestHostileSearchPeakRSS measures a real process: the same listing in
// a child process, its VmHWM.
func TestHostileSearchPeakRSS(t *testing.T) {
	res, hwm := hostile.InChild(t, "TestHostileSearchPeakRSS", func() string {
		p, counter := hostileProvider(t, hostileFabric("one page of 1M {}"))
		rows, err := p.Connections(context.Background(), nil)
		return fmt.Sprintf("rows=%d searches=%d err=%v", len(rows), counter.N(), err)
	})
	t.Logf("peak RSS %d MiB: %s", hwm, res)
	if hwm > 500 || !strings.Contains(res, "rows=0 searches=1 ") {
		t.Fatalf("peak RSS %d MiB: %s", hwm, res)
	}
}

// TestHostileEveryAnswerPeakRSS: the ports list (read alongside the
// search) is a million empty objects too.
func TestHostileEveryAnswerPeakRSS(t *testing.T) {
	res, hwm := hostile.InChild(t, "TestHostileEveryAnswerPeakRSS", func() string {
		var log strings.Builder
		p, counter := hostileProvider(t, hostileFabric("every answer 1M {}"), httpx.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		rows, err := p.Connections(context.Background(), nil)
		ports := strings.Contains(log.String(), "none of 1000000 ports could be read")
		return fmt.Sprintf("rows=%d searches=%d ports-reported=%v err=%v", len(rows), counter.N(), ports, err)
	})
	t.Logf("peak RSS %d MiB: %s", hwm, res)
	if hwm > 500 || !strings.Contains(res, "rows=0 searches=1 ports-reported=true ") {
		t.Fatalf("peak RSS %d MiB: %s", hwm, res)
	}
}

// The ports answer pages by next links (httpx.Linked): followed within
// the ports collection, ended by a link back, reported when ports cannot
// be read.
func TestListPortsFollowsNextLinks(t *testing.T) {
	port := func(i int) string { return fmt.Sprintf(`{"uuid":"p%03d","name":"port %d","state":"ACTIVE"}`, i, i) }
	tests := []struct {
		name      string
		next      func(offset int) string // "" for none
		broken    int                     // a port without a uuid at this index (-1: none)
		wantPorts int
		wantReqs  int
		wantErr   string
		wantLog   string
	}{
		{name: "honest", next: func(o int) string { return fmt.Sprintf("%s?offset=%d&limit=2", PortsPath, o+2) }, broken: -1, wantPorts: 5, wantReqs: 3},
		// Not followed, logged, and the shortfall against the total said.
		{name: "next to another collection is not followed", next: func(int) string { return "/fabric/v4/connections?offset=2" }, broken: -1,
			wantPorts: 2, wantReqs: 1, wantLog: "not the ports collection", wantErr: "the server reports 5 ports but its pages ended after 2"},
		{name: "next back to the first page", next: func(int) string { return PortsPath + "?offset=0&limit=2" }, broken: -1, wantPorts: 2, wantReqs: 2,
			wantErr: "the server answered page 2 with the same page as page 1"},
		{name: "a port without a uuid", next: func(o int) string { return fmt.Sprintf("%s?offset=%d&limit=2", PortsPath, o+2) }, broken: 3,
			wantPorts: 4, wantReqs: 3, wantErr: "1 of 5 ports could not be read: port without a uuid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != PortsPath {
					w.Write([]byte(`{"data":[]}`))
					return
				}
				off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				var items []string
				for i := off; i < min(off+2, 5); i++ {
					if i == tt.broken {
						items = append(items, `{"name":"no uuid"}`)
					} else {
						items = append(items, port(i))
					}
				}
				next := ""
				if off+2 < 5 {
					next = fmt.Sprintf(`,"next":%q`, tt.next(off))
				}
				fmt.Fprintf(w, `{"pagination":{"offset":%d,"limit":2,"total":5%s},"data":[%s]}`, off, next, strings.Join(items, ","))
			})
			counter := &hostile.Counter{H: h}
			srv := httptest.NewServer(counter)
			t.Cleanup(srv.Close)
			c, err := NewClient(srv.URL, httpx.WithRetry(noSleepRetry()), httpx.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			if err != nil {
				t.Fatal(err)
			}
			ports, err := c.ListPorts(context.Background())
			if len(ports) != tt.wantPorts || counter.N() != tt.wantReqs {
				t.Fatalf("%d ports after %d requests (%v), want %d after %d", len(ports), counter.N(), err, tt.wantPorts, tt.wantReqs)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Fatalf("log %q lacks %q", log.String(), tt.wantLog)
			}
		})
	}
}
