package provision

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"net/netip"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
)

func TestScalarsAcceptPHPSpellings(t *testing.T) {
	ints := map[string]Int{
		`12`: IntOf(12), `"12"`: IntOf(12), `" 12 "`: IntOf(12), `12.0`: IntOf(12), `"-3"`: IntOf(-3),
		`null`: {}, `""`: {}, `"null"`: {},
	}
	for in, want := range ints {
		var got Int
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("Int %s = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{`"12a"`, `1.5`, `"x"`, `{}`, `[1]`, `1e300`} {
		var got Int
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Int %s accepted: %+v", bad, got)
		}
	}
	bools := map[string]Bool{`1`: true, `"1"`: true, `true`: true, `"true"`: true, `0`: false, `"0"`: false, `false`: false, `null`: false, `""`: false}
	for in, want := range bools {
		var got Bool
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("Bool %s = %v, %v", in, got, err)
		}
	}
	var b Bool
	if err := json.Unmarshal([]byte(`"maybe"`), &b); err == nil {
		t.Error("Bool accepted maybe")
	}
	floats := map[string]Float{`"100.00"`: 100, `91.666666`: 91.666666, `"0"`: 0, `null`: 0, `"12.5%"`: 12.5}
	for in, want := range floats {
		var got Float
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("Float %s = %v, %v", in, got, err)
		}
	}
	strs := map[string]String{`"ARIN"`: "ARIN", `1918`: "1918", `null`: "", `true`: "true"}
	for in, want := range strs {
		var got String
		if err := json.Unmarshal([]byte(in), &got); err != nil || got != want {
			t.Errorf("String %s = %q, %v", in, got, err)
		}
	}
	tags := map[string]string{`["Customer","PTP"]`: "Customer|PTP", `"customer, vpn"`: "customer|vpn", `null`: "", `[1," x "]`: "1|x", `""`: ""}
	for in, want := range tags {
		var got Strings
		if err := json.Unmarshal([]byte(in), &got); err != nil || strings.Join(got, "|") != want {
			t.Errorf("Strings %s = %q, %v", in, got, err)
		}
	}
}

func TestCountsAsNumbersStringsAndFloats(t *testing.T) {
	two96 := new(big.Int).Lsh(big.NewInt(1), 96)
	cases := map[string]string{
		`256`:                      "256",
		`"256"`:                    "256",
		`"` + two96.String() + `"`: two96.String(), // a /32 of IPv6 in addresses
		two96.String():             two96.String(), // as a bare JSON number beyond 2^64
		`"7.9228162514264E+28"`:    "79228162514264000000000000000",
		`null`:                     "0",
		`"12.00"`:                  "12",
	}
	for in, want := range cases {
		var c Count
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Errorf("Count %s: %v", in, err)
			continue
		}
		got := c.Hosts().String()
		if in == `"7.9228162514264E+28"` {
			// Float precision: compare the leading digits.
			if !strings.HasPrefix(got, "792281625142") || len(got) != len(want) {
				t.Errorf("Count %s = %s", in, got)
			}
			continue
		}
		if got != want {
			t.Errorf("Count %s = %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{`"-5"`, `"abc"`, `{}`} {
		var c Count
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("Count accepted %s", bad)
		}
	}
	// Encoding: small counts as numbers, huge ones as digit strings.
	out, _ := json.Marshal([]Count{Count(model.HostsOf(5)), Count(model.PrefixSize(128, 32))})
	if string(out) != `[5,"`+two96.String()+`"]` {
		t.Fatalf("encoded %s", out)
	}
}

func TestDecimalAddressesBeyond64Bits(t *testing.T) {
	// 2001:db8::/32 computed independently: 0x20010db8 << 96.
	v6 := new(big.Int).Lsh(big.NewInt(0x20010db8), 96)
	end := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(0x20010db8+1), 96), big.NewInt(1))
	cases := []struct {
		dec  string
		fam  model.IPFamily
		want string
	}{
		{"3232235520", model.IPv4, "192.168.0.0"},
		{"3232235520", "", "192.168.0.0"},
		{"0", model.IPv4, "0.0.0.0"},
		{"4294967295", model.IPv4, "255.255.255.255"},
		{v6.String(), model.IPv6, "2001:db8::"},
		{v6.String(), "", "2001:db8::"},
		{end.String(), model.IPv6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"340282366920938463463374607431768211455", model.IPv6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"1", model.IPv6, "::1"},
	}
	for _, c := range cases {
		a, err := DecimalAddr(c.dec, c.fam)
		if err != nil || a.String() != c.want {
			t.Errorf("DecimalAddr(%s, %q) = %s, %v; want %s", c.dec, c.fam, a, err, c.want)
			continue
		}
		if back := AddrDecimal(a); back != strings.TrimLeft(c.dec, "0") && !(c.dec == "0" && back == "0") {
			t.Errorf("AddrDecimal(%s) = %s, want %s", a, back, c.dec)
		}
	}
	for _, bad := range []struct {
		dec string
		fam model.IPFamily
	}{{"4294967296", model.IPv4}, {"340282366920938463463374607431768211456", model.IPv6}, {"-1", ""}, {"1e9", ""}, {"", ""}, {"0x10", ""}, {"+5", ""}} {
		if a, err := DecimalAddr(bad.dec, bad.fam); err == nil {
			t.Errorf("DecimalAddr(%q, %q) accepted: %s", bad.dec, bad.fam, a)
		}
	}
	if got := LastAddr(netip.MustParsePrefix("2001:db8::/32")); got.String() != "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" {
		t.Fatalf("LastAddr %s", got)
	}
	if got := LastAddr(netip.MustParsePrefix("10.1.2.8/29")); got.String() != "10.1.2.15" {
		t.Fatalf("LastAddr %s", got)
	}
}

// A block in the reference's shape, written for this test: numbers sent as
// strings here and there, an IPv6 address beyond 64 bits and no cidr.
const fixtureBlocks = `[
 {"id":"9001","type":"ipv6","top_aggregate":null,"cidr":"","address":"42540766411282592856903984951653826560",
  "end_address":"42540766490510755371168322545197776895","mask":"32","child1":9002,"child2":"9003",
  "is_assigned":"0","is_swipped":0,"is_aggregate":0,"custid":1,"resource_id":"1","resource_name":"Available",
  "parent":null,"rir":"RIPE","lir_id":"451","region":"AMS","vlan":null,"tags":"Public, Core","asn":"64500",
  "last_updated_time":"2025-02-03 04:05:06","assigned_time":"0000-00-00 00:00:00","permissions":{"permissionIPAMRead":"1"},"range":["a","b"]},
 {"id":9002,"type":"IPv6","top_aggregate":"9001","cidr":"2001:db8::\/33","address":"42540766411282592856903984951653826560",
  "mask":33,"child1":null,"child2":null,"is_assigned":true,"resource_id":1042,"resource_name":"Bluepeak Networks",
  "parent":"9001","rir":"RIPE","region":"AMS","vlan":"1140","tags":["Customer"],"assigned_time":"2024-11-30 23:59:59",
  "description":"core\u001b[31m link","custid":"1042"},
 {"id":9003,"type":"ipv6","cidr":"2001:db8:8000::/33","mask":33,"parent":9001,"is_assigned":0,"resource_id":188,
  "resource_name":"6connect holding","rir":"RIPE","region":"AMS","tags":[]},
 {"id":77,"type":"ipv4","cidr":"23.92.0.64/26","address":"391905344","mask":26,"custid":"holding","is_assigned":"0"}
]`

func TestAdaptBlocks(t *testing.T) {
	ws, err := phpList[Block](json.RawMessage(fixtureBlocks))
	if err != nil {
		t.Fatal(err)
	}
	ad := newAdapter("ipam", 0)
	var bs []model.Block
	for i := range ws {
		b, err := ad.block(&ws[i])
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	top := bs[0]
	if top.CIDR() != "2001:db8::/32" || top.Family != model.IPv6 || top.Status != model.BlockSplit {
		t.Fatalf("aggregate from decimal address: %+v", top)
	}
	if top.LIRID != 451 || top.ASN != 64500 || strings.Join(top.Tags, "|") != "Public|Core" || top.VLAN != 0 {
		t.Fatalf("aggregate fields: %+v", top)
	}
	if top.UpdatedAt.Format("2006-01-02 15:04:05") != "2025-02-03 04:05:06" || !top.AssignedAt.IsZero() {
		t.Fatalf("times: %v %v", top.UpdatedAt, top.AssignedAt)
	}
	c1 := bs[1]
	if c1.Status != model.BlockAssigned || c1.VLAN != 1140 || c1.Parent != 9001 || c1.TopAggregate != 9001 || c1.ResourceName != "Bluepeak Networks" {
		t.Fatalf("assigned child: %+v", c1)
	}
	if strings.ContainsAny(c1.Description, "\x1b") {
		t.Fatalf("control characters kept: %q", c1.Description)
	}
	if bs[2].Status != model.BlockHolding || bs[3].Status != model.BlockHolding {
		t.Fatalf("holding by resource name / custid: %s %s", bs[2].Status, bs[3].Status)
	}
	tr := model.BuildBlockTree(bs)
	if got := tr.UsedShare(tr.Roots()[1]); got != 1 {
		// The /32's halves: one assigned, one held.
		t.Fatalf("used share %v (roots %v)", got, tr.Roots())
	}
	// With a configured holding resource id the name no longer decides.
	if st := newAdapter("ipam", 999).status(&ws[2]); st != model.BlockAvailable {
		t.Fatalf("holding id: %s", st)
	}
}

func TestAdaptRejectsUnplaceableBlocks(t *testing.T) {
	for _, in := range []string{
		`{"cidr":"10.0.0.0/8"}`,                          // no id
		`{"id":1,"cidr":"nonsense"}`,                     // no usable cidr, no address
		`{"id":1,"address":"1","mask":40,"type":"ipv4"}`, // mask beyond 32
		`{"id":1,"address":"abc","mask":24}`,             // bad decimal
		`{"id":1,"address":"4294967296","mask":24,"type":"ipv4"}`,
	} {
		var w Block
		if err := json.Unmarshal([]byte(in), &w); err != nil {
			continue // rejected at decode: fine
		}
		if b, err := newAdapter("x", 0).block(&w); err == nil {
			t.Errorf("%s adapted to %+v", in, b)
		}
	}
}

func TestPHPListShapes(t *testing.T) {
	cases := map[string]int{
		`null`: 0, `[]`: 0, `{}`: 0,
		`[{"id":1,"cidr":"10.0.0.0/24"}]`:                                       1,
		`{"5":{"id":5,"cidr":"10.0.0.0/24"},"6":{"id":6,"cidr":"10.0.1.0/24"}}`: 2,
		`{"id":5,"cidr":"10.0.0.0/24"}`:                                         1,
	}
	for in, n := range cases {
		got, err := phpList[Block](json.RawMessage(in))
		if err != nil || len(got) != n {
			t.Errorf("phpList(%s) = %d blocks, %v; want %d", in, len(got), err, n)
		}
	}
	if _, err := phpList[Block](json.RawMessage(`"text"`)); !errors.Is(err, model.ErrBadResponse) {
		t.Errorf("string data: %v", err)
	}
	var r MaskReport
	if err := json.Unmarshal([]byte(`[]`), &r); err != nil || len(r) != 0 {
		t.Errorf("empty mask report as list: %v %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"IPv4":{"total":"10","prefixes":[]}}`), &r); err != nil || r["IPv4"].Total.Hosts().String() != "10" {
		t.Errorf("mask report with empty prefixes list: %v %v", r, err)
	}
}

func FuzzDecodeBlocks(f *testing.F) {
	f.Add([]byte(fixtureBlocks))
	f.Add([]byte(`{"1":{"id":"1","cidr":"::/0","tags":"a,b"}}`))
	f.Add([]byte(`[{"id":1,"address":"340282366920938463463374607431768211455","mask":"128"}]`))
	f.Add([]byte(`[{"id":1,"child1":1,"child2":1,"parent":1,"cidr":"10.0.0.0/8"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := phpList[Block](json.RawMessage(data))
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) {
				t.Fatalf("decode error does not wrap ErrBadResponse: %v", err)
			}
			return
		}
		ad := newAdapter("fz", 0)
		var bs []model.Block
		for i := range ws {
			if b, err := ad.block(&ws[i]); err == nil {
				if b.Prefix.IsValid() && b.Prefix != b.Prefix.Masked() {
					t.Fatalf("unmasked prefix %s", b.Prefix)
				}
				bs = append(bs, b)
			}
		}
		tr := model.BuildBlockTree(bs)
		for i := 0; i < tr.Len(); i++ {
			if s := tr.UsedShare(int32(i)); s < 0 || s > 1 {
				t.Fatalf("share %v", s)
			}
		}
	})
}

func FuzzEnvelope(f *testing.F) {
	for _, s := range []string{`{"success":1,"data":[]}`, `{"success":"0","message":"Invalid hash"}`, `{'success':0, 'message':'error message'}`,
		`{"message":"x"}`, `<html>`, `{"success":true,"data":{"IPv4":{}}}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := parseEnvelope(body, func(msg string) error {
			return envelopeError("fz", "GET", "get", 200, msg, []string{"secretvalue"})
		})
		if err == nil {
			if env.Success == nil || !*env.Success {
				t.Fatal("nil error without success")
			}
			return
		}
		var e *Error
		if errors.As(err, &e) {
			if strings.Contains(e.Error(), "secretvalue") {
				t.Fatal("secret in error")
			}
			if strings.ContainsAny(e.API.Message, "\x1b\x00\r\n") {
				t.Fatalf("control characters in message %q", e.API.Message)
			}
			return
		}
		if !errors.Is(err, model.ErrBadResponse) {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}

func FuzzReports(f *testing.F) {
	f.Add([]byte(`{"success":1,"totalHosts":"256","hostsAssigned":0,"assignedPercentage":"0.00","resources":[{"id":3,"hosts":"12","blocks":"1","percentage":"4.69"}]}`))
	f.Add([]byte(`{"IPv4":{"total":576,"prefixes":{"32":{"total":12,"assigned_percentage":91.6}}},"IPv6":{"total":"1.6E+7","prefixes":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ad := newAdapter("fz", 0)
		var u HostUtilization
		if json.Unmarshal(data, &u) == nil {
			m := ad.utilization(model.IPv4, u)
			for _, p := range []float64{m.AssignedPct, m.AvailablePct, m.HoldingPct, m.AllocatedPct} {
				if p < 0 || p > 100 {
					t.Fatalf("percentage %v", p)
				}
			}
		}
		var r MaskReport
		if json.Unmarshal(data, &r) == nil {
			mr := ad.maskReport(r)
			for _, fam := range mr.Families {
				for i, row := range fam.Prefixes {
					if row.Mask < 0 || row.Mask > fam.Family.Bits() || (i > 0 && fam.Prefixes[i-1].Mask > row.Mask) {
						t.Fatalf("bad prefix rows %+v", fam.Prefixes)
					}
				}
			}
		}
	})
}

func FuzzDecimalAddr(f *testing.F) {
	for _, s := range []string{"0", "3232235520", "42540766411282592856903984951653826560", "340282366920938463463374607431768211456", "-1", " 7 "} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, v6 bool) {
		fam := model.IPv4
		if v6 {
			fam = model.IPv6
		}
		a, err := DecimalAddr(s, fam)
		if err != nil {
			return
		}
		n, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
		if !ok {
			t.Fatalf("accepted %q", s)
		}
		if AddrDecimal(a) != n.String() {
			t.Fatalf("round trip %q -> %s -> %s", s, a, AddrDecimal(a))
		}
	})
}

// FuzzDecodeBlocksPage: the streaming action=get decoder never panics,
// fails only with typed errors, keeps its bound, and agrees with the
// whole-body decoders (parseEnvelope + phpList) wherever those succeed.
func FuzzDecodeBlocksPage(f *testing.F) {
	for _, s := range []string{`{"success":1,"data":` + fixtureBlocks + `}`, `{"data":{"1":{"id":"1","cidr":"::/0"}},"success":"1"}`,
		`{"success":1,"data":{"id":2,"cidr":"10.0.0.0/8"}}`, `{"success":1,"data":null}`, `{"success":0,"message":"No blocks found"}`,
		`{'success':0, 'message':'error message'}`, `{"success":1,"data":[{},{"id":"x"},7]}`, `[`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		const bound = 4
		p, err := decodeBlocksPage(bytes.NewReader(body), bound)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if n := len(p.blocks) + p.dropped; n > bound || (p.overfull && n != bound) {
			t.Fatalf("%d blocks read with a bound of %d (overfull %v)", n, bound, p.overfull)
		}
		if p.dropped > 0 && p.problem == "" {
			t.Fatal("dropped without a reason")
		}
		env, eerr := parseEnvelope(body, func(msg string) error { return errors.New(msg) })
		if eerr != nil || p.overfull {
			return
		}
		if p.success == nil || !bool(*p.success) {
			t.Fatalf("whole-body decoding says success, streaming says %v", p.success)
		}
		ws, werr := phpList[Block](env.Data)
		if werr == nil && p.dropped == 0 && len(ws) != len(p.blocks) {
			t.Fatalf("%d blocks streamed, %d decoded whole", len(p.blocks), len(ws))
		}
	})
}
