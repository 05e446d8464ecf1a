package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/cluster"
	"github.com/canonical/microcluster/v2/microcluster"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/control"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/recovery"
)

// A recovery that keeps several members runs on one of them. For each
// service it stops the service on the other kept members first (their old
// database must not run beside the recovered one), recovers its own, then
// starts them again: MicroOVN and MicroCeph with microcluster's recovery
// tarball, which they load when they start, an OVN central with fresh
// databases that join the recovering member's, a Ceph monitor with its
// monmap reduced to the kept monitors; LXD rejoins by itself, as LXD's own
// procedure says.
//
// POST /1.0/recover/{service}/peer is what the recovering member asks of
// the others; MicroCloud's own database is back by then.
func (d *Daemon) recoverPeerEndpoint() rest.Endpoint {
	return rest.Endpoint{
		Path:              "recover/{service}/peer",
		AllowedBeforeInit: true,
		Post:              rest.EndpointAction{Handler: d.recoverPeerPost},
	}
}

// peerTimeout bounds one peer step (a few stops and starts, 90 s each at
// most).
const peerTimeout = 5 * time.Minute

func (d *Daemon) recoverPeerPost(s state.State, r *http.Request) response.Response {
	var req types.RecoveryPeerRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(fmt.Errorf("Invalid request body: %w", err))
	}

	if len(req.Keep) == 0 || req.From == "" {
		return response.BadRequest(fmt.Errorf("No member to keep, or no member running the recovery"))
	}

	var step func(ctx context.Context) error
	t, _ := types.ParseServiceType(mux.Vars(r)["service"])
	switch {
	case t == types.MicroOVN && req.Action == types.PeerStop:
		step = d.stopPeerOVN
	case t == types.MicroOVN && req.Action == types.PeerStart:
		step = func(ctx context.Context) error { return d.startPeerOVN(ctx, s.Name(), req) }
	case t == types.MicroCeph && req.Action == types.PeerStop:
		step = func(ctx context.Context) error { return d.stopPeerCeph(ctx, s.Name()) }
	case t == types.MicroCeph && req.Action == types.PeerStart:
		step = func(ctx context.Context) error { return d.startPeerCeph(ctx, s.Name(), req) }
	case t == types.LXD && req.Action == types.PeerStop:
		step = func(ctx context.Context) error { return d.control().Stop(ctx, control.LXD) }
	case t == types.LXD && req.Action == types.PeerStart:
		step = func(ctx context.Context) error { return d.control().Start(ctx, control.LXD) }
	default:
		return response.BadRequest(fmt.Errorf("Unknown service %q or action %q (MicroOVN, MicroCeph or LXD; %s or %s)", mux.Vars(r)["service"], req.Action, types.PeerStop, types.PeerStart))
	}

	// Like a local step, it runs to its end when the caller goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), peerTimeout)
	defer cancel()
	d.recovering.Lock()
	defer d.recovering.Unlock()
	err = step(ctx)
	if err != nil {
		return response.SmartError(err)
	}

	return response.EmptySyncResponse
}

// stopPeerOVN stops MicroOVN and, when this machine has some, OVN's
// central programs: their raft servers still count the lost centrals.
func (d *Daemon) stopPeerOVN(ctx context.Context) error {
	err := d.control().Stop(ctx, control.MicroOVN)
	if err != nil || len(recovery.CentralDBsOf(d.config.Paths.MicroOVNStateDir)) == 0 {
		return err
	}

	return d.control().Stop(ctx, control.MicroOVNCentral)
}

// startPeerOVN loads the recovery tarball into MicroOVN's state directory;
// then, the first time, this machine's central databases become fresh ones
// that join the recovering member's clusters of one. It starts both, and
// ovn-controller forgets the old southbound cluster's raft index.
func (d *Daemon) startPeerOVN(ctx context.Context, self string, req types.RecoveryPeerRequest) error {
	dir := d.config.Paths.MicroOVNStateDir
	loaded, err := loadTarball(dir, req)
	if err != nil {
		return err
	}

	dbs := recovery.CentralDBsOf(dir)
	if loaded && len(dbs) > 0 {
		ip, err := memberIP(dir, self)
		if err != nil {
			return err
		}

		remote, err := memberIP(dir, req.From)
		if err != nil {
			return err
		}

		err = d.control().Stop(ctx, control.MicroOVNCentral)
		if err != nil {
			return err
		}

		for _, db := range dbs {
			err := recovery.JoinRaft(ctx, db, recovery.RaftAddress(ip, db.RaftPort), recovery.RaftAddress(remote, db.RaftPort))
			if err != nil {
				return fmt.Errorf("OVN's %s database: %w", db.Name, err)
			}
		}
	}

	if len(dbs) > 0 {
		err := d.control().Start(ctx, control.MicroOVNCentral)
		if err != nil {
			return err
		}
	}

	err = d.control().Start(ctx, control.MicroOVN)
	if err != nil || !loaded {
		return err
	}

	return recovery.ForgetRaftIndex(ctx, d.config.Paths.OVNRunDir())
}

// stopPeerCeph stops MicroCeph and this machine's Ceph monitor, when it
// has one (after MicroCeph, which may start a missing one).
func (d *Daemon) stopPeerCeph(ctx context.Context, self string) error {
	err := d.control().Stop(ctx, control.MicroCeph)
	if err != nil {
		return err
	}

	if _, ok := recovery.MonitorOf(d.config.Paths.MicroCephStateDir, self, ""); !ok {
		return nil
	}

	return d.control().Stop(ctx, control.CephMon)
}

// startPeerCeph loads the recovery tarball into MicroCeph's state
// directory and, the first time, reduces this machine's monitor's monmap to
// the kept monitors, as the recovering member did with its own (the
// monitors shared one monmap until the loss); then it starts both.
func (d *Daemon) startPeerCeph(ctx context.Context, self string, req types.RecoveryPeerRequest) error {
	dir := d.config.Paths.MicroCephStateDir
	loaded, err := loadTarball(dir, req)
	if err != nil {
		return err
	}

	conf := ""
	if cli, err := microceph.FindCLI(d.config.Paths.CephConfDirs()); err == nil {
		conf = cli.Conf
	}

	mon, hasMon := recovery.MonitorOf(dir, self, conf)
	if hasMon && loaded {
		_, err := d.shrinkMonmap(ctx, mon, req.Keep)
		if err != nil {
			return err
		}
	}

	if hasMon {
		err := d.control().Start(ctx, control.CephMon)
		if err != nil {
			return err
		}
	}

	return d.control().Start(ctx, control.MicroCeph)
}

// loadTarball puts the recovery tarball where microcluster loads it, unless
// this member's database has the kept voters already (it loaded it before).
func loadTarball(dir string, req types.RecoveryPeerRequest) (bool, error) {
	if len(req.Tarball) == 0 {
		return false, nil
	}

	need, err := recovery.NeedsMicrocluster(dir, req.Keep)
	if err != nil || !need {
		return false, err
	}

	return true, writeSynced(filepath.Join(dir, recovery.Tarball), req.Tarball)
}

// keptPeers are the kept members other than this one that are members of
// a microcluster database (dir), or of MicroCloud's (dir empty: LXD).
func (d *Daemon) keptPeers(dir string, self string, keep []string) ([]string, error) {
	if dir == "" {
		dir = d.config.Paths.MicroCloudStateDir
	}

	members, err := recovery.Members(dir)
	if err != nil {
		return nil, err
	}

	var out []string
	for _, m := range members {
		if m.Name != self && slices.Contains(keep, m.Name) {
			out = append(out, m.Name)
		}
	}

	slices.Sort(out)
	return out, nil
}

// peersDo asks each peer's microcloudd for a step, one after the other.
func (d *Daemon) peersDo(ctx context.Context, t types.ServiceType, peers []string, req types.RecoveryPeerRequest) error {
	if len(peers) == 0 {
		return nil
	}

	dir := d.config.Paths.MicroCloudStateDir
	members, err := recovery.Members(dir)
	if err != nil {
		return err
	}

	app, err := microcluster.App(microcluster.Args{StateDir: dir})
	if err != nil {
		return err
	}

	for _, peer := range peers {
		i := slices.IndexFunc(members, func(m cluster.DqliteMember) bool { return m.Name == peer })
		if i < 0 {
			return fmt.Errorf("%s is not among MicroCloud's members", peer)
		}

		c, err := app.RemoteClient(members[i].Address)
		if err != nil {
			return err
		}

		callCtx, cancel := context.WithTimeout(ctx, peerTimeout)
		err = c.Query(callCtx, "POST", types.APIVersion, api.NewURL().Path("recover", string(t), "peer"), req, nil)
		cancel()
		if err != nil {
			return fmt.Errorf("%s on %s: %s: %w", t, peer, req.Action, err)
		}
	}

	return nil
}

// readCopy reads a recovery tarball kept for the peers; nil when there is
// none.
func readCopy(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}

	return data, err
}
