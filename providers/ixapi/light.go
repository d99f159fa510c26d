package ixapi

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Port light levels come with each port's statistics (2.4.2). The
// inventory shows them, so they are read for every production port, at
// most once per lightTTL, within a time budget per refresh (a port not
// reached this time is read on a later one); a server without port
// statistics is not asked again for lightTTL.

const (
	lightTTL    = 10 * time.Minute
	lightBudget = 5 * time.Second
)

// lightCache remembers the last light levels per port id.
type lightCache struct {
	mu     sync.Mutex
	levels map[string]model.LightLevels
	offAt  time.Time // when the server said it has no port statistics
	// budget overrides lightBudget (tests on a loaded machine, where a
	// few hundred reads can take longer than a refresh may spend).
	budget time.Duration
}

// noteLight stores the light levels a port's statistics carried.
func (p *Provider) noteLight(portID string, st Statistics) {
	if len(st.LightLevelsTX) > 0 || len(st.LightLevelsRX) > 0 {
		p.storeLight(portID, st)
	}
}

// lightOf returns the known light levels of a port (nil when none).
func (p *Provider) lightOf(portID string) *model.LightLevels {
	p.light.mu.Lock()
	defer p.light.mu.Unlock()
	l, ok := p.light.levels[portID]
	if !ok || len(l.TX)+len(l.RX) == 0 {
		return nil
	}
	return &l
}

// readLight refreshes the light levels of the production ports whose
// reading is older than lightTTL. Failures only cost the levels.
func (p *Provider) readLight(ctx context.Context, ports map[string]Port) {
	now := p.now()
	p.light.mu.Lock()
	off := !p.light.offAt.IsZero() && now.Sub(p.light.offAt) < lightTTL
	var due []string
	if !off {
		for id, pt := range ports {
			if pt.State != StateProduction && pt.State != StateProductionChangePending {
				continue
			}
			if l, ok := p.light.levels[id]; !ok || now.Sub(l.At) >= lightTTL {
				due = append(due, id)
			}
		}
	}
	p.light.mu.Unlock()
	if len(due) == 0 {
		return
	}
	slices.Sort(due)
	budget := lightBudget
	if p.light.budget > 0 {
		budget = p.light.budget
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var tasks []task
	var mu sync.Mutex
	unsupported := 0
	for _, id := range due {
		tasks = append(tasks, func(ctx context.Context) error {
			st, err := p.client.Statistics(ctx, ObjPort, id)
			if err != nil {
				if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrUnsupported) || isStatus(err, 501) {
					mu.Lock()
					unsupported++
					mu.Unlock()
				}
				return nil
			}
			// Stored even without channels, so the port is not asked
			// again before the TTL.
			p.storeLight(id, st)
			return nil
		})
	}
	_ = p.runAll(ctx, nil, tasks)
	if unsupported > 0 && unsupported == len(due) {
		p.light.mu.Lock()
		p.light.offAt = now
		p.light.mu.Unlock()
	}
}

// storeLight stores a reading (also one without channels).
func (p *Provider) storeLight(portID string, st Statistics) {
	l := model.LightLevels{TX: slices.Clone(st.LightLevelsTX), RX: slices.Clone(st.LightLevelsRX), At: p.now()}
	p.light.mu.Lock()
	if p.light.levels == nil {
		p.light.levels = map[string]model.LightLevels{}
	}
	p.light.levels[portID] = l
	p.light.mu.Unlock()
}

func isStatus(err error, status int) bool {
	var ae *model.APIError
	return errors.As(err, &ae) && ae.Status == status
}
