package model

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// LightLevels are the optical levels of a port in dBm, one value per
// channel (lane): a 100GBASE-LR4 port has four, a 10GBASE-LR port one. A
// channel the provider reported unreadably is NaN.
type LightLevels struct {
	TX, RX []float64
	At     time.Time // when they were read
}

// DefaultLowLightDBM is the receive level below which a port is flagged
// when the config sets none: about where common LR optics raise their
// low-power warning.
const DefaultLowLightDBM = -14.0

// LowestRX is the weakest received channel (false when none is known).
func (l *LightLevels) LowestRX() (float64, bool) {
	if l == nil {
		return 0, false
	}
	lo, ok := math.Inf(1), false
	for _, v := range l.RX {
		if !math.IsNaN(v) && !math.IsInf(v, 0) && v < lo {
			lo, ok = v, true
		}
	}
	return lo, ok
}

// Low reports whether any received channel is below threshold (dBm).
func (l *LightLevels) Low(threshold float64) bool {
	v, ok := l.LowestRX()
	return ok && v < threshold
}

// FormatDBM writes per-channel levels: "-3.1 dBm", "-3.1 / -2.9 / ? dBm".
func FormatDBM(levels []float64) string {
	if len(levels) == 0 {
		return "-"
	}
	var b strings.Builder
	for i, v := range levels {
		if i > 0 {
			b.WriteString(" / ")
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("?")
		} else {
			b.WriteString(strconv.FormatFloat(v, 'f', 1, 64))
		}
	}
	b.WriteString(" dBm")
	return b.String()
}
