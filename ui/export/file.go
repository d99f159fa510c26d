package export

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/noctop/noctop/model"
)

// FileName is the name an export of what written at t gets:
// noctop-connections-20250314-093000.json.
func FileName(what, format string, t time.Time) string {
	return fmt.Sprintf("noctop-%s-%s.%s", what, t.Format("20060102-150405"), format)
}

// ConnectionsFile writes conns as format ("json" or "csv") to a new file in
// dir ("" = the current directory) named by FileName, and returns its
// absolute path. It never overwrites: a second export in the same second
// gets a "-2" suffix. A failed write leaves no partial file behind.
func ConnectionsFile(dir, format string, t time.Time, conns []model.Connection) (string, error) {
	if format != "json" && format != "csv" {
		return "", fmt.Errorf("export: unknown file format %q (json or csv)", format)
	}
	if dir == "" {
		dir = "."
	}
	base := FileName("connections", format, t)
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	var f *os.File
	var path string
	for i := 1; i <= 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		path = filepath.Join(dir, name)
		var err error
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("export: %w", err)
		}
		f = nil
	}
	if f == nil {
		return "", fmt.Errorf("export: %s and 99 numbered variants already exist in %s", base, dir)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	err := Connections(bw, format, conns)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("export: writing %s: %w", path, err)
	}
	if abs, aerr := filepath.Abs(path); aerr == nil {
		path = abs
	}
	return path, nil
}
