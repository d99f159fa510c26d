package providers

import (
	"context"
	"log/slog"

	"github.com/noctop/noctop/providers/httpx"
)

// Redact removes every secret in secrets from s.
func Redact(s string, secrets []string) string { return httpx.Redact(s, secrets...) }

// NewRedactingHandler wraps h so that no log line (message or string
// attribute) can carry a configured secret, whichever package logged it.
func NewRedactingHandler(h slog.Handler, secrets []string) slog.Handler {
	return &redactingHandler{next: h, secrets: secrets}
}

type redactingHandler struct {
	next    slog.Handler
	secrets []string
}

func (r *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.next.Enabled(ctx, l)
}

func (r *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, Redact(rec.Message, r.secrets), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r *redactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String(), r.secrets))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]any, len(attrs))
		for i, g := range attrs {
			out[i] = r.attr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, Redact(err.Error(), r.secrets))
		}
		return slog.String(a.Key, Redact(v.String(), r.secrets))
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}

func (r *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = r.attr(a)
	}
	return &redactingHandler{next: r.next.WithAttrs(red), secrets: r.secrets}
}

func (r *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: r.next.WithGroup(name), secrets: r.secrets}
}
