package model

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Hosts is an unsigned 128-bit count of addresses (or /64 networks). IPv6
// counts overflow uint64 and float64 loses their low digits, so reports
// keep them exact here. Arithmetic saturates at 2^128-1 and floors at 0.
// The zero value is 0; Hosts is comparable.
type Hosts struct{ Hi, Lo uint64 }

// MaxHosts is the largest count (2^128-1).
var MaxHosts = Hosts{math.MaxUint64, math.MaxUint64}

// HostsOf returns n as a count.
func HostsOf(n uint64) Hosts { return Hosts{Lo: n} }

// PrefixSize is the number of addresses in a prefix of length mask in a
// bits-long address space (2^(bits-mask), saturating at 2^128-1).
func PrefixSize(bits, mask int) Hosts {
	n := bits - mask
	switch {
	case mask < 0 || n < 0:
		return Hosts{}
	case n >= 128:
		return MaxHosts
	case n >= 64:
		return Hosts{Hi: 1 << (n - 64)}
	}
	return Hosts{Lo: 1 << n}
}

var errHosts = errors.New("not a non-negative integer")

// ParseHosts parses a decimal count. A fractional part (".00") is
// accepted and dropped, because some reports print counts that way.
func ParseHosts(s string) (Hosts, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac := s[i+1:]
		if strings.Trim(frac, "0123456789") != "" {
			return Hosts{}, errHosts
		}
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return Hosts{}, errHosts
	}
	var h Hosts
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return Hosts{}, errHosts
		}
		// h = h*10 + digit, detecting overflow.
		hi1, lo1 := bits.Mul64(h.Lo, 10)
		hiMulHi, hiMulLo := bits.Mul64(h.Hi, 10)
		if hiMulHi != 0 {
			return Hosts{}, errors.New("count exceeds 2^128")
		}
		hi, carry := bits.Add64(hi1, hiMulLo, 0)
		if carry != 0 {
			return Hosts{}, errors.New("count exceeds 2^128")
		}
		lo, c2 := bits.Add64(lo1, uint64(c-'0'), 0)
		hi, carry = bits.Add64(hi, 0, c2)
		if carry != 0 {
			return Hosts{}, errors.New("count exceeds 2^128")
		}
		h = Hosts{hi, lo}
	}
	return h, nil
}

// HostsFromFloat converts a non-negative float (a count a provider sent as
// a JSON number in exponent form), saturating; NaN and negatives give 0.
func HostsFromFloat(f float64) Hosts {
	switch {
	case f != f || f <= 0:
		return Hosts{}
	case f >= 0x1p128:
		return MaxHosts
	case f < 0x1p64:
		return Hosts{Lo: uint64(f)}
	}
	b, _ := new(big.Float).SetFloat64(f).Int(nil)
	return hostsFromBig(b)
}

func hostsFromBig(b *big.Int) Hosts {
	if b.Sign() <= 0 {
		return Hosts{}
	}
	if b.BitLen() > 128 {
		return MaxHosts
	}
	var buf [16]byte
	b.FillBytes(buf[:])
	var h Hosts
	for i := 0; i < 8; i++ {
		h.Hi = h.Hi<<8 | uint64(buf[i])
		h.Lo = h.Lo<<8 | uint64(buf[8+i])
	}
	return h
}

// Big returns the count as a big.Int.
func (h Hosts) Big() *big.Int {
	b := new(big.Int).SetUint64(h.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(h.Lo))
}

// IsZero reports whether the count is 0.
func (h Hosts) IsZero() bool { return h.Hi == 0 && h.Lo == 0 }

// Add returns h+o, saturating at MaxHosts.
func (h Hosts) Add(o Hosts) Hosts {
	lo, c := bits.Add64(h.Lo, o.Lo, 0)
	hi, c := bits.Add64(h.Hi, o.Hi, c)
	if c != 0 {
		return MaxHosts
	}
	return Hosts{hi, lo}
}

// Sub returns h-o, or 0 when o > h.
func (h Hosts) Sub(o Hosts) Hosts {
	lo, b := bits.Sub64(h.Lo, o.Lo, 0)
	hi, b := bits.Sub64(h.Hi, o.Hi, b)
	if b != 0 {
		return Hosts{}
	}
	return Hosts{hi, lo}
}

// Cmp returns -1, 0 or 1.
func (h Hosts) Cmp(o Hosts) int {
	switch {
	case h.Hi < o.Hi:
		return -1
	case h.Hi > o.Hi:
		return 1
	case h.Lo < o.Lo:
		return -1
	case h.Lo > o.Lo:
		return 1
	}
	return 0
}

// Float64 is the count as a float (rounded for counts above 2^53).
func (h Hosts) Float64() float64 { return float64(h.Hi)*0x1p64 + float64(h.Lo) }

// String is the exact decimal count.
func (h Hosts) String() string {
	if h.Hi == 0 {
		return strconv.FormatUint(h.Lo, 10)
	}
	return h.Big().String()
}

// MarshalJSON writes the exact count as a JSON number (JSON numbers have
// no size limit; decoders that need exactness can read them as text).
func (h Hosts) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalJSON reads a number or a numeric string.
func (h *Hosts) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*h = Hosts{}
		return nil
	}
	v, err := ParseHosts(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// Compact renders the count in at most 6 characters for tables:
// 950, 12.3K, 4.29G, 2^96 for exact powers of two above 2^60, 7.9e28.
func (h Hosts) Compact() string {
	if h.Hi == 0 && h.Lo < 1000 {
		return strconv.FormatUint(h.Lo, 10)
	}
	if h.Hi != 0 || h.Lo > 1<<60 {
		if p, ok := h.pow2(); ok {
			return "2^" + strconv.Itoa(p)
		}
	}
	f := h.Float64()
	units := []string{"K", "M", "G", "T", "P", "E"}
	for i, u := range units {
		div := math.Pow(1000, float64(i+1))
		if f < div*1000 {
			v := f / div
			switch {
			case v < 10:
				return strconv.FormatFloat(math.Floor(v*100)/100, 'f', -1, 64) + u
			case v < 100:
				return strconv.FormatFloat(math.Floor(v*10)/10, 'f', -1, 64) + u
			}
			return strconv.FormatFloat(math.Floor(v), 'f', 0, 64) + u
		}
	}
	s := strconv.FormatFloat(f, 'e', 1, 64)
	return strings.Replace(s, "e+", "e", 1)
}

// pow2 reports whether h is an exact power of two, and which.
func (h Hosts) pow2() (int, bool) {
	switch {
	case h.Hi == 0 && h.Lo != 0 && h.Lo&(h.Lo-1) == 0:
		return bits.TrailingZeros64(h.Lo), true
	case h.Lo == 0 && h.Hi != 0 && h.Hi&(h.Hi-1) == 0:
		return 64 + bits.TrailingZeros64(h.Hi), true
	}
	return 0, false
}
