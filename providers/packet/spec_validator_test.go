package packet

import (
	"context"
	"github.com/noctop/noctop/providers/httpx"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The validator itself must catch what it is there for, or every spec
// test could pass vacuously.
func TestValidatorCatchesViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/devices/d1":
			_, _ = io.WriteString(w, `{"id":"d1","state":5,"hostnme":"typo"}`)
		case "/devices/d1/bgp/sessions":
			_, _ = io.WriteString(w, `{"bgp_sessions":[{"id":"s1","learned_routes":"10.0.0.0/8"}]}`)
		default:
			_, _ = io.WriteString(w, `{}`)
		}
	}))
	t.Cleanup(srv.Close)
	hc, log := newValidatingClientNoFail(t)
	c, err := NewClient(srv.URL, WithToken(fixtureToken), httpx.WithHTTPClient(hc), httpx.WithRetry(noSleepRetry()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _ = c.GetDevice(ctx, "d1")
	_, _ = c.ListDeviceBGPSessions(ctx, "d1")
	// A request the spec does not allow: the action as a body only.
	_, _ = c.send(ctx, mustJSON(t, "/devices/d1/actions", DeviceActionInput{Type: "reboot"}))
	_, _ = c.api.Do(ctx, rawGetRequest("/no/such/endpoint"), nil)
	got := strings.Join(log.Violations(), "\n")
	for _, want := range []string{
		"response 200 to GET /devices/{id}", "field /hostnme is not in the schema",
		"response 200 to GET /devices/{id}/bgp/sessions",
		"request POST /devices/{id}/actions", "no such operation",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("violations lack %q:\n%s", want, got)
		}
	}
}
