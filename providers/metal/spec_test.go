package metal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Spec validation: every request the client sends and every response the
// simulator serves through a validating transport is checked against
// ../shared/specs/metal-v1.bundled.yaml. Beyond what kin-openapi checks,
// unknown object fields are reported too (a misspelt optional field would
// otherwise pass on both sides unnoticed).
//
// Three defects of the spec are worked around, narrowly:
//   - VirtualCircuitCreateInput and VirtualCircuitUpdateInput are oneOf
//     two schemas that neither forbid extra fields nor (for updates)
//     require any: every update body, and every VRF create body, matches
//     both branches, which strict oneOf rejects. Those bodies are checked
//     against each branch and accepted when one matches (anyOf).
//   - The port and VC event lists are declared as a single Event; servers
//     send an EventList (which also fits Event, having no required or
//     forbidden fields). Unknown fields are checked against EventList.
//   - VrfVirtualCircuit*Input.md5 has a Perl look-ahead pattern Go's
//     regexp cannot compile: look-aheads are dropped from patterns.

type specs struct {
	router routers.Router
	doc    *openapi3.T
	err    error
	dir    string
}

var (
	specOnce   sync.Once
	loadedSpec specs
	errAbsent  = errors.New("specs absent")
)

const specFile = "metal-v1.bundled.yaml"

// specDir is ../shared/specs relative to the module root.
func specDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "specs"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root (go.mod) not found")
		}
		dir = parent
	}
}

func loadSpecs(t testing.TB) *specs {
	t.Helper()
	specOnce.Do(func() {
		dir, err := specDir()
		if err != nil {
			loadedSpec.err = err
			return
		}
		loadedSpec.dir = dir
		if _, err := os.Stat(filepath.Join(dir, specFile)); err != nil {
			loadedSpec.err = errAbsent
			return
		}
		doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(dir, specFile))
		if err != nil {
			loadedSpec.err = fmt.Errorf("loading %s: %w", specFile, err)
			return
		}
		// Requests are rewritten to the spec's own server before routing.
		doc.Servers = openapi3.Servers{{URL: "https://api.equinix.com/metal/v1"}}
		loadedSpec.doc = doc
		loadedSpec.router, loadedSpec.err = gorillamux.NewRouter(doc)
	})
	if errors.Is(loadedSpec.err, errAbsent) {
		t.Skipf("%s not found in %s: spec validation skipped", specFile, loadedSpec.dir)
	}
	if loadedSpec.err != nil {
		t.Fatalf("loading specs: %v", loadedSpec.err)
	}
	return &loadedSpec
}

var lookahead = regexp.MustCompile(`\(\?[=!][^)]*\)`)

// compileRegex drops look-aheads (see the package comment above).
func compileRegex(expr string) (openapi3.RegexMatcher, error) {
	return regexp.Compile(lookahead.ReplaceAllString(expr, ""))
}

type exchangeLog struct {
	mu         sync.Mutex
	violations []string
	seen       map[string]int // "METHOD /path-template status" -> count
}

func (l *exchangeLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.violations) < 50 {
		l.violations = append(l.violations, fmt.Sprintf(format, args...))
	}
}

func (l *exchangeLog) saw(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	l.seen[key]++
}

func (l *exchangeLog) Seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for k := range l.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (l *exchangeLog) Violations() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.violations)
}

type validatingTransport struct {
	specs         *specs
	base          http.RoundTripper
	log           *exchangeLog
	responsesOnly bool
}

func newValidatingClient(t testing.TB) (*http.Client, *exchangeLog) {
	t.Helper()
	hc, log := newValidatingClientNoFail(t)
	t.Cleanup(func() {
		for _, v := range log.Violations() {
			t.Errorf("spec violation: %s", v)
		}
	})
	return hc, log
}

func newValidatingClientNoFail(t testing.TB) (*http.Client, *exchangeLog) {
	t.Helper()
	sp := loadSpecs(t)
	log := &exchangeLog{}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: &validatingTransport{specs: sp, base: tr, log: log}}, log
}

func newResponseValidatingClient(t testing.TB) (*http.Client, *exchangeLog) {
	t.Helper()
	hc, log := newValidatingClient(t)
	hc.Transport.(*validatingTransport).responsesOnly = true
	return hc, log
}

func (v *validatingTransport) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:    true,
		RegexCompiler: compileRegex,
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if in.RequestValidationInput.Request.Header.Get(AuthHeader) == "" {
				return errors.New("no X-Auth-Token")
			}
			return nil
		},
	}
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	vreq := req.Clone(context.Background())
	vreq.URL.Scheme, vreq.URL.Host, vreq.Host = "https", "api.equinix.com", "api.equinix.com"
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.specs.router.FindRoute(vreq)
	if err != nil {
		v.log.add("%s %s: no such operation in the spec: %v", req.Method, req.URL.Path, err)
		return v.base.RoundTrip(req)
	}
	opts := v.options()
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	var bodySchema *openapi3.SchemaRef
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil {
			bodySchema = mt.Schema
		}
	}
	anyOf := bodySchema != nil && (strings.HasSuffix(route.Path, "/virtual-circuits") || strings.HasPrefix(route.Path, "/virtual-circuits/")) && len(bodySchema.Value.OneOf) > 0
	if anyOf {
		o := *opts
		o.ExcludeRequestBody = true
		in.Options = &o
	}
	if !v.responsesOnly {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			v.log.add("request %s %s: %v", req.Method, route.Path, oneLine(err))
		}
		if anyOf && len(reqBody) > 0 {
			if err := matchesOneBranch(bodySchema.Value, reqBody); err != nil {
				v.log.add("request %s %s: %v", req.Method, route.Path, err)
			}
		}
		if len(reqBody) > 0 && bodySchema != nil {
			checkUnknownFields(v.log, "request "+req.Method+" "+route.Path, bodySchema, reqBody)
		}
	}
	in.Options = opts

	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
	if rerr != nil {
		return resp, nil // a broken body (fault injection) is the client's business
	}
	v.log.saw(fmt.Sprintf("%s %s %d", req.Method, route.Path, resp.StatusCode))
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
		v.log.add("response %d to %s %s: %v", resp.StatusCode, req.Method, route.Path, oneLine(err))
	}
	if rr := route.Operation.Responses.Status(resp.StatusCode); rr != nil && rr.Value != nil {
		if mt := rr.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			schema := mt.Schema
			if strings.HasSuffix(route.Path, "/events") && resp.StatusCode == http.StatusOK {
				schema = v.specs.doc.Components.Schemas["EventList"]
			}
			checkUnknownFields(v.log, fmt.Sprintf("response %d to %s %s", resp.StatusCode, req.Method, route.Path), schema, body)
		}
	}
	return resp, nil
}

// matchesOneBranch accepts body when at least one oneOf branch validates it.
func matchesOneBranch(s *openapi3.Schema, body []byte) error {
	var val any
	if err := json.Unmarshal(body, &val); err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	var errs []string
	for _, br := range s.OneOf {
		if err := br.Value.VisitJSON(val, openapi3.MultiErrors(), openapi3.SetSchemaRegexCompiler(compileRegex)); err == nil {
			return nil
		} else {
			errs = append(errs, oneLine(err))
		}
	}
	return fmt.Errorf("body matches no branch: %s", strings.Join(errs, " | "))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// checkUnknownFields reports object keys the schema does not declare.
func checkUnknownFields(log *exchangeLog, where string, s *openapi3.SchemaRef, body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return // kin-openapi reports invalid JSON
	}
	walkUnknown(log, where, "", s, v, 0)
}

func walkUnknown(log *exchangeLog, where, path string, ref *openapi3.SchemaRef, v any, depth int) {
	if ref == nil || ref.Value == nil || depth > 40 {
		return
	}
	s := ref.Value
	switch x := v.(type) {
	case map[string]any:
		props := map[string]*openapi3.SchemaRef{}
		collectProps(s, props, 0)
		// A oneOf/anyOf: check against the union of the branches.
		for _, br := range append(slices.Clone(s.OneOf), s.AnyOf...) {
			if br != nil {
				collectProps(br.Value, props, 0)
			}
		}
		open := (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) || s.AdditionalProperties.Schema != nil
		if len(props) == 0 {
			return // free-form object
		}
		for k, sub := range x {
			p, ok := props[k]
			switch {
			case ok:
				walkUnknown(log, where, path+"/"+k, p, sub, depth+1)
			case open:
			default:
				log.add("%s: field %s/%s is not in the schema", where, path, k)
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range x {
				walkUnknown(log, where, fmt.Sprintf("%s/%d", path, i), s.Items, item, depth+1)
			}
		}
	}
}

func collectProps(s *openapi3.Schema, into map[string]*openapi3.SchemaRef, depth int) {
	if s == nil || depth > 10 {
		return
	}
	for k, p := range s.Properties {
		if _, ok := into[k]; !ok {
			into[k] = p
		}
	}
	for _, a := range s.AllOf {
		if a != nil {
			collectProps(a.Value, into, depth+1)
		}
	}
}
