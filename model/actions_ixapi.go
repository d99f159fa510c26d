package model

import (
	"context"
	"errors"
)

// Action kinds for IX-API network service change requests (additive; see
// providers/ixapi). A change request asks for a new capacity or product
// offering of a point-to-point virtual circuit; until the other side acts on
// it the service is "production_change_pending".
const (
	ActionFileChangeRequest     ActionKind = "change-request"
	ActionWithdrawChangeRequest ActionKind = "withdraw-change-request"
)

// ErrPrepareFirst is returned by ActionPlanner.Plan when the plan depends on
// data that must be read from the provider first (for example the
// cancellation policy a decommission must show). The UI then calls
// ActionPreparer.Prepare in a command and plans the request it returns.
var ErrPrepareFirst = errors.New("the action needs data from the provider: prepare it first")

// ActionPreparer is implemented by planners whose plans need a read from the
// provider (I/O), which Plan itself must never do. Prepare returns req with
// the data filled into Params (for an IX-API decommission: "decommission_at"
// and "charged_until" from the object's cancellation policy), ready for Plan.
// It never changes anything on the provider side.
type ActionPreparer interface {
	Prepare(ctx context.Context, req ActionRequest) (ActionRequest, error)
}

// Params an ActionPreparer fills in for a decommission (the UI shows them
// in the confirmation next to the request).
const (
	ParamDecommissionAt = "decommission_at" // YYYY-MM-DD the object goes
	ParamChargedUntil   = "charged_until"   // YYYY-MM-DD billing ends
	// ParamCapacity is the capacity (Mbit/s) a change request asks for.
	ParamCapacity = "capacity"
)
