package config

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"sort"
	"syscall"

	"github.com/BurntSushi/toml"
)

// maxConfigFile bounds the config file: a hand-written TOML file is a few
// kilobytes; anything near a megabyte is the wrong file.
const maxConfigFile = 1 << 20

// readRegular reads the regular file at path, at most limit bytes. A
// named pipe, a device, a socket or a directory is refused without reading
// it: the file is opened non-blocking (so a pipe with no writer cannot hang
// the start) and checked on the open descriptor, so what is checked is
// what would be read.
func readRegular(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s); refusing to read it", fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, larger than the %s allowed; refusing to read it", fi.Size(), sizeName(limit))
	}
	// The file may grow between the check and the read: read one byte
	// more than allowed to notice.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("file is larger than the %s allowed; refusing to read it", sizeName(limit))
	}
	return b, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.Type().String()
}

func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// nonFinite finds a nan or inf anywhere in the file (TOML allows them as
// floats; no noctop setting means anything with one): its key path in
// locator form and the value. The first in the file wins.
func nonFinite(src []byte) ([]string, float64, bool) {
	var raw map[string]any
	if _, err := toml.Decode(string(src), &raw); err != nil {
		return nil, 0, false
	}
	var found [][]string
	var vals []float64
	var walk func(path []string, v any)
	walk = func(path []string, v any) {
		switch v := v.(type) {
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				found = append(found, slices.Clone(path))
				vals = append(vals, v)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		case []map[string]any:
			// An array of tables: the locator addresses the Nth one as
			// "name#N".
			for i, t := range v {
				walk(append(path[:len(path)-1:len(path)-1], fmt.Sprintf("%s#%d", path[len(path)-1], i)), t)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(append(path[:len(path):len(path)], k), v[k])
			}
		}
	}
	walk(nil, raw)
	if len(found) == 0 {
		return nil, 0, false
	}
	loc := newLocator(src)
	best := 0
	bestLine, _ := loc.find(found[0])
	for i := 1; i < len(found); i++ {
		if l, _ := loc.find(found[i]); l > 0 && (bestLine == 0 || l < bestLine) {
			best, bestLine = i, l
		}
	}
	return found[best], vals[best], true
}
