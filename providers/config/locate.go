package config

import (
	"fmt"
	"strconv"
	"strings"
)

// locator finds the line of a key in the source. The TOML decoder does not
// expose positions of decoded keys, so we scan table headers and key
// assignments ourselves; that covers the flat files noctop documents.
type locator struct {
	lines []string
}

func newLocator(src []byte) *locator {
	return &locator{lines: strings.Split(string(src), "\n")}
}

// find returns the 1-based line of key k and a display name for it. k is a
// TOML key path; "provider#N" addresses the Nth [[provider]] table (0-based),
// and an empty last element means the table header itself.
func (l *locator) find(k []string) (int, string) {
	table, nth, key := "", -1, ""
	switch len(k) {
	case 1:
		key = k[0]
	default:
		// [a.b] tables: everything but the last element names the table.
		table, key = strings.Join(k[:len(k)-1], "."), k[len(k)-1]
		if name, idx, ok := strings.Cut(table, "#"); ok {
			table = name
			nth, _ = strconv.Atoi(idx)
		}
	}
	display := key
	if table != "" {
		display = table + "." + key
		if nth >= 0 {
			display = fmt.Sprintf("%s[%d].%s", table, nth+1, key)
			if key == "" {
				display = fmt.Sprintf("%s[%d]", table, nth+1)
			}
		}
	}
	cur, count := "", -1
	headerLine := 0
	for i, raw := range l.lines {
		s := strings.TrimSpace(raw)
		if strings.HasPrefix(s, "[") {
			h := strings.Trim(strings.SplitN(s, "#", 2)[0], " []")
			cur = strings.TrimSpace(h)
			if strings.HasPrefix(s, "[[") && cur == table {
				count++
			}
			if cur == table && (nth < 0 || count == nth) {
				headerLine = i + 1
				if key == "" {
					return headerLine, display
				}
			}
			continue
		}
		if cur != table || (nth >= 0 && count != nth) {
			continue
		}
		name, _, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		if strings.Trim(strings.TrimSpace(name), `"'`) == key {
			return i + 1, display
		}
	}
	if table == "provider" && nth < 0 {
		// An undecoded key inside some [[provider]]: search every one.
		return l.findAny(table, key), display
	}
	if nth < 0 {
		// k may name a table itself ([keys.approvals]).
		if n := l.header(strings.Join(k, ".")); n > 0 {
			return n, display
		}
	}
	return headerLine, display
}

// header is the line of table header [name], 0 when there is none.
func (l *locator) header(name string) int {
	for i, raw := range l.lines {
		s := strings.TrimSpace(raw)
		if strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "[[") && strings.TrimSpace(strings.Trim(strings.SplitN(s, "#", 2)[0], " []")) == name {
			return i + 1
		}
	}
	return 0
}

func (l *locator) findAny(table, key string) int {
	cur := ""
	for i, raw := range l.lines {
		s := strings.TrimSpace(raw)
		if strings.HasPrefix(s, "[") {
			cur = strings.TrimSpace(strings.Trim(strings.SplitN(s, "#", 2)[0], " []"))
			continue
		}
		name, _, ok := strings.Cut(s, "=")
		if ok && cur == table && strings.Trim(strings.TrimSpace(name), `"'`) == key {
			return i + 1
		}
	}
	return 0
}
