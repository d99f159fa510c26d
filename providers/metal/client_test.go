package metal

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Fixtures here are written by hand from metal-v1.bundled.yaml (schemas
// Interconnection, InterconnectionPort, VlanVirtualCircuit,
// VrfVirtualCircuit, Meta, Error), not taken from the simulator.

const testToken = "metal-test-token-5f1c"

// fixture is an httptest server answering by "METHOD path?query" (the
// query as sent; "" matches any) and counting requests.
type fixture struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	calls []string
	route func(w http.ResponseWriter, r *http.Request)
}

func newFixture(t *testing.T, route func(w http.ResponseWriter, r *http.Request)) *fixture {
	f := &fixture{t: t, route: route}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.RequestURI())
		f.mu.Unlock()
		if got := r.Header.Get(AuthHeader); got != testToken {
			t.Errorf("%s %s: X-Auth-Token %q", r.Method, r.URL, got)
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("Authorization header sent besides X-Auth-Token")
		}
		w.Header().Set("Content-Type", "application/json")
		route(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fixture) client(opts ...Option) *Client {
	f.t.Helper()
	all := append([]Option{WithToken(testToken), httpx.WithRetry(noSleepRetry()), httpx.WithHTTPClient(f.srv.Client())}, opts...)
	c, err := NewClient(f.srv.URL+"/metal/v1", all...)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func project(i int) string {
	return fmt.Sprintf(`{"id":"%08d-0000-4000-8000-000000000000","name":"p%d"}`, i, i)
}

func projectsPage(ids []int, meta string) string {
	var items []string
	for _, i := range ids {
		items = append(items, project(i))
	}
	return `{"projects":[` + strings.Join(items, ",") + `],"meta":` + meta + `}`
}

func TestPaging(t *testing.T) {
	type page struct{ body string }
	type tc struct {
		name      string
		pages     func(host string) map[string]string // query "page=N" -> body
		opts      []Option
		wantN     int
		wantCalls int
		wantErr   error
		errText   string
	}
	cases := []tc{
		{name: "relative next links, to the last page",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2&per_page=2"},"total":5,"last_page":3,"current_page":1}`),
					"2": projectsPage([]int{3, 4}, `{"next":{"href":"/metal/v1/projects?page=3&per_page=2"},"total":5,"last_page":3,"current_page":2}`),
					"3": projectsPage([]int{5}, `{"total":5,"last_page":3,"current_page":3}`),
				}
			}, wantN: 5, wantCalls: 3},
		{name: "absolute next on the API's origin",
			pages: func(host string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"`+host+`/metal/v1/projects?page=2&per_page=2"},"total":3}`),
					"2": projectsPage([]int{3}, `{"total":3}`),
				}
			}, wantN: 3, wantCalls: 2},
		{name: "next relative to the API root",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/projects?page=2"},"total":3}`),
					"2": projectsPage([]int{3}, `{"total":3}`),
				}
			}, wantN: 3, wantCalls: 2},
		{name: "next to another host is refused",
			pages: func(string) map[string]string {
				return map[string]string{"1": projectsPage([]int{1, 2}, `{"next":{"href":"https://evil.example/metal/v1/projects?page=2"},"total":9}`)}
			}, wantCalls: 1, wantErr: model.ErrBadResponse, errText: "another origin"},
		{name: "next to another scheme on the same host is refused",
			pages: func(host string) map[string]string {
				return map[string]string{"1": projectsPage([]int{1, 2}, `{"next":{"href":"`+strings.Replace(host, "http://", "https://", 1)+`/metal/v1/projects?page=2"},"total":9}`)}
			}, wantCalls: 1, wantErr: model.ErrBadResponse, errText: "another origin"},
		{name: "next leaving the collection is refused",
			pages: func(string) map[string]string {
				return map[string]string{"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/organizations?page=2"},"total":9}`)}
			}, wantCalls: 1, wantErr: model.ErrBadResponse, errText: "leaves the collection"},
		{name: "a total smaller than the items: no more pages than it says",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"},"total":2}`),
					"2": projectsPage([]int{3, 4}, `{"total":2}`),
				}
			}, wantN: 2, wantCalls: 1},
		{name: "last_page 2 while next keeps coming",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"},"last_page":2}`),
					"2": projectsPage([]int{3, 4}, `{"next":{"href":"/metal/v1/projects?page=3"},"last_page":2}`),
					"3": projectsPage([]int{5, 6}, `{"next":{"href":"/metal/v1/projects?page=4"},"last_page":2}`),
				}
			}, wantN: 4, wantCalls: 2},
		{name: "a total larger than what comes: the missing next ends it",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"},"total":50}`),
					"2": projectsPage([]int{3}, `{"total":50}`),
				}
			}, wantN: 3, wantCalls: 2, wantErr: model.ErrBadResponse, errText: "projects truncated at 3 items: the server reports 50 projects but its pages ended after 3"},
		{name: "an empty page ends it",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"}}`),
					"2": projectsPage(nil, `{"next":{"href":"/metal/v1/projects?page=3"}}`),
					"3": projectsPage([]int{9}, `{}`),
				}
			}, wantN: 2, wantCalls: 2},
		{name: "next pointing back at a page already read",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"}}`),
					"2": projectsPage([]int{3, 4}, `{"next":{"href":"/metal/v1/projects?per_page=100&page=1"}}`),
				}
			}, wantN: 4, wantCalls: 2, wantErr: model.ErrBadResponse, errText: "next link at page 2 points back to page 1"},
		{name: "endless next links hit the page cap",
			pages: func(string) map[string]string {
				m := map[string]string{}
				for i := 1; i <= 10; i++ {
					m[fmt.Sprint(i)] = projectsPage([]int{i}, fmt.Sprintf(`{"next":{"href":"/metal/v1/projects?page=%d"}}`, i+1))
				}
				return m
			}, opts: []Option{httpx.WithBounds(httpx.Bounds{MaxPages: 4})}, wantN: 4, wantCalls: 4, wantErr: model.ErrTooLarge, errText: "stopped after 4 pages"},
		{name: "a per_page cap: the page count follows the served size",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2&per_page=2"},"total":5}`),
					"2": projectsPage([]int{3, 4}, `{"next":{"href":"/metal/v1/projects?page=3&per_page=2"},"total":5}`),
					"3": projectsPage([]int{5}, `{"next":{"href":"/metal/v1/projects?page=4&per_page=2"},"total":5}`),
					"4": projectsPage([]int{6}, `{"total":5}`),
				}
			}, wantN: 5, wantCalls: 3},
		{name: "the item cap",
			pages: func(string) map[string]string {
				return map[string]string{
					"1": projectsPage([]int{1, 2}, `{"next":{"href":"/metal/v1/projects?page=2"}}`),
					"2": projectsPage([]int{3, 4}, `{}`),
				}
			}, opts: []Option{httpx.WithBounds(httpx.Bounds{MaxItems: 3})}, wantN: 3, wantCalls: 2, wantErr: model.ErrTooLarge, errText: "more than max_items (3)"},
		{name: "no meta: one page",
			pages: func(string) map[string]string {
				return map[string]string{"1": `{"projects":[` + project(1) + `]}`}
			}, wantN: 1, wantCalls: 1},
		{name: "a page that is not JSON",
			pages: func(string) map[string]string { return map[string]string{"1": `{"projects":[{"id":`} },
			// The body arrived whole and is not JSON: not asked again.
			wantCalls: 1, wantErr: model.ErrBadResponse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var pages map[string]string
			var other atomic.Int64
			evil := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { other.Add(1) }))
			defer evil.Close()
			f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/metal/v1/projects" {
					t.Errorf("request to %s", r.URL.Path)
				}
				body, ok := pages[r.URL.Query().Get("page")]
				if !ok {
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write([]byte(`{"errors":["Not found"]}`))
					return
				}
				_, _ = w.Write([]byte(body))
			})
			pages = c.pages(f.srv.URL)
			var logs bytes.Buffer
			opts := append([]Option{httpx.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}, c.opts...)
			got, err := f.client(opts...).ListProjects(ctxT(t))
			calls := f.Calls()
			if len(calls) != c.wantCalls {
				t.Errorf("%d requests, want %d: %v", len(calls), c.wantCalls, calls)
			}
			if !strings.Contains(calls[0], "page=1") || !strings.Contains(calls[0], "per_page=100") {
				t.Errorf("first request %s", calls[0])
			}
			if other.Load() != 0 {
				t.Errorf("the other host was contacted")
			}
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.errText) {
					t.Fatalf("err %v, want %v containing %q", err, c.wantErr, c.errText)
				}
				// A listing cut short keeps what it read (*model.Incomplete).
				var in *model.Incomplete
				if errors.As(err, &in) != (c.wantN > 0) || len(got) != c.wantN {
					t.Fatalf("%d items with %T %v, want %d", len(got), err, err, c.wantN)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.wantN {
				t.Fatalf("%d items, want %d", len(got), c.wantN)
			}
		})
	}
}

const fixtureConn = `{
  "id": "` + uuidA + `",
  "name": "da-core-1",
  "description": "to the core",
  "type": "dedicated",
  "mode": "standard",
  "redundancy": "redundant",
  "status": "active",
  "speed": 10000000000,
  "metro": {"id": "` + uuidD + `", "code": "da", "name": "Dallas", "country": "US"},
  "organization": {"href": "/metal/v1/organizations/` + uuidC + `"},
  "ports": [
    {"id": "` + uuidB + `", "role": "primary", "status": "active", "speed": 10000000000, "name": "da-pri", "link_status": "up",
     "virtual_circuits": [{"id": "` + uuidC + `"}]},
    {"id": "` + uuidD + `", "role": "secondary", "status": "active", "speed": 10000000000, "name": "da-sec"}
  ],
  "created_at": "2025-01-02T03:04:05Z",
  "updated_at": "2025-02-03T04:05:06Z"
}`

func TestErrorsAreTypedAndReadable(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     string
		ctype    string
		sentinel error
		message  string
		details  []string
	}{
		{"401 error form", 401, `{"error":"Invalid authentication token"}`, "", model.ErrUnauthorized, "Invalid authentication token", []string{"token_env"}},
		{"403 errors form", 403, `{"errors":["You are not authorized to view this project"]}`, "", model.ErrForbidden, "You are not authorized to view this project", []string{"owner or admin"}},
		{"404", 404, `{"errors":["Not found"]}`, "", model.ErrNotFound, "Not found", []string{"refresh the list"}},
		{"422 with two messages", 422, `{"errors":["nni_vlan must be between 2 and 4094","project_id is required"]}`, "", nil,
			"nni_vlan must be between 2 and 4094", []string{"project_id is required", "nothing was changed"}},
		{"errors as a string", 422, `{"errors":"name can't be blank"}`, "", nil, "name can't be blank", nil},
		{"both forms", 400, `{"error":"bad request","errors":["speed is invalid"]}`, "", nil, "speed is invalid", []string{"bad request"}},
		{"an HTML error page", 502, `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`, "text/html", nil, "502 Bad Gateway", []string{"Equinix Metal-side"}},
		{"an empty body", 500, ``, "", nil, "Internal Server Error", []string{"Equinix Metal-side"}},
		{"control characters", 422, "{\"errors\":[\"bad \\u001b[31mname\"]}", "", nil, "bad ␛[31mname", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
				if c.ctype != "" {
					w.Header().Set("Content-Type", c.ctype)
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			_, err := f.client(httpx.WithRetry(noSleepRetry())).GetInterconnection(ctxT(t), uuidA)
			var ae *model.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err %T %v, want *model.APIError", err, err)
			}
			if ae.Status != c.status || ae.Method != "GET" || ae.Path != "/connections/"+uuidA || ae.Provider != Kind {
				t.Errorf("status %d method %s path %s provider %s", ae.Status, ae.Method, ae.Path, ae.Provider)
			}
			if c.sentinel != nil && !errors.Is(err, c.sentinel) {
				t.Errorf("errors.Is(%v) false", c.sentinel)
			}
			if ae.Message != c.message {
				t.Errorf("message %q, want %q", ae.Message, c.message)
			}
			for _, d := range c.details {
				if !strings.Contains(ae.Details, d) {
					t.Errorf("details %q lack %q", ae.Details, d)
				}
			}
		})
	}
}

func TestTokenNeverLeaksIntoErrors(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":["token ` + testToken + ` is not valid"]}`))
	})
	_, err := f.client().GetVirtualCircuit(ctxT(t), uuidA)
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("error leaks the token: %v", err)
	}
}

func TestReadsRetryMutationsNever(t *testing.T) {
	var n atomic.Int64
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":["try again"]}`))
			return
		}
		_, _ = w.Write([]byte(fixtureConn))
	})
	c := f.client()
	ic, err := c.GetInterconnection(ctxT(t), uuidA)
	if err != nil || ic.Name != "da-core-1" || len(f.Calls()) != 2 {
		t.Fatalf("GET: %v, %d calls", err, len(f.Calls()))
	}
	for _, send := range []func() error{
		func() error {
			_, _, err := c.UpdateVirtualCircuit(ctxT(t), uuidA, VirtualCircuitUpdateInput{Name: ptr("x")})
			return err
		},
		func() error { _, err := c.DeleteVirtualCircuit(ctxT(t), uuidA); return err },
		func() error { _, err := c.DeleteInterconnection(ctxT(t), uuidA); return err },
		func() error {
			_, err := c.CreateInterconnectionPortVirtualCircuit(ctxT(t), uuidA, uuidB, VlanVirtualCircuitCreateInput{ProjectID: uuidC, NNIVlan: 10})
			return err
		},
		func() error {
			_, err := c.CreateProjectInterconnection(ctxT(t), uuidC, InterconnectionCreateInput{Name: "x"})
			return err
		},
	} {
		before := len(f.Calls())
		if err := send(); !errors.Is(err, &model.APIError{Status: 503}) && err == nil {
			t.Fatal("no error")
		}
		if got := len(f.Calls()) - before; got != 1 {
			t.Fatalf("a mutation was sent %d times", got)
		}
	}
}

func TestInvalidIDsNeverReachThePath(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("request %s", r.URL) })
	c := f.client()
	for _, id := range []string{"", "../organizations", uuidA + "/../x", "not-a-uuid", uuidA + "?x=1", strings.ToUpper(uuidA) + " "} {
		if _, err := c.GetInterconnection(ctxT(t), id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%q: %v", id, err)
		}
		if _, err := c.ListInterconnectionPortEvents(ctxT(t), uuidA, id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("port %q: %v", id, err)
		}
	}
	if len(f.Calls()) != 0 {
		t.Fatal(f.Calls())
	}
}

func TestDecodingFixtures(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metal/v1/connections/" + uuidA:
			_, _ = w.Write([]byte(fixtureConn))
		case "/metal/v1/connections/" + uuidA + "/virtual-circuits":
			_, _ = w.Write([]byte(`{"virtual_circuits":[
			  {"id":"` + uuidC + `","type":"vlan","status":"waiting_on_customer_vlan","nni_vlan":1234,"speed":1000000000,
			   "port":{"href":"/metal/v1/connections/` + uuidA + `/ports/` + uuidB + `"},"project":{"href":"/metal/v1/projects/` + uuidD + `"}},
			  {"id":"` + uuidD + `","type":"vrf","status":"active","nni_vlan":1235,"peer_asn":65001,"subnet":"10.0.0.0/30",
			   "metal_ip":"10.0.0.1","customer_ip":"10.0.0.2","md5":"s3cretPassw0rd","vrf":{"href":"/metal/v1/vrfs/` + uuidB + `"}},
			  {"id":"` + uuidB + `","vrf":{"id":"` + uuidA + `"},"status":"active"},
			  {"id":"` + uuidA + `"},
			  null
			]}`))
		case "/metal/v1/virtual-circuits/" + uuidC:
			_, _ = w.Write([]byte(`{"id":"` + uuidC + `","type":"vlan","nni_vlan":"1234"}`))
		default:
			t.Errorf("unexpected %s", r.URL)
		}
	})
	c := f.client()
	ic, err := c.GetInterconnection(ctxT(t), uuidA)
	if err != nil {
		t.Fatal(err)
	}
	if orgID(ic.Organization) != uuidC || len(ic.Ports) != 2 || ic.Ports[0].VirtualCircuits[0].ID() != uuidC || !bytes.Contains(ic.Raw(), []byte(`"da-core-1"`)) {
		t.Fatalf("interconnection %+v", ic)
	}
	// The null item cannot be read: counted and said, the others kept.
	vcs, err := c.ListInterconnectionVirtualCircuits(ctxT(t), uuidA)
	var in *model.Incomplete
	if !errors.As(err, &in) || in.Dropped != 1 || !strings.Contains(err.Error(), "1 of 5 virtual circuits could not be read: virtual circuit without an id") {
		t.Fatalf("listing with a null item: %v", err)
	}
	kinds := []string{}
	for _, vc := range vcs {
		switch {
		case vc.Vlan != nil:
			kinds = append(kinds, "vlan")
		case vc.Vrf != nil:
			kinds = append(kinds, "vrf")
		default:
			kinds = append(kinds, "none")
		}
	}
	if strings.Join(kinds, ",") != "vlan,vrf,vrf,vlan" {
		t.Fatalf("oneOf branches %v", kinds)
	}
	if vcs[0].NNIVlan() != 1234 || connOfPortHref(vcs[0].Port().Href) != uuidA || portID(vcs[0].Port()) != uuidB || projectID(vcs[0].Project()) != uuidD {
		t.Fatalf("VLAN VC refs %+v", vcs[0].Vlan)
	}
	if vcs[1].Vrf.PeerASN != 65001 || vrfID(vcs[1].Vrf.Vrf) != uuidB {
		t.Fatalf("VRF VC %+v", vcs[1].Vrf)
	}
	if raw := maskSecrets(vcs[1].Raw()); bytes.Contains(raw, []byte("s3cret")) || !bytes.Contains(raw, []byte(`"md5":"[REDACTED]"`)) {
		t.Fatalf("md5 not masked: %s", raw)
	}
	// A wrong type is a typed error saying where.
	_, err = c.GetVirtualCircuit(ctxT(t), uuidC)
	if !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), "nni_vlan") {
		t.Fatalf("wrong type: %v", err)
	}
}

func TestBaseURLsAreChecked(t *testing.T) {
	for _, u := range []string{"ftp://x/metal/v1", "https://user:pw@api.equinix.com/metal/v1", "https:///metal/v1", "https://api.equinix.com/metal/v1?x=1"} {
		if _, err := NewClient(u, WithToken("abcd1234")); err == nil {
			t.Errorf("%s accepted", u)
		} else if strings.Contains(err.Error(), "pw@") {
			t.Errorf("error shows credentials: %v", err)
		}
	}
	if _, err := New("m", "https://api.equinix.com/metal/v1", ""); err == nil {
		t.Error("empty token accepted")
	}
	if _, err := New("m", "https://api.equinix.com/metal/v1", "tok", WithOrganization("acme")); err == nil {
		t.Error("a non-UUID organization id accepted")
	}
}
