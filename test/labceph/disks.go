package labceph

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/canonical/lxd/lxd/response"
	"github.com/canonical/lxd/shared/api"
	"github.com/canonical/lxd/shared/logger"
	"github.com/canonical/microcluster/v2/state"
	"github.com/gorilla/mux"
)

// ValidateDisksPost checks a disk request as a whole: what the lab does not
// implement is refused before any disk is touched.
func ValidateDisksPost(req DisksPost) string {
	switch {
	case req.OSDMatch != "" || req.WALMatch != "" || req.DBMatch != "" || req.DryRun:
		return "Device matching (osd_match, wal_match, db_match, dry_run) is not supported by the lab MicroCeph; give disk paths"
	case len(req.Path) == 0:
		return "No disk path given"
	case req.Encrypt:
		return "Encrypted OSDs are not supported by the lab MicroCeph"
	case req.WALDev != nil || req.DBDev != nil:
		return "Separate WAL and DB devices are not supported by the lab MicroCeph"
	}

	return ""
}

func (c *Ceph) disksGet(s state.State, r *http.Request) response.Response {
	st, err := loadState(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	out := st.Disks
	if out == nil {
		out = []Disk{}
	}

	return response.SyncResponse(true, out)
}

// disksPost adds disks to this member (the target, after forwarding): one
// report per requested path, each a success or a failure with its reason.
func (c *Ceph) disksPost(s state.State, r *http.Request) response.Response {
	var req DisksPost
	err := decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	resp := DiskAddResponse{Reports: []DiskAddReport{}}
	resp.ValidationError = ValidateDisksPost(req)
	if resp.ValidationError != "" {
		return response.SyncResponse(true, resp)
	}

	for _, path := range req.Path {
		report := DiskAddReport{Path: path, Report: ReportSuccess}
		osds, err := c.addDisk(r.Context(), s, path, req.Wipe)
		if err != nil {
			report.Report = ReportFailure
			report.Error = err.Error()
			logger.Warn("Failed to add a disk", logger.Ctx{"path": path, "err": err})
		} else {
			logger.Info("Added disk", logger.Ctx{"path": path, "osds": osds})
		}

		resp.Reports = append(resp.Reports, report)
	}

	return response.SyncResponse(true, resp)
}

// addDisk turns one requested path into OSDs on this member.
func (c *Ceph) addDisk(ctx context.Context, s state.State, path string, wipe bool) ([]int64, error) {
	st, err := loadState(ctx, s)
	if err != nil {
		return nil, err
	}

	if !st.Bootstrapped() {
		return nil, fmt.Errorf("The Ceph cluster is not bootstrapped yet")
	}

	var prepare []prepareBlock
	if IsLoopSpec(path) {
		spec, err := ParseLoopSpec(path)
		if err != nil {
			return nil, err
		}

		err = spaceFor(c.layout.Data, spec.Size*int64(spec.Count))
		if err != nil {
			return nil, fmt.Errorf("Disk %q: %w", path, err)
		}

		for range spec.Count {
			prepare = append(prepare, c.loopBacking(spec.Size))
		}
	} else {
		for _, d := range st.DisksOf(s.Name()) {
			if d.Path == path {
				return nil, fmt.Errorf("Disk %q is already osd.%d", path, d.OSD)
			}
		}

		err = CheckDevice(ProbeDevice(ctx, path), wipe)
		if err != nil {
			return nil, err
		}

		prepare = append(prepare, deviceBacking(path, wipe))
	}

	c.mu.Lock()
	defer c.mu.Unlock()

	// The ceph commands below read ceph.conf and the admin keyring, which
	// a member writes at the end of its join: a disk added while that join
	// still runs (a re-run right after an interrupted one) needs them now.
	err = c.writeClientFiles(st)
	if err != nil {
		return nil, err
	}

	var osds []int64
	for _, p := range prepare {
		id, err := c.createOSD(ctx, s, p)
		if err != nil {
			return osds, err
		}

		osds = append(osds, id)
	}

	return osds, nil
}

// diskDelete removes an OSD, on the member that runs it.
func (c *Ceph) diskDelete(s state.State, r *http.Request) response.Response {
	raw := mux.Vars(r)["osdid"]
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 0 {
		return response.BadRequest(fmt.Errorf("OSD %q is not an OSD number", raw))
	}

	req := DisksDelete{OSD: id}
	err = decodeBody(r, &req)
	if err != nil {
		return response.BadRequest(err)
	}

	st, err := loadState(r.Context(), s)
	if err != nil {
		return response.SmartError(err)
	}

	var disk *Disk
	for i := range st.Disks {
		if st.Disks[i].OSD == id {
			disk = &st.Disks[i]
		}
	}

	if disk == nil {
		return response.NotFound(fmt.Errorf("osd.%d is not a disk of this cluster", id))
	}

	if disk.Location != s.Name() {
		err = forward(r.Context(), s, disk.Location, http.MethodDelete, api.NewURL().Path("disks", raw), req, nil)
		if err != nil {
			return response.SmartError(err)
		}

		return response.EmptySyncResponse
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	size, err := c.maxReplication(r.Context())
	if err != nil {
		return response.InternalError(err)
	}

	err = CheckOSDRemoval(id, len(st.Disks), size, req.ConfirmDowngrade)
	if err != nil {
		return response.BadRequest(err)
	}

	err = c.removeOSD(r.Context(), s, req, *disk)
	if err != nil {
		return response.InternalError(err)
	}

	return response.EmptySyncResponse
}
