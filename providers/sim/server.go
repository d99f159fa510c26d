package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Server serves one simulator over real HTTP on 127.0.0.1 (an ephemeral
// port, or a chosen address), so clients exercise their whole stack:
// connection pooling, timeouts, truncated bodies.
type Server struct {
	srv    *http.Server
	url    string
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error

	mu    sync.Mutex
	fresh map[net.Conn]bool // connections that have not started a request yet
}

// Start serves h on 127.0.0.1:0 until Close.
func Start(h http.Handler) (*Server, error) { return StartOn("127.0.0.1:0", h) }

// StartOn serves h on addr ("127.0.0.1:8001"; port 0 picks one) until
// Close. The host must be a loopback address: the simulators accept the
// demo credentials, which are public.
func StartOn(addr string, h http.Handler) (*Server, error) {
	if err := CheckListen(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// Every request context derives from base: Close cancels it, which
	// releases handlers blocked in a stall fault.
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		url:    "http://" + ln.Addr().String(),
		cancel: cancel,
		done:   make(chan struct{}),
		fresh:  map[net.Conn]bool{},
	}
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnState:         s.track,
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.err = err
		}
	}()
	return s, nil
}

// CheckListen accepts HOST:PORT with a loopback host and a port in
// 0..65535.
func CheckListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("listen address %q: the simulators only listen on loopback (127.0.0.1, ::1)", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("listen address %q: not a port", addr)
	}
	return nil
}

// track remembers connections a client opened but has sent nothing on
// yet: Shutdown would wait for them as if a request were in flight.
func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == http.StateNew {
		s.fresh[c] = true
	} else {
		delete(s.fresh, c)
	}
}

// URL is the base URL ("http://127.0.0.1:41234").
func (s *Server) URL() string { return s.url }

// Close stops the server: pending stalls are released, connections with
// no request started are closed, in-flight requests get up to two seconds
// to finish, then remaining connections are cut. It returns when the
// serving goroutine has exited. Safe to call twice.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.cancel()
		s.mu.Lock()
		for c := range s.fresh {
			c.Close()
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
	})
	return s.err
}
