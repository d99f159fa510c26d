package packet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Client tests against hand-written fixtures (from packet-oas3.json and
// what the API is known to send), on a server with a base path, so a
// client that drops the path or builds URLs wrongly fails.

const fixtureToken = "fixture-token-5ecret"

type fixture struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	log []*http.Request // with bodies read into bodies
	bod []string
}

// newFixture serves h under /api after checking the token.
func newFixture(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *fixture {
	t.Helper()
	f := &fixture{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.log = append(f.log, r)
		f.bod = append(f.bod, string(b))
		f.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			http.Error(w, "no base path", http.StatusTeapot)
			return
		}
		if r.Header.Get("X-Auth-Token") != fixtureToken {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"errors":["Invalid authentication token"]}`)
			return
		}
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/api")
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) client(opts ...Option) *Client {
	f.t.Helper()
	all := append([]Option{WithToken(fixtureToken), httpx.WithRetry(noSleepRetry()), httpx.WithProvider("pk")}, opts...)
	c, err := NewClient(f.srv.URL+"/api", all...)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) requests() ([]*http.Request, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.log...), append([]string(nil), f.bod...)
}

func jsonReply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func TestErrorsAreTyped(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		header map[string]string
		is     error
		want   []string // in the message
	}{
		{"401", 401, `{"errors":["Invalid authentication token"]}`, nil, model.ErrUnauthorized, []string{"Invalid authentication token", "token_env"}},
		{"403", 403, `{"errors":["You are not authorized to view this project"]}`, nil, model.ErrForbidden, []string{"not authorized", "project owner"}},
		{"404", 404, `{"errors":["Not found"]}`, nil, model.ErrNotFound, []string{"Not found"}},
		{"422 several", 422, `{"errors":["hostname is invalid","plan is required","hostname is invalid"]}`, nil, nil, []string{"hostname is invalid", "plan is required", "nothing was changed"}},
		{"error key", 422, `{"error":"bad vnid"}`, nil, nil, []string{"bad vnid"}},
		{"error objects", 400, `{"errors":[{"message":"nested message"}]}`, nil, nil, []string{"nested message"}},
		{"html", 502, `<html><title>Bad Gateway</title></html>`, nil, nil, []string{"Bad Gateway"}},
		{"empty", 500, ``, nil, nil, []string{"500"}},
		{"hostile text", 422, `{"errors":["\u001b]52;c;AAAA\u0007clipboard"]}`, nil, nil, []string{"clipboard"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				jsonReply(w, c.status, c.body)
			})
			_, err := f.client().GetProject(context.Background(), "p1")
			if err == nil {
				t.Fatal("no error")
			}
			var ae *model.APIError
			if !errors.As(err, &ae) || ae.Status != c.status {
				t.Fatalf("want *model.APIError with status %d, got %T %v", c.status, err, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("errors.Is(%v) is false for %v", c.is, err)
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if strings.ContainsAny(msg, "\x1b\x07") || strings.Contains(msg, fixtureToken) {
				t.Errorf("unsafe message %q", msg)
			}
			if strings.Count(msg, "hostname is invalid") > 1 {
				t.Errorf("duplicate errors repeated: %q", msg)
			}
		})
	}
}

func TestRateLimitedAndBadToken(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		jsonReply(w, http.StatusTooManyRequests, `{"errors":["slow down"]}`)
	})
	_, err := f.client().GetProject(context.Background(), "p1")
	var rl *model.RateLimited
	if !errors.As(err, &rl) || rl.RetryAfter != 120*time.Second {
		t.Fatalf("want *model.RateLimited{120s}, got %T %v", err, err)
	}
	c, err := NewClient(f.srv.URL+"/api", WithToken("wrong-token-value"), httpx.WithProvider("pk"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListProjects(context.Background(), nil)
	if !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("want ErrUnauthorized, got %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token-value") {
		t.Errorf("the token leaked into %q", err)
	}
}

func TestInvalidIDsNeverReachTheServer(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{}`) })
	c := f.client()
	ctx := context.Background()
	for _, id := range []string{"", "../projects", "a/b", "x?y=1", strings.Repeat("a", 200), "a b"} {
		if _, err := c.GetDevice(ctx, id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("GetDevice(%q): %v", id, err)
		}
		if _, err := c.BondPort(ctx, id, false); err == nil {
			t.Errorf("BondPort(%q) accepted", id)
		}
	}
	if reqs, _ := f.requests(); len(reqs) != 0 {
		t.Errorf("%d requests sent", len(reqs))
	}
}

// pagedDevices serves n devices with page/per_page, the meta built by
// mk (nil: no meta), capping per_page at capAt when > 0.
func pagedDevices(n, capAt int, mk func(page, per, n int) string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if page < 1 || per < 1 {
			jsonReply(w, 422, `{"errors":["page and per_page are required in this fixture"]}`)
			return
		}
		if capAt > 0 && per > capAt {
			per = capAt
		}
		var items []string
		for i := (page - 1) * per; i < min(page*per, n); i++ {
			items = append(items, fmt.Sprintf(`{"id":"d%03d","hostname":"host-%03d","state":"active"}`, i, i))
		}
		body := `{"devices":[` + strings.Join(items, ",") + `]`
		if mk != nil {
			body += `,"meta":` + mk(page, per, n)
		}
		jsonReply(w, 200, body+"}")
	}
}

func TestPagingEdgeCases(t *testing.T) {
	links := func(page, per, n int) string {
		last := max(1, (n+per-1)/per)
		m := fmt.Sprintf(`{"first":{"href":"/projects/p/devices?page=1&per_page=%d"},"self":{"href":"/projects/p/devices?page=%d&per_page=%d"},"last":{"href":"/projects/p/devices?page=%d&per_page=%d"},"total":%d`, per, page, per, last, per, n)
		if page < last {
			m += fmt.Sprintf(`,"next":{"href":"/projects/p/devices?page=%d&per_page=%d"}`, page+1, per)
		}
		return m + "}"
	}
	cases := []struct {
		name     string
		n, capAt int
		meta     func(page, per, n int) string
		wantReqs int
	}{
		{"last link", 23, 0, links, 3},
		{"total only", 23, 0, func(_, _, n int) string { return fmt.Sprintf(`{"total":%d}`, n) }, 3},
		{"server caps per_page", 23, 4, func(_, _, n int) string { return fmt.Sprintf(`{"total":%d}`, n) }, 6},
		{"last_page (undocumented)", 23, 0, func(_, per, n int) string { return fmt.Sprintf(`{"last_page":%d}`, (n+per-1)/per) }, 3},
		// Without a page count, a page shorter than per_page is the last.
		{"no meta: until a short page", 23, 0, nil, 3},
		{"next links only", 23, 0, func(page, per, n int) string {
			if page*per < n {
				return `{"next":{"href":"/x?page=` + strconv.Itoa(page+1) + `"}}`
			}
			return `{}`
		}, 3},
		{"exactly one page", 10, 0, links, 1},
		{"empty listing", 0, 0, func(int, int, int) string { return `{"total":0}` }, 1},
		{"broken meta", 23, 0, func(int, int, int) string { return `"garbage"` }, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, pagedDevices(c.n, c.capAt, c.meta))
			ds, err := f.client(WithPageSize(10)).ListProjectDevices(context.Background(), "p", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != c.n {
				t.Fatalf("got %d devices, want %d", len(ds), c.n)
			}
			for i, d := range ds {
				if d.ID != fmt.Sprintf("d%03d", i) {
					t.Fatalf("device %d is %s: order lost", i, d.ID)
				}
			}
			if reqs, _ := f.requests(); len(reqs) != c.wantReqs {
				t.Errorf("%d requests, want %d", len(reqs), c.wantReqs)
			}
		})
	}
}

func TestPagingHostileMeta(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, 200, `{"devices":[{"id":"a"}],"meta":{"last_page":1000000000}}`)
	})
	_, err := f.client().ListProjectDevices(context.Background(), "p", nil)
	if !errors.Is(err, model.ErrTooLarge) {
		t.Fatalf("a billion pages must be refused with ErrTooLarge, got %v", err)
	}
	// The claimed page count is not followed: the second page repeats the
	// first and reading stops there.
	if reqs, _ := f.requests(); len(reqs) > 2 {
		t.Errorf("%d requests sent before refusing", len(reqs))
	}
	f2 := newFixture(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, `{"meta":{"total":3}}`) })
	if _, err := f2.client().ListProjectDevices(context.Background(), "p", nil); !errors.Is(err, model.ErrBadResponse) {
		t.Fatalf("an answer without the devices list must be malformed, got %v", err)
	}
}

func TestPagingDropsDuplicates(t *testing.T) {
	// Page 2 repeats the last device of page 1 (a device created meanwhile
	// pushed it down).
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			jsonReply(w, 200, `{"devices":[{"id":"a"},{"id":"b"}],"meta":{"total":4}}`)
			return
		}
		jsonReply(w, 200, `{"devices":[{"id":"b"},{"id":"c"}],"meta":{"total":4}}`)
	})
	ds, err := f.client(WithPageSize(2)).ListProjectDevices(context.Background(), "p", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "a,b,c" {
		t.Errorf("ids %v", ids)
	}
}

// A device listing as the API sends it with include=facility,plan,
// network_ports: the secrets it may carry must never surface.
const deviceListFixture = `{"devices":[{
  "id":"0b3fd6ba-0d45-4a55-9e5d-9f1c2a3b4c5d","short_id":"0b3fd6ba","hostname":"web-01","state":"active",
  "tags":["web"],"root_password":"hunter2-root-password","userdata":"#cloud-config\npassword: topsecret","customdata":"{\"api_key\":\"k-123456\"}",
  "facility":{"id":"f1","code":"sjc1","name":"Sunnyvale, CA","address":{"address":"1 Main St","zip_code":"94085","country":"US","city":"Sunnyvale"}},
  "plan":{"id":"pl1","slug":"c2.medium.x86","specs":{"nics":[{"count":2,"type":"10Gbps"}]}},
  "project":{"href":"/projects/p1"},
  "ip_addresses":[{"address":"147.75.1.2","address_family":4,"cidr":31,"public":true,"management":true}],
  "network_ports":[
    {"id":"bond0-id","name":"bond0","type":"NetworkBondPort","network_type":"layer3","data":{"bonded":true},"virtual_networks":[]},
    {"id":"eth0-id","name":"eth0","type":"NetworkPort","bond":{"id":"bond0-id","name":"bond0"},"data":{"bonded":true,"mac":"0c:00:00:00:00:01"}},
    {"id":"eth1-id","name":"eth1","type":"NetworkPort","bond":{"id":"bond0-id","name":"bond0"},"data":{"bonded":false},"virtual_networks":[{"href":"/virtual-networks/vn1"}]}
  ]},
  {"id":"second","hostname":"db-01","state":"failed","facility":{"href":"/facilities/f2"},"plan":{"href":"/plans/x"},"project":{"href":"/projects/p1"},"network_ports":"oops"}
],"meta":{"total":2}}`

func TestIncludeAndExcludeAreSent(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 200, deviceListFixture) })
	ds, err := f.client().ListProjectDevices(context.Background(), "p1", nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := f.requests()
	q := reqs[0].URL.Query()
	if got := q.Get("include"); got != "facility,plan,network_ports" {
		t.Errorf("include=%q", got)
	}
	for _, heavy := range []string{"root_password", "userdata", "customdata", "provisioning_events", "ssh_keys", "volumes"} {
		if !strings.Contains(q.Get("exclude"), heavy) {
			t.Errorf("exclude=%q lacks %s", q.Get("exclude"), heavy)
		}
	}
	if reqs[0].Header.Get("X-Auth-Token") != fixtureToken {
		t.Error("no X-Auth-Token")
	}
	if len(ds) != 2 || ds[0].Facility.Code != "sjc1" || len(ds[0].NetworkPorts) != 3 || ds[0].Plan.PortSpeedMbps() != 10000 {
		t.Fatalf("embedded objects not decoded: %+v", ds)
	}
	if ds[1].DecodeError() == nil || ds[1].Hostname != "db-01" {
		t.Errorf("second device (ports not a list) must be kept and marked: %+v", ds[1])
	}
}

func TestSecretsNeverReachTheModel(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/projects/p1":
			jsonReply(w, 200, `{"id":"p1","name":"prod"}`)
		case "/projects/p1/devices":
			jsonReply(w, 200, deviceListFixture)
		case "/facilities":
			jsonReply(w, 200, `{"facilities":[{"id":"f2","code":"ewr1","name":"Parsippany, NJ"}]}`)
		case "/projects/p1/bgp-config":
			jsonReply(w, 200, `{"id":"b","status":"enabled","asn":65000,"deployment_type":"local","md5":"bgp-md5-secret"}`)
		case "/projects/p1/bgp/sessions":
			jsonReply(w, 200, `{"bgp_sessions":[{"id":"s1","status":"down","address_family":"ipv4","device":{"href":"/devices/0b3fd6ba-0d45-4a55-9e5d-9f1c2a3b4c5d"},"learned_routes":["10.0.0.0/31"]}]}`)
		case "/projects/p1/virtual-networks":
			jsonReply(w, 200, `{"virtual_networks":[{"id":"vn1","vxlan":1042,"description":"storage","facility":{"href":"/facilities/f1"}}]}`)
		default:
			jsonReply(w, 200, `{"hardware_reservations":[],"ip_addresses":[]}`)
		}
	})
	p := &Provider{name: "pk", client: f.client(WithProjectID("p1"))}
	nodes, err := p.Inventory(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	conns, err := p.Connections(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dump, _ := json.Marshal(struct {
		N []model.Node
		C []model.Connection
	}{nodes, conns})
	for _, secret := range []string{"hunter2", "topsecret", "k-123456", "bgp-md5-secret", fixtureToken} {
		if strings.Contains(string(dump), secret) {
			t.Errorf("secret %q reached the model", secret)
		}
	}
	// What must be there: the port VLAN, the facility resolved from the
	// table for the device that only had a link, the failed roll-up.
	eth1, ok := findNode(nodes, func(n model.Node) bool { return n.Ref.ID == "eth1-id" })
	if !ok || field(eth1, "vlan") != "1042" || field(eth1, "bonded") != "false" {
		t.Errorf("eth1: %+v", eth1)
	}
	fac, ok := findNode(nodes, func(n model.Node) bool { return n.Kind == "facility" && n.Ref.ID == "f2" })
	if !ok || !strings.HasPrefix(fac.Label, "ewr1") || fac.State != model.StateFailed {
		t.Errorf("facility of the failed device: %+v", fac)
	}
	var session model.Connection
	for _, c := range conns {
		if c.ID == "bgp:s1" {
			session = c
		}
	}
	if session.State != model.StateFailed || session.A.Name != "web-01" || session.A.Metro != "sjc1" || session.Status != "1 learned route" {
		t.Errorf("session row: %+v", session)
	}
}

func TestTrafficAndBandwidthRequests(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/traffic"):
			jsonReply(w, 200, `{"traffic":[{"target":"inbound","datapoints":[[3600000,1700000000],[null,1700003600]]}]}`)
		default:
			jsonReply(w, 200, `{"bandwidth":[{"target":"inbound","datapoints":[[291.2,1700000000]]},{"target":"outbound","datapoints":[[27.5,1700000000]]}]}`)
		}
	})
	c := f.client()
	from := time.Date(2023, 11, 14, 22, 0, 0, 0, time.UTC)
	until := from.Add(2 * time.Hour)
	ans, err := c.DeviceTraffic(context.Background(), "d1", TrafficQuery{Direction: DirectionInbound, Interval: IntervalHour, Bucket: BucketExternal, Timeframe: Timeframe{StartedAt: from, EndedAt: until}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Traffic) != 1 || len(ans.Traffic[0].Datapoints) != 2 || ans.Traffic[0].Datapoints[1].Value != nil {
		t.Errorf("traffic answer %+v", ans)
	}
	bw, err := c.DeviceBandwidth(context.Background(), "d1", from, until)
	if err != nil || len(bw.Bandwidth) != 2 {
		t.Fatalf("bandwidth %+v %v", bw, err)
	}
	reqs, bodies := f.requests()
	q := reqs[0].URL.Query()
	if reqs[0].Method != http.MethodGet || q.Get("direction") != "inbound" || q.Get("interval") != "hour" || q.Get("bucket") != "external" ||
		q.Get("timeframe[started_at]") != "2023-11-14T22:00:00Z" || q.Get("timeframe[ended_at]") != "2023-11-15T00:00:00Z" {
		t.Errorf("traffic request %s %s", reqs[0].Method, reqs[0].URL.RawQuery)
	}
	var tf Timeframe
	if err := json.Unmarshal([]byte(bodies[0]), &tf); err != nil || !tf.StartedAt.Equal(from) || !tf.EndedAt.Equal(until) {
		t.Errorf("traffic body %q", bodies[0])
	}
	if q := reqs[1].URL.Query(); q.Get("from") != strconv.FormatInt(from.Unix(), 10) || q.Get("until") != strconv.FormatInt(until.Unix(), 10) {
		t.Errorf("bandwidth query %s", reqs[1].URL.RawQuery)
	}
	for _, bad := range []TrafficQuery{
		{Direction: "sideways", Timeframe: Timeframe{StartedAt: from, EndedAt: until}},
		{Direction: DirectionInbound, Interval: "fortnight", Timeframe: Timeframe{StartedAt: from, EndedAt: until}},
		{Direction: DirectionInbound, Bucket: "all", Timeframe: Timeframe{StartedAt: from, EndedAt: until}},
		{Direction: DirectionInbound, Timeframe: Timeframe{StartedAt: until, EndedAt: from}},
	} {
		if _, err := c.DeviceTraffic(context.Background(), "d1", bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestMutationsAreNeverRetried(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(w, http.StatusServiceUnavailable, `{"errors":["try again"]}`)
	})
	c := f.client()
	ctx := context.Background()
	calls := []func() error{
		func() error { _, err := c.BondPort(ctx, "p1", true); return err },
		func() error { _, err := c.DisbondPort(ctx, "p1", false); return err },
		func() error { _, err := c.ConvertLayer2(ctx, "p1", "1001"); return err },
		func() error {
			_, err := c.ConvertLayer3(ctx, "p1", []RequestIP{{AddressFamily: 4, Public: true}})
			return err
		},
		func() error { _, err := c.AssignPort(ctx, "p1", "vn-1"); return err },
		func() error { _, err := c.UnassignPort(ctx, "p1", "vn-1"); return err },
		func() error { return c.DeviceAction(ctx, "d1", DeviceActionReboot) },
		func() error { _, err := c.MoveHardwareReservation(ctx, "h1", "p2"); return err },
	}
	for _, call := range calls {
		if err := call(); err == nil {
			t.Fatal("503 did not fail")
		}
	}
	reqs, bodies := f.requests()
	if len(reqs) != len(calls) {
		t.Fatalf("%d requests for %d mutations: a mutation was retried", len(reqs), len(calls))
	}
	want := []string{
		"POST /api/ports/p1/bond?bulk_enable=true", "POST /api/ports/p1/disbond", "POST /api/ports/p1/convert/layer-2",
		"POST /api/ports/p1/convert/layer-3", "POST /api/ports/p1/assign", "POST /api/ports/p1/unassign",
		"POST /api/devices/d1/actions?type=reboot", "POST /api/hardware-reservations/h1/move",
	}
	for i, r := range reqs {
		got := r.Method + " /api" + r.URL.Path
		if r.URL.RawQuery != "" {
			got += "?" + r.URL.RawQuery
		}
		if got != want[i] {
			t.Errorf("request %d: %s, want %s", i, got, want[i])
		}
	}
	if !strings.Contains(bodies[2], `"vnid": "1001"`) || !strings.Contains(bodies[6], `"type": "reboot"`) || !strings.Contains(bodies[7], `"project_id": "p2"`) {
		t.Errorf("bodies: %q", bodies)
	}
}

func TestBGPConfigNotFoundIsNoBGP(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 404, `{"errors":["Not found"]}`) })
	_, ok, err := f.client().GetBGPConfig(context.Background(), "p1")
	if err != nil || ok {
		t.Fatalf("404 must mean no BGP: ok=%v err=%v", ok, err)
	}
	f2 := newFixture(t, func(w http.ResponseWriter, r *http.Request) { jsonReply(w, 403, `{"errors":["forbidden"]}`) })
	if _, _, err := f2.client().GetBGPConfig(context.Background(), "p1"); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("403 must stay an error: %v", err)
	}
}

func TestEventsAreBounded(t *testing.T) {
	var pages int
	var mu sync.Mutex
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		pages++
		mu.Unlock()
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		var items []string
		for i := range per {
			n := (page-1)*per + i
			items = append(items, fmt.Sprintf(`{"id":"e%d","type":"x","body":"b","created_at":"%s"}`, n, time.Unix(int64(1_700_000_000-n), 0).UTC().Format(time.RFC3339)))
		}
		jsonReply(w, 200, `{"events":[`+strings.Join(items, ",")+`],"meta":{"total":1000000,"next":{"href":"/x?page=`+strconv.Itoa(page+1)+`"}}}`)
	})
	evs, err := f.client(WithPageSize(20)).ListDeviceEvents(context.Background(), "d1", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 50 || pages != 3 {
		t.Errorf("got %d events in %d pages, want 50 in 3", len(evs), pages)
	}
}

func TestNewClientRefusesBadScopes(t *testing.T) {
	if _, err := NewClient("https://api.packet.net", WithProjectID("../x")); err == nil {
		t.Error("a project id with a slash was accepted")
	}
	if _, err := New("pk", "https://api.packet.net", ""); err == nil {
		t.Error("an empty token was accepted")
	}
	if _, err := NewClient("ftp://api.packet.net"); err == nil {
		t.Error("ftp accepted")
	}
	u, _ := url.Parse("https://api.packet.net/")
	if c, err := NewClient(u.String()); err != nil || c.BaseURL() != "https://api.packet.net" {
		t.Errorf("base URL %v %v", c, err)
	}
}
