package packet

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

// A hostile Packet: one project whose device listing (paged) or BGP
// session list (not paged) is rewritten the way a broken or malicious
// proxy would. Devices and sessions are written by hand from the API
// reference's shape.

const (
	hostileProject = "p1"
	devicesPath    = "/projects/" + hostileProject + "/devices"
	sessionsPath   = "/projects/" + hostileProject + "/bgp/sessions"
)

func hostileDevice(i int) string {
	return fmt.Sprintf(`{"id":"d%06d","hostname":"host-%d","state":"active","project":{"href":"/projects/%s"}}`, i, i, hostileProject)
}

func devicesJSON(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(hostileDevice(i))
	}
	return b.String()
}

// Built once, so the server's writes do not count in the client's
// allocations.
var (
	millionDevices = []byte(`{"devices":[` + string(hostile.EmptyObjects(1_000_000)) + `],"meta":{"total":1000000,"last_page":1}}`)
	// One more than the default max_items: the bound applies to an
	// answer that is not paged too.
	millionSessions = []byte(`{"bgp_sessions":[` + string(hostile.EmptyObjects(1_000_001)) + `]}`)
)

// hostilePacket serves mode on the project's devices or sessions; the
// rest of the project is honest and empty.
func hostilePacket(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		per, _ := strconv.Atoi(q.Get("per_page"))
		from := (page - 1) * per
		meta := func(extra string) string {
			return fmt.Sprintf(`{"self":{"href":"%s?page=%d"}%s}`, devicesPath, page, extra)
		}
		next := func(p int) string {
			return fmt.Sprintf(`,"next":{"href":"%s?page=%d&per_page=%d"}`, devicesPath, p, per)
		}
		switch r.URL.Path {
		case "/projects/" + hostileProject:
			w.Write([]byte(`{"id":"p1","name":"hostile"}`))
			return
		case "/projects/" + hostileProject + "/bgp-config":
			w.Write([]byte(`{"id":"bc1","status":"enabled","asn":65000}`))
			return
		case sessionsPath:
			switch mode {
			case "sessions: 1M {}":
				w.Write(millionSessions)
			case "sessions: wrong types in every field":
				w.Write([]byte(`{"bgp_sessions":[{"id":5,"status":["up"],"device":"x"},"x",null]}`))
			case "sessions: one wrong field":
				w.Write([]byte(`{"bgp_sessions":[{"id":"s1","status":"up","address_family":7,"device":{"href":"/devices/d000001"}},{"id":"s2","status":"up"}]}`))
			case "sessions: endless body":
				hostile.Endless(w, `{"bgp_sessions":[{"status":"`)
			default:
				w.Write([]byte(`{"bgp_sessions":[]}`))
			}
			return
		case devicesPath:
		case "/facilities":
			w.Write([]byte(`{"facilities":[]}`))
			return
		default:
			// virtual networks, hardware reservations, IPs: empty
			key := map[string]string{"virtual-networks": "virtual_networks", "hardware-reservations": "hardware_reservations", "ips": "ip_addresses"}
			k := key[r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]]
			if k == "" {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"errors":["Not found"]}`))
				return
			}
			fmt.Fprintf(w, `{%q:[],"meta":{"total":0}}`, k)
			return
		}
		switch mode {
		case "one page of 1M {}":
			w.Write(millionDevices)
		case "page number ignored, last known":
			fmt.Fprintf(w, `{"devices":[%s],"meta":%s}`, devicesJSON(0, per), meta(`,"total":500000,"last_page":5000`))
		case "next to itself, no page count":
			fmt.Fprintf(w, `{"devices":[%s],"meta":%s}`, devicesJSON(0, per), meta(next(1)))
		case "huge total, empty later pages":
			items := ""
			if page == 1 {
				items = devicesJSON(0, per)
			}
			fmt.Fprintf(w, `{"devices":[%s],"meta":%s}`, items, meta(`,"total":9999999`+next(page+1)))
		case "huge last_page, empty later pages":
			items := ""
			if page == 1 {
				items = devicesJSON(0, per)
			}
			fmt.Fprintf(w, `{"devices":[%s],"meta":%s}`, items, meta(`,"last_page":1073741824`+next(page+1)))
		case "wrong types in every field":
			w.Write([]byte(`{"devices":[{"id":1,"hostname":{},"state":[]},{"id":false},7],"meta":{"total":"x","last_page":[]}}`))
		case "one wrong field":
			// Kept, marked: the operator sees a broken row, not a gap.
			w.Write([]byte(`{"devices":[{"id":"d1","hostname":"h1","state":"active","plan":7},{"id":"d2","hostname":"h2","state":"active"}],"meta":{"total":2}}`))
		case "some without id":
			// 250 devices; three of them cannot be identified.
			broken := map[int]string{50: `{"hostname":"a"}`, 120: `{"id":""}`, 200: `{"id":9}`}
			var items []string
			for i := from; i < min(from+per, 250); i++ {
				if b, ok := broken[i]; ok {
					items = append(items, b)
				} else {
					items = append(items, hostileDevice(i))
				}
			}
			fmt.Fprintf(w, `{"devices":[%s],"meta":{"total":250}}`, strings.Join(items, ","))
		case "endless body":
			hostile.Endless(w, `{"devices":[{"hostname":"`)
		case "deep nesting":
			w.Write(hostile.Deep(100_000))
		case "deep nesting in the list":
			w.Write(append([]byte(`{"devices":`), hostile.Deep(100_000)...))
		default:
			w.Write([]byte(`{"devices":[],"meta":{"total":0}}`))
		}
	}
}

func hostileProvider(t *testing.T, h http.Handler, opts ...Option) (*Provider, *hostile.Counter, *hostile.Counter) {
	t.Helper()
	devices := &hostile.Counter{H: h}
	sessions := &hostile.Counter{H: h}
	mux := http.NewServeMux()
	mux.Handle(devicesPath, devices)
	mux.Handle(sessionsPath, sessions)
	mux.Handle("/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	all := append([]Option{httpx.WithRetry(noSleepRetry()), WithProjectID(hostileProject)}, opts...)
	p, err := New("pkt", srv.URL, "hostile-test-token", all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, devices, sessions
}

// servers counts the inventory's servers and checks each has an id.
func servers(t *testing.T, ns []model.Node) (n int) {
	t.Helper()
	walk(ns, func(x model.Node, _ int) {
		if x.Kind == "server" {
			n++
			if x.Ref.ID == "" {
				t.Fatalf("a server without an id: %+v", x)
			}
		}
	})
	return n
}

func TestHostileDeviceListing(t *testing.T) {
	tests := []struct {
		mode       string
		wantRows   int
		maxLists   int      // requests at the device listing
		incomplete bool     // data with a *model.Incomplete; else an error without data (or none)
		wantErr    []string // nil: no error at all
		wantIs     error
	}{
		{mode: "one page of 1M {}", maxLists: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"pkt: none of 100 devices could be read: device without an id", "more than the 100 devices asked for in one page"}},
		{mode: "page number ignored, last known", wantRows: 100, maxLists: 2 + 2*DefaultConcurrency, incomplete: true, wantIs: model.ErrBadResponse,
			wantErr: []string{"pkt: devices truncated at 100 items: the server answered page", "with the same page as page 1"}},
		{mode: "next to itself, no page count", wantRows: 100, maxLists: 2, incomplete: true, wantIs: model.ErrBadResponse,
			wantErr: []string{"the server answered page 2 with the same page as page 1"}},
		{mode: "huge total, empty later pages", wantRows: 100, maxLists: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 100000 pages, more than this listing reads; its pages ended after 100"}},
		{mode: "huge last_page, empty later pages", wantRows: 100, maxLists: 2, incomplete: true, wantIs: model.ErrTooLarge,
			wantErr: []string{"the server reports 1073741824 pages, more than this listing reads; its pages ended after 100"}},
		{mode: "wrong types in every field", maxLists: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 3 devices could be read: device without an id (field id: got JSON number, want string)"}},
		{mode: "one wrong field", wantRows: 2, maxLists: 1},
		{mode: "some without id", wantRows: 247, maxLists: 3, incomplete: true,
			wantErr: []string{"pkt: 3 of 250 devices could not be read: device without an id"}},
		{mode: "endless body", maxLists: 1, wantIs: model.ErrTooLarge, wantErr: []string{"longer than"}},
		{mode: "deep nesting", maxLists: 1, wantIs: model.ErrBadResponse, wantErr: []string{"expected an object, got an array"}},
		{mode: "deep nesting in the list", maxLists: 1, wantIs: model.ErrBadResponse, wantErr: []string{"exceeded max depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, devices, _ := hostileProvider(t, hostilePacket(tt.mode))
			nodes, err := p.Inventory(context.Background(), nil)
			n := servers(t, nodes)
			t.Logf("%d servers, %d device listing requests: %v", n, devices.N(), err)
			if n != tt.wantRows {
				t.Errorf("%d servers, want %d", n, tt.wantRows)
			}
			if devices.N() > tt.maxLists {
				t.Errorf("%d device listing requests at the server, want at most %d", devices.N(), tt.maxLists)
			}
			checkHostileErr(t, err, tt.incomplete, tt.wantErr, tt.wantIs)
		})
	}
	t.Run("a wrong field marks the row", func(t *testing.T) {
		p, _, _ := hostileProvider(t, hostilePacket("one wrong field"))
		nodes, err := p.Inventory(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := findNode(nodes, func(n model.Node) bool { return n.Kind == "server" && n.Ref.ID == "d1" })
		if !ok || !strings.Contains(n.Label, "(undecodable)") {
			t.Fatalf("the broken device is not marked: %+v", n)
		}
	})
}

// The BGP session list is one answer (not paged): bounded by max_items,
// and its losses fail or mark the Connections listing like a page's.
func TestHostileSessionList(t *testing.T) {
	tests := []struct {
		mode       string
		opts       []Option
		wantRows   int
		incomplete bool
		wantErr    []string
		wantIs     error
	}{
		{mode: "sessions: 1M {}", wantIs: model.ErrBadResponse,
			wantErr: []string{"pkt: none of 1000000 bgp sessions could be read: BGP session without an id", "the server sent more than max_items (1000000) in one answer"}},
		{mode: "sessions: 1M {}", opts: []Option{httpx.WithBounds(httpx.Bounds{MaxItems: 1000})}, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 1000 bgp sessions could be read", "the server sent more than max_items (1000) in one answer"}},
		{mode: "sessions: wrong types in every field", wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 3 bgp sessions could be read"}},
		{mode: "sessions: one wrong field", wantRows: 2},
		{mode: "sessions: endless body", wantIs: model.ErrTooLarge, wantErr: []string{"longer than"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, _, sessions := hostileProvider(t, hostilePacket(tt.mode), tt.opts...)
			rows, err := p.Connections(context.Background(), nil)
			t.Logf("%d rows, %d session requests: %v", len(rows), sessions.N(), err)
			if len(rows) != tt.wantRows || sessions.N() != 1 {
				t.Errorf("%d rows after %d session requests, want %d after 1", len(rows), sessions.N(), tt.wantRows)
			}
			checkHostileErr(t, err, tt.incomplete, tt.wantErr, tt.wantIs)
		})
	}
}

func checkHostileErr(t *testing.T, err error, incomplete bool, wantErr []string, wantIs error) {
	t.Helper()
	if wantErr == nil {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if err == nil {
		t.Fatal("no error: the loss is silent")
	}
	var in *model.Incomplete
	if errors.As(err, &in) != incomplete {
		t.Errorf("error %v: Incomplete = %v, want %v", err, errors.As(err, &in), incomplete)
	}
	for _, s := range wantErr {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q\nlacks %q", err, s)
		}
	}
	if wantIs != nil && !errors.Is(err, wantIs) {
		t.Errorf("error %v is not %v", err, wantIs)
	}
}

// max_items from the config (httpx.WithBounds) cuts an honest, big
// listing: the first max_items servers, and a warning.
func TestHostileDeviceListingMaxItems(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != devicesPath {
			hostilePacket("")(w, r)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		from := (page - 1) * per
		fmt.Fprintf(w, `{"devices":[%s],"meta":{"total":5000}}`, devicesJSON(from, min(from+per, 5000)))
	})
	p, devices, _ := hostileProvider(t, h, httpx.WithBounds(httpx.Bounds{MaxItems: 250}))
	nodes, err := p.Inventory(context.Background(), nil)
	var in *model.Incomplete
	if n := servers(t, nodes); !errors.As(err, &in) || !in.Truncated || n != 250 || devices.N() > 3 ||
		!strings.Contains(err.Error(), "the server reports 50 pages, more than this listing reads") {
		t.Fatalf("%d servers after %d device listing requests: %v", n, devices.N(), err)
	}
}

// TestHostileListingMemory: a page of a million empty objects costs what
// the hundred devices asked for cost, not what the answer weighs.
func TestHostileListingMemory(t *testing.T) {
	p, devices, _ := hostileProvider(t, hostilePacket("one page of 1M {}"))
	p.Inventory(context.Background(), nil) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		p.forget() // a fresh load each time
		p.Inventory(context.Background(), nil)
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("Inventory against a 1M-item page: %d KiB allocated per load, %d device listing requests", perRun>>10, devices.N())
	if devices.N() != 1+runs {
		t.Fatalf("%d device listing requests: the loads were not fresh", devices.N())
	}
	if perRun > 1<<20 {
		t.Fatalf("%d bytes allocated per load", perRun)
	}
}

// TestHostileListingPeakRSS measures real processes: each mode in a
// child process, its VmHWM.
func TestHostileListingPeakRSS(t *testing.T) {
	for _, mode := range []string{"one page of 1M {}", "sessions: 1M {}", "endless body"} {
		t.Run(mode, func(t *testing.T) {
			res, hwm := hostile.InChild(t, t.Name(), func() string {
				p, devices, sessions := hostileProvider(t, hostilePacket(mode))
				rows, err := p.Connections(context.Background(), nil)
				return fmt.Sprintf("rows=%d device-listings=%d session-lists=%d err=%v", len(rows), devices.N(), sessions.N(), err)
			})
			t.Logf("peak RSS %d MiB: %s", hwm, res)
			if hwm > 500 || !strings.Contains(res, "rows=0 device-listings=1 ") {
				t.Fatalf("peak RSS %d MiB: %s", hwm, res)
			}
		})
	}
}

// listing_timeout (httpx.WithBounds Deadline) bounds the whole listing: a
// server that answers every page slowly, and never says how many there
// are, is cut off at the deadline with what it sent.
func TestHostileListingDeadline(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != devicesPath {
			hostilePacket("")(w, r)
			return
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		select {
		case <-time.After(150 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, `{"devices":[%s]}`, hostileDevice(page))
	})
	p, devices, _ := hostileProvider(t, h, WithPageSize(1), httpx.WithBounds(httpx.Bounds{Deadline: time.Second}))
	start := time.Now()
	nodes, err := p.Inventory(context.Background(), nil)
	took := time.Since(start)
	var in *model.Incomplete
	if n := servers(t, nodes); !errors.As(err, &in) || !errors.Is(err, context.DeadlineExceeded) || n < 3 || devices.N() > 8 || took > 3*time.Second ||
		!strings.Contains(err.Error(), "the listing took longer than 1s") {
		t.Fatalf("%d servers after %d device listing requests in %s: %v", n, devices.N(), took, err)
	}
}
