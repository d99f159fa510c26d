package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// UtilizationFormats lists the -o values `noctop get utilization` accepts.
var UtilizationFormats = []string{"table", "json"}

// BlockRecord is the stable JSON shape of one IPAM block.
type BlockRecord struct {
	Provider     string   `json:"provider"`
	ID           int64    `json:"id"`
	CIDR         string   `json:"cidr"`
	Family       string   `json:"family"`
	Mask         int      `json:"mask"`
	Status       string   `json:"status"` // available | assigned | holding | split
	IsAssigned   bool     `json:"is_assigned"`
	IsSwipped    bool     `json:"is_swipped"`
	Region       string   `json:"region"`
	RIR          string   `json:"rir,omitempty"`
	VLAN         int      `json:"vlan,omitempty"`
	ResourceID   int64    `json:"resource_id,omitempty"`
	ResourceName string   `json:"resource_name,omitempty"`
	Parent       int64    `json:"parent,omitempty"`
	TopAggregate int64    `json:"top_aggregate,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Code         string   `json:"code,omitempty"`
	Description  string   `json:"description,omitempty"`
	Updated      string   `json:"updated,omitempty"`
}

// BlockRecordOf converts a block to its export shape.
func BlockRecordOf(b model.Block) BlockRecord {
	return BlockRecord{
		Provider: b.Provider, ID: b.ID, CIDR: b.CIDR(), Family: string(b.Family), Mask: b.Mask(),
		Status: string(b.Status), IsAssigned: b.Assigned, IsSwipped: b.Swipped, Region: b.Region, RIR: b.RIR,
		VLAN: b.VLAN, ResourceID: b.ResourceID, ResourceName: b.ResourceName, Parent: b.Parent,
		TopAggregate: b.TopAggregate, Tags: b.Tags, Code: b.Code, Description: b.Description, Updated: stamp(b.UpdatedAt),
	}
}

// Blocks writes IPAM blocks in format ("table", "json" or "csv").
func Blocks(w io.Writer, format string, blocks []model.Block) error {
	switch format {
	case "json":
		return writeJSON(w, blocks, BlockRecordOf)
	case "csv":
		cw := newCSV(w)
		cw.write(blockCSVHeader)
		for _, b := range blocks {
			r := BlockRecordOf(b)
			cw.write([]string{r.Provider, strconv.FormatInt(r.ID, 10), r.CIDR, r.Family, strconv.Itoa(r.Mask), r.Status,
				strconv.FormatBool(r.IsAssigned), strconv.FormatBool(r.IsSwipped), r.Region, r.RIR, itoaOrEmpty(int64(r.VLAN)),
				itoaOrEmpty(r.ResourceID), r.ResourceName, itoaOrEmpty(r.Parent), itoaOrEmpty(r.TopAggregate),
				strings.Join(r.Tags, ";"), r.Code, r.Description, r.Updated})
		}
		return cw.flush()
	case "table", "":
		tw := newTable(w)
		tw.row("PROVIDER", "ID", "CIDR", "STATUS", "REGION", "RIR", "VLAN", "RESOURCE", "TAGS")
		for _, b := range blocks {
			r := BlockRecordOf(b)
			tw.row(r.Provider, strconv.FormatInt(r.ID, 10), r.CIDR, r.Status, r.Region, r.RIR, itoaOrEmpty(int64(r.VLAN)),
				r.ResourceName, strings.Join(r.Tags, ","))
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

var blockCSVHeader = []string{"provider", "id", "cidr", "family", "mask", "status", "is_assigned", "is_swipped", "region", "rir",
	"vlan", "resource_id", "resource_name", "parent", "top_aggregate", "tags", "code", "description", "updated"}

func itoaOrEmpty(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// UtilizationRecord is the stable JSON shape of one family's utilization.
// Counts are exact (IPv6 counts exceed 64 bits: they are JSON numbers with
// every digit; read them as text when exactness matters).
type UtilizationRecord struct {
	Provider    string           `json:"provider"`
	Family      string           `json:"family"`
	Unit        string           `json:"unit"`
	Total       model.Hosts      `json:"total"`
	Assigned    model.Hosts      `json:"assigned"`
	Allocated   model.Hosts      `json:"allocated"`
	Available   model.Hosts      `json:"available"`
	Holding     model.Hosts      `json:"holding"`
	Percentages UtilizationShare `json:"percentages"`
	Resources   []ResourceRecord `json:"resources,omitempty"`
}

// UtilizationShare holds the percentages (0..100) as the provider
// reported them, plus used = assigned + holding computed from the counts.
type UtilizationShare struct {
	Assigned  float64 `json:"assigned"`
	Allocated float64 `json:"allocated"`
	Available float64 `json:"available"`
	Holding   float64 `json:"holding"`
	Used      float64 `json:"used"`
}

// ResourceRecord is one resource's share of a utilization report.
type ResourceRecord struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	Hosts   model.Hosts `json:"hosts"`
	Blocks  int         `json:"blocks"`
	Percent float64     `json:"percent"`
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// UtilizationRecordOf converts a report to its export shape.
func UtilizationRecordOf(u model.Utilization) UtilizationRecord {
	r := UtilizationRecord{
		Provider: u.Provider, Family: string(u.Family), Unit: u.Unit,
		Total: u.Total, Assigned: u.Assigned, Allocated: u.Allocated, Available: u.Available, Holding: u.Holding,
		Percentages: UtilizationShare{
			Assigned: round2(u.AssignedPct), Allocated: round2(u.AllocatedPct), Available: round2(u.AvailablePct),
			Holding: round2(u.HoldingPct), Used: round2(u.UsedPct()),
		},
	}
	for _, x := range u.Resources {
		r.Resources = append(r.Resources, ResourceRecord{ID: x.ID, Name: x.Name, Hosts: x.Hosts, Blocks: x.Blocks, Percent: round2(x.Percent)})
	}
	return r
}

// Utilization writes utilization reports (one per provider and family) in
// format ("table" or "json").
func Utilization(w io.Writer, format string, us []model.Utilization) error {
	switch format {
	case "json":
		return writeJSON(w, us, UtilizationRecordOf)
	case "table", "":
		tw := newTableRight(w)
		tw.rowTerminated("PROVIDER", "FAMILY", "UNIT", "TOTAL", "ASSIGNED", "ALLOCATED", "AVAILABLE", "HOLDING", "USED")
		for _, u := range us {
			tw.rowTerminated(u.Provider, u.Family.Label(), u.Unit,
				u.Total.String(), pct(u.Assigned, u.AssignedPct), pct(u.Allocated, u.AllocatedPct), pct(u.Available, u.AvailablePct),
				pct(u.Holding, u.HoldingPct), strconv.FormatFloat(round2(u.UsedPct()), 'f', 2, 64)+"%")
		}
		return tw.flush()
	default:
		return fmt.Errorf("unknown output format %q for utilization (one of %s)", format, strings.Join(UtilizationFormats, ", "))
	}
}

func pct(n model.Hosts, p float64) string {
	return n.String() + " (" + strconv.FormatFloat(round2(p), 'f', 2, 64) + "%)"
}
