package fabric

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// FuzzDecodeSearchResponse feeds arbitrary bytes through the search
// response decoding and the adapter: no panic, and a decoded page always
// yields one row per item with its raw JSON kept.
func FuzzDecodeSearchResponse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "connections", "*.json"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add([]byte(`{"pagination":{"offset":0,"limit":100,"total":1},"data":[` + string(b) + `]}`))
	}
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`{"data":[1,"x",null,{}]}`))
	f.Add([]byte(`{"data":[{"change":{"data":[{"op":"replace","path":"/bandwidth","value":5}]}}]}`))
	f.Add([]byte(`[`))
	f.Add([]byte(`{"DATA":[{"uuid":"a"}],"data":[{"uuid":"b","bandwidth":"x"}],"Pagination":{"total":3,"limit":1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// The streaming decoder used by the client must agree with plain
		// encoding/json wherever the latter succeeds.
		var ref ConnectionSearchResponse
		refErr := httpx.DecodeJSON(b, &ref)
		resp, err := decodeSearchPage(b)
		if err != nil && !errors.Is(err, model.ErrBadResponse) {
			t.Fatalf("untyped error %v", err)
		}
		if refErr == nil && err == nil {
			if len(ref.Data) != len(resp.Data) || (ref.Pagination == nil) != (resp.Pagination == nil) ||
				(ref.Pagination != nil && *ref.Pagination != *resp.Pagination) {
				t.Fatalf("decoders disagree:\n%+v\n%+v", ref, resp)
			}
			for i := range ref.Data {
				a, b := ref.Data[i], resp.Data[i]
				if a.UUID != b.UUID || a.Name != b.Name || !bytes.Equal(a.Raw(), b.Raw()) || (a.DecodeError() == nil) != (b.DecodeError() == nil) {
					t.Fatalf("item %d differs:\n%q %v\n%q %v", i, a.Raw(), a.DecodeError(), b.Raw(), b.DecodeError())
				}
			}
		}
		if refErr == nil && err != nil && string(bytes.TrimSpace(b)) != "null" {
			t.Fatalf("streaming decoder refused what encoding/json accepts: %v", err)
		}
		// The client's bounded, validating read of the same page.
		const bound = 3
		page, perr := decodeSearch(bytes.NewReader(b), bound, true)
		if perr != nil && !errors.Is(perr, model.ErrBadResponse) && !errors.Is(perr, model.ErrTooLarge) {
			t.Fatalf("untyped error %v", perr)
		}
		if perr == nil {
			if len(page.Data)+page.Dropped > bound || (page.Overfull && len(page.Data)+page.Dropped != bound) {
				t.Fatalf("bound %d: %d kept, %d dropped, overfull %v", bound, len(page.Data), page.Dropped, page.Overfull)
			}
			for _, c := range page.Data {
				if c.UUID == "" {
					t.Fatal("a connection without a uuid was kept")
				}
			}
			if err == nil && !page.Overfull && len(page.Data)+page.Dropped != len(resp.Data) {
				t.Fatalf("%d kept + %d dropped of %d", len(page.Data), page.Dropped, len(resp.Data))
			}
			if page.Dropped > 0 && page.Problem == "" {
				t.Fatal("dropped without a reason")
			}
		}
		if err != nil {
			return
		}
		for _, c := range resp.Data {
			m := toModel("fz", c)
			if m.State == "" {
				t.Fatalf("empty state for %s", c.Raw())
			}
			_ = m.VLANString()
			_ = m.Fingerprint()
			if c.DecodeError() == nil && c.Raw() != nil && !json.Valid(m.Raw) {
				t.Fatalf("masked raw JSON is not valid: %s", m.Raw)
			}
			_ = needsZSide(c)
		}
	})
}

// FuzzDecodeError: any error body decodes without panicking into fields
// that are valid UTF-8 whenever the input is.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, []byte(`[{"errorCode":"EQ-3040010","errorMessage":"bad","correlationId":"c","details":"d","additionalInfo":[{"property":"p","reason":"r"}]}]`))
	f.Add(400, []byte(`{"error_code":"S401","error_message":"nope","developer_message":"x"}`))
	f.Add(404, []byte(`{"errorCode":"EQ-3045811","errorMessage":"uuid not found"}`))
	f.Add(500, []byte(`[]`))
	f.Add(502, []byte(`<html>`))
	f.Add(401, []byte(`[{"errorCode":1,"errorMessage":{"a":[]}}]`))
	f.Add(400, []byte(`{"type":"about:blank","title":"t","status":400}`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		for _, dec := range []httpx.ErrorDecoder{decodeError, decodeTokenError} {
			var e model.APIError
			dec(status, http.Header{}, b, &e)
			if utf8.Valid(b) && !(utf8.ValidString(e.Message) && utf8.ValidString(e.Details) && utf8.ValidString(e.Code)) {
				t.Fatalf("invalid UTF-8 out of valid input: %+v", e)
			}
			_ = e.Error()
		}
	})
}

// FuzzTrafficDecoders: a hostile metrics or stats answer never panics,
// never yields a negative or non-finite value, and the series built from
// it keep their slots in time order.
func FuzzTrafficDecoders(f *testing.F) {
	f.Add([]byte(metricsFixture))
	f.Add([]byte(statsExampleFixture))
	f.Add([]byte(statsSchemaFixture))
	f.Add([]byte(`{"data":[{"name":"x","unit":"Gbps","interval":"P9999D","datapoints":[{"endDateTime":"9999-12-31T23:59:59Z","value":1e308}]}]}`))
	f.Add([]byte(`{"data":[{"name":"x","unit":"Gbps","interval":"PT5M","datapoints":[{"endDateTime":"2026-03-02T08:55:00Z","value":1e308}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		var mr MetricsResponse
		if httpx.DecodeJSON(b, &mr) == nil {
			for _, name := range []string{MetricConnRx, "%NAME%", "x"} {
				rs, err := metricSeries(mr.Data, name, "in")
				if err != nil {
					continue
				}
				for _, s := range finish([2]rawSeries{rs, rs}, model.Ref{}, 1e9, now, time.Hour) {
					for i, smp := range s.Samples {
						if !smp.Missing && (smp.V < 0 || math.IsNaN(smp.V) || math.IsInf(smp.V, 0)) {
							t.Fatalf("value %v", smp.V)
						}
						if i > 0 && smp.T.Before(s.Samples[i-1].T) {
							t.Fatal("samples out of order")
						}
					}
				}
			}
		}
		if st, err := decodeStats(b); err == nil && st.BandwidthUtilization != nil {
			for _, d := range []*StatsDirection{st.BandwidthUtilization.Inbound, st.BandwidthUtilization.Outbound} {
				if d == nil {
					continue
				}
				for _, m := range d.Metrics {
					if m.Mean != nil && (math.IsNaN(*m.Mean) || math.IsInf(*m.Mean, 0)) {
						t.Fatal("non-finite mean")
					}
				}
			}
		}
	})
}
