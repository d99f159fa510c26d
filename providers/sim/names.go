package sim

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Company is one organisation of the simulated world (a customer, a
// service provider, a peer). Company(i) is the same in every simulator, so
// the peer on an IX-API port is the same company as the buyer of a Fabric
// connection.
type Company struct {
	Index         int
	Name          string // "Bluepeak Networks"
	Slug          string // "bluepeak" (lower-case, for port and device names)
	OrgID         int64  // Equinix-style organisation id
	AccountNumber int64
	GlobalOrgID   string // 18-character global org id
	ASN           uint32 // public-looking ASN
	Domain        string // "bluepeak.example", for e-mail addresses
}

var (
	nameHeads = []string{
		"Blue", "North", "Iron", "Silver", "Cedar", "Granite", "Harbor", "Bright", "Polar", "Amber",
		"Falcon", "Summit", "Coral", "Quartz", "Maple", "Orbit", "Lumen", "Vertex", "Tidal", "Cobalt",
		"Aster", "Nimbus", "Kestrel", "Basalt", "Sable", "Juniper", "Ember", "Zephyr", "Atlas", "Meridian",
	}
	nameTails = []string{
		"peak", "wave", "line", "field", "gate", "stone", "bridge", "point", "stream", "wind",
		"light", "port", "path", "crest", "forge", "mark", "spring", "haven", "ridge", "loop",
	}
	nameKinds = []string{
		"Networks", "Telecom", "Cloud", "Hosting", "Data", "Systems", "Connect", "Fibre", "Labs", "Digital",
		"Bank", "Media", "Logistics", "Health", "Games",
	}
)

// CompanyAt returns company i of the world with the given seed. Names are
// unique for i below len(nameHeads)*len(nameTails) (600); beyond that a
// numeric suffix keeps them unique.
func CompanyAt(seed int64, i int) Company {
	r := NewRand(seed, "company", strconv.Itoa(i))
	// A seed-dependent permutation of the name space keeps names unique
	// while still varying with the seed.
	space := len(nameHeads) * len(nameTails)
	k := (i*7919 + int(Hash(seed, "company-offset")%uint64(space))) % space
	head, tail := nameHeads[k/len(nameTails)], nameTails[k%len(nameTails)]
	slug := strings.ToLower(head + tail)
	if round := i / space; round > 0 {
		slug += strconv.Itoa(round + 1)
	}
	kind := Pick(r, nameKinds)
	name := head + tail
	if round := i / space; round > 0 {
		name += " " + strconv.Itoa(round+1)
	}
	return Company{
		Index:         i,
		Name:          name + " " + kind,
		Slug:          slug,
		OrgID:         100000 + int64(i)*7 + int64(r.IntN(7)),
		AccountNumber: 300000 + int64(i)*11 + int64(r.IntN(11)),
		GlobalOrgID:   globalOrgID(r),
		ASN:           uint32(IntBetween(r, 2000, 60000)),
		Domain:        slug + ".example",
	}
}

// SelfCompany is the organisation the operator works for: the "us" side of
// every simulated provider (our ports, our approvals).
func SelfCompany() Company {
	return Company{
		Index:         -1,
		Name:          "Noctop Demo Networks",
		Slug:          "noctopdemo",
		OrgID:         90001,
		AccountNumber: 270100,
		GlobalOrgID:   "0016u000003NOCTOP",
		ASN:           64500,
		Domain:        "noctop-demo.example",
	}
}

func globalOrgID(r *rand.Rand) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("0016u00000")
	for len(b) < 18 {
		b = append(b, alnum[r.IntN(len(alnum))])
	}
	return string(b)
}

var (
	firstNames = []string{"ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo", "kofi", "lena", "mo", "nia", "omar", "pia", "raj", "sara", "tom", "yuki"}
	lastNames  = []string{"novak", "okafor", "silva", "tanaka", "muller", "ahmed", "kowalski", "garcia", "lindqvist", "moreau", "rossi", "khan", "obrien", "park", "nguyen"}
)

// UserName returns a login-style user name ("lena.okafor").
func UserName(r *rand.Rand) string {
	return Pick(r, firstNames) + "." + Pick(r, lastNames)
}

// Email returns an address at the company's domain.
func Email(r *rand.Rand, c Company) string {
	return UserName(r) + "@" + c.Domain
}

// InterfaceName returns a router-interface-like port name for a port of the
// given speed in Mbit/s: ge-F/P/N (1G), xe-F/P/N (10G), et-F/P/N (25G and
// up), with FPC, PIC and port numbers that make natural sorting matter
// (et-0/0/9 before et-0/0/10).
func InterfaceName(r *rand.Rand, speedMbps int64) string {
	return FormatInterfaceName(InterfaceNameParts(r, speedMbps))
}

// InterfaceNameParts draws what InterfaceName draws: the prefix for the
// speed ("ge", "xe" or "et"), FPC 0-3, PIC 0-3 and port 0-47. A simulator
// that checks many drawn names for collisions compares the parts.
func InterfaceNameParts(r *rand.Rand, speedMbps int64) (prefix string, fpc, pic, port int) {
	prefix = "et"
	switch {
	case speedMbps <= 1000:
		prefix = "ge"
	case speedMbps <= 10000:
		prefix = "xe"
	}
	return prefix, r.IntN(4), r.IntN(4), r.IntN(48)
}

// FormatInterfaceName is the name of the parts ("xe-1/2/3").
func FormatInterfaceName(prefix string, fpc, pic, port int) string {
	return prefix + "-" + strconv.Itoa(fpc) + "/" + strconv.Itoa(pic) + "/" + strconv.Itoa(port)
}

// LAGName returns an aggregated-interface name ("ae12").
func LAGName(r *rand.Rand) string { return "ae" + strconv.Itoa(r.IntN(64)) }

// PortSpeeds are the physical port speeds (Mbit/s) the simulators use.
var PortSpeeds = []int64{1000, 10000, 100000}

// PrivateASN returns a 16-bit private ASN (64512-65534).
func PrivateASN(r *rand.Rand) uint32 { return uint32(IntBetween(r, 64512, 65534)) }
