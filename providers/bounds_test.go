package providers

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/httpx"
)

// max_items in a provider's config bounds its listings: the demo has more
// than 5 connections (and blocks) per provider. Where one listing makes
// the rows, they are at most the bound; where rows come from several
// listings (Metal: interconnections and their circuits; Packet: sessions
// and networks per project), fewer than the provider has.
func TestMaxItemsReachesEveryProvider(t *testing.T) {
	d := startDemo(t)
	full, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfgs := slices.Clone(d.Providers)
	for i := range cfgs {
		cfgs[i].MaxItems = 5
	}
	srcs, err := Build(cfgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	kinds := map[string]bool{}
	for i, s := range srcs {
		check := func(what string, n, all int, err error) {
			t.Helper()
			listed++
			kinds[s.Kind] = true
			bound := map[string]int{"fabric": 5, "provision": 5, "ixapi": 10 /* connections and network service configs, 5 each */}[s.Kind]
			t.Logf("%s %s: %d of %d items: %v", s.Name, what, n, all, err)
			var in *model.Incomplete
			if (bound > 0 && n > bound) || n >= all || !errors.As(err, &in) || !in.Truncated || !strings.Contains(err.Error(), "more than max_items (5)") {
				t.Errorf("%s %s: %d of %d items, %v", s.Name, what, n, all, err)
			}
		}
		if s.Connections != nil {
			conns, err := s.Connections.Connections(context.Background(), nil)
			all, ferr := full[i].Connections.Connections(context.Background(), nil)
			if ferr != nil {
				t.Fatalf("%s unbounded: %v", s.Name, ferr)
			}
			check("connections", len(conns), len(all), err)
		}
		if s.IPAM != nil {
			blocks, err := s.IPAM.Blocks(context.Background(), model.BlockQuery{}, nil)
			all, ferr := full[i].IPAM.Blocks(context.Background(), model.BlockQuery{}, nil)
			if ferr != nil {
				t.Fatalf("%s unbounded: %v", s.Name, ferr)
			}
			check("blocks", len(blocks), len(all), err)
		}
	}
	if len(kinds) != len(Kinds) {
		t.Fatalf("only %d kinds of %d checked (%d listings)", len(kinds), len(Kinds), listed)
	}
}

// A table's timeout, max_items and listing_timeout become the Settings
// every kind's constructor receives (the one way bounds reach a client).
func TestSettingsFromConfig(t *testing.T) {
	c := config.Provider{Name: "x", Timeout: config.Duration{Duration: 7 * time.Second}, MaxItems: 5000,
		ListingTimeout: config.Duration{Duration: 30 * time.Second}}
	s := settingsOf(c, nil)
	if s.Timeout != 7*time.Second || s.Bounds != (httpx.Bounds{MaxItems: 5000, Deadline: 30 * time.Second}) {
		t.Fatalf("settings %+v", s)
	}
	// Unset keys leave the kind's defaults in place (ProVision's own
	// item bound, say): zero fields override nothing.
	if b := (httpx.Bounds{MaxItems: 2_000_000}).Override(settingsOf(config.Provider{}, nil).Bounds); b.MaxItems != 2_000_000 {
		t.Fatalf("an unset max_items replaced the kind's default: %+v", b)
	}
}
