package model

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatMbps renders a bandwidth given in Mbps compactly: 500M, 10G, 1.5G, 400G.
func FormatMbps(mbps int64) string {
	switch {
	case mbps <= 0:
		return "-"
	case mbps >= 1_000_000 && mbps%1_000_000 == 0:
		return strconv.FormatInt(mbps/1_000_000, 10) + "T"
	case mbps >= 1000:
		v := float64(mbps) / 1000
		if mbps%1000 == 0 {
			return strconv.FormatInt(mbps/1000, 10) + "G"
		}
		return strconv.FormatFloat(v, 'f', -1, 64) + "G"
	default:
		return strconv.FormatInt(mbps, 10) + "M"
	}
}

// siPrefixes are the decimal (SI) prefixes used for rates. Network rates are
// always decimal: 1 Kb/s is 1000 bits per second, never 1024.
var siPrefixes = []string{"", "K", "M", "G", "T", "P", "E"}

// scaleSI splits v into a number with one decimal (".0" dropped) and an SI
// prefix chosen after rounding, so 999.96 becomes "1" + "K" rather than
// "1000" + "". Values below 1000 are whole numbers: fractions of a bit or a
// packet mean nothing to an operator. ok is false for NaN and ±Inf.
func scaleSI(v float64) (num, prefix string, ok bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", "", false
	}
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	if v < 999.5 {
		if math.Round(v) == 0 {
			sign = "" // never "-0"
		}
		return sign + strconv.FormatFloat(math.Round(v), 'f', 0, 64), "", true
	}
	v /= 1000
	i := 1
	for v >= 999.95 && i < len(siPrefixes)-1 {
		v /= 1000
		i++
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	return sign + strings.TrimSuffix(s, ".0"), siPrefixes[i], true
}

// formatSI renders v as "<num> <prefix><suffix>", or "<num> <base>" without
// a prefix; non-finite values render as "-".
func formatSI(v float64, base, suffix string) string {
	num, prefix, ok := scaleSI(v)
	if !ok {
		return "-"
	}
	if prefix == "" {
		return num + " " + base
	}
	return num + " " + prefix + suffix
}

// FormatCount renders a plain count compactly: "999", "1K", "12.5M".
func FormatCount(v float64) string {
	num, prefix, ok := scaleSI(v)
	if !ok {
		return "-"
	}
	return num + prefix
}

// FormatBits renders a rate in bits per second: "999 bps", "1 Kb/s",
// "9.4 Gb/s", "1.2 Tb/s".
func FormatBits(bps float64) string { return formatSI(bps, "bps", "b/s") }

// FormatPackets renders a rate in packets per second: "950 pps", "12.5 Kpps".
func FormatPackets(pps float64) string { return formatSI(pps, "pps", "pps") }

// FormatBytes renders a byte count with decimal prefixes: "512 B", "1.5 MB".
func FormatBytes(b float64) string { return formatSI(b, "B", "B") }

// FormatPercent renders a percentage with one decimal below 10 and none
// above: "0.4%", "9.9%", "42%", "100%".
func FormatPercent(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "-"
	}
	if math.Abs(p) < 9.95 {
		return strings.TrimSuffix(strconv.FormatFloat(p, 'f', 1, 64), ".0") + "%"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
}

// FormatValue renders v in unit u, the way every pane shows that unit.
func FormatValue(v float64, u Unit) string {
	switch u {
	case UnitBitsPerSec:
		return FormatBits(v)
	case UnitPacketsPerSec:
		return FormatPackets(v)
	case UnitPercent:
		return FormatPercent(v)
	case UnitSeconds:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "-"
		}
		return time.Duration(v * float64(time.Second)).Round(time.Microsecond).String()
	default:
		return FormatCount(v)
	}
}
