package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/hub"
	"github.com/noctop/noctop/ui/export"
)

// `noctop get WHAT` builds the sources, a hub over them, wants the
// resources it prints, waits for each one's first load (or failure),
// prints what arrived and exits: 0, or 1 with a line on stderr per
// provider that failed or returned incomplete data (the others are still
// printed), or 2 for bad flags or configuration.

// getResource is one WHAT of `noctop get`.
type getResource struct {
	help    string
	formats []string
	// offers says which sources can answer.
	offers func(model.Source) bool
	// one: the resource is about one provider's object (--provider
	// required); id: --id is required (idNeeded) or accepted (idAllowed).
	one   bool
	id    int
	rng   bool // --range accepted
	print func(r *getRun) error
}

const (
	idNone = iota
	idAllowed
	idNeeded
)

func hasConnections(s model.Source) bool { return s.Connections != nil }
func hasIPAM(s model.Source) bool        { return s.IPAM != nil }
func hasInventory(s model.Source) bool   { return s.Inventory != nil }

// getResources lists every WHAT, in usage order.
var getResources = []struct {
	name string
	getResource
}{
	{"connections", getResource{help: "every connection", formats: export.Formats, offers: hasConnections, print: printConnections}},
	{"approvals", getResource{help: "everything waiting for our decision, all providers", formats: export.Formats, offers: hasConnections, print: printApprovals}},
	{"ports", getResource{help: "ports from the inventory (Fabric ports, IX-API ports, servers' ports ...)", formats: export.Formats, offers: hasInventory, print: printNodes(isPort)}},
	{"devices", getResource{help: "devices and servers from the inventory", formats: export.Formats, offers: hasInventory, print: printNodes(isDevice)}},
	{"bgp", getResource{help: "BGP sessions", formats: export.Formats, offers: hasConnections, print: printBGP}},
	{"blocks", getResource{help: "IPAM blocks", formats: export.Formats, offers: hasIPAM, print: printBlocks}},
	{"utilization", getResource{help: "IPAM utilization (IPv4 and IPv6)", formats: export.UtilizationFormats, offers: hasIPAM, print: printUtilization}},
	{"masks", getResource{help: "IPAM mask report", formats: export.Formats, offers: hasIPAM, print: printMasks}},
	{"traffic", getResource{help: "one object's traffic: samples and now/avg/max/p95", formats: export.Formats,
		offers: func(s model.Source) bool { return s.Stats != nil }, one: true, id: idNeeded, rng: true, print: printTraffic}},
	{"events", getResource{help: "a provider's events (all in scope, or one object's with --id)", formats: export.Formats,
		offers: func(s model.Source) bool { return s.Events != nil }, one: true, id: idAllowed, print: printEvents}},
}

func findResource(name string) (getResource, bool) {
	for _, r := range getResources {
		if r.name == name {
			return r.getResource, true
		}
	}
	return getResource{}, false
}

func resourceNames() []string {
	out := make([]string, len(getResources))
	for i, r := range getResources {
		out[i] = r.name
	}
	return out
}

// trafficRanges are the ranges of --range, as the Traffic pane offers them.
var trafficRanges = []struct {
	name string
	d    time.Duration
}{{"1h", time.Hour}, {"6h", 6 * time.Hour}, {"24h", 24 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}}

func validRange(name string) bool { _, ok := trafficRange(name); return ok }

func trafficRange(name string) (time.Duration, bool) {
	for _, x := range trafficRanges {
		if x.name == name {
			return x.d, true
		}
	}
	return 0, false
}

func getUsage() string {
	var b strings.Builder
	b.WriteString("Usage: noctop get WHAT [--provider NAME] [-o table|json|csv]\n")
	b.WriteString("       noctop get traffic --provider NAME --id ID [--range 1h|6h|24h|7d|30d]\n")
	b.WriteString("       noctop get events --provider NAME [--id ID]\n\nWHAT:\n")
	for _, r := range getResources {
		fmt.Fprintf(&b, "  %-12s %s\n", r.name, r.help)
	}
	return b.String()
}

// getRun is one `noctop get`.
type getRun struct {
	ctx      context.Context
	hub      *hub.Hub
	srcs     []model.Source // the sources asked (--provider) that offer the resource
	out      io.Writer
	format   string
	id       string
	rng      string
	now      func() time.Time
	problems []string // one line each for stderr; any makes the exit status 1
	releases []func()
}

func (r *getRun) problem(provider string, msg string) {
	if !strings.HasPrefix(msg, provider+": ") {
		msg = provider + ": " + msg
	}
	r.problems = append(r.problems, msg)
}

func runGet(g globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("noctop get", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	provider := fs.String("provider", "", "only this provider (its name from the config)")
	format := fs.String("o", "table", "output format: table, json or csv (utilization: table or json)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	id := fs.String("id", "", "traffic, events: the object (a connection, port, device ... id as listed)")
	rng := fs.String("range", "24h", "traffic: how far back (1h, 6h, 24h, 7d, 30d)")
	fs.Usage = func() {
		fmt.Fprint(stderr, getUsage())
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return exitConfig
	}
	what := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "noctop get: unexpected argument %q\n", fs.Arg(0))
		return exitConfig
	}
	res, ok := findResource(what)
	if !ok {
		fmt.Fprintf(stderr, "noctop get: unknown resource %q (known: %s)\n", what, strings.Join(resourceNames(), ", "))
		return exitConfig
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case !slices.Contains(res.formats, *format):
		fmt.Fprintf(stderr, "noctop get %s: unknown output format %q (one of %s)\n", what, *format, strings.Join(res.formats, ", "))
		return exitConfig
	case res.one && *provider == "":
		fmt.Fprintf(stderr, "noctop get %s: --provider NAME is required\n", what)
		return exitConfig
	case res.id == idNeeded && *id == "":
		fmt.Fprintf(stderr, "noctop get %s: --id ID is required\n", what)
		return exitConfig
	case res.id == idNone && set["id"]:
		fmt.Fprintf(stderr, "noctop get %s: --id applies to traffic and events only\n", what)
		return exitConfig
	case !res.rng && set["range"]:
		fmt.Fprintf(stderr, "noctop get %s: --range applies to traffic only\n", what)
		return exitConfig
	case res.rng && !validRange(*rng):
		fmt.Fprintf(stderr, "noctop get %s: unknown range %q (one of 1h, 6h, 24h, 7d, 30d)\n", what, *rng)
		return exitConfig
	}

	e, err := setup(g, true)
	if err != nil {
		return reportSetupError(stderr, err)
	}
	defer e.Close()
	stop, err := startProfiles(g, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "noctop get:", err)
		return exitFail
	}
	defer stop()
	srcs, err := pickSources(e.sources, *provider, res.offers)
	if err != nil {
		fmt.Fprintln(stderr, "noctop get:", err)
		return exitConfig
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()

	h := hub.New(srcs, hubOptions(e.cfg, e.logger))
	defer h.Close()
	r := &getRun{ctx: ctx, hub: h, srcs: srcs, out: stdout, format: *format, id: *id, rng: *rng, now: time.Now}
	defer func() {
		for _, rel := range r.releases {
			rel()
		}
	}()
	err = res.print(r)
	for _, p := range r.problems {
		fmt.Fprintln(stderr, "noctop get:", model.SafeText(p))
		e.logger.Warn("get: "+what+" incomplete or failed", "err", p)
	}
	if err != nil {
		fmt.Fprintln(stderr, "noctop get:", model.SafeText(err.Error()))
	}
	if err != nil || len(r.problems) > 0 {
		return exitFail
	}
	return exitOK
}

// hubOptions are the hub's settings from the config: the default refresh
// interval, each provider's own (its refresh key), the full resync of
// listings refreshed by changes, the logger. The
// dashboard's hub takes the same.
func hubOptions(cfg *config.Config, logger *slog.Logger) hub.Options {
	o := hub.Options{Interval: cfg.UI.Refresh.Duration, FullResync: cfg.UI.FullResync.Duration,
		ProviderInterval: map[string]time.Duration{}, Logger: logger}
	for _, p := range cfg.Providers {
		if p.Refresh.Duration > 0 {
			o.ProviderInterval[p.Name] = p.Refresh.Duration
		}
	}
	return o
}

func pickSources(all []model.Source, name string, has func(model.Source) bool) ([]model.Source, error) {
	var names []string
	var picked []model.Source
	for _, s := range all {
		if !has(s) {
			continue
		}
		names = append(names, s.Name)
		if name == "" || s.Name == name {
			picked = append(picked, s)
		}
	}
	if name != "" && len(picked) == 0 {
		have := strings.Join(names, ", ")
		if have == "" {
			have = "none"
		}
		return nil, fmt.Errorf("no provider named %q offers this (have: %s)", name, have)
	}
	return picked, nil
}

// load wants the resource feed gives for every source asked, waits until
// each has loaded once or failed (or the run's deadline), and returns what
// loaded, in source order. A failure, a deadline, or data that came back
// incomplete is noted as a problem; incomplete data is still returned.
func load[T any](r *getRun, feed func(provider string) (model.Feed[T], bool)) []model.Snapshot[T] {
	var feeds []model.Feed[T]
	for _, s := range r.srcs {
		if f, ok := feed(s.Name); ok {
			feeds = append(feeds, f)
		}
	}
	sub := r.hub.Subscribe()
	defer sub.Close()
	for _, f := range feeds {
		r.releases = append(r.releases, f.Want())
	}
	settled := func() bool {
		for _, f := range feeds {
			if st := f.Snapshot().Status; st.Loads == 0 && st.Err == nil {
				return false
			}
		}
		return true
	}
	for !settled() {
		if _, err := sub.Next(r.ctx); err != nil {
			break
		}
	}
	var out []model.Snapshot[T]
	for _, f := range feeds {
		snap := f.Snapshot()
		name := f.Key().Provider
		switch {
		case snap.Err != nil:
			r.problem(name, model.ErrorSummary(snap.Err))
		case !snap.HasData:
			r.problem(name, "no answer in time ("+context.Cause(r.ctx).Error()+")")
		default:
			if snap.Warning != nil {
				r.problem(name, incompleteText(snap.Warning))
			}
			out = append(out, snap)
		}
	}
	return out
}

// incompleteText says what a partial result misses. A *model.Incomplete
// says it in its own words ("3 of 250 connections could not be read: …",
// "truncated at N items: …"); any other partial error is marked.
func incompleteText(warning error) string {
	msg := model.ErrorSummary(warning)
	if in := (*model.Incomplete)(nil); errors.As(warning, &in) {
		return msg
	}
	return "incomplete: " + msg
}

func allConnections(r *getRun) []model.Connection {
	var all []model.Connection
	for _, s := range load(r, r.hub.Connections) {
		all = append(all, s.Data...)
	}
	// By provider then name, for stable diffs.
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Provider != all[j].Provider {
			return all[i].Provider < all[j].Provider
		}
		if all[i].Name != all[j].Name {
			return all[i].Name < all[j].Name
		}
		return all[i].ID < all[j].ID
	})
	return all
}

func printConnections(r *getRun) error {
	return export.Connections(r.out, r.format, allConnections(r))
}

// printApprovals prints what waits for our decision (model.WaitingOnUs,
// the rule the Approvals pane and the status bar use), oldest first.
func printApprovals(r *getRun) error {
	var waiting []model.Connection
	for _, c := range allConnections(r) {
		if model.WaitingOnUs(&c) {
			waiting = append(waiting, c)
		}
	}
	sort.SliceStable(waiting, func(i, j int) bool { return waiting[i].Pending.Since.Before(waiting[j].Pending.Since) })
	return export.Approvals(r.out, r.format, waiting, r.now())
}

func printBGP(r *getRun) error {
	var sessions []model.Connection
	for _, c := range allConnections(r) {
		if c.Type == model.ConnTypeBGPSession {
			sessions = append(sessions, c)
		}
	}
	return export.Connections(r.out, r.format, sessions)
}

func isPort(n *model.Node) bool   { return n.Kind == "port" }
func isDevice(n *model.Node) bool { return n.Ref.Type == "device" }

// printNodes prints the inventory objects keep selects, in tree order.
func printNodes(keep func(*model.Node) bool) func(r *getRun) error {
	return func(r *getRun) error {
		var rows []export.NodeRow
		for _, s := range load(r, r.hub.Inventory) {
			rows = append(rows, export.FlattenNodes(s.Key.Provider, s.Data, keep)...)
		}
		return export.Nodes(r.out, r.format, rows)
	}
}

func printBlocks(r *getRun) error {
	var blocks []model.Block
	for _, s := range load(r, r.hub.Blocks) {
		if s.Data != nil {
			blocks = append(blocks, s.Data.List...)
		}
	}
	return export.Blocks(r.out, r.format, blocks)
}

func printUtilization(r *getRun) error {
	var us []model.Utilization
	for _, s := range load(r, r.hub.Utilization) {
		us = append(us, s.Data.V4, s.Data.V6)
	}
	return export.Utilization(r.out, r.format, us)
}

func printMasks(r *getRun) error {
	var reports []model.MaskReport
	for _, s := range load(r, r.hub.Masks) {
		reports = append(reports, s.Data)
	}
	return export.Masks(r.out, r.format, reports)
}

// errNotFound: --id names nothing the provider lists.
var errNotFound = errors.New("not found")

// lookup finds --id among the provider's connections and inventory and
// returns the Ref the panes would use for it: a connection row is
// Ref{Type: "connection"} (the Traffic pane graphs rows so), an inventory
// object its own Ref. connsFirst says which to prefer when both list it.
func lookup(r *getRun, connsFirst bool) (model.Ref, error) {
	src := r.srcs[0]
	var conns []model.Connection
	var nodes []model.Node
	if src.Connections != nil {
		for _, s := range load(r, r.hub.Connections) {
			conns = s.Data
		}
	}
	if src.Inventory != nil {
		for _, s := range load(r, r.hub.Inventory) {
			nodes = s.Data
		}
	}
	fromConns := func() (model.Ref, bool) {
		for _, c := range conns {
			if c.ID == r.id {
				return model.Ref{Provider: c.Provider, Type: "connection", ID: c.ID, Name: c.Name}, true
			}
		}
		return model.Ref{}, false
	}
	fromNodes := func() (model.Ref, bool) {
		rows := export.FlattenNodes(src.Name, nodes, func(n *model.Node) bool { return n.Ref.ID == r.id })
		if len(rows) == 0 {
			return model.Ref{}, false
		}
		return rows[0].Node.Ref, true
	}
	order := []func() (model.Ref, bool){fromNodes, fromConns}
	if connsFirst {
		order[0], order[1] = order[1], order[0]
	}
	for _, find := range order {
		if ref, ok := find(); ok {
			return ref, nil
		}
	}
	if len(r.problems) > 0 {
		// The listings did not load: the problems say why.
		return model.Ref{}, fmt.Errorf("%s: cannot look up %q without its listings", src.Name, r.id)
	}
	return model.Ref{}, fmt.Errorf("%s: no connection or inventory object with id %q: %w", src.Name, r.id, errNotFound)
}

// printTraffic prints the series the Traffic pane draws for the object:
// the same query (target and range), the same statistics.
func printTraffic(r *getRun) error {
	ref, err := lookup(r, true)
	if err != nil {
		return err
	}
	d, _ := trafficRange(r.rng)
	series, err := r.srcs[0].Stats.Series(r.ctx, model.SeriesQuery{Target: ref, Range: d})
	if err != nil {
		return fmt.Errorf("%s: %s", r.srcs[0].Name, model.ErrorSummary(err))
	}
	return export.TrafficOut(r.out, r.format, export.Traffic{Provider: r.srcs[0].Name, Target: ref, Range: r.rng, Series: series})
}

// printEvents prints the provider's events: every one in scope, or the
// object's given by --id.
func printEvents(r *getRun) error {
	var ref model.Ref
	if r.id != "" {
		var err error
		if ref, err = lookup(r, false); err != nil {
			return err
		}
	}
	evs, err := r.srcs[0].Events.Events(r.ctx, ref)
	if err != nil {
		hint := ""
		if r.id == "" {
			hint = " (this provider may keep events per object: give --id ID)"
		}
		return fmt.Errorf("%s: %s%s", r.srcs[0].Name, model.ErrorSummary(err), hint)
	}
	return export.Events(r.out, r.format, evs)
}
