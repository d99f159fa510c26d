package fabric

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// Demo credentials of the simulator. They are not secret: the demo and the
// tests configure the client with them.
const (
	DemoClientID     = "noctop-demo-client"
	DemoClientSecret = "noctop-demo-secret-not-a-secret"
	// DemoToken is a static bearer token the simulator also accepts (the
	// token_env style of configuration).
	DemoToken = "noctop-demo-static-token"
)

// Simulator serves the Fabric v4 API and the OAuth2 token endpoint from a
// sim.World: our ports and service profiles, a few hundred connections
// (World.Scale) to and from the world's companies, requests arriving for
// approval, and the lifecycle that follows approve/reject. It is an
// http.Handler; every request first advances the world to the clock's now.
type Simulator struct {
	world  *sim.World
	engine *sim.Engine
	cfg    simConfig

	// Everything below is guarded by engine (Lock/Unlock).
	self         sim.Company
	shared       sharedParts
	metros       []sim.Metro
	portMetros   []sim.Metro // metros where we have ports
	ports        []*simPort
	portByID     map[string]*simPort
	portsByMetro map[string][]*simPort
	profiles     []simProfile
	conns        map[string]*simConn
	order        []*simConn
	version      uint64 // bumped on every change (keys some random streams)
	views        []*searchView
	viewUses     uint64
	pinned       []*simConn // connections no longer as generated
	waiting      int        // connections with a change waiting for our decision
	arrivals     int
	maxWaiting   int
	tokens       map[string]time.Time // access token -> expiry (simulated time)
	badLogins    map[string]int       // client id -> successive failures
	rnd          *rand.Rand           // ids for tokens, actions, correlation ids

	requests   atomic.Int64
	tokenCalls atomic.Int64
}

type simConfig struct {
	clientID, clientSecret string
	staticToken            string
	tokenTTL               time.Duration
	maxWaiting             int
	noMetrics              bool
	portsPage              int
	keepGenerated          bool // tests: keep every generated connection materialised
}

// SimOption configures a Simulator.
type SimOption func(*simConfig)

// WithSimCredentials sets the client id and secret the token endpoint
// accepts (default DemoClientID / DemoClientSecret).
func WithSimCredentials(id, secret string) SimOption {
	return func(c *simConfig) { c.clientID, c.clientSecret = id, secret }
}

// WithSimStaticToken sets the static bearer token accepted besides issued
// ones (default DemoToken; "" disables it).
func WithSimStaticToken(tok string) SimOption { return func(c *simConfig) { c.staticToken = tok } }

// WithSimTokenTTL sets the lifetime of issued tokens (default 3599s, as
// token_timeout).
func WithSimTokenTTL(d time.Duration) SimOption { return func(c *simConfig) { c.tokenTTL = d } }

// WithSimPortsPage pages GET /fabric/v4/ports by n (default: one page).
func WithSimPortsPage(n int) SimOption { return func(c *simConfig) { c.portsPage = n } }

// WithSimMaxWaiting caps how many changes may wait for our decision before
// new arrivals pause (default max(25, scale/10)).
func WithSimMaxWaiting(n int) SimOption { return func(c *simConfig) { c.maxWaiting = n } }

// NewSimulator builds the simulated Fabric account from w.
func NewSimulator(w *sim.World, opts ...SimOption) *Simulator {
	cfg := simConfig{clientID: DemoClientID, clientSecret: DemoClientSecret, staticToken: DemoToken, tokenTTL: 3599 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.maxWaiting <= 0 {
		cfg.maxWaiting = max(25, w.Scale()/10)
	}
	s := &Simulator{
		world:        w,
		engine:       w.NewEngine(),
		cfg:          cfg,
		portByID:     map[string]*simPort{},
		portsByMetro: map[string][]*simPort{},
		conns:        map[string]*simConn{},
		maxWaiting:   cfg.maxWaiting,
		tokens:       map[string]time.Time{},
		badLogins:    map[string]int{},
		rnd:          w.Rand("fabric", "server-ids"),
	}
	// The account is built when first asked for, at the engine's
	// creation time (see sim.Engine.Prepare).
	s.engine.Prepare(func(time.Time) { s.build() })
	return s
}

// SimFaultHooks adapts sim.Faults to Fabric: injected errors carry an
// ErrorList (a MetroErrorList on /metros, an OAuth2 error on the token
// endpoint), and the token endpoint is recognised.
func SimFaultHooks() sim.FaultHooks {
	return sim.FaultHooks{
		IsToken: func(r *http.Request) bool { return r.URL.Path == TokenPath },
		ErrorBody: func(status int, r *http.Request) (string, []byte) {
			msg := "Service temporarily unavailable, please retry"
			if status == http.StatusTooManyRequests {
				msg = "Too many requests, please slow down"
			}
			var body any = ErrorList{{ErrorCode: "EQ-3000" + strconv.Itoa(status), ErrorMessage: msg}}
			switch {
			case r.URL.Path == TokenPath:
				body = TokenError{ErrorDomain: "apigateway", ErrorTitle: http.StatusText(status), ErrorCode: "S" + strconv.Itoa(status), DeveloperMessage: msg, ErrorMessage: msg}
			case strings.HasPrefix(r.URL.Path, MetrosPath):
				body = ErrorList{{ErrorCode: "EQ-3036100", ErrorMessage: "Internal Server Error", Details: msg}}
			}
			b, _ := json.Marshal(body)
			return "application/json", b
		},
	}
}

// TokenCalls returns how many requests reached the token endpoint.
func (s *Simulator) TokenCalls() int64 { return s.tokenCalls.Load() }

// Requests returns how many requests the simulator has served.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// WaitingOnUs counts connections with a change waiting for our decision.
func (s *Simulator) WaitingOnUs() int {
	s.engine.Lock()
	defer s.engine.Unlock()
	return s.waitingOnUs()
}

// Len is the number of connections (all states).
func (s *Simulator) Len() int {
	s.engine.Lock()
	defer s.engine.Unlock()
	return len(s.order)
}

// Snapshot returns a copy of connection id as the API would serve it.
func (s *Simulator) Snapshot(id string) (Connection, bool) {
	s.engine.Lock()
	defer s.engine.Unlock()
	sc, ok := s.conns[id]
	if !ok {
		return Connection{}, false
	}
	b, _ := json.Marshal(s.conn(sc))
	var c Connection
	_ = json.Unmarshal(b, &c)
	return c, true
}

// ServeHTTP serves one request. The answer is rendered into a buffer with
// the world locked and written out after unlocking, so a client that reads
// slowly never holds up the others.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	// Read the body before locking too (bounded: readJSON refuses more).
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil {
			return // the client went away mid-request
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	buf := &bufferedResponse{header: w.Header(), status: http.StatusOK}
	now := s.engine.Lock()
	s.route(buf, r, now)
	s.engine.Unlock()
	if buf.late != nil {
		buf.late()
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}

// bufferedResponse collects a response (headers go straight to the real
// writer's map, which is not sent before WriteHeader).
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	// late, when set, finishes the response after the world is unlocked
	// (rendering connections as generated needs no lock).
	late func()
}

// later runs fn once the world is unlocked when w is the simulator's
// buffer, at once otherwise.
func later(w http.ResponseWriter, fn func()) {
	if b, ok := w.(*bufferedResponse); ok {
		b.late = fn
		return
	}
	fn()
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

func (s *Simulator) route(w http.ResponseWriter, r *http.Request, now time.Time) {
	path := r.URL.Path
	if path == TokenPath {
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, r, "POST")
			return
		}
		s.token(w, r, now)
		return
	}
	if !strings.HasPrefix(path, "/fabric/v4/") {
		s.fail(w, r, http.StatusNotFound, "EQ-3000404", "Resource not found", "no such endpoint: "+path)
		return
	}
	if !s.authorized(r, now) {
		s.unauthorized(w, r)
		return
	}
	switch {
	case path == SearchPath:
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, r, "POST")
			return
		}
		s.searchHandler(w, r)
	case path == ValidatePath:
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, r, "POST")
			return
		}
		s.validate(w, r)
	case path == PortsPath:
		if r.Method != http.MethodGet {
			s.methodNotAllowed(w, r, "GET")
			return
		}
		s.listPorts(w, r)
	case strings.HasPrefix(path, PortsPath+"/"):
		id, sub, _ := strings.Cut(strings.TrimPrefix(path, PortsPath+"/"), "/")
		if !s.trafficRoute(w, r, "ports", id, sub, now) {
			s.fail(w, r, http.StatusNotFound, "EQ-3000404", "Resource not found", "no such endpoint: "+path)
		}
	case path == MetrosPath:
		if r.Method != http.MethodGet {
			s.methodNotAllowed(w, r, "GET")
			return
		}
		s.listMetros(w, r)
	case strings.HasPrefix(path, ConnPath):
		rest := strings.TrimPrefix(path, ConnPath)
		id, sub, _ := strings.Cut(rest, "/")
		switch {
		case sub == "" && r.Method == http.MethodGet:
			s.getConnection(w, r, id)
		case sub == "" && r.Method == http.MethodPatch:
			s.patchConnection(w, r, id, now)
		case sub == "" && r.Method == http.MethodDelete:
			s.deleteConnection(w, r, id, now)
		case sub == "actions" && r.Method == http.MethodPost:
			s.action(w, r, id, now)
		case s.trafficRoute(w, r, "connections", id, sub, now):
		case sub == "" || sub == "actions":
			s.methodNotAllowed(w, r, "GET, PATCH, DELETE, POST")
		default:
			s.fail(w, r, http.StatusNotFound, "EQ-3000404", "Resource not found", "no such endpoint: "+path)
		}
	default:
		s.fail(w, r, http.StatusNotFound, "EQ-3000404", "Resource not found", "no such endpoint: "+path)
	}
}

// --- responses ---

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "simulator: encoding failed", http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Simulator) correlation() string { return sim.UUID(s.rnd) }

// fail writes an ErrorList (the metros endpoint has its own enum-bound
// MetroErrorList, handled by the caller through failMetro).
func (s *Simulator) fail(w http.ResponseWriter, r *http.Request, status int, code, msg, details string, info ...ErrorAdditionalInfo) {
	writeJSON(w, status, ErrorList{{ErrorCode: code, ErrorMessage: msg, CorrelationID: s.correlation(), Details: details, AdditionalInfo: info}})
}

func (s *Simulator) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	s.fail(w, r, http.StatusMethodNotAllowed, "EQ-3000405", "Method not allowed", r.Method+" is not supported here")
}

// --- authentication ---

func (s *Simulator) token(w http.ResponseWriter, r *http.Request, now time.Time) {
	s.tokenCalls.Add(1)
	tokErr := func(status int, code, title, msg string) {
		writeJSON(w, status, TokenError{ErrorDomain: "apigateway", ErrorTitle: title, ErrorCode: code, DeveloperMessage: msg, ErrorMessage: msg})
	}
	var req TokenRequest
	if err := readJSON(r, &req); err != nil {
		tokErr(http.StatusBadRequest, "S400", "Bad request", "Request body must be JSON with client_id and client_secret")
		return
	}
	if req.ClientID == "" || req.ClientSecret == "" {
		tokErr(http.StatusBadRequest, "S400", "Bad request", "client_id and client_secret are required")
		return
	}
	if req.GrantType != "client_credentials" {
		tokErr(http.StatusBadRequest, "S400", "Bad request", "grant_type must be client_credentials (the password grant needs user_name and user_password)")
		return
	}
	if s.badLogins[req.ClientID] >= 5 {
		tokErr(http.StatusBadRequest, "S423", "Account locked", "The account is locked after 5 successive invalid attempts; contact Equinix support")
		return
	}
	if req.ClientID != s.cfg.clientID || req.ClientSecret != s.cfg.clientSecret {
		s.badLogins[req.ClientID]++
		tokErr(http.StatusBadRequest, "S401", "Invalid credentials", "Please enter a valid client id/client secret and try again")
		return
	}
	s.badLogins[req.ClientID] = 0
	for t, exp := range s.tokens {
		if !exp.After(now) {
			delete(s.tokens, t)
		}
	}
	tok := "sim-" + strings.ReplaceAll(sim.UUID(s.rnd), "-", "")
	s.tokens[tok] = now.Add(s.cfg.tokenTTL)
	writeJSON(w, http.StatusOK, TokenResponse{
		AccessToken:  tok,
		TokenTimeout: strconv.Itoa(int(s.cfg.tokenTTL / time.Second)),
		UserName:     "noctop-demo-api",
		TokenType:    "Bearer",
	})
}

func (s *Simulator) authorized(r *http.Request, now time.Time) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return false
	}
	if s.cfg.staticToken != "" && tok == s.cfg.staticToken {
		return true
	}
	exp, ok := s.tokens[tok]
	return ok && exp.After(now)
}

func (s *Simulator) unauthorized(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, MetrosPath) {
		writeJSON(w, http.StatusUnauthorized, ErrorList{{ErrorCode: "EQ-3036001", ErrorMessage: "Unauthorized", CorrelationID: s.correlation()}})
		return
	}
	s.fail(w, r, http.StatusUnauthorized, "EQ-3000039", "Unauthorized", "missing, invalid or expired access token")
}

const maxRequestBody = 1 << 20

// readJSON reads a JSON request body of at most 1 MiB.
func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return err
	}
	if len(b) > maxRequestBody {
		return errors.New("request body too large")
	}
	return json.Unmarshal(b, v)
}

// --- connections ---

func (s *Simulator) getConnection(w http.ResponseWriter, r *http.Request, id string) {
	if d := r.URL.Query().Get("direction"); d != "" && d != dirIncoming && d != dirOutgoing && d != "INTERNAL" {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142001", "Invalid query parameter", "direction must be INCOMING, OUTGOING or INTERNAL", ErrorAdditionalInfo{Property: "direction", Reason: "invalid value"})
		return
	}
	sc, ok := s.conns[id]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3142102", "Connection not found", "uuid "+truncate(id, 60)+" not found")
		return
	}
	if sc.c != nil {
		writeJSON(w, http.StatusOK, sc.c)
		return
	}
	later(w, func() { writeJSON(w, http.StatusOK, s.regenerate(sc)) })
}

// patchConnection supports renaming (replace /name, no approval) and a
// bandwidth change (replace /bandwidth) of a connection of ours: the
// bandwidth must be one the service allows (a Fabric speed, at most the
// port's on our side and the profile's maximum for a connection to a
// service profile), and the connection active with nothing pending. A
// connection to another company's profile waits for its approval; other
// changes are applied after provisioning.
func (s *Simulator) patchConnection(w http.ResponseWriter, r *http.Request, id string, now time.Time) {
	sc, ok := s.conns[id]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3142102", "Connection not found", "uuid "+truncate(id, 60)+" not found")
		return
	}
	s.pin(sc) // what follows reads and changes it
	var ops []ConnectionChangeOperation
	if err := readJSON(r, &ops); err != nil || len(ops) == 0 {
		s.fail(w, r, http.StatusBadRequest, "EQ-3000035", "Invalid request body", "expected a non-empty JSON array of {op, path, value}")
		return
	}
	var newName string
	var newBW int64
	for _, op := range ops {
		switch {
		case op.Op == "replace" && op.Path == "/name":
			var name string
			if json.Unmarshal(op.Value, &name) != nil {
				var obj struct {
					Name string `json:"name"`
				}
				if json.Unmarshal(op.Value, &obj) != nil {
					name = ""
				} else {
					name = obj.Name
				}
			}
			if name = strings.TrimSpace(name); name == "" || len(name) > 50 {
				s.fail(w, r, http.StatusBadRequest, "EQ-3142019", "Invalid connection name", "a name of 1 to 50 characters is required", ErrorAdditionalInfo{Property: "/name", Reason: "invalid"})
				return
			}
			newName = name
		case op.Op == "replace" && op.Path == "/bandwidth":
			var bw int64
			if json.Unmarshal(op.Value, &bw) != nil {
				var obj struct {
					Bandwidth int64 `json:"bandwidth"`
				}
				if json.Unmarshal(op.Value, &obj) == nil {
					bw = obj.Bandwidth
				}
			}
			if msg := s.checkBandwidth(sc, bw); msg != "" {
				s.fail(w, r, http.StatusBadRequest, "EQ-3142020", "Invalid bandwidth", msg, ErrorAdditionalInfo{Property: "/bandwidth", Reason: msg})
				return
			}
			newBW = bw
		default:
			s.fail(w, r, http.StatusBadRequest, "EQ-3142018", "Unsupported update", "the simulator supports replace /name and replace /bandwidth", ErrorAdditionalInfo{Property: op.Path, Reason: "not updatable"})
			return
		}
	}
	if newBW > 0 {
		if sc.c.Direction == dirIncoming {
			s.fail(w, r, http.StatusForbidden, "EQ-3000197", "User not authorized to perform given action", "only the A-side owner can change "+sc.c.Name)
			return
		}
		if sc.c.State != "ACTIVE" || pendingOf(*sc.c) != nil {
			s.fail(w, r, http.StatusBadRequest, "EQ-3142021", "Connection cannot be updated now", fmt.Sprintf("%s is %s with a change pending or not active", sc.c.Name, sc.c.State))
			return
		}
	}
	if newName != "" {
		sc.c.Name = newName
	}
	sc.c.ChangeLog.UpdatedDateTime = stamp(now)
	status := http.StatusOK
	if newBW > 0 {
		status = http.StatusAccepted
		s.startBandwidthChange(sc, newBW, now)
	}
	s.bump(sc)
	writeJSON(w, status, sc.c)
}

// checkBandwidth says why bw is not a bandwidth sc's service allows ("" if
// it is).
func (s *Simulator) checkBandwidth(sc *simConn, bw int64) string {
	if !slicesContains(simBandwidths, bw) {
		return fmt.Sprintf("bandwidth %d Mbps is not offered (one of %v)", bw, simBandwidths)
	}
	if bw == sc.c.Bandwidth {
		return fmt.Sprintf("the connection already has %d Mbps", bw)
	}
	for _, o := range sc.ours {
		if p := s.ports[o.port]; bw > p.wire.PhysicalPortsSpeed {
			return fmt.Sprintf("%d Mbps is more than port %s carries (%d Mbps)", bw, p.wire.Name, p.wire.PhysicalPortsSpeed)
		}
	}
	if z := sc.c.ZSide.AccessPoint; z != nil && z.Type == "SP" && bw > simProfileMax {
		return fmt.Sprintf("the service profile %s allows at most %d Mbps", profileName(z), simProfileMax)
	}
	return ""
}

// simProfileMax is the largest bandwidth other companies' profiles sell.
const simProfileMax = 5000

func profileName(ap *AccessPoint) string {
	if ap.Profile != nil {
		return ap.Profile.Name
	}
	return "of the other side"
}

func slicesContains(v []int64, x int64) bool {
	for _, y := range v {
		if y == x {
			return true
		}
	}
	return false
}

// startBandwidthChange records the update and lets it complete: a change
// to another company's profile waits for their approval first.
func (s *Simulator) startBandwidthChange(sc *simConn, bw int64, now time.Time) {
	r := s.world.Rand("fabric", "bandwidth", sc.c.UUID, strconv.Itoa(int(s.version)))
	t := s.world.Timing()
	data, _ := json.Marshal(ConnectionChangeOperation{Op: "replace", Path: "/bandwidth", Value: json.RawMessage(`{"bandwidth":` + strconv.FormatInt(bw, 10) + `}`)})
	toProfile := sc.c.ZSide.AccessPoint != nil && sc.c.ZSide.AccessPoint.Type == "SP" && sc.c.Direction == dirOutgoing
	status := "APPROVED"
	if toProfile {
		status = changeSubmittedForApprove
	}
	sc.c.Change = &Change{UUID: sim.UUID(r), Type: changeUpdate, Status: status, CreatedDateTime: stamp(now), UpdatedDateTime: stamp(now), Data: data}
	change := sc.c.Change
	apply := func(now time.Time) {
		if sc.c.Change != change || sc.c.State != "ACTIVE" {
			return // superseded
		}
		sc.c.Bandwidth = bw
		change.Status, change.UpdatedDateTime = "COMPLETED", stamp(now)
		sc.c.ChangeLog.UpdatedDateTime = stamp(now)
		s.bump(sc)
	}
	if !toProfile {
		s.engine.After(sim.Between(r, t.ProvisionMin, t.ProvisionMax), apply)
		return
	}
	s.engine.After(sim.Between(r, t.RemoteMin, t.RemoteMax), func(now time.Time) {
		if sc.c.Change != change {
			return
		}
		if sim.Chance(r, 0.85) {
			change.Status, change.UpdatedDateTime = "APPROVED", stamp(now)
			s.bump(sc)
			s.engine.After(sim.Between(r, t.ProvisionMin, t.ProvisionMax), apply)
			return
		}
		change.Status, change.UpdatedDateTime, change.Information = "REJECTED", stamp(now), "the provider does not offer this bandwidth on the profile right now"
		s.bump(sc)
	})
}

// deleteConnection deletes a connection of ours: it goes through
// DEPROVISIONING to DEPROVISIONED (and its VLANs are freed).
func (s *Simulator) deleteConnection(w http.ResponseWriter, r *http.Request, id string, now time.Time) {
	sc, ok := s.conns[id]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3142102", "Connection not found", "uuid "+truncate(id, 60)+" not found")
		return
	}
	s.pin(sc) // what follows reads and changes it
	switch {
	case sc.c.Direction == dirIncoming:
		s.fail(w, r, http.StatusForbidden, "EQ-3142301", "User not authorized to delete the connection", "only the A-side owner can delete "+sc.c.Name+"; the Z side answers a deletion request")
		return
	case sc.c.State == "DEPROVISIONING" || sc.c.State == "DEPROVISIONED" || sc.c.State == "CANCELLED":
		s.fail(w, r, http.StatusBadRequest, "EQ-3142302", "Connection already deleted", sc.c.Name+" is "+sc.c.State)
		return
	}
	rr := s.world.Rand("fabric", "delete", sc.c.UUID)
	t := s.world.Timing()
	s.setPhase(sc, phDeprovisioning, now, rr)
	s.engine.After(sim.Between(rr, t.DeprovisionMin, t.DeprovisionMax), func(now time.Time) {
		if sc.c.State == "DEPROVISIONING" {
			s.setPhase(sc, phDeprovisioned, now, rr)
		}
	})
	writeJSON(w, http.StatusOK, sc.c)
}

// action answers a connection action and starts the state changes.
func (s *Simulator) action(w http.ResponseWriter, r *http.Request, id string, now time.Time) {
	sc, ok := s.conns[id]
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3142102", "Connection not found", "uuid "+truncate(id, 60)+" not found")
		return
	}
	s.pin(sc) // what follows reads and changes it
	var req ConnectionActionRequest
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, "EQ-3000035", "Invalid request body", "expected a JSON object with type")
		return
	}
	pend := pendingOf(*sc.c)
	wantKind := map[string]string{
		ActionCreationAcceptance: changeCreation, ActionCreationRejection: changeCreation,
		ActionUpdateAcceptance: changeUpdate, ActionUpdateRejection: changeUpdate,
		ActionDeletionAcceptance: changeDeletion,
	}[req.Type]
	if wantKind == "" {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142501", "Unsupported action type", "action "+strconv.Quote(truncate(req.Type, 60))+" is not supported on this connection", ErrorAdditionalInfo{Property: "type", Reason: "unsupported"})
		return
	}
	if pend == nil || changeKindName(pend.Kind) != wantKind {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142502", "Connection is not awaiting this decision",
			fmt.Sprintf("%s is %s with no %s waiting for approval", sc.c.Name, sc.c.State, strings.ToLower(strings.TrimPrefix(wantKind, "CONNECTION_"))))
		return
	}
	if !pend.WaitingOnUs {
		s.fail(w, r, http.StatusForbidden, "EQ-3000197", "User not authorized to perform given action", "only the Z-side owner can decide on "+sc.c.Name)
		return
	}
	isReject := req.Type == ActionCreationRejection || req.Type == ActionUpdateRejection
	if isReject && strings.TrimSpace(req.Description) == "" {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142503", "Rejection reason required", "description must say why the request is rejected", ErrorAdditionalInfo{Property: "description", Reason: "required"})
		return
	}
	rr := s.world.Rand("fabric", "action", sc.c.UUID, strconv.Itoa(s.arrivals), req.Type)
	t := s.world.Timing()
	resp := ConnectionAction{Type: req.Type, ChangeLog: &Changelog{CreatedBy: "noctop-demo-api", CreatedDateTime: stamp(now)}}
	switch req.Type {
	case ActionCreationAcceptance:
		if needsZSide(*sc.c) {
			p, v, msg := s.checkLanding(sc, req.Data)
			if msg != "" {
				s.fail(w, r, http.StatusBadRequest, "EQ-3142510", "Invalid Z-side access point", msg, ErrorAdditionalInfo{Property: "data.zSide.accessPoint", Reason: msg})
				return
			}
			z := sc.c.ZSide.AccessPoint
			if z == nil {
				z = &AccessPoint{Type: "COLO", Account: s.selfAccount()}
				sc.c.ZSide.AccessPoint = z
			}
			p.vlans.Reserve(v)
			sc.addOur(p, v)
			z.Port = &SimplifiedPort{Href: p.wire.Href, UUID: p.wire.UUID, Name: p.wire.Name}
			z.LinkProtocol = req.Data.ZSide.AccessPoint.LinkProtocol
			resp.Data.ZSide = &ConnectionSide{AccessPoint: &AccessPoint{Type: "COLO", Port: z.Port, LinkProtocol: z.LinkProtocol}}
		}
		s.setPhase(sc, phProvisioning, now, rr)
		s.engine.After(sim.Between(rr, t.ProvisionMin, t.ProvisionMax), func(now time.Time) {
			if sc.c.State == "PROVISIONING" {
				s.setPhase(sc, phActive, now, rr)
			}
		})
	case ActionCreationRejection:
		s.setPhase(sc, phRejecting, now, rr)
		s.engine.After(sim.Between(rr, 2*time.Second, 5*time.Second), func(now time.Time) { s.setPhase(sc, phRejected, now, rr) })
	case ActionUpdateAcceptance:
		sc.c.Change.Status, sc.c.Change.UpdatedDateTime = "APPROVED", stamp(now)
		s.bump(sc)
		change := sc.c.Change
		s.engine.After(sim.Between(rr, t.ProvisionMin, t.ProvisionMax), func(now time.Time) {
			if sc.c.Change != change || sc.c.State != "ACTIVE" {
				return // superseded
			}
			for _, op := range change.Ops() {
				var v struct {
					Bandwidth int64 `json:"bandwidth"`
				}
				if op.Path == "/bandwidth" && json.Unmarshal(op.Value, &v) == nil && v.Bandwidth > 0 {
					sc.c.Bandwidth = v.Bandwidth
				}
			}
			s.setPhase(sc, phActive, now, rr)
		})
	case ActionUpdateRejection:
		sc.c.Change.Status, sc.c.Change.UpdatedDateTime = "REJECTED", stamp(now)
		sc.c.Change.Information = strings.TrimSpace(req.Description)
		sc.c.ChangeLog.UpdatedDateTime = stamp(now)
		s.bump(sc)
	case ActionDeletionAcceptance:
		s.setPhase(sc, phDeprovisioning, now, rr)
		s.engine.After(sim.Between(rr, t.DeprovisionMin, t.DeprovisionMax), func(now time.Time) { s.setPhase(sc, phDeprovisioned, now, rr) })
	}
	resp.UUID = sim.UUID(s.rnd)
	resp.Href = s.href(ConnPath + sc.c.UUID + "/actions/" + resp.UUID)
	writeJSON(w, http.StatusAccepted, resp)
}

func changeKindName(k model.ChangeKind) string {
	switch k {
	case model.ChangeCreation:
		return changeCreation
	case model.ChangeUpdate:
		return changeUpdate
	case model.ChangeDeletion:
		return changeDeletion
	}
	return ""
}

// checkLanding validates the z-side data of an acceptance that needs it:
// one of our ports with a free VLAN of the right kind.
func (s *Simulator) checkLanding(sc *simConn, d *ConnectionAcceptanceData) (*simPort, int, string) {
	if d == nil || d.ZSide == nil || d.ZSide.AccessPoint == nil || d.ZSide.AccessPoint.Port == nil || d.ZSide.AccessPoint.LinkProtocol == nil {
		return nil, 0, "accepting this connection requires data.zSide.accessPoint with the port and link protocol on your side"
	}
	ap := d.ZSide.AccessPoint
	p, ok := s.portByID[ap.Port.UUID]
	if !ok {
		return nil, 0, "port " + truncate(ap.Port.UUID, 60) + " is not one of your ports"
	}
	lp := ap.LinkProtocol
	enc := p.wire.Encapsulation.Type
	v := lp.VlanTag
	if enc == "QINQ" {
		v = lp.VlanSTag
	}
	switch {
	case lp.Type != enc:
		return nil, 0, fmt.Sprintf("port %s is %s, link protocol %s does not fit", p.wire.Name, enc, lp.Type)
	case v < sim.MinVLAN || v > sim.MaxVLAN:
		return nil, 0, fmt.Sprintf("VLAN %d is outside %d..%d", v, sim.MinVLAN, sim.MaxVLAN)
	case p.vlans.InUse(v):
		return nil, 0, fmt.Sprintf("VLAN %d is already in use on port %s", v, p.wire.Name)
	}
	if z := sc.c.ZSide.AccessPoint; z != nil && z.Location != nil && z.Location.MetroCode != p.metro.Code {
		return nil, 0, fmt.Sprintf("port %s is in %s, the connection lands in %s", p.wire.Name, p.metro.Code, z.Location.MetroCode)
	}
	return p, v, ""
}

// --- ports, metros, validate ---

func (s *Simulator) listPorts(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	data := make([]Port, 0, len(s.ports))
	for _, p := range s.ports {
		if name != "" && p.wire.Name != name {
			continue
		}
		pw := p.wire
		pw.ConnectionsCount = p.vlans.Used()
		pw.UsedBandwidth = 0
		speed := pw.PhysicalPortsSpeed
		pw.AvailableBandwidth = speed
		data = append(data, pw)
	}
	// Used/available bandwidth from the connections on each port.
	used := map[string]int64{}
	for _, sc := range s.order {
		if sc.sum.state == "ACTIVE" || sc.sum.state == "PROVISIONING" {
			for _, o := range sc.ours {
				used[s.ports[o.port].wire.UUID] += sc.sum.bandwidth
			}
		}
	}
	for i := range data {
		data[i].UsedBandwidth = used[data[i].UUID]
		data[i].AvailableBandwidth = max(0, data[i].PhysicalPortsSpeed-data[i].UsedBandwidth)
	}
	// Paged when a page size is set (the spec names no paging parameters;
	// the pagination object's next link says where the rest is).
	offset, limit := 0, max(len(data), 1)
	if n := s.cfg.portsPage; n > 0 {
		limit = n
		if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v >= 0 {
			offset = v
		}
	}
	total := len(data)
	data = data[min(offset, total):min(offset+limit, total)]
	writeJSON(w, http.StatusOK, AllPortsResponse{Pagination: page(offset, limit, total, PortsPath), Data: data})
}

func (s *Simulator) listMetros(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(param string) {
		writeJSON(w, http.StatusBadRequest, ErrorList{{ErrorCode: "EQ-3036013", ErrorMessage: "Invalid Query Parameter", CorrelationID: s.correlation(),
			AdditionalInfo: []ErrorAdditionalInfo{{Property: param, Reason: "must be a non-negative integer (limit 1..100)"}}}})
	}
	offset, limit := 0, 20
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad("offset")
			return
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			bad("limit")
			return
		}
		limit = n
	}
	all := s.metros
	data := []Metro{}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		m := all[i]
		data = append(data, Metro{
			Href: s.href(MetrosPath + "/" + m.Code), Type: "XF_METRO", Code: m.Code, Region: m.Region, Name: m.Name, Country: m.Country,
			EquinixAsn: 47000 + int64(i), LocalVCBandwidthMax: 50000,
			GeoCoordinates: &GeoCoordinates{Latitude: m.Lat, Longitude: m.Lon},
		})
	}
	writeJSON(w, http.StatusOK, MetroResponse{Pagination: page(offset, limit, len(all), MetrosPath), Data: data})
}

// page builds a Pagination with next/previous links in the API's style.
func page(offset, limit, total int, base string) *Pagination {
	p := &Pagination{Offset: offset, Limit: limit, Total: total}
	if offset+limit < total {
		p.Next = fmt.Sprintf("%s?offset=%d&limit=%d", base, offset+limit, limit)
	}
	if offset > 0 {
		p.Previous = fmt.Sprintf("%s?offset=%d&limit=%d", base, max(0, offset-limit), limit)
	}
	return p
}

// validate checks an authorization key: keys starting with "valid-" are
// accepted, others rejected.
func (s *Simulator) validate(w http.ResponseWriter, r *http.Request) {
	var req ValidateRequest
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, "EQ-3000035", "Invalid request body", "expected {filter: {and: [...]}}")
		return
	}
	key := ""
	for _, c := range req.Filter.And {
		if c.Property == "/zSide/accessPoint/authenticationKey" && len(c.Values) > 0 {
			key = c.Values[0]
		}
	}
	if key == "" {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142216", "Authorization key required", "filter must contain /zSide/accessPoint/authenticationKey", ErrorAdditionalInfo{Property: "/zSide/accessPoint/authenticationKey", Reason: "required"})
		return
	}
	if !strings.HasPrefix(key, "valid-") {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142217", "Invalid authorization key", "the service provider does not recognise this authorization key")
		return
	}
	p := s.ports[0]
	writeJSON(w, http.StatusOK, ValidateResponse{
		AdditionalInfo: []AdditionalInfo{{Key: "message", Value: "Authorization key provided is valid"}},
		Data: []ValidateConnectionResponse{{Bandwidth: 1000, Redundancy: &ConnectionRedundancy{Priority: "PRIMARY"},
			ZSide: &ConnectionSide{AccessPoint: &AccessPoint{Type: "COLO", Port: &SimplifiedPort{Type: "XF_PORT", Name: p.wire.Name}, LinkProtocol: &LinkProtocol{Type: "QINQ", VlanSTag: 1003}}}}},
	})
}
