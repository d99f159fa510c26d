package ixapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// simGet sends one authenticated GET straight to a simulator handler.
func simGet(t *testing.T, h http.Handler, path string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, SimBasePath+path, nil)
	req.Header.Set("Authorization", "Bearer "+DemoToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, body
}

func TestSimulatorIsDeterministic(t *testing.T) {
	mk := func() *Simulator {
		return NewSimulator(sim.NewWorld(sim.Config{Seed: 11, Scale: 120, Clock: sim.NewFakeClock(testStart)}))
	}
	a, b := mk(), mk()
	for _, path := range []string{"/connections", "/network-service-configs", "/ports", "/network-services/ns-lan-fr",
		"/ports/port-0007/statistics", "/ports/port-0007/statistics/5m/timeseries"} {
		ca, ba := simGet(t, a, path)
		cb, bb := simGet(t, b, path)
		if ca != 200 || cb != 200 || !bytes.Equal(ba, bb) {
			t.Errorf("%s differs between two simulators with the same seed (%d/%d)", path, ca, cb)
		}
	}
	c := NewSimulator(sim.NewWorld(sim.Config{Seed: 12, Scale: 120, Clock: sim.NewFakeClock(testStart)}))
	_, x := simGet(t, a, "/connections")
	_, y := simGet(t, c, "/connections")
	if bytes.Equal(x, y) {
		t.Error("another seed gives the same exchange")
	}
}

func TestSimulatorScales(t *testing.T) {
	for _, n := range []int{1, 10, 20000} {
		w := sim.NewWorld(sim.Config{Seed: 3, Scale: n, Clock: sim.NewFakeClock(testStart)})
		s := NewSimulator(w)
		names := map[string]bool{}
		s.e.Run(func(time.Time) {
			if len(s.st.ports) != n {
				t.Errorf("scale %d: %d ports", n, len(s.st.ports))
			}
			for i := range s.st.ports {
				p := s.st.port(i)
				k := p.Device + "/" + p.Name
				if names[k] {
					t.Fatalf("scale %d: duplicate port name %s", n, k)
				}
				names[k] = true
			}
		})
	}
}

func TestSimulatorPaging(t *testing.T) {
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 5, Scale: 50, Clock: sim.NewFakeClock(testStart)}))
	code, bare := simGet(t, s, "/ports")
	var all []map[string]any
	if code != 200 || json.Unmarshal(bare, &all) != nil || len(all) != 50 {
		t.Fatalf("bare list: %d %d", code, len(all))
	}
	code, body := simGet(t, s, "/ports?limit=20&offset=40")
	var env struct {
		Count    int              `json:"count"`
		Next     *string          `json:"next"`
		Previous *string          `json:"previous"`
		Results  []map[string]any `json:"results"`
	}
	if code != 200 || json.Unmarshal(body, &env) != nil {
		t.Fatalf("envelope: %d %s", code, body)
	}
	if env.Count != 50 || len(env.Results) != 10 || env.Next != nil || env.Previous == nil || !strings.Contains(*env.Previous, "offset=20") {
		t.Errorf("envelope: count %d, %d results, next %v, previous %v", env.Count, len(env.Results), env.Next, env.Previous)
	}
	if env.Results[0]["id"] != all[40]["id"] {
		t.Error("page does not start at the offset")
	}
	for _, q := range []string{"limit=0", "limit=x", "offset=-1"} {
		code, body := simGet(t, s, "/ports?"+q)
		if code != 400 || !strings.Contains(string(body), "validation-error") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	// Unknown parameters are ignored, as the reference implementation does.
	if code, body := simGet(t, s, "/ports?colour=blue"); code != 200 || !bytes.Equal(body, bare) {
		t.Errorf("unknown parameter changed the answer")
	}
}

func TestSimulatorRefusesWithoutToken(t *testing.T) {
	s := NewSimulator(sim.NewWorld(sim.Config{Seed: 5, Scale: 5, Clock: sim.NewFakeClock(testStart)}))
	for _, auth := range []string{"", "Bearer ", "Basic abc", "Bearer " + DemoToken + "x"} {
		req := httptest.NewRequest(http.MethodGet, SimBasePath+"/ports", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), "authentication-error") {
			t.Errorf("%q: %d %s", auth, rec.Code, rec.Body)
		}
	}
	if code, _ := simGet(t, s, "/../ports"); code != 404 {
		t.Errorf("outside the API root: %d", code)
	}
}
