package model

import (
	"math"
	"testing"
)

func TestLightLevels(t *testing.T) {
	cases := []struct {
		name   string
		l      *LightLevels
		lowest float64
		known  bool
		low14  bool
		format string
	}{
		{"nil", nil, 0, false, false, "-"},
		{"one lane", &LightLevels{RX: []float64{-3.14}}, -3.14, true, false, "-3.1 dBm"},
		{"weakest of four", &LightLevels{RX: []float64{-2, -15.04, math.NaN(), -3}}, -15.04, true, true, "-2.0 / -15.0 / ? / -3.0 dBm"},
		{"unreadable only", &LightLevels{RX: []float64{math.NaN(), math.Inf(-1)}}, 0, false, false, "? / ? dBm"},
		{"at the threshold is not below", &LightLevels{RX: []float64{-14}}, -14, true, false, "-14.0 dBm"},
	}
	for _, c := range cases {
		v, ok := c.l.LowestRX()
		if ok != c.known || ok && v != c.lowest {
			t.Errorf("%s: lowest %v %v", c.name, v, ok)
		}
		if c.l.Low(DefaultLowLightDBM) != c.low14 {
			t.Errorf("%s: low = %v", c.name, !c.low14)
		}
		var rx []float64
		if c.l != nil {
			rx = c.l.RX
		}
		if got := FormatDBM(rx); got != c.format {
			t.Errorf("%s: %q, want %q", c.name, got, c.format)
		}
	}
}
