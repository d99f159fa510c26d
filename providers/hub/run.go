package hub

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/noctop/noctop/model"
)

// ErrUnknownProvider is returned by Run for a provider the hub lacks.
var ErrUnknownProvider = errors.New("unknown provider")

// Run sends a through provider's runner (the registry's guarded one:
// audited, read-only honoured) exactly once: mutations are never retried
// here. Then it re-reads what the action affected, whatever the action's
// error (a timeout leaves the outcome unknown; the re-read tells):
//   - a connection: read back through the source's ConnectionReader and
//     merged into the listing (and published) before Run returns; without
//     a reader, or when the re-read fails, the listing is refreshed;
//   - anything of an IPAM (blocks, holding tank, smart assignment): the
//     provider's IPAM resources are refreshed;
//   - anything else: every resource of the provider that was loaded.
//
// Refreshes started here run after any fetch already in flight (which may
// predate the action) and arrive as changes; Outcome.Refreshed names them.
func (h *Hub) Run(ctx context.Context, provider string, a model.Action) (model.Outcome, error) {
	src, ok := h.source(provider)
	if !ok {
		return model.Outcome{}, fmt.Errorf("%w %q", ErrUnknownProvider, provider)
	}
	if t := a.Request.Target.Provider; t != "" && t != provider {
		return model.Outcome{}, fmt.Errorf("action for %q sent to %q: refused", t, provider)
	}
	if src.Runner == nil {
		return model.Outcome{}, model.ErrUnsupported
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return model.Outcome{}, model.ErrClosed
	}
	// Closing the hub cancels the action too (it is audited either way).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(h.root, cancel)()

	res, err := h.do(ctx, src.Runner, a)
	out := model.Outcome{Result: res}
	h.log.Info("action sent", "provider", provider, "kind", a.Request.Kind, "target", a.Request.Target.ID,
		"status", res.Status, "ok", err == nil)

	rctx := ctx
	if ctx.Err() != nil && h.root.Err() == nil {
		// The action's own time ran out: its outcome is unknown, which is
		// exactly when the re-read matters. It gets time of its own.
		var rcancel context.CancelFunc
		rctx, rcancel = context.WithTimeout(h.root, h.opts.RereadTimeout)
		defer rcancel()
	}
	switch {
	case model.RereadsAsRow(a.Request.Target.Type) && src.Connections != nil:
		h.rereadConnection(rctx, src, a.Request.Target.ID, &out)
	case isIPAMAction(a):
		out.Refreshed = h.refreshWhere(provider, isIPAM)
	default:
		out.Refreshed = h.refreshWhere(provider, func(model.ResourceKey) bool { return true })
	}
	return out, err
}

// do calls the runner once, turning a panic into an error.
func (h *Hub) do(ctx context.Context, r model.ActionRunner, a model.Action) (res model.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("action panicked (recovered); outcome unknown", "kind", a.Request.Kind, "stack", string(debug.Stack()))
			res, err = model.Result{Action: a}, errors.New("internal error while sending the action (recovered): outcome unknown")
		}
	}()
	return r.Do(ctx, a)
}

// RereadConnection implements model.Hub.
func (h *Hub) RereadConnection(ctx context.Context, provider, id string) model.Outcome {
	var out model.Outcome
	src, ok := h.source(provider)
	if !ok {
		out.RereadErr = fmt.Errorf("%w %q", ErrUnknownProvider, provider)
		return out
	}
	if src.Connections == nil {
		out.RereadErr = model.ErrUnsupported
		return out
	}
	h.rereadConnection(ctx, src, id, &out)
	return out
}

// rereadConnection reads the target back and merges it, or refreshes the
// listing when it cannot.
func (h *Hub) rereadConnection(ctx context.Context, src model.Source, id string, out *model.Outcome) {
	key := model.ResourceKey{Provider: src.Name, Resource: model.ResConnections}
	if src.Connection == nil || id == "" {
		out.Refreshed = h.refreshKeys(key)
		return
	}
	c, err := h.readOne(ctx, src.Connection, id)
	if err == nil && c.ID != id {
		err = fmt.Errorf("re-read of %q returned %q: %w", id, c.ID, model.ErrBadResponse)
	}
	if err != nil {
		out.RereadErr = err
		out.Refreshed = h.refreshKeys(key)
		return
	}
	r := h.conns[src.Name]
	r.normaliseOne(&c)
	h.mu.Lock()
	r.patch(c)
	h.mu.Unlock()
	out.Reread = &c
}

func (h *Hub) readOne(ctx context.Context, rd model.ConnectionReader, id string) (c model.Connection, err error) {
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("re-read panicked (recovered)", "stack", string(debug.Stack()))
			c, err = model.Connection{}, errors.New("internal error while re-reading (recovered)")
		}
	}()
	return rd.Connection(ctx, id)
}

// refreshWhere requests a fetch of provider's resources matching keep that
// are wanted or were loaded (one never shown stays unloaded).
func (h *Hub) refreshWhere(provider string, keep func(model.ResourceKey) bool) []model.ResourceKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []model.ResourceKey
	for _, c := range h.res {
		if c.key.Provider == provider && keep(c.key) && (c.wants > 0 || c.seq > 0) {
			c.request()
			out = append(out, c.key)
		}
	}
	return out
}

func (h *Hub) refreshKeys(k model.ResourceKey) []model.ResourceKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.byKey[k]
	if c == nil || (c.wants == 0 && c.seq == 0) {
		return nil
	}
	c.request()
	return []model.ResourceKey{k}
}

func isIPAMAction(a model.Action) bool {
	switch a.Request.Kind {
	case model.ActionSmartAssign, model.ActionDeassign, model.ActionReassign, model.ActionProcessHolding:
		return true
	}
	switch a.Request.Target.Type {
	case "block", "holding-tank":
		return true
	}
	return false
}
