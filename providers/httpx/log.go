package httpx

import (
	"context"
	"log/slog"
	"time"
)

// logAttempt writes the per-attempt Debug line. Never headers or bodies; the
// path has no query and is redacted like everything else.
func (c *Client) logAttempt(ctx context.Context, op *operation, attempt, status int, d time.Duration, ae *attemptError) {
	level := slog.LevelDebug
	if ae != nil {
		level = slog.LevelWarn
	}
	if !c.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.provider),
		slog.String("method", op.method),
		slog.String("path", c.redact(op.path)),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
	}
	if ae != nil {
		attrs = append(attrs, slog.String("error", c.clean(ae.Error())))
	} else {
		attrs = append(attrs, slog.Int("status", status))
	}
	c.log.LogAttrs(ctx, level, "http attempt", attrs...)
}

// warn writes a Warn line about op; extra is key/value pairs of non-secret values.
func (c *Client) warn(ctx context.Context, msg string, op *operation, attempt int, reason string, extra ...any) {
	if !c.log.Enabled(ctx, slog.LevelWarn) {
		return
	}
	args := []any{"provider", c.provider, "method", op.method, "path", c.redact(op.path)}
	if attempt > 0 {
		args = append(args, "attempt", attempt)
	}
	if reason != "" {
		args = append(args, "reason", c.redact(reason))
	}
	c.log.Warn(msg, append(args, extra...)...)
}
