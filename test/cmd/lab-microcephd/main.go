// Command lab-microcephd is the lab's MicroCeph: a microcluster daemon that
// serves the MicroCeph API MicroCloud uses and drives the Debian Ceph
// packages (ceph-mon, ceph-mgr, file-backed bluestore OSDs). See doc/explanation/lab.md.
package main

import (
	"github.com/microcloud-project/microcloud/test/labceph"
	"github.com/microcloud-project/microcloud/test/labsvc"
)

func main() {
	labsvc.Main("lab-microcephd", labceph.New)
}
