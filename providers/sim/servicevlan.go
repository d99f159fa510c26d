package sim

import "strconv"

// ServiceVLAN is the VLAN tag (100..3999) of company's service in metro,
// derived from the seed only. Simulators that want their objects to line
// up across providers (an IPAM block's VLAN and the VLAN of the connection
// it is routed over) ask this instead of drawing from their own stream.
func ServiceVLAN(seed int64, metro string, company int) int {
	return 100 + int(Hash(seed, "service-vlan", metro, strconv.Itoa(company))%3900)
}
