package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestSmokeGetDecodesAndJoinsBasePath(t *testing.T) {
	var gotPath, gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"name":"x"}`))
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/api/v2/", WithProvider("t"))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Name string }
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/things?a=1"}, &out); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/api/v2/things" || gotQuery != "a=1" || out.Name != "x" {
		t.Fatalf("path %q query %q out %+v", gotPath, gotQuery, out)
	}
}

func TestSmokeRetryGetNotPost(t *testing.T) {
	for _, method := range []string{"GET", "POST"} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.WriteHeader(500)
				return
			}
			w.Write([]byte(`{}`))
		}))
		c, _ := New(srv.URL+"/base", WithRetry(RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
		_, err := c.Do(context.Background(), Request{Method: method, Path: "/x"}, nil)
		srv.Close()
		if method == "GET" && (err != nil || calls.Load() != 2) {
			t.Errorf("GET: err %v calls %d", err, calls.Load())
		}
		if method == "POST" && (err == nil || calls.Load() != 1) {
			t.Errorf("POST: err %v calls %d", err, calls.Load())
		}
	}
}
