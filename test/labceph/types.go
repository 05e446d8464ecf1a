package labceph

import "github.com/microcloud-project/microcloud/service/microceph"

// The lab serves MicroCeph's API with the product's own wire types, so the
// two cannot drift apart.
type (
	DisksPost       = microceph.DisksPost
	DiskAddReport   = microceph.DiskAddReport
	DiskAddResponse = microceph.DiskAddResponse
	DisksDelete     = microceph.DisksDelete
	Disk            = microceph.Disk
	Service         = microceph.Service
	Pool            = microceph.Pool
	PoolPut         = microceph.PoolPut
	Config          = microceph.Config
)

// Report values of DiskAddReport.
const (
	ReportSuccess = microceph.ReportSuccess
	ReportFailure = microceph.ReportFailure
)
