// Package errtext words errors for the screen: a long form for panes and a
// short one for the status bar, without repeating the provider's name.
package errtext

import (
	"errors"
	"fmt"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// Long is the full one-line message, provider prefix removed.
func Long(err error, provider string) string {
	if err == nil {
		return ""
	}
	return text.Clean(strip(model.ErrorSummary(err), provider))
}

// Short is what fits in a status bar: status, code and message only.
func Short(err error, provider string) string {
	if err == nil {
		return ""
	}
	var ae *model.APIError
	if errors.As(err, &ae) {
		msg := ae.Message
		if msg == "" && ae.Problem != nil {
			msg = ae.Problem.Title
		}
		s := fmt.Sprintf("HTTP %d", ae.Status)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		if msg != "" {
			s += " " + msg
		}
		return text.Clean(s)
	}
	var rl *model.RateLimited
	if errors.As(err, &rl) {
		return "rate limited"
	}
	s := Long(err, provider)
	return s
}

func strip(s, provider string) string {
	if provider != "" {
		for strings.HasPrefix(s, provider+": ") {
			s = strings.TrimPrefix(s, provider+": ")
		}
	}
	return s
}
