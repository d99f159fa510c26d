package model

import "time"

// ActionKind names an operation an operator can ask for.
type ActionKind string

const (
	ActionApprove      ActionKind = "approve"
	ActionReject       ActionKind = "reject"
	ActionDecommission ActionKind = "decommission"
)

// Risk grades how much an action can hurt; the UI colours the dialog by it.
type Risk int

const (
	RiskLow Risk = iota
	RiskMedium
	RiskHigh
)

func (r Risk) String() string {
	switch r {
	case RiskLow:
		return "low"
	case RiskMedium:
		return "medium"
	default:
		return "high"
	}
}

// Ref points at one object of one provider.
type Ref struct {
	Provider string
	Type     string // "connection", "block", "network-service" ...
	ID       string
	Name     string
}

// ActionRequest is what the operator asked for, before it is planned.
type ActionRequest struct {
	Kind   ActionKind
	Target Ref
	// Reason is the operator's free text (rejection reason ...).
	Reason string
	// Params carries kind-specific inputs (mask, resource id, preview=true ...).
	Params map[string]string
}

// HTTPRequest is the exact request an action sends. Secrets are never part of
// it: authentication is added by the transport.
type HTTPRequest struct {
	Method string
	Path   string // path and query, relative to the provider's base URL
	Body   []byte // JSON, already indented for display; nil for no body
	// ContentType of Body when it is not application/json (a JSON merge
	// patch, a JSON patch).
	ContentType string
}

// Action is a planned operation: what, on what, how risky, and the exact
// request. ActionRunner.Do sends Request verbatim, so what the confirmation
// dialog shows is what goes on the wire.
type Action struct {
	Request     ActionRequest
	Title       string // "Approve creation of Conn-1"
	Risk        Risk
	NeedsReason bool   // the dialog must collect a non-empty reason
	ConfirmText string // when set, the operator must type it to confirm (D)
	HTTP        HTTPRequest
	// Then are further requests of the same action, sent in order after
	// HTTP, each only when the one before succeeded (an IX-API change
	// request is accepted by updating the network service, then its
	// config). The dialog shows every one; Do stops at the first failure
	// and says which step failed.
	Then       []HTTPRequest
	Idempotent bool // the API makes a repeat harmless; only then may it be retried
}

// Requests are all requests of a, in the order they are sent.
func (a Action) Requests() []HTTPRequest {
	return append([]HTTPRequest{a.HTTP}, a.Then...)
}

// Result is the outcome of an action as the provider reported it.
type Result struct {
	Action Action
	Status int // HTTP status
	// Sends is how many times the request went on the wire, as the
	// transport counted it: 1 for a mutation that left, 0 if it never did.
	Sends   int
	Message string
	At      time.Time
	// Affected names the objects the provider reported as created or
	// changed (the block a smart assignment chose), so the UI can show them.
	Affected []Ref
	// Sent is how many of the action's requests were sent and accepted
	// (for an action with Then: fewer than all means it stopped part way).
	Sent int
}
