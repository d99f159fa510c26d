package provision

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// adapter converts wire values into model values for one provider
// instance, interning the strings a million blocks repeat (regions, RIRs,
// resource names, tags) so they are stored once.
type adapter struct {
	provider  string
	holdingID int64
	strs      map[string]string
}

func newAdapter(provider string, holdingID int64) *adapter {
	return &adapter{provider: provider, holdingID: holdingID, strs: map[string]string{}}
}

func (a *adapter) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := a.strs[s]; ok {
		return v
	}
	if len(a.strs) < 1<<16 {
		a.strs[s] = s
	}
	return s
}

// block converts one wire block. It fails only when the block cannot be
// identified (no id) or placed (neither a CIDR nor an address and mask).
func (a *adapter) block(w *Block) (model.Block, error) {
	if !w.ID.Valid {
		return model.Block{}, errors.New("block without an id")
	}
	fam := family(string(w.Type))
	pfx, err := blockPrefix(w, fam)
	if err != nil {
		return model.Block{}, fmt.Errorf("block %d: %w", w.ID.V, err)
	}
	if fam == "" {
		fam = model.IPv4
		if pfx.Addr().Is6() {
			fam = model.IPv6
		}
	}
	b := model.Block{
		Provider:     a.provider,
		ID:           w.ID.V,
		Family:       fam,
		Prefix:       pfx,
		Parent:       w.Parent.V,
		Child1:       w.Child1.V,
		Child2:       w.Child2.V,
		TopAggregate: w.TopAggregate.V,
		Assigned:     bool(w.IsAssigned),
		Swipped:      bool(w.IsSwipped),
		Leaf:         bool(w.IsAggregate),
		ResourceID:   w.ResourceID.V,
		ResourceName: a.intern(clean(string(w.ResourceName))),
		Region:       a.intern(clean(string(w.Region))),
		RegionName:   a.intern(clean(string(w.RegionName))),
		VLAN:         int(w.VLAN.V),
		RIR:          a.intern(clean(string(w.RIR))),
		LIRID:        w.LIRID.V,
		Code:         a.intern(clean(firstNonEmpty(string(w.Code), string(w.GenericCode)))),
		Description:  clean(string(w.Description)),
		Notes:        clean(string(w.Notes)),
		ASN:          w.ASN.V,
		OrgID:        a.intern(clean(string(w.OrgID))),
		AssignedAt:   parseTime(string(w.AssignedTime)),
		UpdatedAt:    parseTime(string(w.LastUpdatedTime)),
	}
	if b.VLAN < 0 || b.VLAN > 4095 {
		b.VLAN = 0
	}
	if len(w.Tags) > 0 {
		b.Tags = make([]string, 0, len(w.Tags))
		for _, t := range w.Tags {
			if t = clean(t); t != "" {
				b.Tags = append(b.Tags, a.intern(t))
			}
		}
	}
	b.Status = a.status(w)
	return b.Sanitized(), nil // Tags and names are clean already; this covers what a new field adds
}

// status normalises the block's use. A block with children is split; an
// assigned one is assigned; an unassigned block parked on the holding
// resource (ProVision's "6connect holding"; older versions say
// custid "holding") is in the holding tank; anything else is available.
func (a *adapter) status(w *Block) model.BlockStatus {
	switch {
	case w.Child1.V != 0 || w.Child2.V != 0:
		return model.BlockSplit
	case bool(w.IsAssigned):
		return model.BlockAssigned
	case a.holdingID != 0 && w.ResourceID.V == a.holdingID,
		a.holdingID == 0 && (containsFold(string(w.ResourceName), "holding") || strings.EqualFold(strings.TrimSpace(string(w.CustID)), "holding")):
		return model.BlockHolding
	}
	return model.BlockAvailable
}

func family(t string) model.IPFamily {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "ipv4", "4", "v4":
		return model.IPv4
	case "ipv6", "6", "v6":
		return model.IPv6
	}
	return ""
}

// blockPrefix places a block: its cidr when it parses, else the decimal
// address with the mask. The cidr is what the reference calls the block;
// the decimal address is the fallback older versions rely on.
func blockPrefix(w *Block, fam model.IPFamily) (netip.Prefix, error) {
	if c := strings.TrimSpace(string(w.CIDR)); c != "" {
		if p, err := netip.ParsePrefix(strings.ReplaceAll(c, `\/`, "/")); err == nil {
			p = p.Masked()
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
			}
			return p, nil
		}
	}
	if !w.Mask.Valid {
		return netip.Prefix{}, fmt.Errorf("neither a valid cidr (%s) nor address and mask", quote(string(w.CIDR)))
	}
	addr, err := DecimalAddr(string(w.Address), fam)
	if err != nil {
		return netip.Prefix{}, err
	}
	if w.Mask.V < 0 || int(w.Mask.V) > addr.BitLen() {
		return netip.Prefix{}, fmt.Errorf("mask %d out of range for %s", w.Mask.V, addr)
	}
	return netip.PrefixFrom(addr, int(w.Mask.V)).Masked(), nil
}

// DecimalAddr converts a decimal address ("3232235520") into an address.
// IPv6 addresses exceed 64 bits, hence math/big. fam "" guesses: values
// below 2^32 are IPv4.
func DecimalAddr(s string, fam model.IPFamily) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || s == "" || s[0] == '+' {
		return netip.Addr{}, fmt.Errorf("address %s is not a decimal integer", quote(s))
	}
	v4 := fam == model.IPv4 || (fam == "" && n.BitLen() <= 32)
	if v4 {
		if n.BitLen() > 32 {
			return netip.Addr{}, fmt.Errorf("address %s exceeds 32 bits", quote(s))
		}
		var b [4]byte
		n.FillBytes(b[:])
		return netip.AddrFrom4(b), nil
	}
	if n.BitLen() > 128 {
		return netip.Addr{}, fmt.Errorf("address %s exceeds 128 bits", quote(s))
	}
	var b [16]byte
	n.FillBytes(b[:])
	return netip.AddrFrom16(b), nil
}

// AddrDecimal is the decimal form of an address (the wire's address field).
func AddrDecimal(a netip.Addr) string {
	if a.Is4() {
		b := a.As4()
		return new(big.Int).SetBytes(b[:]).String()
	}
	b := a.As16()
	return new(big.Int).SetBytes(b[:]).String()
}

// LastAddr is the last address of p (the wire's end_address).
func LastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	host := len(b)*8 - p.Bits()
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			b[i] = 0xff
			host -= 8
			continue
		}
		b[i] |= byte(1<<host - 1)
		host = 0
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// timeLayouts are the SQL datetime spellings ProVision uses (the server's
// zone is not sent; times are read as UTC).
var timeLayouts = []string{"2006-01-02 15:04:05", "2006-1-2 15:04:05", time.RFC3339, "2006-01-02"}

func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// utilization converts a getHostUtilization answer.
func (a *adapter) utilization(fam model.IPFamily, w HostUtilization) model.Utilization {
	u := model.Utilization{
		Provider:     a.provider,
		Family:       fam,
		Unit:         unitOf(fam),
		Total:        w.TotalHosts.Hosts(),
		Assigned:     w.HostsAssigned.Hosts(),
		Allocated:    w.HostsAllocated.Hosts(),
		Available:    w.HostsAvailable.Hosts(),
		Holding:      w.HostsInHolding.Hosts(),
		AssignedPct:  pct(w.AssignedPercentage),
		AllocatedPct: pct(w.AllocatedPercentage),
		AvailablePct: pct(w.AvailablePercentage),
		HoldingPct:   pct(w.InHoldingPercentage),
	}
	for _, r := range w.Resources {
		blocks := r.Blocks.V
		if blocks < 0 || blocks > 1<<31 {
			blocks = 0
		}
		u.Resources = append(u.Resources, model.ResourceUsage{
			ID: r.ID.V, Name: clean(string(r.Name)), Type: clean(string(r.Type)),
			Hosts: r.Hosts.Hosts(), Blocks: int(blocks), Percent: pct(r.Percentage),
		})
	}
	return u.Sanitized()
}

// unitOf says what counts mean: the reference's mask report counts IPv6 in
// /64 networks (a /41 holds 2^23 of them), IPv4 in addresses.
func unitOf(f model.IPFamily) string {
	if f == model.IPv6 {
		return "/64s"
	}
	return "addresses"
}

func pct(f Float) float64 {
	v := float64(f)
	switch {
	case v < 0:
		return 0
	case v > 100:
		return 100
	}
	return v
}

// maskReport converts a maskReport answer: families in IPv4, IPv6 order,
// prefixes by length; keys that are not prefix lengths are skipped.
func (a *adapter) maskReport(w MaskReport) model.MaskReport {
	r := model.MaskReport{Provider: a.provider}
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
	for _, k := range keys {
		fam := family(k)
		if fam == "" {
			continue
		}
		wf := w[k]
		mf := model.MaskFamily{Family: fam, Unit: unitOf(fam), Totals: maskRow(-1, wf.MaskUse)}
		for pk, use := range wf.Prefixes {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(pk), "/"))
			if err != nil || n < 0 || n > fam.Bits() {
				continue
			}
			mf.Prefixes = append(mf.Prefixes, maskRow(n, use))
		}
		slices.SortFunc(mf.Prefixes, func(x, y model.MaskRow) int { return x.Mask - y.Mask })
		r.Families = append(r.Families, mf)
	}
	return r.Sanitized()
}

func maskRow(mask int, u MaskUse) model.MaskRow {
	return model.MaskRow{
		Mask: mask, Total: u.Total.Hosts(), Assigned: u.Assigned.Hosts(), Available: u.Available.Hosts(),
		Holding: u.Holding.Hosts(), Allocated: u.Allocated.Hosts(),
		AssignedPct: pct(u.AssignedPercentage), AvailablePct: pct(u.AvailablePercentage),
		HoldingPct: pct(u.HoldingPercentage), AllocatedPct: pct(u.AllocatedPercentage),
	}
}

// Fingerprint identifies a set of blocks (order-independent): what a
// holding tank preview showed.
func Fingerprint(blocks []model.Block) string {
	ids := make([]string, 0, len(blocks))
	for i := range blocks {
		ids = append(ids, strconv.FormatInt(blocks[i].ID, 10)+"="+blocks[i].CIDR())
	}
	slices.Sort(ids)
	h := sha256.New()
	for _, s := range ids {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// clean trims display text and makes it safe for a terminal
// (model.SafeText: escapes from a hostile server become visible
// pictures). It runs before interning, so a million blocks share one clean
// copy of each repeated string.
func clean(s string) string { return model.SafeText(strings.TrimSpace(s)) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), sub)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}
