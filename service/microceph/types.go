// Package microceph is MicroCeph's API as MicroCloud uses it: the wire
// types of its /1.0 endpoints (the lab's MicroCeph serves the same ones) and
// the calls the executor makes beyond cluster membership.
package microceph

// Field names and tags follow MicroCeph's own API and must not drift: the
// product decodes the lab daemon's answers exactly as it decodes the snap's.

// DisksPost is the body of POST /1.0/disks.
type DisksPost struct {
	Path       []string `json:"path" yaml:"path"`
	Wipe       bool     `json:"wipe" yaml:"wipe"`
	Encrypt    bool     `json:"encrypt" yaml:"encrypt"`
	WALDev     *string  `json:"waldev" yaml:"waldev"`
	WALWipe    bool     `json:"walwipe" yaml:"walwipe"`
	WALEncrypt bool     `json:"walencrypt" yaml:"walencrypt"`
	DBDev      *string  `json:"dbdev" yaml:"dbdev"`
	DBWipe     bool     `json:"dbwipe" yaml:"dbwipe"`
	DBEncrypt  bool     `json:"dbencrypt" yaml:"dbencrypt"`
	OSDMatch   string   `json:"osd_match,omitempty" yaml:"osd_match,omitempty"`
	WALMatch   string   `json:"wal_match,omitempty" yaml:"wal_match,omitempty"`
	WALSize    string   `json:"wal_size,omitempty" yaml:"wal_size,omitempty"`
	DBMatch    string   `json:"db_match,omitempty" yaml:"db_match,omitempty"`
	DBSize     string   `json:"db_size,omitempty" yaml:"db_size,omitempty"`
	DryRun     bool     `json:"dry_run,omitempty" yaml:"dry_run,omitempty"`
}

// DiskAddReport is the outcome for one requested path.
type DiskAddReport struct {
	Path   string `json:"path" yaml:"path"`
	Report string `json:"report" yaml:"report"`
	Error  string `json:"error" yaml:"error"`
}

// DiskAddResponse is the answer to POST /1.0/disks: the request as a whole
// is valid or not (ValidationError), then one report per path.
type DiskAddResponse struct {
	ValidationError string          `json:"validation_error" yaml:"validation_error"`
	Reports         []DiskAddReport `json:"report" yaml:"report"`
	Warnings        []string        `json:"warnings,omitempty" yaml:"warnings,omitempty"`
}

// Report values of DiskAddReport.
const (
	ReportSuccess = "Success"
	ReportFailure = "Failure"
)

// DisksDelete is the body of DELETE /1.0/disks/{osdid}.
type DisksDelete struct {
	OSD                    int64 `json:"osdid" yaml:"osdid"`
	BypassSafety           bool  `json:"bypass_safety" yaml:"bypass_safety"`
	ConfirmDowngrade       bool  `json:"confirm_downgrade" yaml:"confirm_downgrade"`
	ProhibitCrushScaledown bool  `json:"prohibit_crush_scaledown" yaml:"prohibit_crush_scaledown"`
	Timeout                int64 `json:"timeout" yaml:"timeout"`
}

// Disk is one OSD as GET /1.0/disks lists it.
type Disk struct {
	OSD      int64  `json:"osd" yaml:"osd"`
	Path     string `json:"path" yaml:"path"`
	Location string `json:"location" yaml:"location"`
}

// Service is one Ceph service of one member (GET /1.0/services).
type Service struct {
	Service  string `json:"service" yaml:"service"`
	Location string `json:"location" yaml:"location"`
	GroupID  string `json:"group_id,omitempty" yaml:"group_id,omitempty"`
	Info     string `json:"info,omitempty" yaml:"info,omitempty"`
}

// Pool is one OSD pool (GET /1.0/pools).
type Pool struct {
	Pool      string `json:"pool" yaml:"pool"`
	PoolID    int64  `json:"pool_id" yaml:"pool_id"`
	Size      int64  `json:"size" yaml:"size"`
	MinSize   int64  `json:"min_size" yaml:"min_size"`
	CrushRule string `json:"crush_rule" yaml:"crush_rule"`
}

// PoolPut is the body of PUT /1.0/pools-op.
type PoolPut struct {
	Pools []string `json:"pools" yaml:"pools"`
	Size  int64    `json:"size" yaml:"size"`
}

// Config is a Ceph configuration key (GET and PUT /1.0/configs).
type Config struct {
	Key         string `json:"key" yaml:"key"`
	Value       string `json:"value" yaml:"value"`
	Wait        bool   `json:"wait" yaml:"wait"`
	SkipRestart bool   `json:"skip_restart" yaml:"skip_restart"`
}

// EnableService is the body of PUT /1.0/services/{service}. The JSON name
// of the wait flag really is "bool".
type EnableService struct {
	Name    string `json:"name" yaml:"name"`
	Wait    bool   `json:"bool" yaml:"bool"`
	Payload string `json:"payload" yaml:"payload"`
}
