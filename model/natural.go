package model

// Natural ordering for names operators read: interface names, VLAN lists,
// circuit labels. Runs of ASCII digits compare by numeric value
// ("et-0/0/9" < "et-0/0/10"), everything else byte-wise with ASCII letters
// folded to lower case. Leading zeros do not count ("a007" == "a7").

// NaturalCompare returns -1, 0 or +1. It allocates nothing.
func NaturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si := i
			for si < len(a) && a[si] == '0' {
				si++
			}
			ei := si
			for ei < len(a) && isDigit(a[ei]) {
				ei++
			}
			sj := j
			for sj < len(b) && b[sj] == '0' {
				sj++
			}
			ej := sj
			for ej < len(b) && isDigit(b[ej]) {
				ej++
			}
			la, lb := clampRun(ei-si), clampRun(ej-sj)
			if la != lb {
				return cmpInt(la, lb)
			}
			for k := 0; k < la; k++ {
				if a[si+k] != b[sj+k] {
					return cmpInt(int(a[si+k]), int(b[sj+k]))
				}
			}
			i, j = si+la, sj+lb
			// Digits past the clamp are compared as ordinary bytes below.
			continue
		}
		// A digit run sorts where the digit '0' would: that keeps
		// "a/" < "a1" < "a:" exactly as in plain byte order.
		ka, kb := foldByte(ca), foldByte(cb)
		if isDigit(ca) {
			ka = '0'
		}
		if isDigit(cb) {
			kb = '0'
		}
		if ka != kb {
			return cmpInt(int(ka), int(kb))
		}
		i++
		j++
	}
	return cmpInt(len(a)-i, len(b)-j)
}

// NaturalLess reports whether a sorts before b in natural order.
func NaturalLess(a, b string) bool { return NaturalCompare(a, b) < 0 }

// NaturalKey returns a string whose plain byte order is the natural order of
// its input: strings.Compare(NaturalKey(a), NaturalKey(b)) has the sign of
// NaturalCompare(a, b). Tables precompute it once per row so sorting 100k
// rows costs byte comparisons instead of re-parsing digits.
//
// Encoding: each digit run (leading zeros dropped) becomes the byte '0', a
// two-byte big-endian length, then its digits. No other '0' byte can occur,
// so two runs always line up and compare by length first, then digits.
func NaturalKey(s string) string {
	buf := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if !isDigit(c) {
			buf = append(buf, foldByte(c))
			i++
			continue
		}
		si := i
		for si < len(s) && s[si] == '0' {
			si++
		}
		ei := si
		for ei < len(s) && isDigit(s[ei]) {
			ei++
		}
		n := clampRun(ei - si)
		buf = append(buf, '0', byte(n>>8), byte(n))
		buf = append(buf, s[si:si+n]...)
		i = si + n
	}
	return string(buf)
}

// maxRun bounds a digit run's encoded length; longer runs continue as a new
// run, so absurd inputs stay consistent between the two functions.
const maxRun = 0xFFFF

func clampRun(n int) int {
	if n > maxRun {
		return maxRun
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func foldByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
