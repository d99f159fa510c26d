package sim

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves one simulator over real HTTP on 127.0.0.1 (an ephemeral
// port), so clients exercise their whole stack: connection pooling,
// timeouts, truncated bodies.
type Server struct {
	srv    *http.Server
	url    string
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

// Start serves h on 127.0.0.1:0 until Close.
func Start(h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// Every request context derives from base: Close cancels it, which
	// releases handlers blocked in a stall fault.
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return base },
			ErrorLog:          log.New(io.Discard, "", 0),
		},
		url:    "http://" + ln.Addr().String(),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.err = err
		}
	}()
	return s, nil
}

// URL is the base URL ("http://127.0.0.1:41234").
func (s *Server) URL() string { return s.url }

// Close stops the server: pending stalls are released, in-flight requests
// get up to two seconds to finish, then remaining connections are cut. It
// returns when the serving goroutine has exited. Safe to call twice.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
	})
	return s.err
}
