// Command lab-microovnd is the lab's MicroOVN: MicroOVN's API over Debian's
// real OVN and Open vSwitch, run by `test/lab/lab up` in every lab node.
package main

import (
	"github.com/microcloud-project/microcloud/test/labovn"
	"github.com/microcloud-project/microcloud/test/labsvc"
)

func main() {
	labsvc.Main("lab-microovnd", labovn.New)
}
