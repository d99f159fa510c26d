package model

import (
	"math"
	"testing"
)

func TestFormatMbps(t *testing.T) {
	cases := map[int64]string{0: "-", -5: "-", 50: "50M", 999: "999M", 1000: "1G", 1500: "1.5G", 10000: "10G", 400000: "400G", 1000000: "1T", 1250000: "1250G"}
	for in, want := range cases {
		if got := FormatMbps(in); got != want {
			t.Errorf("FormatMbps(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatBits(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{0, "0 bps"},
		{0.4, "0 bps"},
		{-0.4, "0 bps"},
		{1, "1 bps"},
		{999, "999 bps"},
		{999.4, "999 bps"},
		{999.5, "1 Kb/s"}, // rounds up into the next prefix, never "1000 bps"
		{1000, "1 Kb/s"},
		{1049, "1 Kb/s"},
		{1050, "1.1 Kb/s"},
		{1500, "1.5 Kb/s"},
		{999_900, "999.9 Kb/s"},
		{999_949, "999.9 Kb/s"},
		{999_950, "1 Mb/s"}, // 999.95 K rounds to 1000.0 K: shown as 1 M
		{1e6, "1 Mb/s"},
		{999.9e6, "999.9 Mb/s"},
		{1e9, "1 Gb/s"},
		{9.4e9, "9.4 Gb/s"},
		{9.44e9, "9.4 Gb/s"},
		{9.46e9, "9.5 Gb/s"},
		{10e9, "10 Gb/s"},
		{100e9, "100 Gb/s"},
		{400e9, "400 Gb/s"},
		{999.9e9, "999.9 Gb/s"},
		{1e12, "1 Tb/s"},
		{1.2e12, "1.2 Tb/s"},
		{-1500, "-1.5 Kb/s"},
		{math.NaN(), "-"},
		{math.Inf(1), "-"},
		{math.Inf(-1), "-"},
	}
	for _, c := range cases {
		if got := FormatBits(c.in); got != c.want {
			t.Errorf("FormatBits(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFormatPacketsBytesCount(t *testing.T) {
	cases := []struct {
		f    func(float64) string
		name string
		in   float64
		want string
	}{
		{FormatPackets, "pps", 0, "0 pps"},
		{FormatPackets, "pps", 999, "999 pps"},
		{FormatPackets, "pps", 1000, "1 Kpps"},
		{FormatPackets, "pps", 12_500, "12.5 Kpps"},
		{FormatPackets, "pps", 999_949, "999.9 Kpps"},
		{FormatPackets, "pps", 1.48e6, "1.5 Mpps"},
		{FormatPackets, "pps", 14.88e6, "14.9 Mpps"},
		{FormatPackets, "pps", 1e9, "1 Gpps"},
		{FormatBytes, "bytes", 512, "512 B"},
		{FormatBytes, "bytes", 1000, "1 KB"},
		{FormatBytes, "bytes", 1.5e6, "1.5 MB"},
		{FormatCount, "count", 999, "999"},
		{FormatCount, "count", 1000, "1K"},
		{FormatCount, "count", 12.5e6, "12.5M"},
	}
	for _, c := range cases {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%s(%v) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestFormatPercentAndValue(t *testing.T) {
	pc := map[float64]string{0: "0%", 0.44: "0.4%", 9.9: "9.9%", 9.96: "10%", 42.4: "42%", 100: "100%", -3.5: "-3.5%"}
	for in, want := range pc {
		if got := FormatPercent(in); got != want {
			t.Errorf("FormatPercent(%v) = %q, want %q", in, got, want)
		}
	}
	if got := FormatPercent(math.NaN()); got != "-" {
		t.Errorf("FormatPercent(NaN) = %q", got)
	}
	vals := []struct {
		v    float64
		u    Unit
		want string
	}{
		{9.4e9, UnitBitsPerSec, "9.4 Gb/s"},
		{1500, UnitPacketsPerSec, "1.5 Kpps"},
		{55, UnitPercent, "55%"},
		{0.0123, UnitSeconds, "12.3ms"},
		{2500, UnitCount, "2.5K"},
		{7, Unit("widgets"), "7"},
	}
	for _, c := range vals {
		if got := FormatValue(c.v, c.u); got != c.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", c.v, c.u, got, c.want)
		}
	}
}
