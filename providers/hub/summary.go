package hub

import (
	"errors"

	"github.com/noctop/noctop/model"
)

// Summary is every provider's health and counts. A provider's health is
// the worst of its resources' (resources nobody wanted and nothing fetched
// count as idle): rate limited, then unauthorized (401/403), then stale or
// failing, then loading, incomplete, ok. Counts come from the connection
// listing, counted when it arrived (never here, per call).
func (h *Hub) Summary() model.Summary {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := model.Summary{Paused: h.paused, Providers: make([]model.ProviderSummary, 0, len(h.sources))}
	for i, s := range h.sources {
		if h.byName[s.Name] != i {
			continue // a duplicate name, left out by New
		}
		p := h.providerSummary(s)
		out.WaitingOnUs += p.WaitingOnUs
		out.Providers = append(out.Providers, p)
	}
	return out
}

func (h *Hub) providerSummary(s model.Source) model.ProviderSummary {
	p := model.ProviderSummary{Name: s.Name, Kind: s.Kind}
	var worst, limited, warned *model.Status
	loading, loaded := false, false
	for _, c := range h.res {
		if c.key.Provider != s.Name {
			continue
		}
		st := c.status()
		if st.Loading {
			loading = true
			if st.Total > 0 && !st.HasData {
				p.Done, p.Total = st.Done, st.Total
			}
		}
		loaded = loaded || st.HasData
		if st.Err != nil && worst == nil {
			worst = &st
		}
		var rl *model.RateLimited
		if st.Err != nil && errors.As(st.Err, &rl) && !st.RetryAt.IsZero() && (limited == nil || st.RetryAt.After(limited.RetryAt)) {
			limited = &st
		}
		if st.Warning != nil && warned == nil {
			warned = &st
		}
	}
	switch {
	case limited != nil:
		p.Health, p.Err = model.HealthRateLimited, limited.Err
		p.Until, p.ResumeAt = limited.RetryAt, limited.NextAt
	case worst != nil && (errors.Is(worst.Err, model.ErrUnauthorized) || errors.Is(worst.Err, model.ErrForbidden)):
		p.Health, p.Err, p.Since = model.HealthUnauthorized, worst.Err, worst.ErrAt
	case worst != nil && worst.HasData:
		p.Health, p.Err, p.Since = model.HealthStale, worst.Err, worst.FetchedAt
	case worst != nil:
		p.Health, p.Err, p.Since = model.HealthError, worst.Err, worst.ErrAt
	case loading && !loaded:
		p.Health = model.HealthLoading
	case loading:
		p.Health = model.HealthRefreshing
	case warned != nil:
		p.Health = model.HealthIncomplete
	case loaded:
		p.Health = model.HealthOK
	default:
		p.Health = model.HealthIdle
	}
	if warned != nil {
		p.Warning = warned.Warning
	}
	p.Retrying = (worst != nil || limited != nil) && loading
	if r := h.conns[s.Name]; r != nil && r.st.HasData {
		p.HasConnections = true
		p.Connections, p.Pending, p.WaitingOnUs = r.counts.total, r.counts.pending, r.counts.waiting
	}
	return p
}
