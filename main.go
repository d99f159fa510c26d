// Command noctop is a terminal dashboard for network-operations staff:
// live interconnection state across providers, approvals, port traffic and
// IP address utilisation. With no config file it runs in demo mode against
// embedded simulators served over real HTTP on 127.0.0.1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/hub"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/ui"
	"github.com/noctop/noctop/ui/keys"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit statuses.
const (
	exitOK     = 0
	exitFail   = 1 // a provider or the program failed
	exitConfig = 2 // bad flags or configuration
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// globalFlags are accepted before (and by) every subcommand.
type globalFlags struct {
	configPath  string
	demo        bool
	readOnly    bool
	logPath     string
	showVersion bool
	demoScale   int
	demoFaults  string
	demoSeed    int64
	cpuProfile  string
	memProfile  string
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	// Current values are the defaults, so flags given before a subcommand
	// survive the subcommand's own flag set.
	fs.StringVar(&g.configPath, "config", g.configPath, "config file (default $XDG_CONFIG_HOME/noctop/config.toml; none found means demo mode)")
	fs.BoolVar(&g.demo, "demo", g.demo, "run against the embedded simulators instead of the configured providers (the config's [ui] and [keys] still apply)")
	fs.BoolVar(&g.readOnly, "read-only", g.readOnly, "disable every mutation (approve, reject, assign, delete ...)")
	fs.StringVar(&g.logPath, "log", g.logPath, "write the log to FILE (default $XDG_STATE_HOME/noctop/noctop.log)")
	fs.BoolVar(&g.showVersion, "version", g.showVersion, "print the version and exit")
	fs.StringVar(&g.memProfile, "memprofile", g.memProfile, "write a heap profile of the dashboard or of noctop get to FILE when it ends (what its memory holds; go tool pprof reads it)")
	fs.StringVar(&g.cpuProfile, "cpuprofile", g.cpuProfile, "write a CPU profile of the dashboard or of noctop get to FILE (where the time goes; go tool pprof reads it)")
	fs.IntVar(&g.demoScale, "demo-scale", g.demoScale, "demo: number of simulated Fabric connections (default a few hundred)")
	fs.StringVar(&g.demoFaults, "demo-faults", g.demoFaults, `demo: inject faults, e.g. "chaos" or "latency=50ms-400ms,5xx=0.05,429=0.03,malformed=0.02,truncate=0.02,stall=0.01"`)
	fs.Int64Var(&g.demoSeed, "demo-seed", g.demoSeed, "demo: seed of the simulated world (0: the default world)")
}

const usage = `noctop — a terminal dashboard for interconnection networks

Usage:
  noctop [flags]                          open the dashboard (demo mode when no config file exists)
  noctop get WHAT [--provider NAME] [-o table|json|csv]
                                          WHAT: connections, approvals, ports, devices, bgp,
                                          blocks, utilization, masks, traffic, events
                                          (noctop get prints the details)
  noctop sim [--listen HOST:PORT|NAME=HOST:PORT,...]
                                          run the simulators on 127.0.0.1; print their URLs,
                                          credentials and a config.toml pointing at them
  noctop --version

Flags:
`

func run(args []string, stdout, stderr io.Writer) int {
	var g globalFlags
	fs := flag.NewFlagSet("noctop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if g.showVersion {
		fmt.Fprintln(stdout, "noctop", version)
		return exitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runDashboard(g, stderr)
	}
	switch rest[0] {
	case "get":
		return runGet(g, rest[1:], stdout, stderr)
	case "sim":
		ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer cancel()
		return runSim(ctx, g, rest[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "noctop: unknown command %q\n\n", rest[0])
		fs.Usage()
		return exitConfig
	}
}

// env is everything a run needs once flags and config are settled.
type env struct {
	cfg     *config.Config
	demo    *providers.Demo
	sources []model.Source
	logger  *slog.Logger
	audit   *audit.Log
	closers []func()
	notes   []string // warnings to show the operator
}

func (e *env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// setup loads the config (or starts the demo), opens the log and audit log
// and builds the providers. Config errors come back as *config.Error.
func setup(g globalFlags, quietLog bool) (*env, error) {
	e := &env{}
	cfg, demoMode, err := loadConfig(g)
	if err != nil {
		return nil, err
	}
	if g.readOnly {
		cfg.UI.ReadOnly = true
	}
	if g.logPath != "" {
		cfg.UI.LogFile = g.logPath
	}
	e.cfg = cfg

	if demoMode {
		d, derr := providers.StartDemo(providers.DemoOptions{Seed: g.demoSeed, Scale: g.demoScale, Faults: g.demoFaults, Observe: observeDemo})
		if derr != nil {
			return nil, fmt.Errorf("starting the demo simulators: %w", derr)
		}
		e.demo = d
		e.closers = append(e.closers, d.Close)
		cfg.Providers = d.Providers
	}

	secrets := collectSecrets(cfg.Providers)
	e.logger = slog.New(slog.DiscardHandler)
	if !quietLog || g.logPath != "" {
		lf, lerr := openLog(cfg.UI.LogFile)
		if lerr != nil {
			e.notes = append(e.notes, "log disabled: "+lerr.Error())
		} else {
			e.closers = append(e.closers, func() { lf.Close() })
			e.logger = slog.New(providers.NewRedactingHandler(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug}), secrets))
		}
	}

	al, aerr := audit.Open(cfg.UI.AuditLog, func(s string) string { return providers.Redact(s, secrets) })
	if aerr != nil {
		// Without an audit trail no mutation may happen: fall back to read-only, loudly.
		cfg.UI.ReadOnly = true
		e.notes = append(e.notes, "read-only: audit log unavailable ("+aerr.Error()+")")
		e.logger.Warn("audit log unavailable, forcing read-only", "err", aerr)
	} else {
		e.audit = al
		e.closers = append(e.closers, func() { al.Close() })
	}

	srcs, berr := providers.Build(cfg.Providers, providers.Options{ReadOnly: cfg.UI.ReadOnly, Audit: al, Logger: e.logger})
	if berr != nil {
		e.Close()
		return nil, berr
	}
	e.sources = srcs
	return e, nil
}

// observeDemo, when set (the soak test), sees every request the demo
// simulators receive.
var observeDemo func(kind string, r *http.Request)

// loadConfig decides between a config file and the demo.
func loadConfig(g globalFlags) (*config.Config, bool, error) {
	path := g.configPath
	if path == "" {
		path = config.DefaultPath()
		if _, err := os.Stat(path); err != nil {
			c := &config.Config{}
			c.Defaults()
			return c, true, nil
		}
	}
	// --demo replaces only the providers: the file's [ui] and [keys] apply.
	load := config.Load
	if g.demo {
		load = config.LoadWithoutProviders
	}
	c, err := load(path, os.Getenv, providers.Kinds)
	if err != nil {
		return nil, false, err
	}
	if err := ui.ValidateKeys(c.Keys, c.PaneKeys); err != nil {
		at := []string{"keys"}
		if ke := (*keys.ConfigError)(nil); errors.As(err, &ke) {
			at = ke.Path()
		}
		return nil, false, c.ErrorAt(err.Error(), at...)
	}
	if g.demo {
		return c, true, nil
	}
	if len(c.Providers) == 0 {
		return nil, false, &config.Error{File: path, Msg: "no [[provider]] configured (remove the file or use --demo to try the simulators)"}
	}
	return c, false, nil
}

func collectSecrets(ps []config.Provider) []string {
	var out []string
	for _, p := range ps {
		for _, s := range p.Secrets {
			out = append(out, s.Value())
		}
	}
	return out
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

func reportSetupError(stderr io.Writer, err error) int {
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintln(stderr, "noctop: config error:", ce)
		return exitConfig
	}
	if errors.Is(err, providers.ErrNotImplemented) {
		fmt.Fprintln(stderr, "noctop: config error:", err)
		return exitConfig
	}
	fmt.Fprintln(stderr, "noctop:", err)
	return exitFail
}

func runDashboard(g globalFlags, stderr io.Writer) int {
	e, err := setup(g, false)
	if err != nil {
		return reportSetupError(stderr, err)
	}
	defer e.Close()
	stop, err := startProfiles(g, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "noctop:", err)
		return exitFail
	}
	defer stop()
	e.logger.Info("noctop starting", "version", version, "demo", e.demo != nil, "providers", len(e.sources), "read_only", e.cfg.UI.ReadOnly)
	// One hub for the program: the scheduler of every refresh, the action
	// runner and the summary; the UI session reads it (a future SSH
	// server would run one session per operator over the same hub).
	h := hub.New(e.sources, hubOptions(e.cfg, e.logger))
	defer h.Close()
	// Bubble Tea v1 flushes the view on a fixed ticker whether or not it
	// changed; that ticker is most of what an idle dashboard costs
	// (measured: 60 fps 0.93 %, 30 fps 0.47 %, 15 fps 0.29 % of a core).
	// 20 fps keeps a keystroke on screen within 50 ms.
	p := tea.NewProgram(ui.New(dashboardOptions(e, h), e.sources), tea.WithAltScreen(), tea.WithFPS(dashboardFPS))
	if _, err := p.Run(); err != nil {
		fmt.Fprintln(stderr, "noctop:", err)
		return exitFail
	}
	return exitOK
}

// dashboardFPS is the dashboard's frame rate.
const dashboardFPS = 20

// dashboardOptions are the UI options of the dashboard for e, reading h.
func dashboardOptions(e *env, h model.Hub) ui.Options {
	opts := ui.Options{
		Hub:      h,
		Refresh:  e.cfg.UI.Refresh.Duration,
		ReadOnly: e.cfg.UI.ReadOnly,
		Keys:     e.cfg.Keys,
		PaneKeys: e.cfg.PaneKeys,
		Logger:   e.logger,
		Now:      time.Now,

		PoolThreshold: e.cfg.UI.PoolThreshold,
		LowLightDBM:   e.cfg.UI.LowLightDBM,
		ClockSeconds:  e.cfg.UI.ClockSeconds,
	}
	if e.audit != nil {
		opts.AuditPath = e.audit.Path()
	}
	if e.demo != nil {
		opts.Demo = true
		opts.Banner = e.demo.Banner()
	}
	if len(e.notes) > 0 {
		opts.Banner = strings.TrimSpace(opts.Banner + "  " + strings.Join(e.notes, "; "))
	}
	return opts
}

func runSim(ctx context.Context, g globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("noctop sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	listen := fs.String("listen", "", `where to listen: HOST:PORT (one port per simulator, counting up from it, in the order `+
		strings.Join(kind.Names(providers.Kinds), ", ")+`) or NAME=HOST:PORT,... per kind (default: free ports)`)
	if err := fs.Parse(args); err != nil {
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "noctop sim: unexpected argument %q\n", fs.Arg(0))
		return exitConfig
	}
	l, err := providers.ParseListen(*listen)
	if err != nil {
		fmt.Fprintln(stderr, "noctop sim:", err)
		return exitConfig
	}
	d, err := providers.StartDemo(providers.DemoOptions{Seed: g.demoSeed, Scale: g.demoScale, Faults: g.demoFaults, Listen: l})
	if err != nil {
		fmt.Fprintln(stderr, "noctop sim:", err)
		return exitFail
	}
	defer d.Close()
	fmt.Fprintln(stdout, "noctop simulators running on 127.0.0.1 (ctrl+c to stop)")
	d.Describe(stdout)
	fmt.Fprintln(stdout)
	if err := d.Snippet(stdout); err != nil {
		fmt.Fprintln(stderr, "noctop sim:", err)
		return exitFail
	}
	<-ctx.Done()
	return exitOK
}

// startProfiles starts what --cpuprofile and --memprofile ask for; stop
// ends the CPU profile and writes the heap profile (the dashboard and
// `noctop get` both honour them).
func startProfiles(g globalFlags, stderr io.Writer) (stop func(), err error) {
	stopCPU := func() {}
	if g.cpuProfile != "" {
		if stopCPU, err = startCPUProfile(g.cpuProfile); err != nil {
			return nil, err
		}
	}
	return func() {
		stopCPU()
		if g.memProfile != "" {
			writeHeapProfile(g.memProfile, stderr)
		}
	}, nil
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes what the heap holds now into path.
func writeHeapProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		runtime.GC()
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "noctop: heap profile:", err)
	}
}
