package wizard

import (
	"fmt"
	"sort"
	"strings"

	"github.com/microcloud-project/microcloud/api/types"
	"github.com/microcloud-project/microcloud/service/plan"
	"github.com/microcloud-project/microcloud/tui"
)

// diskHeaders are the columns of every disk table.
var diskHeaders = []string{"LOCATION", "DISK", "MODEL", "SIZE", "TYPE", "NOTE"}

// diskID is a disk row's ID: system and the path the plan uses.
func diskID(system string, path string) string {
	return system + "|" + path
}

// splitDiskID is the inverse of diskID.
func splitDiskID(id string) (string, string) {
	system, path, _ := strings.Cut(id, "|")
	return system, path
}

// diskRows lists every disk of every system for a purpose (local or Ceph
// eligibility), minus those taken already. Disks that cannot be used stay in
// the table with the reason; disks with old data can be chosen and say that
// they will be wiped.
func (w *Wizard) diskRows(purpose func(types.Disk) types.Eligibility, taken map[string]bool) []tui.Row {
	var rows []tui.Row
	for _, s := range w.Plan.Systems {
		disks := append([]types.Disk(nil), w.Facts.Systems[s.Name].Inventory.Disks...)
		sort.Slice(disks, func(i, j int) bool { return disks[i].ID < disks[j].ID })
		for _, d := range disks {
			id := diskID(s.Name, d.Path)
			if taken[id] {
				continue
			}

			e := purpose(d)
			row := tui.Row{ID: id, Group: s.Name, Cells: []string{s.Name, d.ID, d.Model, sizeText(d.Size), d.Type, ""}}
			switch {
			case plan.NeedsWipe(d, e):
				row.Cells[5] = "will be wiped: " + e.Reason
			case !e.Eligible:
				row.Disabled = e.Reason
			}

			rows = append(rows, row)
		}
	}

	return rows
}

// chosenDisks turns selected row IDs into each system's disks; disks with
// old data are marked for wiping.
func (w *Wizard) chosenDisks(ids []string, purpose func(types.Disk) types.Eligibility) map[string][]plan.Disk {
	out := map[string][]plan.Disk{}
	for _, id := range ids {
		system, path := splitDiskID(id)
		d := plan.Disk{Path: path}
		if disk, ok := w.disk(system, path); ok && plan.NeedsWipe(disk, purpose(disk)) {
			d.Wipe = true
		}

		out[system] = append(out[system], d)
	}

	return out
}

// disk finds a system's disk by path.
func (w *Wizard) disk(system string, path string) (types.Disk, bool) {
	for _, d := range w.Facts.Systems[system].Inventory.Disks {
		if d.Path == path {
			return d, true
		}
	}

	return types.Disk{}, false
}

// confirmWipes asks before any disk with old data is taken: choosing the
// row said so, but losing data deserves its own answer. No means choose
// again.
func (w *Wizard) confirmWipes(disks map[string][]plan.Disk) (bool, error) {
	var wiped []string
	for _, s := range w.Plan.Systems {
		for _, d := range disks[s.Name] {
			if d.Wipe {
				wiped = append(wiped, s.Name+" "+d.Path)
			}
		}
	}

	if len(wiped) == 0 {
		return true, nil
	}

	w.Ask.Say("These disks hold partitions or old data, which will be destroyed: %s", strings.Join(wiped, ", "))
	return w.yes("Wipe them?", false)
}

// sizeText writes a disk size in binary units ("931.5GiB").
func sizeText(size uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	value := float64(size)
	unit := 0
	for value >= 1024 && unit < len(units)-1 {
		value /= 1024
		unit++
	}

	if unit == 0 || value >= 100 || value == float64(int64(value)) {
		return fmt.Sprintf("%.0f%s", value, units[unit])
	}

	return fmt.Sprintf("%.1f%s", value, units[unit])
}

func localEligibility(d types.Disk) types.Eligibility { return d.Local }

func cephEligibility(d types.Disk) types.Eligibility { return d.Ceph }
