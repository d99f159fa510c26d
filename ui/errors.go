package ui

import (
	"errors"

	"github.com/noctop/noctop/model"
)

// isRate reports whether err is (or wraps) a *model.RateLimited.
func isRate(err error) bool {
	var rl *model.RateLimited
	return errors.As(err, &rl)
}

func isUnauthorized(err error) bool {
	return errors.Is(err, model.ErrUnauthorized) || errors.Is(err, model.ErrForbidden)
}
