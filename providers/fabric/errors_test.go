package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// fakeAPI is an httptest server with a token endpoint and scripted API
// answers, counting hits per path.
type fakeAPI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	tokens atomic.Int64
	sleeps []time.Duration
	// token answers the token endpoint; api answers everything else. n is
	// the 1-based hit count of that path.
	token func(w http.ResponseWriter, n int)
	api   func(w http.ResponseWriter, r *http.Request, n int)
}

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{hits: map[string]int{}}
	f.token = func(w http.ResponseWriter, n int) {
		writeJSON(w, 200, TokenResponse{AccessToken: "tok-" + string(rune('0'+n)), TokenTimeout: "3599", TokenType: "Bearer", UserName: "u"})
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.Method+" "+r.URL.Path]++
		n := f.hits[r.Method+" "+r.URL.Path]
		f.mu.Unlock()
		if r.URL.Path == TokenPath {
			f.tokens.Add(1)
			f.token(w, n)
			return
		}
		f.api(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *fakeAPI) provider(t *testing.T, opts ...Option) *Provider {
	t.Helper()
	retry := httpx.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: 10 * time.Second, Sleep: func(_ context.Context, d time.Duration) error {
		f.mu.Lock()
		f.sleeps = append(f.sleeps, d)
		f.mu.Unlock()
		return nil
	}}
	all := append([]Option{httpx.WithRetry(retry), httpx.WithHTTPClient(f.srv.Client())}, opts...)
	p, err := New("fabric-err", f.srv.URL, Credentials{ClientID: "my-client-id", ClientSecret: "my-very-secret-secret"}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const oneConn = `{"type":"EVPL_VC","uuid":"0d4c7e2a-1111-4a0b-9c3d-000000000001","name":"c1","state":"ACTIVE","bandwidth":100,"aSide":{},"zSide":{}}`

func TestErrorClasses401ThenSuccessAfterRefresh(t *testing.T) {
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer tok-2" {
			writeJSON(w, 401, ErrorList{{ErrorCode: "EQ-3000039", ErrorMessage: "Invalid access token"}})
			return
		}
		io.WriteString(w, oneConn)
	}
	p := f.provider(t)
	c, err := p.Connection(ctx, "0d4c7e2a-1111-4a0b-9c3d-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "c1" || f.tokens.Load() != 2 || f.count("GET /fabric/v4/connections/0d4c7e2a-1111-4a0b-9c3d-000000000001") != 2 {
		t.Fatalf("token hits %d, API hits %d; want 2 and 2", f.tokens.Load(), f.count("GET /fabric/v4/connections/0d4c7e2a-1111-4a0b-9c3d-000000000001"))
	}
}

func TestErrorClassesSecond401IsReturned(t *testing.T) {
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 401, ErrorList{{ErrorCode: "EQ-3000039", ErrorMessage: "Invalid access token"}})
	}
	_, err := f.provider(t).Connection(ctx, "abc")
	if !errors.Is(err, model.ErrUnauthorized) || !strings.Contains(err.Error(), "check the client id/secret") {
		t.Fatalf("err %v", err)
	}
	if f.tokens.Load() != 2 || f.count("GET /fabric/v4/connections/abc") != 2 {
		t.Fatalf("token hits %d API hits %d; want one refresh only", f.tokens.Load(), f.count("GET /fabric/v4/connections/abc"))
	}
}

func TestErrorClassesTokenRefusalIsNeverRetried(t *testing.T) {
	f := newFakeAPI(t)
	f.token = func(w http.ResponseWriter, n int) {
		// Some gateways echo what they got: the secret must still not leak.
		writeJSON(w, 400, TokenError{ErrorDomain: "apigateway", ErrorTitle: "Invalid credentials", ErrorCode: "S401",
			DeveloperMessage: "client_secret my-very-secret-secret is wrong", ErrorMessage: "Please enter valid client id/client secret"})
	}
	f.api = func(w http.ResponseWriter, r *http.Request, n int) { t.Error("API reached without a token") }
	p := f.provider(t)
	_, err := p.Connections(ctx, nil)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "S401" {
		t.Fatalf("err %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"Please enter valid client id/client secret", "five failed attempts lock"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "my-very-secret-secret") || strings.Contains(msg, "my-client-id") {
		t.Fatalf("credentials in the error: %s", msg)
	}
	if _, err := p.Connections(ctx, nil); err == nil {
		t.Fatal("second call succeeded")
	}
	if f.tokens.Load() != 1 {
		t.Fatalf("token endpoint called %d times, want exactly 1", f.tokens.Load())
	}
}

func TestErrorClassesTokenServerErrorIsNotRetriedEither(t *testing.T) {
	f := newFakeAPI(t)
	f.token = func(w http.ResponseWriter, n int) { w.WriteHeader(503) }
	f.api = func(w http.ResponseWriter, r *http.Request, n int) { t.Error("API reached without a token") }
	if _, err := f.provider(t).Connection(ctx, "abc"); err == nil {
		t.Fatal("no error")
	}
	if f.tokens.Load() != 1 {
		t.Fatalf("token endpoint called %d times", f.tokens.Load())
	}
}

func TestErrorClasses429WithRetryAfter(t *testing.T) {
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 429, ErrorList{{ErrorCode: "EQ-3000429", ErrorMessage: "Too many requests"}})
			return
		}
		io.WriteString(w, oneConn)
	}
	p := f.provider(t)
	if _, err := p.Connection(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] != 2*time.Second {
		t.Fatalf("slept %v, want [2s] from Retry-After", f.sleeps)
	}
	// A wait longer than we accept becomes a typed RateLimited error.
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, 429, ErrorList{{ErrorCode: "EQ-3000429", ErrorMessage: "Too many requests"}})
	}
	_, err := p.Connection(ctx, "abc")
	var rl *model.RateLimited
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
		t.Fatalf("err %v, want RateLimited 1h", err)
	}
}

func TestErrorClasses500ThenSuccessForReads(t *testing.T) {
	f := newFakeAPI(t)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeJSON(w, 500, ErrorList{{ErrorCode: "EQ-3000500", ErrorMessage: "Internal error"}})
			return
		}
		if r.URL.Path == SearchPath {
			io.WriteString(w, `{"pagination":{"offset":0,"limit":100,"total":1},"data":[`+oneConn+`]}`)
			return
		}
		writeJSON(w, 200, AllPortsResponse{Data: []Port{}})
	}
	p := f.provider(t)
	cs, err := p.Connections(ctx, nil)
	if err != nil || len(cs) != 1 {
		t.Fatalf("%v %d", err, len(cs))
	}
	if f.count("POST "+SearchPath) != 2 {
		t.Fatalf("search (read-only POST) hits %d, want 2", f.count("POST "+SearchPath))
	}
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		io.WriteString(w, oneConn)
	}
	f.mu.Lock()
	f.hits = map[string]int{}
	f.mu.Unlock()
	if _, err := p.Connection(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if f.count("GET /fabric/v4/connections/abc") != 2 {
		t.Fatal("GET was not retried after a 502")
	}
}

func TestErrorClasses500OnActionIsNotRetried(t *testing.T) {
	f := newFakeAPI(t)
	pending := strings.Replace(oneConn, `"state":"ACTIVE"`, `"state":"PENDING","direction":"INCOMING","operation":{"equinixStatus":"PENDING_APPROVAL","providerStatus":"PENDING_APPROVAL"},"change":{"type":"CONNECTION_CREATION","status":"SUBMITTED_FOR_APPROVAL","createdDateTime":"2026-03-02T08:00:00Z"}`, 1)
	f.api = func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == "GET":
			io.WriteString(w, pending)
		default:
			writeJSON(w, 500, ErrorList{{ErrorCode: "EQ-3000500", ErrorMessage: "Internal error", CorrelationID: "corr-123"}})
		}
	}
	p := f.provider(t)
	if _, err := p.Connection(ctx, "0d4c7e2a-1111-4a0b-9c3d-000000000001"); err != nil {
		t.Fatal(err)
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: "0d4c7e2a-1111-4a0b-9c3d-000000000001"}, Reason: "no"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Do(ctx, a)
	if err == nil || res.Status != 500 || !strings.Contains(res.Message, "corr-123") {
		t.Fatalf("res %+v err %v", res, err)
	}
	if n := f.count("POST /fabric/v4/connections/0d4c7e2a-1111-4a0b-9c3d-000000000001/actions"); n != 1 {
		t.Fatalf("action sent %d times, want exactly 1", n)
	}
}

func TestErrorClassesMalformedTruncatedOversized(t *testing.T) {
	tests := []struct {
		name string
		body func(w http.ResponseWriter)
		opts []Option
		want error
	}{
		{"malformed JSON", func(w http.ResponseWriter) { io.WriteString(w, `{"type":"EVPL_VC","name":`) }, nil, model.ErrBadResponse},
		{"not an object", func(w http.ResponseWriter) { io.WriteString(w, `<html>gateway</html>`) }, nil, model.ErrBadResponse},
		{"truncated body", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "4096")
			io.WriteString(w, oneConn[:40])
		}, nil, model.ErrBadResponse},
		{"oversized body", func(w http.ResponseWriter) {
			io.WriteString(w, `{"type":"EVPL_VC","name":"`+strings.Repeat("x", 100_000)+`","bandwidth":1,"aSide":{},"zSide":{}}`)
		}, []Option{httpx.WithMaxBody(16 << 10)}, model.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.api = func(w http.ResponseWriter, r *http.Request, n int) { tc.body(w) }
			_, err := f.provider(t, tc.opts...).Connection(ctx, "abc")
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "fabric-err") || !strings.Contains(err.Error(), "/fabric/v4/connections/abc") {
				t.Fatalf("error %q does not name provider and path", err)
			}
		})
	}
}

func TestErrorClassesFromInjectedFaults(t *testing.T) {
	// The simulator behind sim.Faults: every fault class reaches the client
	// as a typed error, never a panic or a hang.
	for _, tc := range []struct {
		spec string
		want func(error) bool
	}{
		{"malformed=1", func(err error) bool { return errors.Is(err, model.ErrBadResponse) }},
		{"truncate=1", func(err error) bool { return errors.Is(err, model.ErrBadResponse) }},
		{"5xx=1", func(err error) bool {
			var ae *model.APIError
			return errors.As(err, &ae) && ae.Status >= 500 && ae.Code == "EQ-3000"+itoa(ae.Status)
		}},
		{"429=1,retry-after=60", func(err error) bool {
			var rl *model.RateLimited
			return errors.As(err, &rl) && rl.RetryAfter == time.Minute
		}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			env := newEnv(t, 20, sim.Timing{})
			spec, _ := sim.ParseFaults(tc.spec)
			faults := sim.NewFaults(sim.FaultSpec{}, 1)
			srv, err := sim.Start(faults.Wrap(env.sim, SimFaultHooks()))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			p, _ := New("f", srv.URL(), Credentials{Token: DemoToken}, httpx.WithRetry(httpx.RetryPolicy{MaxAttempts: 2, MaxRetryAfter: time.Second, Sleep: func(context.Context, time.Duration) error { return nil }}))
			faults.Set(spec)
			_, err = p.Connections(ctx, nil)
			if !tc.want(err) {
				t.Fatalf("err = %v", err)
			}
			t.Logf("%s -> %v", tc.spec, err)
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDecodeErrorBodies(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		token  bool
		want   model.APIError
	}{
		{"error list", 400, `[{"errorCode":"EQ-3142510","errorMessage":"Invalid Z-side access point","correlationId":"c-1","details":"VLAN 12 is in use","additionalInfo":[{"property":"data.zSide","reason":"in use"}]},{"errorCode":"EQ-3142511","errorMessage":"second problem"}]`, false,
			model.APIError{Code: "EQ-3142510", Message: "Invalid Z-side access point", CorrelationID: "c-1", Details: "VLAN 12 is in use; data.zSide: in use; EQ-3142511 second problem"}},
		{"single object", 404, `{"errorCode":"EQ-3045811","errorMessage":"uuid not found","correlationId":"c-2","details":"uuid not found"}`, false,
			model.APIError{Code: "EQ-3045811", Message: "uuid not found", CorrelationID: "c-2", Details: "the object does not exist or is not visible to this account; refresh the list"}},
		{"forbidden with help", 403, `[{"errorCode":"EQ-3000197","errorMessage":"User not authorized to perform given action","help":"https://docs.equinix.com/x"}]`, false,
			model.APIError{Code: "EQ-3000197", Message: "User not authorized to perform given action", Details: "help: https://docs.equinix.com/x; the API user lacks the Fabric permission for this; ask your Equinix portal administrator"}},
		{"token error", 400, `{"error_domain":"apigateway","error_title":"Invalid credentials","error_code":"S401","developer_message":"bad secret","error_message":"Please enter valid client id/client secret"}`, true,
			model.APIError{Code: "S401", Message: "Please enter valid client id/client secret", Details: "bad secret; login refused: check the client id and secret; noctop does not retry a refused login because five failed attempts lock the Equinix account"}},
		{"html gateway page", 502, `<html><body>Bad gateway</body></html>`, false,
			model.APIError{Details: "Equinix-side error; quote the correlation id to Equinix support if it persists"}},
		{"empty list", 500, `[]`, false, model.APIError{Details: "Equinix-side error; quote the correlation id to Equinix support if it persists"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e model.APIError
			if tc.token {
				decodeTokenError(tc.status, http.Header{}, []byte(tc.body), &e)
			} else {
				decodeError(tc.status, http.Header{}, []byte(tc.body), &e)
			}
			if e.Code != tc.want.Code || e.CorrelationID != tc.want.CorrelationID || e.Details != tc.want.Details ||
				(tc.want.Message != "" && e.Message != tc.want.Message) {
				t.Fatalf("got  %+v\nwant %+v", e, tc.want)
			}
		})
	}
	var e model.APIError
	decodeError(500, http.Header{"X-Correlation-Id": {"hdr-9"}}, nil, &e)
	if e.CorrelationID != "hdr-9" {
		t.Fatalf("correlation id from header: %+v", e)
	}
}
