// Package providers holds the table of provider kinds (kinds.go: one
// kind.Descriptor per provider package), builds provider instances from
// configuration through it (registry), starts the embedded simulators for
// demo mode and `noctop sim` (demo), and puts the cross-cutting guards
// around every mutation: the audit log and read-only.
package providers

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/kind"
)

// ErrNotImplemented marks a provider kind the config accepts but this
// version cannot talk to yet (none today; kept for kinds in progress).
var ErrNotImplemented = errors.New("not implemented yet in this version")

// Options are the cross-cutting settings applied to every provider.
type Options struct {
	ReadOnly bool
	Audit    *audit.Log // nil forces read-only: no mutation without a record
	Logger   *slog.Logger
}

// Build constructs every configured provider and returns them as the UI sees
// them. Each Runner is wrapped so that mutations are audited and honour
// read-only mode; the UI never receives a provider's own runner. Every
// capability is wrapped by model.SafeSource, so whatever a provider returns
// (data and errors) reaches the UI with its text sanitised.
func Build(cfgs []config.Provider, opts Options) ([]model.Source, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	out := make([]model.Source, 0, len(cfgs))
	for _, c := range cfgs {
		// The plain logger: every line a provider writes names it already.
		p, err := construct(c, opts.Logger)
		if err != nil {
			return nil, fmt.Errorf("provider %q (%s): %w", c.Name, c.Kind, err)
		}
		out = append(out, model.SafeSource(guard(model.SourceOf(p), c.ReadOnly || opts.ReadOnly, opts.Audit)))
	}
	return out, nil
}

// guard replaces the source's runner with an audited one, and with a refusing
// one in read-only mode (refusals are audited too), and says so in
// Source.ReadOnly, which the UI reads to offer no mutation. The audited runner
// reconciles unknown outcomes with the source's Verifier, so every
// mutation whose answer was lost is re-read and the verdict recorded.
func guard(s model.Source, readOnly bool, log *audit.Log) model.Source {
	s.ReadOnly = readOnly || log == nil
	if s.Runner == nil {
		return s
	}
	if s.ReadOnly {
		s.Runner = audit.ReadOnly{}
	}
	if log != nil {
		s.Runner = log.Wrap(s.Name, s.Runner, s.Verifier)
	}
	return s
}

// construct builds c through its kind's descriptor. Secrets are read from
// the resolved config here and nowhere else.
func construct(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	d, ok := kind.Find(Kinds, c.Kind)
	if !ok {
		return nil, fmt.Errorf("provider kind %q is %w", c.Kind, ErrNotImplemented)
	}
	return d.New(kind.Resolved{
		Name:     c.Name,
		BaseURL:  c.BaseURL,
		Secrets:  c.Secrets,
		Settings: settingsOf(c, logger),
		Config:   c.KindConfig,
	})
}

// settingsOf is the shared client settings a provider's table sets: the
// per-request timeout and the bounds of one listing (max_items,
// listing_timeout; zero fields: the kind's defaults).
func settingsOf(c config.Provider, logger *slog.Logger) httpx.Settings {
	return httpx.Settings{
		Timeout: c.Timeout.Duration,
		Logger:  logger,
		Bounds:  httpx.Bounds{MaxItems: c.MaxItems, Deadline: c.ListingTimeout.Duration},
	}
}
