package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/microcluster/v2/microcluster"
	"github.com/canonical/microcluster/v2/rest"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/control"
	"github.com/microcloud-project/microcloud/service/microceph"
	"github.com/microcloud-project/microcloud/service/recovery"
)

// The recovery endpoints bring this machine's services back after the loss
// of a quorum of their members ('microcloud cluster recover'). They work
// without a MicroCloud database (which may itself have no quorum), and only
// over the local socket: they stop and start this machine's daemons.
//
// GET /1.0/recover: each microcluster-based service's members, read from
// its files.
// POST /1.0/recover/{service}: make the kept members the only voters of
// MicroOVN's or MicroCeph's database (and Ceph's monmap), or of LXD's.
func (d *Daemon) recoverEndpoints() []rest.Endpoint {
	return []rest.Endpoint{
		{Path: "recover", AllowedBeforeInit: true, Get: rest.EndpointAction{Handler: d.recoverGet}},
		{Path: "recover/{service}", AllowedBeforeInit: true, Post: rest.EndpointAction{Handler: d.recoverPost}},
		d.recoverPeerEndpoint(),
	}
}

// readyTimeout bounds the wait for a restarted daemon, stepTimeout a whole
// step.
const (
	readyTimeout = 2 * time.Minute
	stepTimeout  = 8 * time.Minute
)

func (d *Daemon) recoverGet(_ state.State, r *http.Request) response.Response {
	if err := localOnly(r); err != nil {
		return response.SmartError(err)
	}

	report := types.RecoveryReport{Control: d.config.ServiceControl}
	dirs := []struct {
		t   types.ServiceType
		dir string
	}{
		{types.MicroCloud, d.config.Paths.MicroCloudStateDir},
		{types.MicroOVN, d.config.Paths.MicroOVNStateDir},
		{types.MicroCeph, d.config.Paths.MicroCephStateDir},
	}

	for _, s := range dirs {
		if _, err := os.Stat(filepath.Join(s.dir, "database", "cluster.yaml")); err != nil {
			continue
		}

		svc := types.RecoveryService{Type: s.t}
		members, err := recovery.Members(s.dir)
		if err != nil {
			svc.Error = err.Error()
		}

		for _, m := range members {
			svc.Members = append(svc.Members, types.RecoveryMember{Name: m.Name, Address: m.Address, Role: m.Role})
		}

		report.Services = append(report.Services, svc)
	}

	// Both wait a few seconds for an answer that may not come: at once.
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		report.LXDAnswers = lxdDatabaseAnswers(r.Context(), d.config.Paths.LXDSocket)
	}()

	go func() {
		defer wg.Done()
		cli, err := microceph.FindCLI(d.config.Paths.CephConfDirs())
		if err == nil {
			report.Ceph = true
			report.CephMonitors, report.CephAnswers = cli.Monitors(r.Context())
		}
	}()

	wg.Wait()
	return response.SyncResponse(true, report)
}

func (d *Daemon) recoverPost(s state.State, r *http.Request) response.Response {
	if err := localOnly(r); err != nil {
		return response.SmartError(err)
	}

	var req types.RecoveryRequest
	err := json.NewDecoder(r.Body).Decode(&req)
	if err != nil {
		return response.BadRequest(fmt.Errorf("Invalid request body: %w", err))
	}

	if len(req.Keep) == 0 {
		return response.BadRequest(errors.New("No member to keep"))
	}

	var step func(ctx context.Context) ([]string, error)
	t, _ := types.ParseServiceType(mux.Vars(r)["service"])
	switch t {
	case types.MicroOVN:
		step = func(ctx context.Context) ([]string, error) { return d.recoverMicroOVN(ctx, s.Name(), req.Keep) }
	case types.MicroCeph:
		step = func(ctx context.Context) ([]string, error) { return d.recoverMicroCeph(ctx, s.Name(), req.Keep) }
	case types.LXD:
		step = func(ctx context.Context) ([]string, error) { return d.recoverLXD(ctx, s.Name(), req.Keep) }
	default:
		return response.BadRequest(fmt.Errorf("Unknown service %q (MicroOVN, MicroCeph or LXD)", mux.Vars(r)["service"]))
	}

	// A step half done would leave a daemon stopped: it runs to its end
	// even when the caller goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), stepTimeout)
	defer cancel()
	d.recovering.Lock()
	defer d.recovering.Unlock()
	changes, err := step(ctx)

	if err != nil {
		return response.SmartError(err)
	}

	return response.SyncResponse(true, types.RecoveryResult{Changes: changes})
}

// daemonNames name the microcluster-based services in messages.
var daemonNames = map[control.Daemon]types.ServiceType{control.MicroOVN: types.MicroOVN, control.MicroCeph: types.MicroCeph}

func (d *Daemon) control() control.Control {
	return control.New(d.config.ServiceControl)
}

// recoverMicroOVN gives MicroOVN's database the kept members as voters,
// and this machine's OVN central databases (their raft clusters) this
// central as their only server: MicroOVN has no step of its own for those.
// A file in MicroCloud's state directory says, from the start of MicroOVN's
// recovery until the databases follow, that they still have to: a re-run
// finds MicroOVN's own database recovered already.
func (d *Daemon) recoverMicroOVN(ctx context.Context, self string, keep []string) ([]string, error) {
	dir := d.config.Paths.MicroOVNStateDir
	pending := filepath.Join(d.config.Paths.MicroCloudStateDir, ovnRaftPendingFile)
	dbs := recovery.CentralDBsOf(dir)
	need, err := recovery.NeedsMicrocluster(dir, keep)
	if err != nil {
		return nil, err
	}

	if need && len(dbs) > 0 {
		err := os.WriteFile(pending, nil, 0o600)
		if err != nil {
			return nil, err
		}
	}

	var raft func(ctx context.Context) ([]string, error)
	if _, err := os.Stat(pending); err == nil {
		raft = func(ctx context.Context) ([]string, error) { return d.restartOVNRaft(ctx, dir, self, dbs) }
	}

	changes, err := d.recoverMicrocluster(ctx, control.MicroOVN, dir, self, keep, raft)
	if err != nil {
		return nil, err
	}

	err = waitMicrocluster(ctx, dir)
	if err != nil || raft == nil {
		return changes, err
	}

	err = recovery.ForgetRaftIndex(ctx, d.config.Paths.OVNRunDir())
	if err != nil {
		return nil, err
	}

	return changes, os.Remove(pending)
}

// ovnRaftPendingFile marks, in MicroCloud's state directory, OVN central
// databases that still count the lost centrals.
const ovnRaftPendingFile = "recovery-ovn-raft-pending"

// restartOVNRaft stops this machine's OVN central programs, makes each of
// its central databases a raft cluster of this central alone, and starts
// them again.
func (d *Daemon) restartOVNRaft(ctx context.Context, dir string, self string, dbs []recovery.CentralDB) ([]string, error) {
	ip, err := memberIP(dir, self)
	if err != nil {
		return nil, err
	}

	err = d.control().Stop(ctx, control.MicroOVNCentral)
	if err != nil {
		return nil, err
	}

	var changes []string
	for _, db := range dbs {
		address := recovery.RaftAddress(ip, db.RaftPort)
		err := recovery.RestartRaft(ctx, db, address)
		if err != nil {
			return nil, fmt.Errorf("OVN's %s database: %w", db.Name, err)
		}

		changes = append(changes, fmt.Sprintf("OVN's %s database: a raft cluster of %s alone (%s)", db.Name, self, address))
	}

	return changes, d.control().Start(ctx, control.MicroOVNCentral)
}

// memberIP is the IP address a microcluster member has in its own
// database's files.
func memberIP(dir string, name string) (string, error) {
	members, err := recovery.Members(dir)
	if err != nil {
		return "", err
	}

	for _, m := range members {
		if m.Name != name {
			continue
		}

		ap, err := netip.ParseAddrPort(m.Address)
		if err != nil {
			return "", fmt.Errorf("%s's address %q: %w", name, m.Address, err)
		}

		return ap.Addr().String(), nil
	}

	return "", fmt.Errorf("%s is not among the members in %s", name, dir)
}

// recoverMicroCeph gives MicroCeph's database the kept members as voters
// and reduces this machine's monitor's monmap to the kept monitors, both
// while MicroCeph and the monitor are stopped. The monitor is left alone
// when Ceph answers with a monmap of kept monitors only: that was done.
func (d *Daemon) recoverMicroCeph(ctx context.Context, self string, keep []string) ([]string, error) {
	dir := d.config.Paths.MicroCephStateDir
	cli, cliErr := microceph.FindCLI(d.config.Paths.CephConfDirs())
	monmapDone := false
	if cliErr == nil {
		mons, answers := cli.Monitors(ctx)
		monmapDone = answers && len(recovery.Lost(mons, keep)) == 0
	}

	var monmap func(ctx context.Context) ([]string, error)
	mon, hasMon := recovery.MonitorOf(dir, self, cli.Conf)
	if hasMon && !monmapDone {
		monmap = func(ctx context.Context) ([]string, error) { return d.shrinkMonmap(ctx, mon, keep) }
	}

	changes, err := d.recoverMicrocluster(ctx, control.MicroCeph, dir, self, keep, monmap)
	if err != nil {
		return nil, err
	}

	err = d.control().Start(ctx, control.CephMon)
	if err != nil {
		return nil, err
	}

	err = waitMicrocluster(ctx, dir)
	if err != nil {
		return nil, err
	}

	if cliErr != nil {
		return changes, nil
	}

	return changes, waitFor(ctx, "Ceph's monitors to answer", func(ctx context.Context) error {
		if _, ok := cli.Monitors(ctx); !ok {
			return errors.New("no quorum yet")
		}

		return nil
	})
}

// shrinkMonmap stops this machine's monitor and reduces its monmap to the
// kept monitors.
func (d *Daemon) shrinkMonmap(ctx context.Context, mon recovery.Monitor, keep []string) ([]string, error) {
	err := d.control().Stop(ctx, control.CephMon)
	if err != nil {
		return nil, err
	}

	dropped, err := recovery.ShrinkMonmap(ctx, mon, keep)
	if err != nil || len(dropped) == 0 {
		return nil, err
	}

	return []string{"Ceph's monmap: dropped the monitors of " + strings.Join(dropped, ", ")}, nil
}

// recoverMicrocluster stops a microcluster-based service when its database
// still counts lost voters (or extra says so by changing something), runs
// microcluster's recovery on it and extra while it is stopped, and starts
// it again (a no-op when it runs). The other kept members' service is
// stopped first and started again with the recovery tarball (a copy in
// MicroCloud's state directory keeps it for a re-run until they have it).
func (d *Daemon) recoverMicrocluster(ctx context.Context, daemon control.Daemon, dir string, self string, keep []string, extra func(context.Context) ([]string, error)) ([]string, error) {
	t := daemonNames[daemon]
	need, err := recovery.NeedsMicrocluster(dir, keep)
	if err != nil {
		return nil, err
	}

	peers, err := d.keptPeers(dir, self, keep)
	if err != nil {
		return nil, err
	}

	copyPath := filepath.Join(d.config.Paths.MicroCloudStateDir, "recovery-"+string(daemon)+".tar.gz")
	var changes []string
	if need || extra != nil {
		err := d.peersDo(ctx, t, peers, types.RecoveryPeerRequest{Action: types.PeerStop, Keep: keep, From: self})
		if err != nil {
			return nil, err
		}

		err = d.control().Stop(ctx, daemon)
		if err != nil {
			return nil, err
		}

		changed, err := recovery.RecoverMicrocluster(dir, keep)
		if err != nil {
			return nil, fmt.Errorf("%s's quorum-loss recovery: %w", t, err)
		}

		if changed {
			changes = append(changes, fmt.Sprintf("%s's database: voters are now %s", t, strings.Join(keep, ", ")))
			if len(peers) > 0 {
				data, err := os.ReadFile(filepath.Join(dir, recovery.Tarball))
				if err == nil {
					err = writeSynced(copyPath, data)
				}

				if err != nil {
					return nil, err
				}
			}
		}

		if extra != nil {
			more, err := extra(ctx)
			if err != nil {
				return nil, err
			}

			changes = append(changes, more...)
		}
	}

	tarball, err := readCopy(copyPath)
	if err != nil {
		return nil, err
	}

	err = d.peersDo(ctx, t, peers, types.RecoveryPeerRequest{Action: types.PeerStart, Keep: keep, From: self, Tarball: tarball})
	if err != nil {
		return nil, err
	}

	if tarball != nil {
		changes = append(changes, fmt.Sprintf("%s's database: %s started with the recovered one", t, strings.Join(peers, ", ")))
		err := os.Remove(copyPath)
		if err != nil {
			return nil, err
		}
	}

	return changes, d.control().Start(ctx, daemon)
}

// waitMicrocluster waits until a microcluster daemon is ready (its
// database open).
func waitMicrocluster(ctx context.Context, dir string) error {
	app, err := microcluster.App(microcluster.Args{StateDir: dir})
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	return app.Ready(ctx)
}

// recoverLXD runs LXD's recovery from quorum loss when its database has
// lost its quorum (see lxdLostVoters): as LXD's own
// procedure says, LXD is stopped on every kept member, recovered here,
// and started here first, then on the others, which rejoin.
func (d *Daemon) recoverLXD(ctx context.Context, self string, keep []string) ([]string, error) {
	socket := d.config.Paths.LXDSocket
	peers, err := d.keptPeers("", self, keep)
	if err != nil {
		return nil, err
	}

	var changes []string
	if lxdLostVoters(ctx, socket, keep) {
		err := d.peersDo(ctx, types.LXD, peers, types.RecoveryPeerRequest{Action: types.PeerStop, Keep: keep, From: self})
		if err != nil {
			return nil, err
		}

		err = d.control().Stop(ctx, control.LXD)
		if err != nil {
			return nil, err
		}

		err = recovery.RecoverLXD(ctx, socket)
		if err != nil {
			return nil, err
		}

		err = d.control().Start(ctx, control.LXD)
		if err != nil {
			return nil, err
		}

		err = waitFor(ctx, "LXD's database", func(ctx context.Context) error {
			if !lxdDatabaseAnswers(ctx, socket) {
				return errors.New("not yet")
			}

			return nil
		})
		if err != nil {
			return nil, err
		}

		changes = append(changes, "LXD's database: this member is its only voter")
	}

	// Always: a re-run finds LXD recovered here and the others maybe still
	// stopped.
	return changes, d.peersDo(ctx, types.LXD, peers, types.RecoveryPeerRequest{Action: types.PeerStart, Keep: keep, From: self})
}

// lxdLostVoters reports whether LXD's database does not answer, or answers
// without a majority of kept members among its voters (a leader that just
// lost its peers answers for a few seconds). With such a majority LXD keeps
// its quorum: recovering it anyway would demote the other kept voters, whose
// databases would then disagree with this one's.
func lxdLostVoters(ctx context.Context, socket string, keep []string) bool {
	members, err := lxdMembers(ctx, socket)
	if err != nil {
		return true
	}

	var roles []recovery.LXDMember
	for _, m := range members {
		roles = append(roles, recovery.LXDMember{Name: m.ServerName, Roles: m.Roles})
	}

	return recovery.LXDQuorumLost(roles, keep)
}

// lxdDatabaseAnswers reports whether LXD lists its cluster members within
// a few seconds (it cannot without a quorum).
func lxdDatabaseAnswers(ctx context.Context, socket string) bool {
	_, err := lxdMembers(ctx, socket)
	return err == nil
}

// lxdMembers lists LXD's cluster members, giving up after a few seconds:
// without a quorum LXD's answer does not come (the call is left to end in
// the background).
func lxdMembers(ctx context.Context, socket string) ([]api.ClusterMember, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	type result struct {
		members []api.ClusterMember
		err     error
	}

	done := make(chan result, 1)
	go func() {
		c, err := lxd.ConnectLXDUnixWithContext(ctx, socket, nil)
		if err != nil {
			done <- result{err: err}
			return
		}

		members, err := c.GetClusterMembers()
		done <- result{members, err}
	}()

	select {
	case r := <-done:
		return r.members, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// waitFor polls check every second until it succeeds, within readyTimeout.
func waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("Timed out waiting for %s: %w", what, err)
		case <-time.After(time.Second):
		}
	}
}
