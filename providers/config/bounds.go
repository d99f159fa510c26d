package config

import (
	"fmt"
	"time"
)

// Bounds of one listing (see httpx.Bounds): how much a provider may make
// noctop read, whatever it answers.
const (
	// MaxItemsLimit is the largest max_items accepted: beyond it a single
	// listing could take gigabytes.
	MaxItemsLimit = 50_000_000
	// MinListingTimeout is the shortest listing_timeout accepted.
	MinListingTimeout = time.Second
)

// checkBounds validates max_items and listing_timeout; it returns the key
// at fault and why.
func (p *Provider) checkBounds() (key, msg string) {
	if p.MaxItems < 0 || p.MaxItems > MaxItemsLimit {
		return "max_items", fmt.Sprintf("must be between 1 and %d (0 or unset: the default, 1,000,000), got %d", MaxItemsLimit, p.MaxItems)
	}
	if d := p.ListingTimeout.Duration; d != 0 && d < MinListingTimeout {
		return "listing_timeout", fmt.Sprintf("must be at least %s (unset: the default, 2m), got %s", MinListingTimeout, d)
	}
	return "", ""
}
