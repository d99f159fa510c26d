package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/internal/hostile"
)

// generator is a reader producing prefix, then item repeated forever (or
// n times, then suffix), counting the bytes handed out.
type generator struct {
	prefix, item, suffix string
	n                    int // 0: forever
	noSep                bool
	sent                 int
	emitted              int64
	buf                  []byte
}

func (g *generator) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) {
		switch {
		case g.prefix != "":
			g.buf = append(g.buf, g.prefix...)
			g.prefix = ""
		case g.n == 0 || g.sent < g.n:
			if g.sent > 0 && !g.noSep {
				g.buf = append(g.buf, ',')
			}
			g.buf = append(g.buf, g.item...)
			g.sent++
		case g.suffix != "":
			g.buf = append(g.buf, g.suffix...)
			g.suffix = ""
		default:
			if len(g.buf) == 0 {
				return 0, io.EOF
			}
			n := copy(p, g.buf)
			g.buf = g.buf[n:]
			g.emitted += int64(n)
			return n, nil
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.emitted += int64(n)
	return n, nil
}

func TestJSONStreamArrayStopsAtTheBound(t *testing.T) {
	g := &generator{prefix: `[`, item: `{}`}
	s := NewJSONStream(g)
	n, more, err := s.Array(100, func() error { return s.Skip() })
	if err != nil || n != 100 || !more {
		t.Fatalf("n %d more %v err %v", n, more, err)
	}
	if g.emitted > 64<<10 {
		t.Fatalf("read %d bytes for 100 items of an endless array", g.emitted)
	}

	// Within the bound: the whole array, and "null" is an empty one.
	s = NewJSONStream(strings.NewReader(`[1, 2 ,3]`))
	var got []int
	n, more, err = s.Array(3, func() error {
		var v int
		err := s.Decode(&v)
		got = append(got, v)
		return err
	})
	if err != nil || n != 3 || more || len(got) != 3 || got[2] != 3 || s.End() != nil {
		t.Fatalf("n %d more %v err %v got %v", n, more, err, got)
	}
	s = NewJSONStream(strings.NewReader(`null`))
	if n, more, err := s.Array(3, func() error { return s.Skip() }); n != 0 || more || err != nil {
		t.Fatalf("null: %d %v %v", n, more, err)
	}
}

func TestJSONStreamDecodeRawAndValueErrors(t *testing.T) {
	in := `{"data": [ {"a":1} ,{"a":"x","b":2},  7 , {"a":3}]}`
	s := NewJSONStream(strings.NewReader(in))
	if tok, err := s.Token(); err != nil || tok != json.Delim('{') {
		t.Fatal(tok, err)
	}
	if tok, err := s.Token(); err != nil || tok != "data" {
		t.Fatal(tok, err)
	}
	type item struct{ A, B int }
	var raws []string
	var bad int
	n, _, err := s.Array(0, func() error {
		var v item
		raw, err := s.DecodeRaw(&v)
		var verr *ValueError
		if errors.As(err, &verr) {
			bad++
			if !errors.Is(err, model.ErrBadResponse) || strings.Contains(verr.Msg, `"x"`) {
				t.Errorf("value error %v", err)
			}
		} else if err != nil {
			return err
		}
		raws = append(raws, string(raw))
		return nil
	})
	if err != nil || n != 4 || bad != 2 {
		t.Fatalf("n %d bad %d err %v", n, bad, err)
	}
	want := []string{`{"a":1}`, `{"a":"x","b":2}`, `7`, `{"a":3}`}
	for i := range want {
		if raws[i] != want[i] {
			t.Errorf("raw %d = %q, want %q", i, raws[i], want[i])
		}
	}
	if _, err := s.Token(); err != nil || s.End() != nil {
		t.Fatal("end", err)
	}
}

func TestJSONStreamHostileShapes(t *testing.T) {
	tests := []struct {
		name    string
		body    io.Reader
		wantIs  error
		wantMsg string
	}{
		{"deep nesting", bytes.NewReader(hostile.Deep(100_000)), model.ErrBadResponse, "exceeded max depth"},
		{"endless string", &generator{prefix: `["`, item: strings.Repeat("a", 4096)}, model.ErrTooLarge, "longer than"},
		{"endless whitespace in a value", &generator{prefix: `[{"a":`, item: strings.Repeat(" ", 4096), noSep: true}, model.ErrTooLarge, "longer than"},
		{"cut off", strings.NewReader(`[{"a":1},{"a"`), model.ErrBadResponse, "ends at offset"},
		{"garbage", strings.NewReader(`[{"a":1},}`), model.ErrBadResponse, "invalid"},
		{"huge number", strings.NewReader(`[` + strings.Repeat("9", 400) + `]`), model.ErrBadResponse, "field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewJSONStream(tt.body)
			s.SetMaxValue(1 << 20)
			_, _, err := s.Array(0, func() error {
				var v struct{ A int }
				err := s.Decode(&v)
				var verr *ValueError
				if errors.As(err, &verr) {
					return err // a value error is fine here: report it
				}
				return err
			})
			if !errors.Is(err, tt.wantIs) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err %v, want %v with %q", err, tt.wantIs, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "99999999999") || strings.Contains(err.Error(), "aaaaaaa") {
				t.Fatalf("the error echoes the body: %v", err)
			}
			if g, ok := tt.body.(*generator); ok && g.emitted > 3<<20 {
				t.Fatalf("read %d bytes past a 1 MiB value bound", g.emitted)
			}
		})
	}
	// Skip holds a skipped value to the same bound.
	s := NewJSONStream(&generator{prefix: `{"junk":[`, item: `"xxxxxxxxxxxxxxxx"`})
	s.SetMaxValue(1 << 20)
	s.Token()
	s.Token()
	if err := s.Skip(); !errors.Is(err, model.ErrTooLarge) {
		t.Fatalf("skip: %v", err)
	}
}

// millionEmpty is one page of 1,000,000 empty objects: 3 MB, well under
// the body cap.
var millionEmpty = append(append([]byte(`{"data":[`), hostile.EmptyObjects(1_000_000)...), `]}`...)

func TestDoStreamMillionItemPageIsBounded(t *testing.T) {
	counter := &hostile.Counter{H: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(millionEmpty)
	})}
	c, _ := newServer(t, counter)
	read := func() (int, bool) {
		var n int
		var more bool
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/items"}, func(body io.Reader) error {
			s := NewJSONStream(body)
			s.Token()
			s.Token()
			var err error
			n, more, err = s.Array(100, func() error {
				var v map[string]any
				return s.Decode(&v)
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n, more
	}
	if n, more := read(); n != 100 || !more {
		t.Fatalf("n %d more %v", n, more)
	}
	if counter.N() != 1 {
		t.Fatalf("%d requests", counter.N())
	}
	// Memory follows the 100 items read, not the 3 MB answer: reading it
	// whole (Do) allocates more than the body itself.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 5
	for range runs {
		read()
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("DoStream of a 1M-item page with a bound of 100: %d KiB allocated per request", perRun>>10)
	if perRun > 1<<20 {
		t.Fatalf("%d bytes allocated per request: the page is not streamed", perRun)
	}
}

func TestDoStreamErrors(t *testing.T) {
	decodeAll := func(body io.Reader) error {
		s := NewJSONStream(body)
		_, _, err := s.Array(0, func() error { return s.Skip() })
		if err != nil {
			return err
		}
		return s.End()
	}
	t.Run("body over the cap", func(t *testing.T) {
		counter := &hostile.Counter{H: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hostile.Endless(w, `[`)
		})}
		c, _ := newServer(t, counter, WithMaxBody(1<<20))
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, func(body io.Reader) error {
			n, err := io.Copy(io.Discard, io.LimitReader(body, 4<<20))
			if n > 1<<20 {
				t.Errorf("read %d bytes past the cap", n)
			}
			return err
		})
		if !errors.Is(err, model.ErrTooLarge) || counter.N() != 1 || !strings.Contains(err.Error(), "GET /x") {
			t.Fatalf("err %v after %d requests", err, counter.N())
		}
	})
	t.Run("cut-off body is retried for a GET", func(t *testing.T) {
		s := &scripted{steps: []func(http.ResponseWriter, *http.Request){
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100")
				w.Write([]byte(`[{},{}`))
			},
			body(200, "application/json", `[{},{}]`),
		}}
		c, _ := newServer(t, s, WithRetry(RetryPolicy{Sleep: (&fakeSleep{}).Sleep}))
		calls := 0
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, func(body io.Reader) error {
			calls++
			return decodeAll(body)
		})
		if err != nil || s.calls.Load() != 2 || calls != 2 {
			t.Fatalf("err %v, %d requests, consumer ran %d times", err, s.calls.Load(), calls)
		}
	})
	t.Run("bad JSON is not retried", func(t *testing.T) {
		s := &scripted{steps: []func(http.ResponseWriter, *http.Request){body(200, "application/json", `[{},}`)}}
		c, _ := newServer(t, s, WithProvider("prov"))
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, decodeAll)
		if !errors.Is(err, model.ErrBadResponse) || s.calls.Load() != 1 || !strings.HasPrefix(err.Error(), "prov: GET /x: ") {
			t.Fatalf("err %v, %d requests", err, s.calls.Load())
		}
	})
	t.Run("error status never reaches the consumer", func(t *testing.T) {
		s := &scripted{steps: []func(http.ResponseWriter, *http.Request){body(404, "application/json", `{"message":"gone"}`)}}
		c, _ := newServer(t, s)
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, func(io.Reader) error {
			t.Error("consumer called for a 404")
			return nil
		})
		var ae *model.APIError
		if !errors.As(err, &ae) || ae.Status != 404 || ae.Message != "gone" {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("a panicking consumer is a bad response", func(t *testing.T) {
		s := &scripted{steps: []func(http.ResponseWriter, *http.Request){okJSON}}
		c, _ := newServer(t, s)
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, func(io.Reader) error { panic("bug") })
		if !errors.Is(err, model.ErrBadResponse) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("a stalled body hits the per-attempt timeout", func(t *testing.T) {
		var calls atomic.Int32
		c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Write([]byte(`[{},`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}), WithTimeout(100*time.Millisecond), WithRetry(RetryPolicy{MaxAttempts: 2, Sleep: (&fakeSleep{}).Sleep}))
		start := time.Now()
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, decodeAll)
		if !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 2 || time.Since(start) > 2*time.Second {
			t.Fatalf("err %v, %d requests, %v", err, calls.Load(), time.Since(start))
		}
	})
	t.Run("stopping early is fine", func(t *testing.T) {
		c, _ := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hostile.Endless(w, `[`) }))
		_, err := c.DoStream(context.Background(), Request{Method: "GET", Path: "/x"}, func(body io.Reader) error {
			_, err := io.ReadFull(body, make([]byte, 10))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzJSONStream: whatever the bytes, walking them as an array of values
// never panics, every error says the response was bad (or too large), and
// where encoding/json reads the array, the stream hands out the very same
// items, byte for byte.
func FuzzJSONStream(f *testing.F) {
	for _, s := range []string{`[]`, `null`, `[1,"a",{"b":[2]},null,true]`, ` [ {} , {"x":{"y":[]}} ] `, `[`, `[[[[`,
		`{"a":1}`, `[1]x`, `["\u00e9\ud83d\ude00"]`, `[1e999]`, `[{"a":1,"a":2}]`} {
		f.Add([]byte(s), 0)
		f.Add([]byte(s), 2)
	}
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		max %= 8
		var want []json.RawMessage
		refErr := json.Unmarshal(b, &want)
		s := NewJSONStream(bytes.NewReader(b))
		s.SetMaxValue(1 << 16)
		var got []json.RawMessage
		n, more, err := s.Array(max, func() error {
			var v any
			raw, err := s.DecodeRaw(&v)
			if err != nil {
				return err
			}
			got = append(got, raw)
			return nil
		})
		if err == nil && !more {
			err = s.End()
		}
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if n != len(got) || (max > 0 && n > max) {
			t.Fatalf("n %d, %d items, bound %d", n, len(got), max)
		}
		if refErr != nil {
			// Stopping at the bound leaves the rest unread, good or bad.
			if !more && string(bytes.TrimSpace(b)) != "null" {
				t.Fatalf("stream accepted what encoding/json refuses (%v): %q", refErr, b)
			}
			return
		}
		if !more && len(got) != len(want) {
			t.Fatalf("%d items, encoding/json has %d", len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("item %d: %q, encoding/json %q", i, got[i], want[i])
			}
		}
	})
}

func BenchmarkJSONStreamItems(b *testing.B) {
	item := `{"uuid":"` + strings.Repeat("a", 36) + `","name":"conn","bandwidth":100,"aSide":{"accessPoint":{"type":"COLO"}}}`
	page := []byte(`[` + strings.Repeat(item+",", 99) + item + `]`)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		s := NewJSONStream(bytes.NewReader(page))
		_, _, err := s.Array(0, func() error {
			var v struct {
				UUID, Name string
				Bandwidth  int
			}
			_, err := s.DecodeRaw(&v)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
