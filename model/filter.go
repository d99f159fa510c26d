package model

import (
	"strings"
)

// Filter query language shared by every table pane:
//
//	ams            substring over all columns (case-insensitive)
//	state=pend     substring within one column; the field is a column name,
//	               case-insensitive, any unique or shared prefix ("st" means
//	               STATE or STATUS), punctuation ignored ("aside" = "A-SIDE")
//	state==active  the whole cell equals the value
//	vlan~=100      the value is a whole word of the cell: "100" matches
//	               "100" and "2001.100/100" but not "1000" or "2100"
//	!active        negation, also "!state=active"
//	a b            several terms are ANDed
//	name="x y"     double quotes keep spaces inside one term
//
// A field that names no column makes the term a plain substring, so values
// that merely contain '=' still work.

// Term is one parsed filter term.
type Term struct {
	Negate bool
	Fields []int  // column indices the term looks at; nil means all columns
	Value  string // lower-cased needle
	Exact  bool   // cell must equal Value (field==value)
	Word   bool   // Value must be a whole word of the cell (field~=value)
}

// Filter is a parsed query; the zero value matches everything.
type Filter struct {
	Query string
	Terms []Term
}

// Empty reports whether the filter keeps every row.
func (f Filter) Empty() bool { return len(f.Terms) == 0 }

// Limits that keep a pasted or hostile query cheap: terms past MaxTerms
// are ignored, and so is text past MaxQuery bytes.
const (
	MaxTerms = 32
	MaxQuery = 1024
)

// ParseFilter parses q against the given column names. It never fails: a
// half-typed query (a lone "!", "state=") simply matches broadly.
func ParseFilter(q string, columns []string) Filter {
	f := Filter{Query: q}
	if len(q) > MaxQuery {
		q = q[:MaxQuery]
	}
	norm := make([]string, len(columns))
	for i, c := range columns {
		norm[i] = normField(c)
	}
	for _, tok := range SplitQuery(q) {
		if len(f.Terms) == MaxTerms {
			break
		}
		t := Term{}
		if strings.HasPrefix(tok, "!") {
			t.Negate = true
			tok = tok[1:]
		}
		if tok == "" {
			continue
		}
		if i := strings.IndexByte(tok, '='); i > 0 {
			field, val := tok[:i], tok[i+1:]
			exact, word := false, false
			if strings.HasPrefix(val, "=") {
				exact, val = true, val[1:]
			} else if f, ok := strings.CutSuffix(field, "~"); ok {
				word, field = true, f
			}
			if cols := resolveField(normField(field), norm); cols != nil {
				t.Fields, t.Value, t.Exact, t.Word = cols, strings.ToLower(unquote(val)), exact, word && val != ""
				f.Terms = append(f.Terms, t)
				continue
			}
		}
		t.Value = strings.ToLower(unquote(tok))
		f.Terms = append(f.Terms, t)
	}
	return f
}

// SplitQuery splits a filter query into its terms: on spaces outside double
// quotes; quotes stay in the term and are removed from values by unquote.
func SplitQuery(q string) []string {
	var out []string
	var b strings.Builder
	inQ := false
	for _, r := range q {
		switch {
		case r == '"':
			inQ = !inQ
			b.WriteRune(r)
		case (r == ' ' || r == '\t') && !inQ:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }

// normField lower-cases and keeps only letters and digits.
func normField(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// resolveField finds the columns a typed field means: an exact name wins,
// otherwise every column the field is a prefix of.
func resolveField(field string, cols []string) []int {
	if field == "" {
		return nil
	}
	for i, c := range cols {
		if c == field {
			return []int{i}
		}
	}
	var out []int
	for i, c := range cols {
		if strings.HasPrefix(c, field) {
			out = append(out, i)
		}
	}
	return out
}

// Match reports whether r passes every term.
func (f Filter) Match(r *Row) bool {
	for i := range f.Terms {
		if f.Terms[i].match(r) == f.Terms[i].Negate {
			return false
		}
	}
	return true
}

func (t *Term) match(r *Row) bool {
	if t.Fields == nil {
		return strings.Contains(r.lower, t.Value)
	}
	for _, c := range t.Fields {
		cell := r.lowerCell(c)
		if t.Exact {
			if cell == t.Value {
				return true
			}
		} else if t.Word {
			if ContainsWord(cell, t.Value) {
				return true
			}
		} else if strings.Contains(cell, t.Value) {
			return true
		}
	}
	return false
}

// Narrows reports whether every row f matches is also matched by old, so a
// table may rescan only old's matches. It is conservative: false means
// "rescan everything", never a wrong answer.
func (f Filter) Narrows(old Filter) bool {
	for i := range old.Terms {
		implied := false
		for j := range f.Terms {
			if implies(&f.Terms[j], &old.Terms[i]) {
				implied = true
				break
			}
		}
		if !implied {
			return false
		}
	}
	return true
}

// implies reports whether a row matching n always matches o.
func implies(n, o *Term) bool {
	if n.Negate != o.Negate {
		return false
	}
	if !n.Negate {
		// n's cells ⊆ o's cells and o's needle is found wherever n's is.
		if !fieldsSubset(n.Fields, o.Fields) {
			return false
		}
		switch {
		case o.Exact:
			return n.Exact && n.Value == o.Value
		case o.Word:
			return (n.Word || n.Exact) && ContainsWord(n.Value, o.Value)
		}
		return strings.Contains(n.Value, o.Value)
	}
	// !n excludes more than !o: o's cells ⊆ n's cells and wherever o's
	// needle occurs, n's does too.
	if !fieldsSubset(o.Fields, n.Fields) {
		return false
	}
	switch {
	case n.Exact:
		return o.Exact && n.Value == o.Value
	case n.Word:
		return (o.Word || o.Exact) && ContainsWord(o.Value, n.Value)
	}
	return strings.Contains(o.Value, n.Value)
}

// fieldsSubset reports whether a's columns are all within b's (nil = all).
func fieldsSubset(a, b []int) bool {
	if b == nil {
		return true
	}
	if a == nil {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ContainsWord reports whether w occurs in s with no letter or digit
// right before or after it ("100" in "2001.100/100", not in "1000").
func ContainsWord(s, w string) bool {
	if w == "" {
		return true
	}
	for i := 0; i+len(w) <= len(s); {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		if !wordByte(s, j-1) && !wordByte(s, j+len(w)) {
			return true
		}
		i = j + 1
	}
	return false
}

// wordByte reports whether s[i] exists and is part of a word (letters,
// digits and any non-ASCII byte).
func wordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 0x80 || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// WithTerm returns query with its terms on field replaced by field+op+value
// (op "=", "==" or "~="), keeping every other term: what the command
// palette's ":vlan 1140" does to a pane's filter. ok is false when field
// names none of columns (the query is then returned unchanged).
func WithTerm(query string, columns []string, field, op, value string) (string, bool) {
	target := fieldColumns(field, columns)
	if target == nil {
		return query, false
	}
	var keep []string
	for _, tok := range SplitQuery(query) {
		f := strings.TrimPrefix(tok, "!")
		if i := strings.IndexByte(f, '='); i > 0 && sameInts(fieldColumns(strings.TrimSuffix(f[:i], "~"), columns), target) {
			continue
		}
		keep = append(keep, tok)
	}
	value = strings.ReplaceAll(value, `"`, "")
	if strings.ContainsAny(value, " \t") {
		value = `"` + value + `"`
	}
	return strings.Join(append(keep, field+op+value), " "), true
}

// fieldColumns resolves a filter field to the columns it means (nil: none).
func fieldColumns(field string, columns []string) []int {
	if field == "" {
		return nil
	}
	f := ParseFilter(field+"=x", columns)
	if len(f.Terms) != 1 {
		return nil
	}
	return f.Terms[0].Fields
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) || a == nil {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
