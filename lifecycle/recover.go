package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/canonical/microcluster/v2/cluster"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/client"
	"github.com/microcloud-project/microcloud/service/control"
	"github.com/microcloud-project/microcloud/service/recovery"
	"github.com/microcloud-project/microcloud/service/shrink"
	"github.com/microcloud-project/microcloud/tui"
)

// RecoverOptions are the choices of 'microcloud cluster recover'.
type RecoverOptions struct {
	// Members are the members to keep; empty: those that answer.
	Members []string
	// Yes skips the confirmation.
	Yes bool
}

// recoveryFile records, in MicroCloud's state directory, a recovery under
// way: a re-run after an interruption finishes it with the same members
// even though MicroCloud's own quorum is back by then.
const recoveryFile = "recovery-progress.json"

type recoveryProgress struct {
	Keep []string `json:"keep"`
	Lost []string `json:"lost"`
	// Control is microcloudd's --service-control, for a re-run that finds
	// microcloudd stopped.
	Control string `json:"control"`
}

// recoverServices are the services whose quorum microcloudd restores, in
// order: the networks and storage LXD uses come before LXD.
var recoverServices = []types.ServiceType{types.MicroOVN, types.MicroCeph, types.LXD}

// Recover brings every service of this machine's MicroCloud back after the
// loss of a quorum of its members: MicroCloud, MicroOVN and MicroCeph
// through microcluster's quorum-loss recovery (OVN's raft databases follow
// MicroOVN's), Ceph through its monmap, LXD through its own recovery; then
// the lost members are removed from every service as 'remove --force'
// does. Every refusal comes before anything changes.
func Recover(ctx context.Context, env Env, local *client.Client, opts RecoverOptions) error {
	progressPath := filepath.Join(local.StateDir(), recoveryFile)
	progress, err := readRecoveryProgress(progressPath)
	if err != nil {
		return err
	}

	if progress != nil && len(opts.Members) > 0 && strings.Join(sorted(opts.Members), ",") != strings.Join(progress.Keep, ",") {
		return fmt.Errorf("--members: a recovery keeping %s is under way: run the command without --members to finish it", strings.Join(progress.Keep, ", "))
	}

	status, err := local.Status(ctx)
	if err != nil && progress != nil {
		// Interrupted while microcloudd was stopped for its own recovery:
		// the other kept members get their database first.
		err = deliverHandover(ctx, env, local, progress.Keep)
		if err == nil {
			status, err = restartMicroCloud(ctx, env, local, progress.Control)
		}
	}

	if err != nil {
		return err
	}

	report, err := local.Recovery(ctx)
	if err != nil {
		return err
	}

	cloud, ok := recoveryService(report, types.MicroCloud)
	if !ok || len(cloud.Members) == 0 {
		return fmt.Errorf("This machine is not part of a MicroCloud: there is nothing to recover")
	}

	if cloud.Error != "" {
		return fmt.Errorf("Failed to read MicroCloud's members from %s: %s", local.StateDir(), cloud.Error)
	}

	self := status.Name
	names, addresses := memberNames(cloud)
	answers := probeMembers(ctx, local, self, addresses)
	keep := sorted(opts.Members)
	if progress != nil {
		keep = progress.Keep
		env.say("Finishing the recovery started earlier (keeping %s)", strings.Join(keep, ", "))
	} else {
		if len(keep) == 0 {
			keep = answering(names, answers)
		}

		if !recovery.QuorumLost(dqliteMembers(cloud), answers) {
			return fmt.Errorf("MicroCloud's quorum is not lost (%s): use 'microcloud remove' for members that are gone", voterSummary(cloud, answers))
		}

		err := recovery.CheckKeep(names, answers, self, keep)
		if err != nil {
			return err
		}
	}

	lost := recovery.Lost(names, keep)
	if progress != nil {
		// Some may be gone from MicroCloud already, not from every service.
		lost = progress.Lost
	}

	showRecovery(env, report, answers, keep, lost)
	if progress == nil && !opts.Yes {
		ok, err := tui.Confirm(env.In, env.Out, tui.ConfirmQuestion{Prompt: fmt.Sprintf("Drop %s from every service and continue with %s?", strings.Join(lost, ", "), strings.Join(keep, ", ")), Default: false})
		if err != nil {
			return fmt.Errorf("%w (or pass --yes)", err)
		}

		if !ok {
			return fmt.Errorf("Recovery cancelled: nothing changed")
		}
	}

	err = writeRecoveryProgress(progressPath, recoveryProgress{Keep: keep, Lost: lost, Control: report.Control})
	if err != nil {
		return err
	}

	err = recoverMicroCloud(ctx, env, local, report.Control, self, keep)
	if err != nil {
		return fmt.Errorf("%w\nRun the same command again to finish the recovery", err)
	}

	for _, t := range recoverServices {
		if _, ok := recoveryService(report, t); !ok && t != types.LXD {
			continue
		}

		env.say("%s: restoring its quorum", t)
		changes, err := local.Recover(ctx, t, keep)
		if err != nil {
			return fmt.Errorf("%s: %w\nRun the same command again to finish the recovery", t, err)
		}

		for _, c := range changes {
			env.say("  %s", c)
		}

		if len(changes) == 0 {
			env.say("  nothing left to change")
		}
	}

	err = removeLost(ctx, env, local, self, lost)
	if err != nil {
		return fmt.Errorf("%w\nRun the same command again to finish the recovery", err)
	}

	err = os.Remove(progressPath)
	if err != nil {
		return err
	}

	env.say("Recovered: the MicroCloud continues with %s; 'microcloud add' grows it again", strings.Join(keep, ", "))
	return nil
}

// recoverMicroCloud runs microcluster's recovery on MicroCloud's own
// database, with microcloudd stopped, hands the result over to the other
// kept members (stopped first: see recovery.HandoverMarker), and waits
// until the database serves again.
func recoverMicroCloud(ctx context.Context, env Env, local *client.Client, program string, self string, keep []string) error {
	dir := local.StateDir()
	need, err := recovery.NeedsMicrocluster(dir, keep)
	if err != nil {
		return err
	}

	copyPath := filepath.Join(dir, recovery.HandoverCopy)
	if !need && !exists(copyPath) {
		return nil
	}

	env.say("MicroCloud: restoring its quorum")
	ctl := control.New(program)
	if need {
		addresses, err := clusterAddresses(dir)
		if err != nil {
			return err
		}

		for _, peer := range others(keep, self) {
			err := handOver(ctx, env, local, self, peer, addresses[peer])
			if err != nil {
				return err
			}
		}

		err = ctl.Stop(ctx, control.MicroCloud)
		if err != nil {
			return err
		}

		_, err = recovery.RecoverMicrocluster(dir, keep)
		if err != nil {
			return fmt.Errorf("MicroCloud's quorum-loss recovery: %w", err)
		}

		if len(keep) > 1 {
			err := copyFile(filepath.Join(dir, recovery.Tarball), copyPath)
			if err != nil {
				return err
			}
		}
	}

	err = deliverHandover(ctx, env, local, keep)
	if err != nil {
		return err
	}

	err = ctl.Start(ctx, control.MicroCloud)
	if err != nil {
		return err
	}

	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err = local.WaitReady(waitCtx)
	if err != nil {
		return err
	}

	for {
		_, err := local.Members(waitCtx)
		if err == nil {
			env.say("  MicroCloud's database: voters are now %s", strings.Join(keep, ", "))
			return nil
		}

		select {
		case <-waitCtx.Done():
			return fmt.Errorf("MicroCloud's database did not come back: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// restartMicroCloud starts microcloudd again after an interruption left it
// stopped, and waits until it answers.
func restartMicroCloud(ctx context.Context, env Env, local *client.Client, program string) (*client.Status, error) {
	env.say("MicroCloud: starting microcloudd, which the interrupted recovery had stopped")
	err := control.New(program).Start(ctx, control.MicroCloud)
	if err != nil {
		return nil, err
	}

	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err = local.WaitReady(waitCtx)
	if err != nil {
		return nil, err
	}

	return local.Status(ctx)
}

func sorted(names []string) []string {
	out := append([]string(nil), names...)
	sort.Strings(out)
	return out
}

// removeLost removes the lost members from every service that still lists
// them, as 'remove --force' does (a re-run skips those already gone).
func removeLost(ctx context.Context, env Env, local *client.Client, self string, lost []string) error {
	members, err := localMembers(ctx, local)
	if err != nil {
		return err
	}

	r := &shrink.Remover{Services: shrink.NewCloud(local, self, members), Local: self, Force: true, Say: env.say, Gone: lost}
	inv, err := r.Inventory(ctx, lost)
	if err != nil {
		return err
	}

	var left []string
	for _, name := range lost {
		if len(inv.ServicesOf(name)) > 0 {
			left = append(left, name)
		}
	}

	if len(left) == 0 {
		return nil
	}

	err = shrink.Check(inv, left, self, true)
	if err != nil {
		return err
	}

	return r.Remove(ctx, inv, left)
}

// localMembers are MicroCloud's members (name to address).
func localMembers(ctx context.Context, local *client.Client) (map[string]string, error) {
	members, err := local.Members(ctx)
	if err != nil {
		return nil, err
	}

	out := map[string]string{}
	for _, m := range members {
		out[m.Name] = m.Address.Addr().String()
	}

	return out, nil
}

func recoveryService(report types.RecoveryReport, t types.ServiceType) (types.RecoveryService, bool) {
	for _, s := range report.Services {
		if s.Type == t {
			return s, true
		}
	}

	return types.RecoveryService{}, false
}

// memberNames are a service's member names, sorted, and their addresses.
func memberNames(s types.RecoveryService) ([]string, map[string]string) {
	var names []string
	addresses := map[string]string{}
	for _, m := range s.Members {
		names = append(names, m.Name)
		if ap, err := netip.ParseAddrPort(m.Address); err == nil {
			addresses[m.Name] = ap.Addr().String()
		}
	}

	sort.Strings(names)
	return names, addresses
}

// probeMembers asks each other member's microcloudd whether it answers.
func probeMembers(ctx context.Context, local *client.Client, self string, addresses map[string]string) map[string]bool {
	cloud := shrink.NewCloud(local, self, addresses)
	answers := map[string]bool{self: true}
	for name := range addresses {
		if name != self {
			answers[name] = cloud.Reachable(ctx, name)
		}
	}

	return answers
}

func answering(names []string, answers map[string]bool) []string {
	var out []string
	for _, name := range names {
		if answers[name] {
			out = append(out, name)
		}
	}

	return out
}

func dqliteMembers(s types.RecoveryService) []cluster.DqliteMember {
	var out []cluster.DqliteMember
	for _, m := range s.Members {
		out = append(out, cluster.DqliteMember{Name: m.Name, Address: m.Address, Role: m.Role})
	}

	return out
}

func voterSummary(s types.RecoveryService, answers map[string]bool) string {
	voters, up := 0, 0
	for _, m := range s.Members {
		if m.Role == recovery.RoleVoter {
			voters++
			if answers[m.Name] {
				up++
			}
		}
	}

	return fmt.Sprintf("%d of its %d voters answer", up, voters)
}

// showRecovery says, per service, what was found and what will change.
func showRecovery(env Env, report types.RecoveryReport, answers map[string]bool, keep []string, lost []string) {
	for _, s := range report.Services {
		if s.Error != "" {
			env.say("%s: its members could not be read: %s", s.Type, s.Error)
			continue
		}

		members := append([]types.RecoveryMember(nil), s.Members...)
		sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
		var parts []string
		for _, m := range members {
			state := "does not answer"
			if answers[m.Name] {
				state = "answers"
			}

			parts = append(parts, fmt.Sprintf("%s (%s, %s)", m.Name, m.Role, state))
		}

		env.say("%s: %s", s.Type, strings.Join(parts, ", "))
	}

	if report.Ceph && report.CephAnswers {
		env.say("Ceph: its monitors answer; the monmap lists %s", strings.Join(report.CephMonitors, ", "))
	} else if report.Ceph {
		env.say("Ceph: its monitors do not answer (no quorum)")
	}

	if report.LXDAnswers {
		env.say("LXD: its database answers")
	} else {
		env.say("LXD: its database does not answer (no quorum)")
	}

	env.say("Kept: %s. Dropped from every service: %s.", strings.Join(keep, ", "), strings.Join(lost, ", "))
	env.say("MicroCloud, MicroOVN and MicroCeph get microcluster's quorum-loss recovery; OVN's raft databases and Ceph's monitors continue with the kept members; LXD runs its recovery from quorum loss; then the dropped members are removed as 'microcloud remove --force' does.")
}

func readRecoveryProgress(path string) (*recoveryProgress, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}

	if err != nil {
		return nil, err
	}

	var p recoveryProgress
	err = json.Unmarshal(data, &p)
	if err == nil && len(p.Keep) == 0 {
		err = errors.New("it keeps no member")
	}

	if err != nil {
		return nil, fmt.Errorf("%s is not a recovery record (remove it to start afresh): %w", path, err)
	}

	return &p, nil
}

func writeRecoveryProgress(path string, p recoveryProgress) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}

	tmp := path + ".tmp"
	err = os.WriteFile(tmp, data, 0o600)
	if err != nil {
		return err
	}

	return os.Rename(tmp, path)
}
