package metal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/internal/hostile"
)

// A hostile Metal: an organization's interconnection listing rewritten the
// way a broken or malicious proxy would. Interconnections are written by
// hand from the spec's shape; each embeds its port (with an id), so only
// the listing and the circuits are read.

const hostileOrg = "0000000a-0000-4000-8000-00000000000a"

func hostileUUID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

func hostileIC(i int) string {
	return fmt.Sprintf(`{"id":"%s","name":"ic %d","type":"dedicated","status":"active","speed":10000000000,`+
		`"ports":[{"id":"%s","role":"primary","status":"active","name":"p %d"}]}`, hostileUUID(i), i, hostileUUID(1_000_000+i), i)
}

func icsJSON(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(hostileIC(i))
	}
	return b.String()
}

var (
	listingPath = "/metal/v1/organizations/" + hostileOrg + "/connections"
	// Built once, so the server's writes do not count in the client's
	// allocations.
	millionEmptyPage     = []byte(`{"interconnections":[` + string(hostile.EmptyObjects(1_000_000)) + `],"meta":{"total":1000000,"last_page":1}}`)
	millionEmptyCircuits = []byte(`{"virtual_circuits":[` + string(hostile.EmptyObjects(1_000_000)) + `]}`)
)

// hostileMetal serves mode on the organization's interconnection listing;
// organizations, projects and every interconnection's circuits are empty
// lists (or, in "circuits 1M {}", a million empty objects).
func hostileMetal(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/metal/v1/organizations":
			w.Write([]byte(`{"organizations":[],"meta":{"total":0}}`))
			return
		case r.URL.Path == "/metal/v1/projects":
			w.Write([]byte(`{"projects":[],"meta":{"total":0}}`))
			return
		case strings.HasSuffix(r.URL.Path, "/virtual-circuits"):
			if mode == "circuits 1M {}" {
				w.Write(millionEmptyCircuits)
				return
			}
			w.Write([]byte(`{"virtual_circuits":[]}`))
			return
		case r.URL.Path != listingPath:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"errors":["Not found"]}`))
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		link := func(p int) string {
			return fmt.Sprintf(`{"href":"%s?page=%d&per_page=%d"}`, listingPath, p, per)
		}
		from := (page - 1) * per
		switch mode {
		case "one page of 1M {}":
			w.Write(millionEmptyPage)
		case "next to itself":
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"next":%s}}`, icsJSON(0, per), link(1))
		case "page number ignored":
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"next":%s}}`, icsJSON(0, per), link(page+1))
		case "huge total, empty later pages":
			items := ""
			if page == 1 {
				items = icsJSON(0, per)
			}
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"total":9999999,"next":%s}}`, items, link(page+1))
		case "huge last_page, empty later pages":
			items := ""
			if page == 1 {
				items = icsJSON(0, per)
			}
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"last_page":1073741824,"next":%s}}`, items, link(page+1))
		case "wrong types in every field":
			w.Write([]byte(`{"interconnections":[{"id":1,"name":{},"status":[],"speed":"x","ports":7},{"id":false},7],` +
				`"meta":{"total":"x","next":5,"last_page":[]}}`))
		case "some without id":
			// 250 interconnections; three of them cannot be identified.
			broken := map[int]string{50: `{"name":"a"}`, 120: `{"id":"not-a-uuid"}`, 200: `{"id":9}`}
			var items []string
			for i := from; i < min(from+per, 250); i++ {
				if b, ok := broken[i]; ok {
					items = append(items, b)
				} else {
					items = append(items, hostileIC(i))
				}
			}
			next := "null"
			if from+per < 250 {
				next = link(page + 1)
			}
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"total":250,"next":%s}}`, strings.Join(items, ","), next)
		case "circuits 1M {}":
			fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"total":3}}`, icsJSON(0, 3))
		case "endless body":
			hostile.Endless(w, `{"interconnections":[{"name":"`)
		case "deep nesting":
			w.Write(hostile.Deep(100_000))
		case "deep nesting in the list":
			w.Write(append([]byte(`{"interconnections":`), hostile.Deep(100_000)...))
		default:
			panic("unknown mode " + mode)
		}
	}
}

func hostileProvider(t *testing.T, h http.Handler, opts ...Option) (*Provider, *hostile.Counter) {
	t.Helper()
	counter := &hostile.Counter{H: h}
	mux := http.NewServeMux()
	mux.Handle(listingPath, counter)
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	all := append([]Option{httpx.WithRetry(noSleepRetry()), WithOrganization(hostileOrg)}, opts...)
	p, err := New("mtl", srv.URL+"/metal/v1", "hostile-test-token", all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, counter
}

func TestHostileInterconnectionListing(t *testing.T) {
	tests := []struct {
		mode        string
		wantRows    int
		maxListings int      // requests at the listing
		incomplete  bool     // data with a *model.Incomplete; else an error without data (or none)
		wantErr     []string // nil: no error at all
		wantIs      error
	}{
		{mode: "one page of 1M {}", maxListings: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"mtl: none of 100 interconnections could be read: interconnection without an id", "more than the 100 interconnections asked for in one page"}},
		{mode: "next to itself", wantRows: 100, maxListings: 1, incomplete: true, wantIs: model.ErrBadResponse,
			wantErr: []string{"mtl: interconnections truncated at 100 items: the server's next link at page 1 points back to page 1"}},
		{mode: "page number ignored", wantRows: 100, maxListings: 2, incomplete: true, wantIs: model.ErrBadResponse,
			wantErr: []string{"the server answered page 2 with the same page as page 1"}},
		{mode: "huge total, empty later pages", wantRows: 100, maxListings: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 9999999 interconnections, more than max_items (1000000); its pages ended after 100"}},
		{mode: "huge last_page, empty later pages", wantRows: 100, maxListings: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 1073741824 pages, more than this listing reads; its pages ended after 100"}},
		{mode: "wrong types in every field", maxListings: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 3 interconnections could be read: interconnection not readable (field id: got JSON number, want string)"}},
		{mode: "some without id", wantRows: 247, maxListings: 3, incomplete: true,
			wantErr: []string{"mtl: 3 of 250 interconnections could not be read: interconnection without an id"}},
		{mode: "circuits 1M {}", maxListings: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 1000000 virtual circuits could be read: virtual circuit without an id"}},
		{mode: "endless body", maxListings: 1, wantIs: model.ErrTooLarge, wantErr: []string{"longer than"}},
		{mode: "deep nesting", maxListings: 1, wantIs: model.ErrBadResponse, wantErr: []string{"expected an object, got an array"}},
		{mode: "deep nesting in the list", maxListings: 1, wantIs: model.ErrBadResponse, wantErr: []string{"exceeded max depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, counter := hostileProvider(t, hostileMetal(tt.mode))
			rows, err := p.Connections(context.Background(), nil)
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			if counter.N() > tt.maxListings {
				t.Errorf("%d listing requests at the server, want at most %d", counter.N(), tt.maxListings)
			}
			t.Logf("%d rows, %d listing requests: %v", len(rows), counter.N(), err)
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

// max_items from the config (httpx.WithBounds) cuts an honest, big
// listing: the first max_items rows, and a warning.
func TestHostileListingMaxItems(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != listingPath {
			hostileMetal("")(w, r)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		from := (page - 1) * per
		fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"total":5000,"next":{"href":"%s?page=%d&per_page=%d"}}}`,
			icsJSON(from, min(from+per, 5000)), listingPath, page+1, per)
	})
	p, counter := hostileProvider(t, h, httpx.WithBounds(httpx.Bounds{MaxItems: 250}))
	rows, err := p.Connections(context.Background(), nil)
	var in *model.Incomplete
	if !errors.As(err, &in) || !in.Truncated || len(rows) != 250 || counter.N() > 3 ||
		!strings.Contains(err.Error(), "the server reports 5000 interconnections, more than max_items (250)") {
		t.Fatalf("%d rows after %d listing requests: %v", len(rows), counter.N(), err)
	}
}

// TestHostileListingMemory: a page of a million empty objects costs what
// the hundred interconnections asked for cost, not what the answer weighs.
func TestHostileListingMemory(t *testing.T) {
	p, counter := hostileProvider(t, hostileMetal("one page of 1M {}"))
	p.Connections(context.Background(), nil) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		p.Connections(context.Background(), nil)
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("Connections against a 1M-item page: %d KiB allocated per listing, %d listing requests", perRun>>10, counter.N())
	if perRun > 1<<20 {
		t.Fatalf("%d bytes allocated per listing", perRun)
	}
}

// TestHostileListingPeakRSS measures real processes: each mode in a
// child process, its VmHWM.
func TestHostileListingPeakRSS(t *testing.T) {
	for _, mode := range []string{"one page of 1M {}", "circuits 1M {}", "endless body"} {
		t.Run(mode, func(t *testing.T) {
			name := t.Name()
			res, hwm := hostile.InChild(t, name, func() string {
				p, counter := hostileProvider(t, hostileMetal(mode))
				rows, err := p.Connections(context.Background(), nil)
				return fmt.Sprintf("rows=%d listings=%d err=%v", len(rows), counter.N(), err)
			})
			t.Logf("peak RSS %d MiB: %s", hwm, res)
			if hwm > 500 || !strings.Contains(res, "rows=0 listings=1 ") {
				t.Fatalf("peak RSS %d MiB: %s", hwm, res)
			}
		})
	}
}

// listing_timeout (httpx.WithBounds Deadline) bounds the whole listing: a
// server that answers every page slowly, with a next link every time, is
// cut off at the deadline with what it sent.
func TestHostileListingDeadline(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != listingPath {
			hostileMetal("")(w, r)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		select {
		case <-time.After(150 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, `{"interconnections":[%s],"meta":{"next":{"href":"%s?page=%d&per_page=1"}}}`, hostileIC(page), listingPath, page+1)
	})
	p, counter := hostileProvider(t, h, WithPerPage(1), httpx.WithBounds(httpx.Bounds{Deadline: time.Second}))
	start := time.Now()
	rows, err := p.Connections(context.Background(), nil)
	took := time.Since(start)
	var in *model.Incomplete
	if !errors.As(err, &in) || !errors.Is(err, context.DeadlineExceeded) || len(rows) < 3 || counter.N() > 8 || took > 3*time.Second ||
		!strings.Contains(err.Error(), "the listing took longer than 1s") {
		t.Fatalf("%d rows after %d listing requests in %s: %v", len(rows), counter.N(), took, err)
	}
}
