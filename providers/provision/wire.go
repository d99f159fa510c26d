package provision

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Wire types of ProVision API v1 (target=ipam), spelled as the reference
// documents them. ProVision is PHP: the same field arrives as a number, a
// numeric string or null depending on version and on the database driver,
// so every scalar uses one of the tolerant types below. They encode the
// way the documentation's examples look, which the simulator relies on.

// Int is an integer sent as a number, a numeric string or null.
type Int struct {
	V     int64
	Valid bool // false for null, "" and absent
}

// IntOf returns a valid Int.
func IntOf(v int64) Int { return Int{V: v, Valid: true} }

// UnmarshalJSON accepts 12, 12.0, "12", " 12 ", "", null.
func (i *Int) UnmarshalJSON(b []byte) error {
	*i = Int{}
	s, quoted, err := scalar(b)
	if err != nil || s == "" || (!quoted && s == "null") {
		return err
	}
	if quoted && (s == "null" || s == "NULL") {
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*i = Int{V: v, Valid: true}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return fmt.Errorf("not an integer: %s", quote(s))
	}
	*i = Int{V: int64(f), Valid: true}
	return nil
}

// MarshalJSON writes a number or null.
func (i Int) MarshalJSON() ([]byte, error) {
	if !i.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, i.V, 10), nil
}

// Bool is a flag sent as 1/0, "1"/"0", true/false, "true"/"false" or null.
type Bool bool

// UnmarshalJSON accepts the spellings above; null and "" are false.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s, _, err := scalar(b)
	if err != nil {
		return err
	}
	switch strings.ToLower(s) {
	case "1", "true", "yes", "t", "y":
		*v = true
	case "0", "false", "no", "f", "n", "", "null":
		*v = false
	default:
		return fmt.Errorf("not a boolean: %s", quote(s))
	}
	return nil
}

// MarshalJSON writes 1 or 0, as the reference's examples do.
func (v Bool) MarshalJSON() ([]byte, error) {
	if v {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// String is text sent as a string, a number, a boolean or null (kept
// verbatim; null is "").
type String string

// UnmarshalJSON accepts any scalar.
func (s *String) UnmarshalJSON(b []byte) error {
	v, quoted, err := scalar(b)
	if err != nil {
		return err
	}
	if !quoted && v == "null" {
		v = ""
	}
	*s = String(v)
	return nil
}

// MarshalJSON writes a string, or null when empty.
func (s String) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// Float is a number sent as a number or a string ("100.00").
type Float float64

// UnmarshalJSON accepts numbers, numeric strings, "" and null (0).
func (f *Float) UnmarshalJSON(b []byte) error {
	s, _, err := scalar(b)
	if err != nil {
		return err
	}
	s = strings.TrimSuffix(s, "%")
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("not a number: %s", quote(s))
	}
	*f = Float(v)
	return nil
}

// Count is a host count sent as a number or a string. IPv6 counts exceed
// 2^64: PHP sends them as digit strings, or as floats in exponent form
// ("7.9228162514264E+28"), which are accepted with their float precision.
type Count model.Hosts

// UnmarshalJSON accepts the spellings above; null and "" are 0.
func (c *Count) UnmarshalJSON(b []byte) error {
	s, _, err := scalar(b)
	if err != nil {
		return err
	}
	if s == "" || s == "null" {
		*c = Count{}
		return nil
	}
	h, err := model.ParseHosts(s)
	if err == nil {
		*c = Count(h)
		return nil
	}
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("not a count: %s", quote(s))
	}
	*c = Count(model.HostsFromFloat(f))
	return nil
}

// MarshalJSON writes counts below 2^53 as numbers and larger ones as
// digit strings, as a PHP server would.
func (c Count) MarshalJSON() ([]byte, error) {
	h := model.Hosts(c)
	if h.Hi == 0 && h.Lo < 1<<53 {
		return strconv.AppendUint(nil, h.Lo, 10), nil
	}
	return json.Marshal(h.String())
}

// Hosts returns the count.
func (c Count) Hosts() model.Hosts { return model.Hosts(c) }

// Strings is a tag list: a JSON array of strings (or numbers), a
// comma-separated string, or null.
type Strings []string

// UnmarshalJSON accepts the spellings above.
func (s *Strings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*s = nil
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '[' {
		var raw []String
		if err := json.Unmarshal(b, &raw); err != nil {
			return errors.New("tags: not a list of strings")
		}
		for _, x := range raw {
			if t := strings.TrimSpace(string(x)); t != "" {
				*s = append(*s, t)
			}
		}
		return nil
	}
	v, _, err := scalar(b)
	if err != nil {
		return err
	}
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			*s = append(*s, t)
		}
	}
	return nil
}

// MarshalJSON writes an array ([] for none).
func (s Strings) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(s))
}

// scalar returns the text of a JSON scalar: the unquoted string, or the
// literal of a number/boolean/null. Objects and arrays are errors.
func scalar(b []byte) (s string, quoted bool, err error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false, nil
	}
	switch b[0] {
	case '"':
		if n := len(b); n >= 2 && b[n-1] == '"' && plainString(b[1:n-1]) {
			// The common case: no escapes to decode.
			return strings.TrimSpace(string(b[1 : n-1])), true, nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return "", false, err
		}
		return strings.TrimSpace(v), true, nil
	case '{', '[':
		return "", false, errors.New("expected a scalar, got an object or array")
	}
	return string(b), false, nil
}

// plainString reports whether a JSON string body needs no unescaping
// (no backslash, quote, control byte or non-ASCII byte).
func plainString(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

func quote(s string) string {
	if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

// Envelope is the frame of every response: success is 1 or 0 (or "1"/"0"),
// message is human text, data the payload. ID is smartAssign's new block id.
type Envelope struct {
	Success *Bool           `json:"success"`
	Message String          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
	ID      Int             `json:"id,omitzero"`
}

// Block is one IPAM block as action=get (and smartAssign,
// processHoldingTank) return it.
type Block struct {
	ID                  Int             `json:"id"`
	Type                String          `json:"type"` // "ipv4" | "ipv6"
	TopAggregate        Int             `json:"top_aggregate"`
	CIDR                String          `json:"cidr"`
	FormattedIP         String          `json:"formatted_ip"`
	Address             String          `json:"address"`     // decimal; IPv6 beyond 64 bits
	EndAddress          String          `json:"end_address"` // decimal
	Mask                Int             `json:"mask"`
	Netmask             String          `json:"netmask,omitempty"`
	Child1              Int             `json:"child1"`
	Child2              Int             `json:"child2"`
	IsAssigned          Bool            `json:"is_assigned"`
	IsSwipped           Bool            `json:"is_swipped"`
	IsAggregate         Bool            `json:"is_aggregate"` // true: not split into children
	CustID              String          `json:"custid"`
	ResourceID          Int             `json:"resource_id"`
	ResourceName        String          `json:"resource_name"`
	LastUpdatedTime     String          `json:"last_updated_time"`
	Description         String          `json:"description"`
	Parent              Int             `json:"parent"`
	RIR                 String          `json:"rir"`
	LIRID               Int             `json:"lir_id"`
	Notes               String          `json:"notes"`
	GenericCode         String          `json:"generic_code"`
	Code                String          `json:"code"`
	Region              String          `json:"region"`
	RegionName          String          `json:"region_name,omitempty"`
	VLAN                Int             `json:"vlan"`
	ARINNetID           String          `json:"arin_net_id"`
	ARINCustID          String          `json:"arin_cust_id"`
	OrgID               String          `json:"org_id"`
	ARINSwipTime        String          `json:"arin_swip_time"`
	AssignedTime        String          `json:"assigned_time"`
	ASN                 Int             `json:"asn"`
	AllowSubAssignments Bool            `json:"allowSubAssignments"`
	Permissions         json.RawMessage `json:"permissions,omitempty"`
	Range               json.RawMessage `json:"range,omitempty"` // "a - b" in v1, a list in v2
	Tags                Strings         `json:"tags"`
}

// HostUtilization is getHostUtilization's response; its fields sit next to
// success at the top level, not under data.
type HostUtilization struct {
	Success             *Bool      `json:"success"`
	Message             String     `json:"message,omitempty"`
	TotalHosts          Count      `json:"totalHosts"`
	HostsAssigned       Count      `json:"hostsAssigned"`
	HostsAllocated      Count      `json:"hostsAllocated"`
	HostsAvailable      Count      `json:"hostsAvailable"`
	HostsInHolding      Count      `json:"hostsInHolding"`
	AvailablePercentage Float      `json:"availablePercentage"`
	AssignedPercentage  Float      `json:"assignedPercentage"`
	AllocatedPercentage Float      `json:"allocatedPercentage"`
	InHoldingPercentage Float      `json:"inHoldingPercentage"`
	Resources           []Resource `json:"resources"`
}

// Resource is one row of a utilization report.
type Resource struct {
	ID         Int    `json:"id"`
	Name       String `json:"name"`
	Type       String `json:"type"`
	Hosts      Count  `json:"hosts"`
	Blocks     Int    `json:"blocks"`
	Percentage Float  `json:"percentage"`
}

// MaskReport is maskReport's data: one entry per family ("IPv4", "IPv6").
type MaskReport map[string]MaskFamily

// UnmarshalJSON also accepts [] (PHP encodes an empty map as a list).
func (r *MaskReport) UnmarshalJSON(b []byte) error {
	m, err := phpMap[MaskFamily](b)
	*r = m
	return err
}

// MaskFamily is one family's totals and its per-prefix rows, keyed by the
// prefix length as a string ("24").
type MaskFamily struct {
	MaskUse
	Prefixes Prefixes `json:"prefixes"`
}

// Prefixes maps a prefix length ("24") to its use.
type Prefixes map[string]MaskUse

// UnmarshalJSON also accepts [] and null.
func (p *Prefixes) UnmarshalJSON(b []byte) error {
	m, err := phpMap[MaskUse](b)
	*p = m
	return err
}

// phpMap decodes a JSON object into a map; an empty list or null (how PHP
// encodes an empty array) gives an empty map. A list of objects is
// accepted too, keyed by position, since PHP turns a map with keys 0..n-1
// into a list.
func phpMap[T any](b []byte) (map[string]T, error) {
	b = bytes.TrimSpace(b)
	out := map[string]T{}
	if len(b) == 0 || string(b) == "null" {
		return out, nil
	}
	// Read member by member, bounded: a report has a few families of at
	// most 129 prefix lengths, and a million members must not be decoded
	// before anyone counts them.
	s := httpx.NewJSONStream(bytes.NewReader(b))
	var (
		more bool
		err  error
	)
	if b[0] == '[' {
		i := 0
		_, more, err = s.Array(maxPHPMap, func() error {
			var v T
			if err := s.Decode(&v); err != nil {
				return err
			}
			out[strconv.Itoa(i)] = v
			i++
			return nil
		})
	} else {
		_, more, err = s.Object(maxPHPMap, func(key string) error {
			var v T
			if err := s.Decode(&v); err != nil {
				return err
			}
			out[key] = v
			return nil
		})
	}
	if err == nil && more {
		err = fmt.Errorf("more than %d members", maxPHPMap)
	}
	if err == nil {
		err = s.End()
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxPHPMap bounds the members of a report map.
const maxPHPMap = 4096

// MaskUse is the use of one prefix length (or a family's totals).
type MaskUse struct {
	Total               Count `json:"total"`
	Available           Count `json:"available"`
	Assigned            Count `json:"assigned"`
	Holding             Count `json:"holding"`
	Allocated           Count `json:"allocated"`
	AssignedPercentage  Float `json:"assigned_percentage"`
	HoldingPercentage   Float `json:"holding_percentage"`
	AvailablePercentage Float `json:"available_percentage"`
	AllocatedPercentage Float `json:"allocated_percentage"`
}
