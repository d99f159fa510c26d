package model

import (
	"encoding/json"
	"slices"
)

// Sanitized methods clean every string a value carries with SafeText (raw
// JSON with SafeJSON), once, where wire data becomes model data: adapters
// call them, and SafeSource applies them to everything a source returns,
// so a provider that forgets cannot reach the screen. They never modify
// the receiver's shared parts (slices, pointers): a value that needs no
// change is returned as is, without allocating, and one that does gets
// fresh copies of what changed.

// scrub applies SafeText to fields in place and remembers whether any
// changed.
type scrub struct{ changed bool }

func (s *scrub) text(p *string) {
	if v := SafeText(*p); v != *p {
		*p = v
		s.changed = true
	}
}

// scrubAs is scrub.text for the model's named string types (State ...).
func scrubAs[T ~string](s *scrub, p *T) {
	if v := SafeText(string(*p)); v != string(*p) {
		*p = T(v)
		s.changed = true
	}
}

// texts cleans a string slice, copying it only when an element changes.
func (s *scrub) texts(p *[]string) {
	if out, ok := sanitizeEach(*p, func(x string) (string, bool) {
		v := SafeText(x)
		return v, v != x
	}); ok {
		*p, s.changed = out, true
	}
}

func (s *scrub) json(p *json.RawMessage) {
	if v, ok := safeJSON(*p); ok {
		*p, s.changed = v, true
	}
}

// sanitizeEach maps f over xs copy-on-write: xs itself when nothing
// changed, else a copy with the changed elements replaced.
func sanitizeEach[T any](xs []T, f func(T) (T, bool)) ([]T, bool) {
	var out []T
	for i, x := range xs {
		if y, changed := f(x); changed {
			if out == nil {
				out = slices.Clone(xs)
			}
			out[i] = y
		}
	}
	if out == nil {
		return xs, false
	}
	return out, true
}

// Sanitized returns c with every string made safe for a terminal (Raw
// stays valid JSON whose strings are safe). A changed connection gets
// its FingerprintKey recomputed when it had one.
func (c Connection) Sanitized() Connection { c, _ = c.sanitized(); return c }

func (c Connection) sanitized() (Connection, bool) {
	var s scrub
	s.text(&c.Provider)
	s.text(&c.ProviderKind)
	s.text(&c.ID)
	s.text(&c.Name)
	s.text(&c.Type)
	scrubAs(&s, &c.State)
	s.text(&c.RawState)
	s.text(&c.Status)
	var ch bool
	if c.A, ch = c.A.sanitized(); ch {
		s.changed = true
	}
	if c.Z, ch = c.Z.sanitized(); ch {
		s.changed = true
	}
	if c.Pending != nil {
		if p, ch := c.Pending.sanitized(); ch {
			fresh := new(PendingChange) // allocated only when something changed
			*fresh = p
			c.Pending, s.changed = fresh, true
		}
	}
	if out, ch := sanitizeEach(c.Actions, safeKind); ch {
		c.Actions, s.changed = out, true
	}
	s.json(&c.Raw)
	if s.changed && c.FingerprintKey != 0 {
		c.FingerprintKey = c.Fingerprint()
	}
	return c, s.changed
}

func safeKind(k ActionKind) (ActionKind, bool) {
	v := SafeText(string(k))
	return ActionKind(v), v != string(k)
}

// Sanitized returns e with every string made safe for a terminal.
func (e Endpoint) Sanitized() Endpoint { e, _ = e.sanitized(); return e }

func (e Endpoint) sanitized() (Endpoint, bool) {
	var s scrub
	s.text(&e.Type)
	s.text(&e.Name)
	s.text(&e.PortID)
	s.text(&e.PortName)
	s.text(&e.Metro)
	s.text(&e.Account)
	s.text(&e.Extra)
	return e, s.changed
}

// Sanitized returns p with every string made safe for a terminal.
func (p PendingChange) Sanitized() PendingChange { p, _ = p.sanitized(); return p }

func (p PendingChange) sanitized() (PendingChange, bool) {
	var s scrub
	scrubAs(&s, &p.Kind)
	s.text(&p.ID)
	s.text(&p.Status)
	s.text(&p.Description)
	return p, s.changed
}

// Sanitized returns r with every string made safe for a terminal.
func (r Ref) Sanitized() Ref { r, _ = r.sanitized(); return r }

func (r Ref) sanitized() (Ref, bool) {
	var s scrub
	s.text(&r.Provider)
	s.text(&r.Type)
	s.text(&r.ID)
	s.text(&r.Name)
	return r, s.changed
}

// Sanitized returns n and its whole subtree with every string made safe
// for a terminal.
func (n Node) Sanitized() Node { n, _ = n.sanitized(); return n }

func (n Node) sanitized() (Node, bool) {
	var s scrub
	var ch bool
	if n.Ref, ch = n.Ref.sanitized(); ch {
		s.changed = true
	}
	s.text(&n.Kind)
	s.text(&n.Label)
	scrubAs(&s, &n.State)
	s.text(&n.RawState)
	if out, ch := sanitizeEach(n.Fields, func(f Field) (Field, bool) {
		var fs scrub
		fs.text(&f.Key)
		fs.text(&f.Value)
		return f, fs.changed
	}); ch {
		n.Fields, s.changed = out, true
	}
	if out, ch := sanitizeEach(n.Actions, safeKind); ch {
		n.Actions, s.changed = out, true
	}
	if out, ch := sanitizeEach(n.Children, Node.sanitized); ch {
		n.Children, s.changed = out, true
	}
	return n, s.changed
}

// Sanitized returns x with every string made safe for a terminal.
func (x Series) Sanitized() Series { x, _ = x.sanitized(); return x }

func (x Series) sanitized() (Series, bool) {
	var s scrub
	var ch bool
	if x.Ref, ch = x.Ref.sanitized(); ch {
		s.changed = true
	}
	s.text(&x.Name)
	s.text(&x.Direction)
	scrubAs(&s, &x.Unit)
	s.text(&x.Aggregate)
	if x.Server != nil && !isPlainText(x.Server.Window) {
		srv := *x.Server // copy: the caller's summary stays as it was
		srv.Window = SafeText(srv.Window)
		x.Server, s.changed = &srv, true
	}
	return x, s.changed
}

// Sanitized returns p with every string made safe for a terminal.
func (p Peer) Sanitized() Peer { p, _ = p.sanitized(); return p }

func (p Peer) sanitized() (Peer, bool) {
	var s scrub
	var ch bool
	if p.Ref, ch = p.Ref.sanitized(); ch {
		s.changed = true
	}
	s.text(&p.Name)
	s.texts(&p.IPs)
	s.text(&p.MAC)
	return p, s.changed
}

// Sanitized returns b with every string made safe for a terminal.
func (b Block) Sanitized() Block { b, _ = b.sanitized(); return b }

func (b Block) sanitized() (Block, bool) {
	var s scrub
	s.text(&b.Provider)
	scrubAs(&s, &b.Family)
	scrubAs(&s, &b.Status)
	s.text(&b.ResourceName)
	s.text(&b.Region)
	s.text(&b.RegionName)
	s.text(&b.RIR)
	s.texts(&b.Tags)
	s.text(&b.Code)
	s.text(&b.Description)
	s.text(&b.Notes)
	s.text(&b.OrgID)
	return b, s.changed
}

// Sanitized returns u with every string made safe for a terminal.
func (u Utilization) Sanitized() Utilization {
	var s scrub
	s.text(&u.Provider)
	scrubAs(&s, &u.Family)
	s.text(&u.Unit)
	if out, ch := sanitizeEach(u.Resources, func(r ResourceUsage) (ResourceUsage, bool) {
		var rs scrub
		rs.text(&r.Name)
		rs.text(&r.Type)
		return r, rs.changed
	}); ch {
		u.Resources = out
	}
	return u
}

// Sanitized returns r with every string made safe for a terminal.
func (r MaskReport) Sanitized() MaskReport {
	var s scrub
	s.text(&r.Provider)
	if out, ch := sanitizeEach(r.Families, func(f MaskFamily) (MaskFamily, bool) {
		var fs scrub
		scrubAs(&fs, &f.Family)
		fs.text(&f.Unit)
		return f, fs.changed
	}); ch {
		r.Families = out
	}
	return r
}

// Sanitized returns h with every string made safe for a terminal. The
// fingerprint is an opaque token the runner compares: a provider's
// fingerprint never contains anything SafeText changes (hex), and one
// that does cannot match a fresh preview, so nothing moves.
func (h HoldingPreview) Sanitized() HoldingPreview {
	var s scrub
	s.text(&h.Provider)
	s.text(&h.Message)
	s.text(&h.Fingerprint)
	if out, ch := sanitizeEach(h.Blocks, Block.sanitized); ch {
		h.Blocks = out
	}
	return h
}

// Sanitized returns r with every display string made safe for a terminal
// (see ActionRequest.Sanitized and Action.Sanitized).
func (r Result) Sanitized() Result {
	var s scrub
	r.Action = r.Action.Sanitized()
	s.text(&r.Message)
	if out, ch := sanitizeEach(r.Affected, Ref.sanitized); ch {
		r.Affected = out
	}
	return r
}

// Sanitized returns a with its display strings made safe for a terminal:
// title, confirmation text and the request's target, reason and params.
// a.HTTP (and a.Then) is left exactly as planned: it is what goes on the wire, and the
// confirmation dialog cleans it when it shows it.
func (a Action) Sanitized() Action {
	var s scrub
	a.Request = a.Request.Sanitized()
	s.text(&a.Title)
	s.text(&a.ConfirmText)
	return a
}

// Sanitized returns r with every string made safe for a terminal. Params
// is copied when a key or value changes.
func (r ActionRequest) Sanitized() ActionRequest {
	var s scrub
	scrubAs(&s, &r.Kind)
	r.Target = r.Target.Sanitized()
	s.text(&r.Reason)
	dirty := false
	for k, v := range r.Params {
		if SafeText(k) != k || SafeText(v) != v {
			dirty = true
			break
		}
	}
	if dirty {
		p := make(map[string]string, len(r.Params))
		for k, v := range r.Params {
			p[SafeText(k)] = SafeText(v)
		}
		r.Params = p
	}
	return r
}

// SanitizeConnections applies Connection.Sanitized to each element,
// copy-on-write: cs itself when nothing needed cleaning.
func SanitizeConnections(cs []Connection) []Connection {
	out, _ := sanitizeEach(cs, Connection.sanitized)
	return out
}

// SanitizeNodes applies Node.Sanitized to each tree, copy-on-write.
func SanitizeNodes(ns []Node) []Node {
	out, _ := sanitizeEach(ns, Node.sanitized)
	return out
}

// SanitizeSeries applies Series.Sanitized to each element, copy-on-write.
func SanitizeSeries(xs []Series) []Series {
	out, _ := sanitizeEach(xs, Series.sanitized)
	return out
}

// SanitizePeers applies Peer.Sanitized to each element, copy-on-write.
func SanitizePeers(ps []Peer) []Peer {
	out, _ := sanitizeEach(ps, Peer.sanitized)
	return out
}

// SanitizeBlocks applies Block.Sanitized to each element, copy-on-write.
func SanitizeBlocks(bs []Block) []Block {
	out, _ := sanitizeEach(bs, Block.sanitized)
	return out
}

// Sanitized is e with every provider-supplied string made safe to show.
func (e Event) Sanitized() Event {
	e.Provider, e.ID, e.Type, e.Body = SafeText(e.Provider), SafeText(e.ID), SafeText(e.Type), SafeText(e.Body)
	e.Ref = e.Ref.Sanitized()
	return e
}
