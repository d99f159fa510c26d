package sim

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestServerServesAndClosesWithoutLeaks(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := NewFaults(FaultSpec{}, 1)
	srv, err := Start(f.Wrap(okJSON(), FaultHooks{}))
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	resp, err := client.Get(srv.URL() + "/x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(b) == 0 {
		t.Fatalf("status %d body %q", resp.StatusCode, b)
	}

	// A stalled request must not keep Close waiting.
	f.Set(FaultSpec{Stall: 1})
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+"/stall", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond { // well under the 2s grace and the 10s client timeout
		t.Fatalf("Close took %v with a stalled request", d)
	}
	if err := <-errc; err == nil {
		t.Fatal("stalled request got an answer instead of a dropped connection")
	}
	if err := srv.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	client.CloseIdleConnections()
}

// A connection a client opened but never used does not hold Close for the
// two seconds in-flight requests get (clients dial spare connections when
// they page concurrently).
func TestCloseDoesNotWaitForUnusedConnections(t *testing.T) {
	s, err := Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(50 * time.Millisecond) // let the server accept it
	start := time.Now()
	s.Close()
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v with an unused connection open", d)
	}
}

func TestStartOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:0", ":0", "example.com:80", "nonsense"} {
		if s, err := StartOn(addr, http.NotFoundHandler()); err == nil {
			s.Close()
			t.Errorf("StartOn(%q) accepted", addr)
		}
	}
	s, err := StartOn("127.0.0.1:0", http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || strings.HasSuffix(s.URL(), ":0") {
		t.Fatalf("URL %s", s.URL())
	}
}
