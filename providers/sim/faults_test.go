package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		in      string
		want    FaultSpec
		wantErr string
	}{
		{in: "", want: FaultSpec{}},
		{in: "none", want: FaultSpec{}},
		{in: "latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02,truncate=0.02,stall=0.01",
			want: FaultSpec{LatencyMin: 50 * time.Millisecond, LatencyMax: 400 * time.Millisecond, Err5xx: 0.05, Err429: 0.03, Malformed: 0.02, Truncate: 0.02, Stall: 0.01}},
		{in: "chaos", want: FaultSpec{LatencyMin: 50 * time.Millisecond, LatencyMax: 400 * time.Millisecond, Err5xx: 0.05, Err429: 0.03, Malformed: 0.02, Truncate: 0.02, Stall: 0.01}},
		{in: "chaos, stall=0, 5xx=10%", want: FaultSpec{LatencyMin: 50 * time.Millisecond, LatencyMax: 400 * time.Millisecond, Err5xx: 0.1, Err429: 0.03, Malformed: 0.02, Truncate: 0.02}},
		{in: "latency=20ms", want: FaultSpec{LatencyMin: 20 * time.Millisecond, LatencyMax: 20 * time.Millisecond}},
		{in: "429=1,retry-after=3", want: FaultSpec{Err429: 1, RetryAfter: 3 * time.Second}},
		{in: "LATENCY=1s-2s", want: FaultSpec{LatencyMin: time.Second, LatencyMax: 2 * time.Second}},
		{in: "bogus", wantErr: "neither a preset"},
		{in: "jitter=1ms", wantErr: "unknown key"},
		{in: "5xx=2", wantErr: "outside 0..1"},
		{in: "5xx=-0.1", wantErr: "outside 0..1"},
		{in: "5xx=lots", wantErr: "probability"},
		{in: "latency=400ms-50ms", wantErr: "min <= max"},
		{in: "latency=fast", wantErr: "latency"},
		{in: "5xx=0.6,429=0.6", wantErr: "more than 1"},
		{in: "retry-after=soon", wantErr: "retry-after"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFaults(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseFaults(%q) error = %v, want it to mention %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFaults(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseFaults(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			back, err := ParseFaults(got.String())
			if err != nil || back != got {
				t.Fatalf("String() %q does not parse back: %+v, %v", got.String(), back, err)
			}
		})
	}
	if (FaultSpec{}).String() != "none" || !(FaultSpec{}).IsZero() {
		t.Fatal("zero spec should print as none")
	}
}

func okJSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[{"uuid":"a"},{"uuid":"b"}],"pagination":{"total":2,"limit":20}}`)
	})
}

func jsonErrBody(status int, _ *http.Request) (string, []byte) {
	return "application/json", []byte(`[{"errorCode":"EQ-3000500","errorMessage":"simulated"}]`)
}

func faultServer(t *testing.T, spec string, hooks FaultHooks) (*httptest.Server, *Faults) {
	t.Helper()
	s, err := ParseFaults(spec)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFaults(s, 1)
	srv := httptest.NewServer(f.Wrap(okJSON(), hooks))
	t.Cleanup(srv.Close)
	return srv, f
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestFaults5xxUsesProviderBody(t *testing.T) {
	srv, f := faultServer(t, "5xx=1", FaultHooks{ErrorBody: jsonErrBody})
	for i := 0; i < 10; i++ {
		resp, body, err := get(t, srv.Client(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode < 500 || resp.StatusCode > 504 || resp.StatusCode == 501 {
			t.Fatalf("status %d, want 500/502/503/504", resp.StatusCode)
		}
		if resp.StatusCode == 503 && resp.Header.Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
		if !strings.Contains(string(body), "EQ-3000500") || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("body %q / %s is not the hook's", body, resp.Header.Get("Content-Type"))
		}
	}
	if f.Count(Fault5xx) != 10 {
		t.Fatalf("counted %d 5xx faults", f.Count(Fault5xx))
	}
}

func TestFaults429HasRetryAfter(t *testing.T) {
	srv, _ := faultServer(t, "429=1,retry-after=2500ms", FaultHooks{})
	resp, _, err := get(t, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("got %d Retry-After %q, want 429 with 3", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestFaultsMalformedBody(t *testing.T) {
	srv, _ := faultServer(t, "malformed=1", FaultHooks{})
	resp, body, err := get(t, srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if resp.StatusCode != 200 || json.Unmarshal(body, &v) == nil {
		t.Fatalf("status %d body %q: want 200 with invalid JSON", resp.StatusCode, body)
	}
}

func TestFaultsTruncatedBody(t *testing.T) {
	srv, f := faultServer(t, "truncate=1", FaultHooks{})
	_, body, err := get(t, srv.Client(), srv.URL)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading a truncated body: err %v (got %d bytes), want unexpected EOF", err, len(body))
	}
	if f.Count(FaultTruncate) != 1 {
		t.Fatal("truncate not counted")
	}
}

func TestFaultsStallUntilClientGivesUp(t *testing.T) {
	srv, _ := faultServer(t, "stall=1", FaultHooks{})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	_, err := srv.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) < 140*time.Millisecond {
		t.Fatal("stall returned early")
	}
}

func TestFaultsLatencyAndRuntimeSwitch(t *testing.T) {
	srv, f := faultServer(t, "latency=60ms", FaultHooks{})
	start := time.Now()
	if resp, _, err := get(t, srv.Client(), srv.URL); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("request took %v, want >= 60ms", d)
	}
	f.Set(FaultSpec{Err429: 1})
	if resp, _, _ := get(t, srv.Client(), srv.URL); resp.StatusCode != 429 {
		t.Fatalf("after Set: status %d, want 429", resp.StatusCode)
	}
	f.Set(FaultSpec{})
	if resp, _, _ := get(t, srv.Client(), srv.URL); resp.StatusCode != 200 {
		t.Fatalf("after clearing: status %d", resp.StatusCode)
	}
}

func TestFaultsAreRareOnTokenEndpoints(t *testing.T) {
	s := FaultSpec{Err5xx: 1}
	f := NewFaults(s, 7)
	h := f.Wrap(okJSON(), FaultHooks{IsToken: func(r *http.Request) bool { return r.URL.Path == "/token" }})
	fails := 0
	const n = 2000
	for i := 0; i < n; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/token", nil))
		if rec.Code >= 500 {
			fails++
		}
		if rec.Code == 400 || rec.Code == 401 {
			t.Fatal("token endpoint got a credential-looking error")
		}
	}
	if got := float64(fails) / n; got < TokenFaultScale*0.7 || got > TokenFaultScale*1.3 {
		t.Fatalf("token endpoint failure rate %.3f, want about %.2f", got, TokenFaultScale)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api", nil))
	if rec.Code < 500 {
		t.Fatal("API endpoint should always fail with 5xx=1")
	}
}
