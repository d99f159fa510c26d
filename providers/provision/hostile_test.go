package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/internal/hostile"
)

// A hostile ProVision: action=get answers rewritten the way a broken or
// malicious proxy would. Blocks are written by hand from the reference.

func hostileBlock(i int) string {
	return fmt.Sprintf(`{"id":%d,"type":"ipv4","cidr":"10.%d.%d.0/24","mask":24,"is_assigned":0,"resource_name":"r"}`, i+1, (i/256)%256, i%256)
}

func blocksJSON(from, to int) string {
	parts := make([]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		parts = append(parts, hostileBlock(i))
	}
	return strings.Join(parts, ",")
}

var millionEmptyBlocks = []byte(`{"success":1,"data":[` + string(hostile.EmptyObjects(1_000_000)) + `]}`)

func hostileProVision(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("selectOffset"))
		lim, _ := strconv.Atoi(q.Get("selectCount"))
		list := func(from, to int) { fmt.Fprintf(w, `{"success":1,"data":[%s]}`, blocksJSON(from, to)) }
		switch mode {
		case "one page of 1M {}":
			w.Write(millionEmptyBlocks)
		case "one PHP object of 1M {}":
			var b strings.Builder
			b.WriteString(`{"success":1,"data":{`)
			for i := range 1_000_000 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"%d":{}`, i)
			}
			b.WriteString(`}}`)
			w.Write([]byte(b.String()))
		case "offset ignored":
			list(0, lim)
		case "data before success, then success 0":
			fmt.Fprintf(w, `{"data":[%s],"success":0,"message":"database error"}`, blocksJSON(0, 3))
		case "wrong types in every field":
			w.Write([]byte(`{"success":1,"data":[{"id":"x","cidr":5,"type":[],"mask":"y"},{"id":{},"is_assigned":"maybe"},{"id":1,"cidr":"nonsense"}]}`))
		case "some unplaceable":
			// 1200 blocks; three without an id or a prefix.
			var parts []string
			for i := off; i < min(off+lim, 1200); i++ {
				switch i {
				case 10:
					parts = append(parts, `{"cidr":"10.9.9.0/24"}`)
				case 600:
					parts = append(parts, `{"id":601,"cidr":"not an address"}`)
				case 1100:
					parts = append(parts, `{"id":"one thousand"}`)
				default:
					parts = append(parts, hostileBlock(i))
				}
			}
			fmt.Fprintf(w, `{"success":1,"data":[%s]}`, strings.Join(parts, ","))
		case "single-quoted error":
			w.Write([]byte(`{'success':0, 'message':'Invalid API key'}`))
		case "endless body":
			hostile.Endless(w, `{"success":1,"data":[{"description":"`)
		case "deep nesting":
			w.Write(hostile.Deep(100_000))
		case "deep nesting in data":
			w.Write(append([]byte(`{"success":1,"data":[`), hostile.Deep(100_000)...))
		default:
			panic("unknown mode " + mode)
		}
	}
}

func hostilePV(t *testing.T, h http.Handler, opts ...Option) (*Provider, *hostile.Counter) {
	t.Helper()
	counter := &hostile.Counter{H: h}
	srv := httptest.NewServer(counter)
	t.Cleanup(srv.Close)
	all := append([]Option{httpx.WithRetry(noSleepRetry())}, opts...)
	p, err := New("pv", srv.URL, Credentials{APIKey: "hostile-key-1", SecretKey: "hostile-secret-1"}, all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, counter
}

func TestHostileBlocks(t *testing.T) {
	tests := []struct {
		mode       string
		wantBlocks int
		maxPages   int
		incomplete bool
		wantErr    []string
		wantIs     error
	}{
		{mode: "one page of 1M {}", maxPages: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"pv: none of 500 blocks could be read: block without an id", "more than the 500 blocks asked for in one page"}},
		{mode: "one PHP object of 1M {}", maxPages: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"none of 500 blocks could be read", "more than the 500 blocks"}},
		{mode: "offset ignored", wantBlocks: 500, maxPages: 2, incomplete: true,
			wantErr: []string{"pv: blocks truncated at 500 items: the server answered offset 500 with the same page as offset 0"}},
		{mode: "data before success, then success 0", maxPages: 1, wantErr: []string{"database error"}},
		{mode: "wrong types in every field", maxPages: 1, wantIs: model.ErrBadResponse,
			wantErr: []string{"pv: none of 3 blocks could be read: block at offset"}},
		{mode: "some unplaceable", wantBlocks: 1197, maxPages: 3, incomplete: true,
			wantErr: []string{"pv: 3 of 1200 blocks could not be read: block without an id"}},
		{mode: "single-quoted error", maxPages: 1, wantIs: model.ErrUnauthorized, wantErr: []string{"Invalid API key"}},
		{mode: "endless body", maxPages: 1, wantIs: model.ErrTooLarge, wantErr: []string{"longer than"}},
		{mode: "deep nesting", maxPages: 1, wantIs: model.ErrBadResponse, wantErr: []string{"envelope"}},
		{mode: "deep nesting in data", maxPages: 1, wantIs: model.ErrBadResponse, wantErr: []string{"exceeded max depth"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, counter := hostilePV(t, hostileProVision(tt.mode))
			blocks, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
			if len(blocks) != tt.wantBlocks {
				t.Errorf("%d blocks, want %d", len(blocks), tt.wantBlocks)
			}
			if counter.N() > tt.maxPages {
				t.Errorf("%d requests, want at most %d", counter.N(), tt.maxPages)
			}
			if err == nil {
				t.Fatal("no error: the loss is silent")
			}
			var in *model.Incomplete
			if errors.As(err, &in) != tt.incomplete {
				t.Errorf("error %v: Incomplete = %v, want %v", err, errors.As(err, &in), tt.incomplete)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q\nlacks %q", err, s)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestHostileBlocksMemory(t *testing.T) {
	p, _ := hostilePV(t, hostileProVision("one page of 1M {}"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		p.Blocks(context.Background(), model.BlockQuery{}, nil)
	}
	runtime.ReadMemStats(&after)
	perRun := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("Blocks against a 1M-item page: %d KiB allocated per listing", perRun>>10)
	if perRun > 4<<20 {
		t.Fatalf("%d bytes allocated per listing", perRun)
	}
}

func TestHostileBlocksPeakRSS(t *testing.T) {
	res, hwm := hostile.InChild(t, "TestHostileBlocksPeakRSS", func() string {
		p, counter := hostilePV(t, hostileProVision("one page of 1M {}"))
		blocks, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
		return fmt.Sprintf("blocks=%d requests=%d err=%v", len(blocks), counter.N(), err)
	})
	t.Logf("peak RSS %d MiB: %s", hwm, res)
	if hwm > 500 || !strings.Contains(res, "blocks=0 requests=1 ") {
		t.Fatalf("peak RSS %d MiB: %s", hwm, res)
	}
}

// The holding tank preview plans a mutation: one of a million empty
// objects is refused (not shown in part), within bounded memory.
func TestHostileHoldingPreview(t *testing.T) {
	res, hwm := hostile.InChild(t, "TestHostileHoldingPreview", func() string {
		p, counter := hostilePV(t, hostileProVision("one page of 1M {}"))
		hp, err := p.HoldingTank(context.Background())
		return fmt.Sprintf("blocks=%d requests=%d err=%v", len(hp.Blocks), counter.N(), err)
	})
	t.Logf("peak RSS %d MiB: %s", hwm, res)
	if hwm > 500 || !strings.Contains(res, "blocks=0 requests=1 ") || !strings.Contains(res, "more than 100000 blocks") {
		t.Fatalf("peak RSS %d MiB: %s", hwm, res)
	}
	p, _ := hostilePV(t, hostileProVision("one page of 1M {}"), httpx.WithBounds(httpx.Bounds{MaxItems: 1000}))
	if _, err := p.HoldingTank(context.Background()); !errors.Is(err, model.ErrTooLarge) || !strings.Contains(err.Error(), "more than 1000 blocks") {
		t.Fatalf("bounded preview: %v", err)
	}
	// Within the bound: blocks that cannot be read refuse the preview.
	p, _ = hostilePV(t, hostileProVision("wrong types in every field"))
	if _, err := p.HoldingTank(context.Background()); !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), "2 of 3 blocks in the preview could not be read") {
		t.Fatalf("unreadable preview: %v", err)
	}
}

// A mask report is a handful of families of at most 129 prefix lengths; a
// million members is refused before they are decoded.
func TestHostileMaskReport(t *testing.T) {
	p, counter := hostilePV(t, hostileProVision("one page of 1M {}"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := p.MaskReport(context.Background(), model.MaskQuery{})
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("mask report of 1M members: %d KiB allocated", alloc>>10)
	if !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), "more than 4096 members") || counter.N() != 1 || alloc > 32<<20 {
		t.Fatalf("err %v after %d requests, %d bytes allocated", err, counter.N(), alloc)
	}
}
