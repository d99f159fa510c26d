package ixapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// The simulator: an IX-API v2 server for demo mode and tests, built on the
// shared simulated world (providers/sim). It serves the 2.1.0 objects as
// the spec describes them (tests validate that), the 2.7 additions noctop
// uses (connection decommissioning, statistics, port reservations), token
// auth with expiring JWTs, change requests and decommissioning with state
// transitions driven by the world's event engine.
//
// Lists are bare arrays (2.1.0) unless the request carries limit or offset;
// then they come in the envelope described in list.go.

// SimBasePath is where the simulator serves the API: a client's base URL
// is the server's URL + SimBasePath.
const SimBasePath = "/api/v2"

// Demo credentials the simulator accepts. The key and secret have the
// lengths the spec requires (16 and 86 characters).
const (
	DemoAPIKey    = "noctop-demo-key1"
	DemoAPISecret = "noctop-demo-secret-for-the-ix-api-simulator-only-never-a-real-credential-0123456789abc"
	DemoToken     = "noctop-demo-static-ixapi-token"
)

// Token lifetimes of the simulator (change with WithSimTokenTTL).
const (
	DefaultSimAccessTTL  = 15 * time.Minute
	DefaultSimRefreshTTL = 24 * time.Hour
)

// SimOption configures a Simulator.
type SimOption func(*simConfig)

type simConfig struct {
	apiKey, apiSecret, staticToken string
	accessTTL, refreshTTL          time.Duration
	problemType                    string // Content-Type of problem documents
	maxPage                        int
}

// WithSimCredentials sets the accepted API key and secret (default the
// demo ones).
func WithSimCredentials(key, secret string) SimOption {
	return func(c *simConfig) { c.apiKey, c.apiSecret = key, secret }
}

// WithSimStaticToken sets a bearer token accepted forever ("" disables;
// default DemoToken).
func WithSimStaticToken(tok string) SimOption { return func(c *simConfig) { c.staticToken = tok } }

// WithSimTokenTTL sets the lifetimes of access and refresh tokens.
func WithSimTokenTTL(access, refresh time.Duration) SimOption {
	return func(c *simConfig) { c.accessTTL, c.refreshTTL = access, refresh }
}

// WithSimProblemContentType serves problem documents with this content type
// (default "application/json", as the 2.1.0 spec declares them;
// "application/problem+json" is the RFC 7807 one).
func WithSimProblemContentType(ct string) SimOption { return func(c *simConfig) { c.problemType = ct } }

// Simulator serves IX-API v2 from a simulated world. It is an http.Handler.
type Simulator struct {
	w   *sim.World
	e   *sim.Engine
	cfg simConfig
	key []byte // JWT signing key

	// Everything below is guarded by the engine's lock.
	st *simState

	statsMu sync.Mutex
	avgs    map[string][4]float64 // (key, aggregate, created_at) -> averages
	series  map[string][]simSample
}

// NewSimulator builds the exchange from w. The result is deterministic for
// a given seed, scale and clock.
func NewSimulator(w *sim.World, opts ...SimOption) *Simulator {
	cfg := simConfig{
		apiKey: DemoAPIKey, apiSecret: DemoAPISecret, staticToken: DemoToken,
		accessTTL: DefaultSimAccessTTL, refreshTTL: DefaultSimRefreshTTL,
		problemType: "application/json", maxPage: 1000,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Simulator{
		w: w, e: w.NewEngine(), cfg: cfg,
		key:    []byte(fmt.Sprintf("ixapi-sim-%d", w.Hash("ixapi", "jwt-key"))),
		avgs:   map[string][4]float64{},
		series: map[string][]simSample{},
	}
	// The exchange is built when first asked for, at the engine's
	// creation time (see sim.Engine.Prepare).
	s.e.Prepare(func(now time.Time) {
		s.st = buildState(w, now)
		s.startEvents()
	})
	return s
}

// FaultHooks render injected errors as IX-API problem documents and tell
// token requests apart (for sim.Faults.Wrap).
func (s *Simulator) FaultHooks() sim.FaultHooks {
	return sim.FaultHooks{
		ErrorBody: func(status int, r *http.Request) (string, []byte) {
			p := Problem{Type: ProblemServerError, Status: status, Title: http.StatusText(status), Detail: "simulated fault"}
			if status == http.StatusTooManyRequests {
				p.Title, p.Detail = "Too many requests", "request was throttled; retry later"
			}
			b, _ := json.Marshal(p)
			return s.cfg.problemType, b
		},
		IsToken: func(r *http.Request) bool {
			p := strings.TrimPrefix(r.URL.Path, SimBasePath)
			return p == TokenPath || p == RefreshPath
		},
	}
}

// ServeHTTP routes a request.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, SimBasePath)
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "the API lives under "+SimBasePath, nil)
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	}
	switch path {
	case TokenPath, RefreshPath:
		if r.Method != http.MethodPost {
			s.methodNotAllowed(w, "POST")
			return
		}
		s.serveToken(w, r, path == RefreshPath)
		return
	}
	now := s.e.Lock()
	locked := true
	unlock := func() {
		if locked {
			locked = false
			s.e.Unlock()
		}
	}
	defer unlock()
	// Answers are rendered with the world locked and written after it is
	// released, so a client reading slowly holds up no one (statistics,
	// computed outside the lock, write directly).
	buf := &bufferedResponse{header: w.Header(), status: http.StatusOK}
	defer func() {
		unlock()
		if buf.used {
			w.WriteHeader(buf.status)
			_, _ = w.Write(buf.body.Bytes())
		}
	}()
	out := http.ResponseWriter(buf)
	if !s.authorized(out, r, now) {
		return
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == PathHealth && r.Method == http.MethodGet:
		s.json(out, http.StatusOK, Health{Status: "pass", Version: "2", ReleaseID: "2.7.1-noctop-sim",
			ServiceID: "noctop-ixapi-sim", Checks: map[string]map[string]string{}})
	case path == PathImplementation && r.Method == http.MethodGet:
		s.json(out, http.StatusOK, Implementation{
			SchemaVersion: "2.7.1", ServiceVersion: "noctop-sim",
			SupportedNetworkServiceTypes:       []string{TypeExchangeLAN, TypeP2PVC, TypeCloudVC},
			SupportedNetworkServiceConfigTypes: []string{TypeExchangeLAN, TypeP2PVC, TypeCloudVC},
			SupportedNetworkFeatureTypes:       []string{},
			SupportedNetworkFeatureConfigTypes: []string{},
			SupportedOperations: []string{"connections_list", "connections_read", "connections_destroy",
				"network_services_list", "network_service_change_request_create", "network_services_destroy",
				"network_service_configs_destroy", "statistics_read", "peer_statistics_read"},
		})
	case len(seg) == 1 && r.Method == http.MethodGet:
		s.serveList(out, r, seg[0], now)
	case len(seg) == 2:
		switch r.Method {
		case http.MethodGet:
			s.serveGet(out, seg[0], seg[1])
		case http.MethodDelete:
			s.serveDecommission(out, r, seg[0], seg[1], now)
		case http.MethodPatch:
			s.servePatch(out, r, seg[0], seg[1])
		default:
			s.methodNotAllowed(out, "GET, PATCH, DELETE")
		}
	case len(seg) == 3 && seg[2] == "cancellation-policy" && r.Method == http.MethodGet:
		s.servePolicy(out, r, seg[0], seg[1], now)
	case len(seg) == 3 && seg[0] == "network-services" && seg[2] == "change-request":
		s.serveChangeRequest(out, r, seg[1], now)
	case (len(seg) == 3 || len(seg) == 5) && (seg[2] == "statistics" || seg[2] == "peer-statistics" || seg[2] == "rtt-statistics") && r.Method == http.MethodGet:
		if len(seg) == 5 && seg[4] != "timeseries" {
			s.problem(out, http.StatusNotFound, ProblemNotFound, "Not found", "no such resource", nil)
			return
		}
		job, ok := s.statsJob(w, r, seg, now)
		unlock() // statistics are computed outside the world's lock
		if ok {
			job()
		}
	default:
		s.problem(out, http.StatusNotFound, ProblemNotFound, "Not found", "no such resource", nil)
	}
}

// bufferedResponse collects an answer (headers go straight to the real
// writer's map, which is not sent before WriteHeader).
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	used   bool
}

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) WriteHeader(status int) {
	if !b.used {
		b.status, b.used = status, true
	}
}
func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.used = true
	return b.body.Write(p)
}

func (s *Simulator) methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	s.problem(w, http.StatusMethodNotAllowed, ProblemBase+"method-not-allowed.html", "Method not allowed", "allowed: "+allow, nil)
}

// json writes v as JSON.
func (s *Simulator) json(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.problem(w, http.StatusInternalServerError, ProblemServerError, "Internal error", err.Error(), nil)
		return
	}
	s.raw(w, status, b)
}

func (s *Simulator) raw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if buf, ok := w.(*bufferedResponse); ok && buf.body.Len() == 0 {
		buf.body = *bytes.NewBuffer(b) // b is ours: no copy of a large body
		return
	}
	_, _ = w.Write(b)
}

// problem writes an RFC 7807 document.
func (s *Simulator) problem(w http.ResponseWriter, status int, typ, title, detail string, props []ProblemProperty) {
	s.problemDoc(w, Problem{Type: typ, Title: title, Status: status, Detail: detail, Properties: props})
}

func (s *Simulator) problemDoc(w http.ResponseWriter, p Problem) {
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", s.cfg.problemType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(p.Status)
	_, _ = w.Write(b)
}

// --- auth ---------------------------------------------------------------

type jwtClaims struct {
	Sub string `json:"sub"`
	Typ string `json:"typ"` // access | refresh
	Iat int64  `json:"iat"`
	Exp int64  `json:"exp"`
	Jti string `json:"jti"`
}

func (s *Simulator) sign(c jwtClaims) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body, _ := json.Marshal(c)
	msg := head + "." + enc.EncodeToString(body)
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(m.Sum(nil))
}

// verify checks a JWT's signature and reads its claims (expiry is the
// caller's business).
func (s *Simulator) verify(tok string) (jwtClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return jwtClaims{}, false
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return jwtClaims{}, false
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return jwtClaims{}, false
	}
	var c jwtClaims
	if json.Unmarshal(body, &c) != nil {
		return jwtClaims{}, false
	}
	return c, true
}

// issue creates an access and a refresh token.
func (s *Simulator) issue(now time.Time) AuthToken {
	st := s.st
	st.tokenSeq++
	jti := strconv.FormatInt(st.tokenSeq, 10)
	sub := st.self
	at := s.sign(jwtClaims{Sub: sub, Typ: "access", Iat: now.Unix(), Exp: now.Add(s.cfg.accessTTL).Unix(), Jti: "a" + jti})
	rt := s.sign(jwtClaims{Sub: sub, Typ: "refresh", Iat: now.Unix(), Exp: now.Add(s.cfg.refreshTTL).Unix(), Jti: "r" + jti})
	st.tokensIssued++
	return AuthToken{AccessToken: at, RefreshToken: rt}
}

func (s *Simulator) serveToken(w http.ResponseWriter, r *http.Request, refresh bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "request body too large or unreadable", nil)
		return
	}
	now := s.e.Lock()
	defer s.e.Unlock()
	if !refresh {
		var req map[string]any
		if json.Unmarshal(body, &req) != nil {
			s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "the body must be a JSON object", nil)
			return
		}
		var props []ProblemProperty
		key, _ := req["api_key"].(string)
		secret, _ := req["api_secret"].(string)
		if len(key) != 16 {
			props = append(props, ProblemProperty{Name: "api_key", Reason: "must be exactly 16 characters"})
		}
		if len(secret) != 86 {
			props = append(props, ProblemProperty{Name: "api_secret", Reason: "must be exactly 86 characters"})
		}
		if props != nil {
			s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", props)
			return
		}
		if !hmac.Equal([]byte(key), []byte(s.cfg.apiKey)) || !hmac.Equal([]byte(secret), []byte(s.cfg.apiSecret)) {
			s.st.loginsRefused++
			s.problem(w, http.StatusUnauthorized, ProblemAuthentication, "Authentication failed", "invalid API key or secret", nil)
			return
		}
		s.st.logins++
		s.json(w, http.StatusCreated, s.issue(now))
		return
	}
	var req RefreshTokenRequest
	if json.Unmarshal(body, &req) != nil || req.RefreshToken == "" {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", []ProblemProperty{{Name: "refresh_token", Reason: "this field is required"}})
		return
	}
	c, ok := s.verify(req.RefreshToken)
	switch {
	case !ok || c.Typ != "refresh" || s.st.usedRefresh[c.Jti]:
		s.problem(w, http.StatusUnauthorized, ProblemAuthentication, "Authentication failed", "invalid or already used refresh token", nil)
		return
	case now.Unix() >= c.Exp:
		s.problem(w, http.StatusUnauthorized, ProblemSignatureExpired, "Signature has expired", "the refresh token expired; log in again", nil)
		return
	}
	s.st.usedRefresh[c.Jti] = true
	s.st.refreshes++
	s.json(w, http.StatusCreated, s.issue(now))
}

// authorized checks the bearer token; it answers 401 itself when not.
func (s *Simulator) authorized(w http.ResponseWriter, r *http.Request, now time.Time) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok = strings.TrimSpace(tok)
	if !ok || tok == "" {
		s.problem(w, http.StatusUnauthorized, ProblemAuthentication, "Authentication failed", "authentication credentials were not provided", nil)
		return false
	}
	if s.cfg.staticToken != "" && hmac.Equal([]byte(tok), []byte(s.cfg.staticToken)) {
		return true
	}
	c, valid := s.verify(tok)
	switch {
	case !valid || c.Typ != "access" || s.st.revokedBefore > c.Iat:
		s.problem(w, http.StatusUnauthorized, ProblemAuthentication, "Authentication failed", "invalid access token", nil)
		return false
	case now.Unix() >= c.Exp:
		s.problem(w, http.StatusUnauthorized, ProblemSignatureExpired, "Signature has expired", "the access token expired; refresh it", nil)
		return false
	}
	return true
}

// RevokeTokens makes every token issued so far invalid (tests: a server
// that forgot its sessions).
func (s *Simulator) RevokeTokens() {
	s.e.Run(func(now time.Time) { s.st.revokedBefore = now.Unix() + 1 })
}

// SimCounters are what the simulator counted (tests).
type SimCounters struct {
	Logins, LoginsRefused, Refreshes, TokensIssued int
}

// Counters returns the simulator's counters.
func (s *Simulator) Counters() SimCounters {
	var c SimCounters
	s.e.Run(func(time.Time) {
		c = SimCounters{Logins: s.st.logins, LoginsRefused: s.st.loginsRefused, Refreshes: s.st.refreshes, TokensIssued: s.st.tokensIssued}
	})
	return c
}

// --- lists and objects --------------------------------------------------

// simList is one collection: its objects in id order (n of them, at(i)
// the i-th), their filter attributes, and the lookup by id where the
// world keeps one.
type simList struct {
	n     int
	at    func(i int) any
	attrs func(any, string) ([]string, bool)
	byID  func(id string) (any, bool) // nil: search
}

func listOf[T any](xs []T, attrs func(any, string) ([]string, bool)) simList {
	return simList{n: len(xs), at: func(i int) any { return xs[i] }, attrs: attrs}
}

func withIndex[T any](l simList, m map[string]T) simList {
	l.byID = func(id string) (any, bool) {
		v, ok := m[id]
		return v, ok
	}
	return l
}

// collection returns the objects of a collection in id order, each with
// its filter attributes.
func (s *Simulator) collection(name string) (simList, bool) {
	st := s.st
	switch name {
	case "metro-areas":
		return listOf(st.metros, attrsMetro), true
	case "metro-area-networks":
		return withIndex(listOf(st.mans, attrsMAN), st.manByID), true
	case "facilities":
		return withIndex(listOf(st.facilities, attrsFacility(st)), st.facByID), true
	case "pops":
		return withIndex(listOf(st.pops, attrsPop), st.popByID), true
	case "devices":
		return listOf(st.devices, attrsDevice(st)), true
	case "ports":
		return simList{n: len(st.ports), at: func(i int) any { return st.port(i) }, attrs: attrsPort,
			byID: func(id string) (any, bool) { return st.portByID(id) }}, true
	case "port-reservations":
		return listOf(st.reservations, attrsReservation), true
	case "connections":
		return withIndex(listOf(st.conns, attrsConnection(st)), st.connByID), true
	case "network-services":
		return withIndex(listOf(st.services, attrsService), st.serviceByID), true
	case "network-service-configs":
		return withIndex(listOf(st.nscs, attrsNSC), st.nscByID), true
	case "product-offerings":
		return withIndex(listOf(st.offerings, attrsOffering), st.offerByID), true
	case "accounts":
		return listOf(st.accounts, attrsAccount), true
	}
	return simList{}, false
}

// unfiltered reports whether q only pages (a page is then a slice of the
// collection, not a scan of it).
func unfiltered(q map[string][]string) bool {
	for k, vs := range q {
		if k != "limit" && k != "offset" && len(vs) > 0 {
			return false
		}
	}
	return true
}

func (s *Simulator) serveList(w http.ResponseWriter, r *http.Request, name string, now time.Time) {
	list, ok := s.collection(name)
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no such collection", nil)
		return
	}
	q := r.URL.Query()
	var props []ProblemProperty
	limit, offset, paged := 0, 0, q.Has("limit") || q.Has("offset")
	if paged {
		limit, offset = s.cfg.maxPage, 0
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				props = append(props, ProblemProperty{Name: "limit", Reason: "must be a positive integer"})
			}
			limit = min(n, s.cfg.maxPage)
		}
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				props = append(props, ProblemProperty{Name: "offset", Reason: "must be a non-negative integer"})
			}
			offset = n
		}
	}
	if props != nil {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", props)
		return
	}
	// kept(i) is the i-th matching object; without filters a page is a
	// slice of the collection.
	kept, total := list.at, list.n
	if !unfiltered(q) {
		var all []any
		for i := range list.n {
			if it := list.at(i); matches(it, list.attrs, q) {
				all = append(all, it)
			}
		}
		kept, total = func(i int) any { return all[i] }, len(all)
	}
	if !paged {
		b, err := appendJSONArray(make([]byte, 0, 64*1024), 0, total, kept)
		if err != nil {
			s.problem(w, http.StatusInternalServerError, ProblemServerError, "Internal error", err.Error(), nil)
			return
		}
		s.raw(w, http.StatusOK, b)
		return
	}
	lo := min(offset, total)
	hi := min(lo+limit, total)
	link := func(off int) *string {
		u := *r.URL
		qq := u.Query()
		qq.Set("limit", strconv.Itoa(limit))
		qq.Set("offset", strconv.Itoa(off))
		u.RawQuery = qq.Encode()
		s := "http://" + r.Host + u.RequestURI()
		return &s
	}
	env := struct {
		Count    int     `json:"count"`
		Next     *string `json:"next"`
		Previous *string `json:"previous"`
		Results  []any   `json:"results"`
	}{Count: total, Results: []any{}}
	if hi < total {
		env.Next = link(hi)
	}
	if lo > 0 {
		env.Previous = link(max(0, lo-limit))
	}
	// The envelope ends in `"results":[]}`: splice the page in.
	head, err := json.Marshal(env)
	if err == nil {
		var b []byte
		if b, err = appendJSONArray(head[:len(head)-3], lo, hi, kept); err == nil {
			s.raw(w, http.StatusOK, append(b, '}'))
			return
		}
	}
	s.problem(w, http.StatusInternalServerError, ProblemServerError, "Internal error", err.Error(), nil)
}

// appendJSONArray appends the JSON array of at(lo..hi) to b, as
// json.Marshal writes it, one object at a time (a list of a hundred
// thousand ports is never a second slice of interfaces).
func appendJSONArray(b []byte, lo, hi int, at func(i int) any) ([]byte, error) {
	b = append(b, '[')
	for i := lo; i < hi; i++ {
		if i > lo {
			b = append(b, ',')
		}
		e, err := json.Marshal(at(i))
		if err != nil {
			return nil, err
		}
		b = append(b, e...)
	}
	return append(b, ']'), nil
}

// matches applies the query's filters; unknown parameters are ignored (as
// the reference implementation does), limit/offset are paging.
func matches(it any, attrs func(any, string) ([]string, bool), q map[string][]string) bool {
	for k, vs := range q {
		if k == "limit" || k == "offset" || len(vs) == 0 {
			continue
		}
		want := vs[0]
		base, negate := strings.CutSuffix(k, "__is_not")
		have, ok := attrs(it, base)
		if !ok {
			continue
		}
		var hit bool
		if base == "id" {
			for _, id := range strings.Split(want, ",") {
				if slices.Contains(have, strings.TrimSpace(id)) {
					hit = true
				}
			}
		} else {
			hit = slices.Contains(have, want)
		}
		if hit == negate {
			return false
		}
	}
	return true
}

func (s *Simulator) serveGet(w http.ResponseWriter, name, id string) {
	list, ok := s.collection(name)
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no such collection", nil)
		return
	}
	it, found := any(nil), false
	if list.byID != nil {
		it, found = list.byID(id)
	} else {
		for i := range list.n {
			if ids, _ := list.attrs(list.at(i), "id"); len(ids) > 0 && ids[0] == id {
				it, found = list.at(i), true
				break
			}
		}
	}
	if found {
		if name == "metro-areas" || name == "facilities" {
			// The 2.1.0 spec declares these reads as answering a list.
			s.json(w, http.StatusOK, []any{it})
			return
		}
		s.json(w, http.StatusOK, it)
		return
	}
	s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", fmt.Sprintf("no %s with id %s", strings.TrimSuffix(name, "s"), truncate(id, 80)), nil)
}
