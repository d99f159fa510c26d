package model

import "testing"

func TestFormatMbps(t *testing.T) {
	cases := map[int64]string{0: "-", -5: "-", 50: "50M", 999: "999M", 1000: "1G", 1500: "1.5G", 10000: "10G", 400000: "400G", 1000000: "1T", 1250000: "1250G"}
	for in, want := range cases {
		if got := FormatMbps(in); got != want {
			t.Errorf("FormatMbps(%d) = %q, want %q", in, got, want)
		}
	}
}
