package fabric

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The simulator's POST /fabric/v4/connections/search: filter expressions
// (and/or, the 4.31 SearchFieldName properties, every operator of the
// enum), sort (SortBy properties), offset/limit paging with total and
// next/previous. Each (filter, sort) is a view kept in order as the world
// changes (sim_index.go), so a page costs O(log n + page).

// searchFields is the spec's SearchFieldName enum.
var searchFields = map[string]bool{}

// sortFields is the spec's SortBy enum.
var sortFields = map[string]bool{}

func init() {
	for _, f := range []string{"/isRemote", "/name", "/uuid", "/type", "/geoScope", "/account/orgId",
		"/aSide/accessPoint/account/accountName", "/aSide/accessPoint/account/accountNumber", "/aSide/accessPoint/router/uuid",
		"/aSide/accessPoint/linkProtocol/vlanTagMin", "/aSide/accessPoint/linkProtocol/vlanTagMax",
		"/aSide/accessPoint/location/metroCode", "/aSide/accessPoint/location/metroName", "/aSide/accessPoint/name",
		"/aSide/accessPoint/port/uuid", "/aSide/accessPoint/port/name", "/aSide/accessPoint/type",
		"/aSide/accessPoint/virtualDevice/name", "/aSide/accessPoint/virtualDevice/uuid", "/aSide/serviceToken/uuid",
		"/bandwidth", "/change/status", "/changeLog/createdBy", "/changeLog/createdDateTime", "/changeLog/deletedBy",
		"/changeLog/deletedDateTime", "/changeLog/lastUpdatedBy", "/operation/equinixStatus", "/operation/providerStatus",
		"/operation/maintenanceStatus", "/operation/lockEnabled", "/project/projectId", "/redundancy/group", "/redundancy/priority",
		"/zSide/accessPoint/account/accountName", "/zSide/accessPoint/authenticationKey",
		"/zSide/accessPoint/linkProtocol/vlanTagMin", "/zSide/accessPoint/linkProtocol/vlanTagMax",
		"/zSide/accessPoint/location/metroCode", "/zSide/accessPoint/location/metroName", "/zSide/accessPoint/sellerRegion",
		"/zSide/accessPoint/name", "/zSide/accessPoint/port/uuid", "/zSide/accessPoint/network/uuid", "/zSide/accessPoint/port/name",
		"/zSide/accessPoint/profile/uuid", "/zSide/accessPoint/type", "/zSide/accessPoint/role",
		"/zSide/accessPoint/virtualDevice/name", "/zSide/accessPoint/virtualDevice/uuid", "/zSide/serviceToken/uuid",
		"/zSide/internetAccess/uuid", "/state", "/*"} {
		searchFields[f] = true
	}
	for _, f := range []string{"/name", "/direction", "/aSide/accessPoint/name", "/aSide/accessPoint/type",
		"/aSide/accessPoint/account/accountName", "/aSide/accessPoint/location/metroName", "/aSide/accessPoint/location/metroCode",
		"/aSide/accessPoint/linkProtocol/vlanCTag", "/aSide/accessPoint/linkProtocol/vlanSTag", "/zSide/accessPoint/name",
		"/zSide/accessPoint/type", "/zSide/accessPoint/role", "/zSide/accessPoint/account/accountName",
		"/zSide/accessPoint/location/metroName", "/zSide/accessPoint/location/metroCode", "/zSide/accessPoint/linkProtocol/vlanCTag",
		"/zSide/accessPoint/linkProtocol/vlanSTag", "/zSide/accessPoint/authenticationKey", "/bandwidth", "/geoScope", "/uuid",
		"/changeLog/createdDateTime", "/changeLog/updatedDateTime", "/operation/equinixStatus", "/operation/providerStatus",
		"/redundancy/priority"} {
		sortFields[f] = true
	}
}

var operators = map[string]bool{"=": true, "!=": true, ">": true, ">=": true, "<": true, "<=": true, "LIKE": true,
	"ILKE": true, "IS NOT NULL": true, "IS NULL": true, "IN": true, "BETWEEN": true}

type badSearch struct {
	property, reason string
}

func (s *Simulator) searchHandler(w http.ResponseWriter, r *http.Request) {
	var req SearchRequest
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, http.StatusBadRequest, "EQ-3000035", "Invalid request body", "the body must be a JSON SearchRequest")
		return
	}
	offset, limit := 0, 20
	if p := req.Pagination; p != nil {
		offset, limit = p.Offset, p.Limit
		if limit == 0 {
			limit = 20
		}
	}
	if offset < 0 || limit < 1 || limit > 100 {
		s.fail(w, r, http.StatusBadRequest, "EQ-3040011", "Invalid pagination", "offset must be >= 0 and limit between 1 and 100",
			ErrorAdditionalInfo{Property: "pagination", Reason: fmt.Sprintf("offset %d, limit %d", offset, limit)})
		return
	}
	var preds []pred
	if req.Filter != nil {
		p, bad := compile(*req.Filter, 0)
		if bad != nil {
			s.fail(w, r, http.StatusBadRequest, "EQ-3040010", "Invalid search filter", bad.property+": "+bad.reason,
				ErrorAdditionalInfo{Property: bad.property, Reason: bad.reason})
			return
		}
		preds = []pred{p}
	}
	sortBy := req.Sort
	if len(sortBy) == 0 {
		sortBy = []SortCriteria{{Property: "/changeLog/updatedDateTime", Direction: "DESC"}}
	}
	for i, sc := range sortBy {
		if sc.Property == "" {
			sortBy[i].Property = "/changeLog/updatedDateTime"
		}
		if sc.Direction == "" {
			sortBy[i].Direction = "DESC"
		}
		if !sortFields[sortBy[i].Property] {
			s.fail(w, r, http.StatusBadRequest, "EQ-3040012", "Invalid sort property", sortBy[i].Property+" cannot be sorted on",
				ErrorAdditionalInfo{Property: "sort.property", Reason: "unsupported value " + strconv.Quote(truncate(sortBy[i].Property, 80))})
			return
		}
		if d := sortBy[i].Direction; d != "ASC" && d != "DESC" {
			s.fail(w, r, http.StatusBadRequest, "EQ-3040012", "Invalid sort direction", "direction must be ASC or DESC",
				ErrorAdditionalInfo{Property: "sort.direction", Reason: "unsupported value"})
			return
		}
	}
	var p pred
	if len(preds) > 0 {
		p = preds[0]
	}
	v := s.view(viewKey(req.Filter, sortBy), p, sortBy)
	total := v.list.n
	rows := v.list.page(offset, limit, make([]*simConn, 0, limit))
	head, _ := json.Marshal(ConnectionSearchResponse{Pagination: page(offset, limit, total, "/search"), Sort: sortBy, Data: []Connection{}})
	// Connections changed since they were generated are encoded now,
	// under the lock; the others are regenerated once it is released.
	enc := make([][]byte, len(rows))
	for i, sc := range rows {
		if sc.c != nil {
			enc[i], _ = json.Marshal(sc.c)
		}
	}
	later(w, func() {
		size := len(head)
		for i, sc := range rows {
			if enc[i] == nil {
				enc[i], _ = json.Marshal(s.regenerate(sc))
			}
			size += len(enc[i]) + 1
		}
		// head ends in `"data":[]}`: splice the connections in.
		b := bytes.NewBuffer(make([]byte, 0, size))
		b.Write(head[:len(head)-2])
		for i := range rows {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(enc[i])
		}
		b.WriteString("]}")
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}

// viewKey identifies a (filter, sort) after defaults are applied.
func viewKey(f *Expression, sortBy []SortCriteria) string {
	key, _ := json.Marshal(struct {
		F *Expression
		S []SortCriteria
	}{f, sortBy})
	return string(key)
}

// view returns the view for key, building it (one pass over the world)
// when no client asked for it lately.
func (s *Simulator) view(key string, p pred, sortBy []SortCriteria) *searchView {
	s.viewUses++
	for _, v := range s.views {
		if v.key == key {
			v.used = s.viewUses
			return v
		}
	}
	v := newView(key, p, sortBy)
	v.used = s.viewUses
	var entries []viewEntry
	for _, sc := range s.order {
		if e, ok := v.entry(sc, s.conn(sc)); ok {
			entries = append(entries, e)
			if sc.c != nil {
				sc.idx[v] = e
			}
		}
	}
	v.list = newOrderedList(v.compare, entries)
	s.views = append(s.views, v)
	s.evictViews()
	return v
}

// evictViews drops the least recently used views beyond maxViews.
func (s *Simulator) evictViews() {
	for {
		n, oldest := 0, -1
		for i, v := range s.views {
			if v.fixed {
				continue
			}
			n++
			if oldest < 0 || v.used < s.views[oldest].used {
				oldest = i
			}
		}
		if n <= maxViews {
			return
		}
		v := s.views[oldest]
		s.views = slices.Delete(s.views, oldest, oldest+1)
		for _, sc := range s.pinned {
			delete(sc.idx, v)
		}
	}
}

type pred func(c *Connection) bool

// compile checks an expression against the spec's enums and turns it into
// a predicate.
func compile(e Expression, depth int) (pred, *badSearch) {
	if depth > 8 {
		return nil, &badSearch{"filter", "nested more than 8 levels"}
	}
	hasLeaf := e.Property != "" || e.Operator != "" || len(e.Values) > 0
	switch {
	case len(e.And) > 0 && len(e.Or) > 0, (len(e.And) > 0 || len(e.Or) > 0) && hasLeaf:
		return nil, &badSearch{"filter", "an expression is either and/or of expressions or one property condition"}
	case len(e.And) > 0 || len(e.Or) > 0:
		subs := e.And
		if len(e.Or) > 0 {
			subs = e.Or
		}
		preds := make([]pred, len(subs))
		for i, sub := range subs {
			p, bad := compile(sub, depth+1)
			if bad != nil {
				return nil, bad
			}
			preds[i] = p
		}
		if len(e.And) > 0 {
			return func(c *Connection) bool {
				for _, p := range preds {
					if !p(c) {
						return false
					}
				}
				return true
			}, nil
		}
		return func(c *Connection) bool {
			for _, p := range preds {
				if p(c) {
					return true
				}
			}
			return false
		}, nil
	}
	if !searchFields[e.Property] {
		return nil, &badSearch{"filter.property", "unsupported search property " + strconv.Quote(truncate(e.Property, 80))}
	}
	if !operators[e.Operator] {
		return nil, &badSearch{"filter.operator", "unsupported operator " + strconv.Quote(truncate(e.Operator, 20))}
	}
	vals := e.Values
	switch e.Operator {
	case "IS NULL", "IS NOT NULL":
		if len(vals) != 0 {
			return nil, &badSearch{"filter.values", e.Operator + " takes no values"}
		}
	case "BETWEEN":
		if len(vals) != 2 {
			return nil, &badSearch{"filter.values", "BETWEEN takes exactly two values"}
		}
	default:
		if len(vals) == 0 {
			return nil, &badSearch{"filter.values", e.Operator + " needs at least one value"}
		}
	}
	property, op := e.Property, e.Operator
	var likes []*regexp.Regexp
	if op == "LIKE" || op == "ILKE" {
		for _, v := range vals {
			likes = append(likes, likePattern(v, op == "ILKE"))
		}
	}
	return func(c *Connection) bool {
		got := prop(c, property)
		switch op {
		case "IS NULL":
			return len(got) == 0
		case "IS NOT NULL":
			return len(got) > 0
		case "!=":
			for _, g := range got {
				if slices.Contains(vals, g) {
					return false
				}
			}
			return true
		}
		for _, g := range got {
			switch op {
			case "=", "IN":
				if slices.Contains(vals, g) {
					return true
				}
			case "LIKE", "ILKE":
				for _, re := range likes {
					if re.MatchString(g) {
						return true
					}
				}
			case ">":
				if compareValues(g, vals[0]) > 0 {
					return true
				}
			case ">=":
				if compareValues(g, vals[0]) >= 0 {
					return true
				}
			case "<":
				if compareValues(g, vals[0]) < 0 {
					return true
				}
			case "<=":
				if compareValues(g, vals[0]) <= 0 {
					return true
				}
			case "BETWEEN":
				if compareValues(g, vals[0]) >= 0 && compareValues(g, vals[1]) <= 0 {
					return true
				}
			}
		}
		return false
	}, nil
}

// likePattern turns an SQL LIKE pattern (% any run, _ one character) into
// an anchored regexp.
func likePattern(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?is)")
	} else {
		b.WriteString("(?s)")
	}
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// compareValues compares numerically when both parse as numbers, else as
// strings (timestamps in one format compare correctly as strings).
func compareValues(a, b string) int {
	if x, err := strconv.ParseFloat(a, 64); err == nil {
		if y, err := strconv.ParseFloat(b, 64); err == nil {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(a, b)
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func nonEmpty(v ...string) []string {
	out := v[:0:0]
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func num(n int) []string {
	if n == 0 {
		return nil
	}
	return []string{strconv.Itoa(n)}
}

// prop returns the values of a search or sort property of c.
func prop(c *Connection, path string) []string {
	switch path {
	case "/isRemote":
		if c.IsRemote == nil {
			return nil
		}
		return []string{strconv.FormatBool(*c.IsRemote)}
	case "/name":
		return nonEmpty(c.Name)
	case "/uuid":
		return nonEmpty(c.UUID)
	case "/type":
		return nonEmpty(c.Type)
	case "/state":
		return nonEmpty(c.State)
	case "/geoScope":
		return nonEmpty(c.GeoScope)
	case "/direction":
		return nonEmpty(c.Direction)
	case "/bandwidth":
		return []string{strconv.FormatInt(c.Bandwidth, 10)}
	case "/account/orgId":
		if c.Account == nil || c.Account.OrgID == 0 {
			return nil
		}
		return []string{strconv.FormatInt(int64(c.Account.OrgID), 10)}
	case "/change/status":
		if c.Change == nil {
			return nil
		}
		return nonEmpty(c.Change.Status)
	case "/operation/equinixStatus", "/operation/providerStatus":
		if c.Operation == nil {
			return nil
		}
		if path == "/operation/equinixStatus" {
			return nonEmpty(c.Operation.EquinixStatus)
		}
		return nonEmpty(c.Operation.ProviderStatus)
	case "/project/projectId":
		if c.Project == nil {
			return nil
		}
		return nonEmpty(c.Project.ProjectID)
	case "/redundancy/group", "/redundancy/priority":
		if c.Redundancy == nil {
			return nil
		}
		if path == "/redundancy/group" {
			return nonEmpty(c.Redundancy.Group)
		}
		return nonEmpty(c.Redundancy.Priority)
	case "/*":
		var all []string
		for _, p := range []string{"/name", "/uuid", "/type", "/state", "/aSide/accessPoint/name", "/zSide/accessPoint/name",
			"/aSide/accessPoint/location/metroName", "/zSide/accessPoint/location/metroName", "/aSide/accessPoint/account/accountName",
			"/zSide/accessPoint/account/accountName", "/operation/equinixStatus"} {
			all = append(all, prop(c, p)...)
		}
		return all
	}
	if cl, ok := strings.CutPrefix(path, "/changeLog/"); ok {
		if c.ChangeLog == nil {
			return nil
		}
		switch cl {
		case "createdBy":
			return nonEmpty(c.ChangeLog.CreatedBy)
		case "createdDateTime":
			return nonEmpty(c.ChangeLog.CreatedDateTime)
		case "updatedDateTime":
			return nonEmpty(c.ChangeLog.UpdatedDateTime)
		case "deletedBy":
			return nonEmpty(c.ChangeLog.DeletedBy)
		case "deletedDateTime":
			return nonEmpty(c.ChangeLog.DeletedDateTime)
		case "lastUpdatedBy":
			return nonEmpty(c.ChangeLog.UpdatedBy)
		}
		return nil
	}
	var side ConnectionSide
	switch {
	case strings.HasPrefix(path, "/aSide/"):
		side, path = c.ASide, strings.TrimPrefix(path, "/aSide")
	case strings.HasPrefix(path, "/zSide/"):
		side, path = c.ZSide, strings.TrimPrefix(path, "/zSide")
	default:
		return nil
	}
	if path == "/serviceToken/uuid" {
		if side.ServiceToken == nil {
			return nil
		}
		return nonEmpty(side.ServiceToken.UUID)
	}
	ap := side.AccessPoint
	if ap == nil {
		return nil
	}
	switch strings.TrimPrefix(path, "/accessPoint") {
	case "/type":
		return nonEmpty(ap.Type)
	case "/name":
		e := endpoint(side)
		return nonEmpty(e.Name)
	case "/role":
		return nonEmpty(ap.Role)
	case "/sellerRegion":
		return nonEmpty(ap.SellerRegion)
	case "/authenticationKey":
		return nonEmpty(ap.AuthenticationKey)
	case "/account/accountName":
		if ap.Account == nil {
			return nil
		}
		return nonEmpty(firstNonEmpty(ap.Account.AccountName, ap.Account.OrganizationName))
	case "/account/accountNumber":
		if ap.Account == nil || ap.Account.AccountNumber == 0 {
			return nil
		}
		return []string{strconv.FormatInt(int64(ap.Account.AccountNumber), 10)}
	case "/location/metroCode", "/location/metroName":
		if ap.Location == nil {
			return nil
		}
		if strings.HasSuffix(path, "metroCode") {
			return nonEmpty(ap.Location.MetroCode)
		}
		return nonEmpty(ap.Location.MetroName)
	case "/port/uuid", "/port/name":
		if ap.Port == nil {
			return nil
		}
		if strings.HasSuffix(path, "uuid") {
			return nonEmpty(ap.Port.UUID)
		}
		return nonEmpty(ap.Port.Name)
	case "/profile/uuid":
		if ap.Profile == nil {
			return nil
		}
		return nonEmpty(ap.Profile.UUID)
	case "/network/uuid":
		if ap.Network == nil {
			return nil
		}
		return nonEmpty(ap.Network.UUID)
	case "/router/uuid":
		if ap.Router == nil {
			return nil
		}
		return nonEmpty(ap.Router.UUID)
	case "/virtualDevice/name", "/virtualDevice/uuid":
		if ap.VirtualDevice == nil {
			return nil
		}
		if strings.HasSuffix(path, "uuid") {
			return nonEmpty(ap.VirtualDevice.UUID)
		}
		return nonEmpty(ap.VirtualDevice.Name)
	case "/linkProtocol/vlanTagMin", "/linkProtocol/vlanTagMax", "/linkProtocol/vlanSTag", "/linkProtocol/vlanCTag":
		lp := ap.LinkProtocol
		if lp == nil {
			return nil
		}
		switch path[strings.LastIndexByte(path, '/')+1:] {
		case "vlanTagMin":
			return num(cmp.Or(lp.VlanTagMin, lp.VlanTag))
		case "vlanTagMax":
			return num(cmp.Or(lp.VlanTagMax, lp.VlanTag))
		case "vlanSTag":
			return num(lp.VlanSTag)
		default:
			return num(lp.VlanCTag)
		}
	}
	return nil
}
