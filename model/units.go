package model

import (
	"strconv"
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
