package metal

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
)

// Every decoder gets arbitrary bytes: no panic, typed errors only, and
// whatever decodes turns into rows that keep the guarantees (a state, no
// control text, valid masked raw JSON).

// decodePage decodes a page the way the client streams one, and checks
// the decoder's promise: every item kept has a usable id.
func decodePage[T any](t *testing.T, b []byte, l list[T]) ([]T, *Meta, error) {
	var meta *Meta
	p, err := decodeList(bytes.NewReader(b), 0, l, &meta)
	for i := range p.Items {
		if l.id(&p.Items[i]) == "" {
			t.Fatalf("kept an item without a usable id: %+v", p.Items[i])
		}
	}
	if p.Dropped > 0 && p.Problem == "" {
		t.Fatal("items dropped without a reason")
	}
	return p.Items, meta, err
}

func checkRow(t *testing.T, m model.Connection) {
	t.Helper()
	if m.State == "" {
		t.Fatalf("row without a state: %+v", m)
	}
	for _, s := range []string{m.Name, m.Type, m.RawState, m.Status, m.A.Name, m.A.Account, m.A.Extra, m.A.Metro, m.Z.Name, m.Z.PortName, m.Z.Extra, m.Z.Metro} {
		if model.SafeText(s) != s {
			t.Fatalf("unsanitised %q", s)
		}
	}
	if m.Pending != nil && model.SafeText(m.Pending.Description) != m.Pending.Description {
		t.Fatalf("unsanitised pending %q", m.Pending.Description)
	}
	if m.Raw != nil && !json.Valid(m.Raw) {
		t.Fatalf("masked raw JSON is not valid: %s", m.Raw)
	}
	_ = m.Fingerprint()
	_ = m.VLANString()
}

func FuzzDecodeInterconnectionList(f *testing.F) {
	f.Add([]byte(`{"interconnections":[` + fixtureConn + `],"meta":{"total":1,"last_page":1}}`))
	f.Add([]byte(`{"interconnections":[{"id":"` + uuidA + `","type":"shared","status":"requested","service_tokens":[{"id":"x","role":"primary"}],"ports":[{"status":"requested","role":"primary"}]}]}`))
	f.Add([]byte(`{"interconnections":null,"meta":{"next":{"href":"//evil"}}}`))
	f.Add([]byte(`{"interconnections":[null,1,"x",{}]}`))
	f.Add([]byte(`{"interconnections":[{"speed":"fast"}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ics, _, err := decodePage(t, b, interconnections)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, ic := range ics {
			checkRow(t, interconnectionRow("fz", ic, ic.Ports, "org", "proj"))
			_ = interconnectionPending(ic, ic.Ports)
		}
	})
}

func FuzzDecodeVirtualCircuitList(f *testing.F) {
	f.Add([]byte(`{"virtual_circuits":[{"id":"a","type":"vlan","status":"waiting_on_customer_vlan","nni_vlan":5,"vnid":1001,"port":{"href":"/metal/v1/connections/` + uuidA + `/ports/` + uuidB + `"}}]}`))
	f.Add([]byte(`{"virtual_circuits":[{"type":"vrf","vrf":{"href":"/metal/v1/vrfs/` + uuidA + `"},"md5":"Secret123456","peer_asn":65000,"subnet":"10.0.0.0/30"}]}`))
	f.Add([]byte(`{"virtual_circuits":[{"vrf":null},{"vrf":{}},{"id":"x"},null]}`))
	f.Add([]byte(`{"virtual_circuits":[{"type":"vrf","vrf":"not an object"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		vcs, _, err := decodePage(t, b, virtualCircuits)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, vc := range vcs {
			if vc.Vlan != nil && vc.Vrf != nil {
				t.Fatal("both oneOf branches set")
			}
			if vc.Vlan == nil && vc.Vrf == nil {
				continue
			}
			m := vcRow("fz", vc, vcContext{metro: "da"})
			checkRow(t, m)
			if strings.Contains(string(b), "Secret123456") && strings.Contains(string(m.Raw), "Secret123456") && strings.Contains(string(m.Raw), `"md5"`) {
				// Only a masked md5 may remain; the value may appear elsewhere in the body.
				var probe struct {
					MD5 string `json:"md5"`
				}
				if json.Unmarshal(m.Raw, &probe) == nil && probe.MD5 == "Secret123456" {
					t.Fatalf("md5 not masked: %s", m.Raw)
				}
			}
			out, err := json.Marshal(vc)
			if err != nil {
				t.Fatalf("re-encoding: %v", err)
			}
			var again VirtualCircuit
			if err := json.Unmarshal(out, &again); err != nil || again.IsVRF() != vc.IsVRF() || again.ID() != vc.ID() {
				t.Fatalf("round trip changed the circuit: %s", out)
			}
		}
	})
}

func FuzzDecodeEventList(f *testing.F) {
	f.Add([]byte(`{"events":[{"id":"e","type":"virtual_circuit.active","body":"x","interpolated":"VC is active","created_at":"2026-01-02T03:04:05Z"}],"meta":{"total":1}}`))
	f.Add([]byte(`{"events":[{"created_at":"yesterday"},{"relationships":[{"href":1}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, _, err := decodePage(t, b, events)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, e := range evs {
			m := eventToModel("fz", e, model.Ref{})
			if model.SafeText(m.Body) != m.Body || model.SafeText(m.Type) != m.Type {
				t.Fatalf("unsanitised event %+v", m)
			}
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	f.Add(422, []byte(`{"errors":["nni_vlan must be between 2 and 4094","project_id is required"]}`))
	f.Add(401, []byte(`{"error":"Invalid authentication token"}`))
	f.Add(400, []byte(`{"errors":"one","error":["x"]}`))
	f.Add(500, []byte(`<html><title>oops</title></html>`))
	f.Add(404, []byte(`{"errors":[1,null,{"a":"b"}]}`))
	f.Add(403, []byte(`{"type":"about:blank","title":"Forbidden","status":403}`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		var e model.APIError
		decodeError(status, http.Header{}, b, &e)
		if utf8.Valid(b) && !(utf8.ValidString(e.Message) && utf8.ValidString(e.Details) && utf8.ValidString(e.Code)) {
			t.Fatalf("invalid UTF-8 out of valid input: %+v", e)
		}
		var body Error
		if json.Unmarshal(b, &body) == nil && len(body.Errors) > 0 && strings.TrimSpace(body.Errors[0]) != "" && e.Message != strings.TrimSpace(body.Errors[0]) {
			t.Fatalf("first message %q lost (got %q)", body.Errors[0], e.Message)
		}
		_ = e.Error()
	})
}

func FuzzNextURL(f *testing.F) {
	c, err := NewClient("https://api.equinix.com/metal/v1", WithToken("t0ken-abcd"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/metal/v1/projects?page=2", "https://api.equinix.com/metal/v1/projects?page=3", "/projects?page=2",
		"//evil.example/metal/v1/projects", "https://api.equinix.com@evil.example/metal/v1/projects", "projects?page=2", "/metal/v1/projects/../organizations",
		"https://API.EQUINIX.COM/metal/v1/projects", "/metal/v1/projects#frag", "http://api.equinix.com/metal/v1/projects"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, href string) {
		u, err := c.nextURL(href, PathProjects)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		p, err := url.Parse(u)
		if err != nil {
			t.Fatalf("returned an unparsable URL %q", u)
		}
		if p.Scheme != "https" || p.Host != "api.equinix.com" || p.User != nil || p.Path != "/metal/v1/projects" {
			t.Fatalf("%q -> %q leaves the collection or the origin", href, u)
		}
	})
}
