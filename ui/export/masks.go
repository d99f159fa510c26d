package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// MaskRecord is the stable JSON shape of one row of an IPAM mask report:
// the use of one prefix length (mask -1: the family's totals). Counts are
// exact (see UtilizationRecord).
type MaskRecord struct {
	Provider    string           `json:"provider"`
	Family      string           `json:"family"`
	Unit        string           `json:"unit"`
	Mask        int              `json:"mask"`
	Total       model.Hosts      `json:"total"`
	Assigned    model.Hosts      `json:"assigned"`
	Allocated   model.Hosts      `json:"allocated"`
	Available   model.Hosts      `json:"available"`
	Holding     model.Hosts      `json:"holding"`
	Percentages UtilizationShare `json:"percentages"`
}

// MaskRecords flattens reports into rows: per family the prefixes, then
// the totals.
func MaskRecords(reports []model.MaskReport) []MaskRecord {
	var out []MaskRecord
	for _, r := range reports {
		for _, f := range r.Families {
			for _, row := range append(append([]model.MaskRow(nil), f.Prefixes...), f.Totals) {
				out = append(out, MaskRecord{
					Provider: r.Provider, Family: string(f.Family), Unit: f.Unit, Mask: row.Mask,
					Total: row.Total, Assigned: row.Assigned, Allocated: row.Allocated, Available: row.Available, Holding: row.Holding,
					Percentages: UtilizationShare{Assigned: round2(row.AssignedPct), Allocated: round2(row.AllocatedPct),
						Available: round2(row.AvailablePct), Holding: round2(row.HoldingPct), Used: round2(row.AssignedPct + row.HoldingPct)},
				})
			}
		}
	}
	return out
}

func maskLabel(r MaskRecord) string {
	if r.Mask < 0 {
		return "total"
	}
	return "/" + strconv.Itoa(r.Mask)
}

// Masks writes IPAM mask reports in format ("table", "json" or "csv").
func Masks(w io.Writer, format string, reports []model.MaskReport) error {
	recs := MaskRecords(reports)
	switch format {
	case "json":
		return writeJSON(w, recs, func(r MaskRecord) MaskRecord { return r })
	case "csv":
		cw := newCSV(w)
		cw.write([]string{"provider", "family", "unit", "mask", "total", "assigned", "allocated", "available", "holding",
			"assigned_pct", "allocated_pct", "available_pct", "holding_pct"})
		for _, r := range recs {
			p := r.Percentages
			cw.write([]string{r.Provider, r.Family, r.Unit, strconv.Itoa(r.Mask), r.Total.String(), r.Assigned.String(), r.Allocated.String(),
				r.Available.String(), r.Holding.String(), ftoa(p.Assigned), ftoa(p.Allocated), ftoa(p.Available), ftoa(p.Holding)})
		}
		return cw.flush()
	case "table", "":
		tw := newTableRight(w)
		tw.rowTerminated("PROVIDER", "FAMILY", "MASK", "TOTAL", "ASSIGNED", "ALLOCATED", "AVAILABLE", "HOLDING")
		for _, r := range recs {
			p := r.Percentages
			tw.rowTerminated(r.Provider, model.IPFamily(r.Family).Label(), maskLabel(r), r.Total.String(),
				pct(r.Assigned, p.Assigned), pct(r.Allocated, p.Allocated), pct(r.Available, p.Available), pct(r.Holding, p.Holding))
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
