package wizard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
)

// fileBackedSize is the size of the file-backed OSD offered on every system.
const fileBackedSize = "8G"

// FileBackedOSD is the file-backed OSD offered on every system, for machines
// without a spare disk (MicroCeph's "loop,<size>,<count>" form; a sparse file).
const FileBackedOSD = "loop," + fileBackedSize + ",1"

// localStorage chooses the "local" pool: ZFS on one disk per system when
// every system has a usable disk and LXD supports ZFS, else a directory.
func (w *Wizard) localStorage() error {
	w.Plan.LocalPool = &plan.LocalPool{Driver: plan.DriverDir}
	for i := range w.Plan.Systems {
		w.Plan.Systems[i].LocalDisk = nil
	}

	if why := w.noZFSReason(); why != "" {
		w.Ask.Say("Local storage: a directory on each system (pool \"local\"): %s", why)
		return nil
	}

	ok, err := w.yes("Put local storage on a disk of each system (ZFS pool \"local\")? No: a directory on each system's own disk", true)
	if err != nil || !ok {
		return err
	}

	return w.selectLocalDisks()
}

// selectLocalDisks asks for one disk per system for a ZFS local pool.
func (w *Wizard) selectLocalDisks() error {
	var selected []string
	for {
		ids, err := w.Ask.Select(tui.SelectTable{
			Title:       "Select one disk per system for local storage:",
			Headers:     diskHeaders,
			Rows:        w.diskRows(localEligibility, nil),
			Multi:       true,
			OnePerGroup: true,
			Noun:        "disk",
			Selected:    selected,
			Validate: func(rows []tui.Row) error {
				return problemsError(w.sectionProblems(w.withLocalDisks(rowIDs(rows)), onEverySystem(plan.FieldLocalDisk)))
			},
		}, nil)
		if err != nil {
			return err
		}

		selected = ids
		ok, err := w.confirmWipes(w.chosenDisks(ids, localEligibility))
		if err != nil {
			return err
		}

		if ok {
			w.Plan = w.withLocalDisks(ids)
			return nil
		}
	}
}

// noZFSReason says why local storage cannot go on disks, or "".
func (w *Wizard) noZFSReason() string {
	for _, s := range w.Plan.Systems {
		sf := w.Facts.Systems[s.Name]
		if !slices.Contains(sf.Inventory.StorageDrivers, plan.DriverZFS) {
			return "LXD on " + s.Name + " does not support ZFS"
		}

		usable := false
		for _, d := range sf.Inventory.Disks {
			usable = usable || plan.DiskUsable(d, d.Local, true)
		}

		if !usable {
			return s.Name + " has no free disk"
		}
	}

	return ""
}

// withLocalDisks is the plan with a ZFS local pool on the chosen disks.
func (w *Wizard) withLocalDisks(ids []string) plan.Plan {
	p := w.Plan.Clone()
	p.LocalPool = &plan.LocalPool{Driver: plan.DriverZFS}
	disks := w.chosenDisks(ids, localEligibility)
	for i, s := range p.Systems {
		p.Systems[i].LocalDisk = nil
		if d := disks[s.Name]; len(d) > 0 {
			p.Systems[i].LocalDisk = &d[0]
		}
	}

	return p
}

// distributedStorage asks for Ceph: disks (or file-backed OSDs), wiping,
// encryption, CephFS and the Ceph networks.
func (w *Wizard) distributedStorage() error {
	w.Plan.Ceph = nil
	if ok, where := w.everySystemHas(types.MicroCeph); !ok {
		w.Ask.Say("Distributed storage: skipped (MicroCeph is not available on %s)", where)
		return nil
	}

	ok, err := w.yes("Set up distributed storage (Ceph)?", true)
	if err != nil || !ok {
		return err
	}

	err = w.selectCephDisks("Select the disks for Ceph (file-backed OSDs are for tests and small labs):", 1, w.fewCephHosts)
	if err != nil {
		return err
	}

	if w.everyLXDHas("storage_cephfs_create_missing") {
		w.Plan.Ceph.CephFS, err = w.yes("Set up CephFS (storage pool \"remote-fs\")?", true)
		if err != nil {
			return err
		}
	}

	return w.cephNetworks()
}

// selectCephDisks asks for Ceph's disks (at least minSelected), confirms
// wipes, then asks again while again says so (nil: never), and asks about
// encryption.
func (w *Wizard) selectCephDisks(title string, minSelected int, again func(ids []string) (bool, error)) error {
	taken := map[string]bool{}
	for _, s := range w.Plan.Systems {
		if s.LocalDisk != nil {
			taken[diskID(s.Name, s.LocalDisk.Path)] = true
		}
	}

	var selected []string
	for {
		ids, err := w.Ask.Select(tui.SelectTable{
			Title:       title,
			Headers:     diskHeaders,
			Rows:        append(w.diskRows(cephEligibility, taken), w.fileBackedRows()...),
			Multi:       true,
			Noun:        "disk",
			Selected:    selected,
			MinSelected: minSelected,
			Validate: func(rows []tui.Row) error {
				return problemsError(w.sectionProblems(w.withCephDisks(rowIDs(rows)), onEverySystem(plan.FieldCephDisks)))
			},
		}, nil)
		if err != nil {
			return err
		}

		selected = ids
		ok, err := w.confirmWipes(w.chosenDisks(ids, cephEligibility))
		if err != nil {
			return err
		}

		if !ok {
			continue
		}

		retry := false
		if again != nil {
			retry, err = again(ids)
			if err != nil {
				return err
			}
		}

		if !retry {
			w.Plan = w.withCephDisks(ids)
			return w.cephEncryption()
		}
	}
}

// fileBackedRows offers a file-backed OSD on each system.
func (w *Wizard) fileBackedRows() []tui.Row {
	var rows []tui.Row
	for _, s := range w.Plan.Systems {
		rows = append(rows, tui.Row{ID: diskID(s.Name, FileBackedOSD), Group: s.Name,
			Cells: []string{s.Name, "file", "sparse file", fileBackedSize + "iB", "file", "tests only"}})
	}

	return rows
}

// withCephDisks is the plan with Ceph on the chosen disks.
func (w *Wizard) withCephDisks(ids []string) plan.Plan {
	p := w.Plan.Clone()
	if p.Ceph == nil {
		p.Ceph = &plan.Ceph{}
	}

	disks := w.chosenDisks(ids, cephEligibility)
	for i, s := range p.Systems {
		p.Systems[i].CephDisks = disks[s.Name]
	}

	return p
}

// fewCephHosts warns when fewer than three systems give Ceph a disk, and
// asks whether to choose again.
func (w *Wizard) fewCephHosts(ids []string) (bool, error) {
	hosts := map[string]bool{}
	for _, id := range ids {
		system, _ := splitDiskID(id)
		hosts[system] = true
	}

	if len(hosts) >= plan.RecommendedMembers || len(hosts) == len(w.Plan.Systems) {
		return false, nil
	}

	w.Ask.Say("Only %d system(s) give Ceph a disk: %d are needed to keep the data when a system fails.", len(hosts), plan.RecommendedMembers)
	return w.yes("Choose the disks again?", true)
}

// cephEncryption asks whether to encrypt the real disks (file-backed OSDs
// cannot be).
func (w *Wizard) cephEncryption() error {
	real := false
	for _, s := range w.Plan.Systems {
		for _, d := range s.CephDisks {
			real = real || !plan.IsLoopDisk(d.Path)
		}
	}

	if !real {
		return nil
	}

	encrypt, err := w.yes("Encrypt the Ceph disks (dm-crypt; the kernel needs dm_crypt)?", false)
	if err != nil {
		return err
	}

	for i := range w.Plan.Systems {
		for j, d := range w.Plan.Systems[i].CephDisks {
			w.Plan.Systems[i].CephDisks[j].Encrypt = encrypt && !plan.IsLoopDisk(d.Path)
		}
	}

	return nil
}

// rowIDs lists the IDs of rows.
func rowIDs(rows []tui.Row) []string {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}

	return ids
}

// joinNames writes "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}

	return fmt.Sprintf("%s and %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}
