package ui

import (
	"errors"

	"github.com/noctop/noctop/model"
)

func asRate(err error, rl **model.RateLimited) bool { return errors.As(err, rl) }

func isUnauthorized(err error) bool {
	return errors.Is(err, model.ErrUnauthorized) || errors.Is(err, model.ErrForbidden)
}
func asIncomplete(err error, in **model.Incomplete) bool { return errors.As(err, in) }
