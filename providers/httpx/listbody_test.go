package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

type thing struct {
	ID   string `json:"id"`
	Size int    `json:"size"`
	bad  string // set by salvage
}

func thingBody(salvage bool) ListBody[thing] {
	b := ListBody[thing]{Key: "things", What: "thing", Max: 3, ID: func(t *thing) string { return t.ID }}
	if salvage {
		b.Salvage = func(raw json.RawMessage, why *ValueError) (thing, bool) {
			var probe struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(raw, &probe)
			return thing{ID: probe.ID, bad: why.Msg}, true
		}
	}
	return b
}

func TestListBody(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		salvage   bool
		wantIDs   string // items kept, comma-separated
		dropped   int
		problem   string
		overfull  bool
		wantErr   string
		wantMeta  string
		wantBadOf string // id of the salvaged item
	}{
		{name: "plain", body: `{"things":[{"id":"a","size":1},{"id":"b"}],"meta":{"total":2}}`, wantIDs: "a,b", wantMeta: `{"total":2}`},
		{name: "key case as encoding/json matches it", body: `{"Things":[{"id":"a"}]}`, wantIDs: "a"},
		{name: "null list", body: `{"things":null}`, wantIDs: ""},
		{name: "no list", body: `{"other":[{"id":"a"}]}`, wantErr: `no "things" member`},
		{name: "not an object", body: `[{"id":"a"}]`, wantErr: "expected an object, got an array"},
		{name: "list of the wrong type", body: `{"things":5}`, wantErr: "expected a JSON array"},
		{name: "items without an id counted", body: `{"things":[{},{"id":"a"},{"id":""}]}`, wantIDs: "a", dropped: 2, problem: "thing without an id"},
		{name: "non-objects counted", body: `{"things":[7,"x",{"id":"a"}]}`, wantIDs: "a", dropped: 2, problem: "thing not readable (field (top level): got JSON number, want httpx.thing)"},
		{name: "a wrong type drops the item", body: `{"things":[{"id":"a","size":"big"},{"id":"b"}]}`, wantIDs: "b", dropped: 1, problem: "thing not readable (field size: got JSON string, want int)"},
		{name: "a wrong type salvaged keeps it marked", body: `{"things":[{"id":"a","size":"big"},{"size":"big"}]}`, salvage: true,
			wantIDs: "a", dropped: 1, problem: "thing without an id (field size", wantBadOf: "a"},
		{name: "more than max: stops there", body: `{"things":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}` + strings.Repeat(`,{"id":"e"}`, 100), wantIDs: "a,b,c", overfull: true},
		{name: "a repeated list: the last counts", body: `{"things":[{"id":"a"}],"things":[{"id":"b"}]}`, wantIDs: "b"},
		{name: "broken JSON", body: `{"things":[{"id":"a"},`, wantErr: "before the JSON does"},
		{name: "trailing garbage", body: `{"things":[]} x`, wantErr: "after the JSON document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := thingBody(tt.salvage)
			var meta string
			b.Member = func(key string, s *JSONStream) error {
				var raw json.RawMessage
				err := s.Decode(&raw)
				if key == "meta" {
					meta = string(raw)
				}
				return err
			}
			p, err := b.Decode(strings.NewReader(tt.body))
			if tt.wantErr != "" {
				if !errors.Is(err, model.ErrBadResponse) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range p.Items {
				ids = append(ids, it.ID)
				if (it.bad != "") != (it.ID == tt.wantBadOf) {
					t.Errorf("item %s marked %q", it.ID, it.bad)
				}
			}
			if strings.Join(ids, ",") != tt.wantIDs || p.Dropped != tt.dropped || !strings.Contains(p.Problem, tt.problem) || p.Overfull != tt.overfull {
				t.Fatalf("items %v, dropped %d (%q), overfull %v", ids, p.Dropped, p.Problem, p.Overfull)
			}
			if meta != tt.wantMeta {
				t.Fatalf("meta %q", meta)
			}
		})
	}
}

// Past Max the body is not read on: a million items behind the bound
// cost nothing.
func TestListBodyStopsReading(t *testing.T) {
	head := `{"things":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}`
	r := io.MultiReader(strings.NewReader(head), failingReader{})
	p, err := thingBody(false).Decode(r)
	if err != nil || len(p.Items) != 3 || !p.Overfull {
		t.Fatalf("%+v, %v", p, err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("read past the bound") }

// Any bytes: no panic, errors typed, every item kept identified, never
// more than Max, and every item dropped accounted for with a reason.
func FuzzListBody(f *testing.F) {
	f.Add([]byte(`{"things":[{"id":"a","size":1},{"id":""},7,null],"meta":{"total":2}}`), true)
	f.Add([]byte(`{"THINGS":[{"id":"a","size":"x"}],"things":null}`), false)
	f.Add([]byte(`{"things":[[[[[[[]]]]]]]}`), true)
	f.Add([]byte(`{"meta":{"next":{"href":"x"}}`), false)
	f.Fuzz(func(t *testing.T, b []byte, salvage bool) {
		body := thingBody(salvage)
		p, err := body.Decode(strings.NewReader(string(b)))
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(p.Items) > body.Max {
			t.Fatalf("%d items, max %d", len(p.Items), body.Max)
		}
		for _, it := range p.Items {
			if it.ID == "" {
				t.Fatalf("kept an item without an id: %+v", it)
			}
		}
		if p.Dropped > 0 && p.Problem == "" {
			t.Fatal("dropped without a reason")
		}
	})
}
