package preseed

import (
	"strings"
	"testing"

	"github.com/microcloud-project/microcloud/api/types"
)

func TestFilterMatch(t *testing.T) {
	nvme := types.Disk{
		ID: "nvme0n1", Device: "259:0", Model: "Samsung SSD 970 EVO Plus (1TB)", Type: "nvme", Size: 1000204886016,
		Removable: false, NUMANode: 1, BlockSize: 512, RPM: 0, Serial: "S4EWNX0R", DeviceID: "nvme-eui.0025385",
		DevicePath: "pci-0000:01:00.0-nvme-1", PCIAddress: "0000:01:00.0", WWN: "eui.0025385", UsedBy: []string{},
	}

	scsi := freeDisk(1) // 10 GiB QEMU HARDDISK, scsi-0QEMU_QEMU_HARDDISK_lxd_disk1
	held := freeDisk(2)
	held.UsedBy = []string{"held by dm-0"}
	held.ReadOnly = true

	cases := []struct {
		expr string
		disk types.Disk
		want bool
	}{
		// Wildcards: * and % anywhere, whole value, case-insensitive.
		{"device_id == *lxd_disk1", scsi, true},
		{"device_id == *lxd_disk2", scsi, false},
		{"device_id == scsi-0QEMU*", scsi, true},
		{"device_id == %QEMU%disk1", scsi, true},
		{"device_id == *qemu_harddisk*", scsi, true},
		{"device_id == lxd_disk1", scsi, false},
		{"device_id != *lxd_disk1", scsi, false},
		{"device_id != *lxd_disk2", scsi, true},
		{"type == SCSI", scsi, true},
		// Values that are regular expressions match as such, as in the reference.
		{"id == sd[b-d]", scsi, true},
		{"id == sd[c-d]", scsi, false},
		{"device_id == .*disk1", scsi, true},
		// Parentheses in a literal value still match literally.
		{`model == "Samsung SSD 970 EVO Plus (1TB)"`, nvme, true},
		{`model == 'Samsung SSD 970 EVO Plus (1TB)'`, nvme, true},
		{`model == "QEMU HARDDISK"`, scsi, true},
		{`model == "QEMU"`, scsi, false},
		{`type == "scsi"`, scsi, true},
		{`type == 'scsi'`, scsi, true},
		// Sizes with units, and plain numbers.
		{"size > 10GiB", scsi, false},
		{"size >= 10GiB", scsi, true},
		{"size == 10GiB", scsi, true},
		{"size == 10737418240", scsi, true},
		{"size < 11GB", scsi, true},
		{"size > 1TB", nvme, true},
		{"size < 1TiB", nvme, true},
		{"size > 500GB && type == nvme", nvme, true},
		{"size > 500GB && type == nvme", scsi, false},
		{"numa_node == 1", nvme, true},
		{"block_size <= 512", nvme, true},
		{"rpm == 0", nvme, true},
		// Booleans and the used_by list.
		{"read_only == false", scsi, true},
		{"read_only == true", held, true},
		{"removable != true", scsi, true},
		{"mounted == false", scsi, true},
		{`used_by == []`, scsi, true},
		{`used_by == '["held by dm-0"]'`, held, true},
		{`used_by == ["swap"]`, held, false},
		{`used_by != []`, held, true},
		// Negation and left-to-right logic.
		{"! type == nvme", scsi, true},
		{"! type == scsi", scsi, false},
		{"type == nvme || type == scsi", scsi, true},
		{"type == nvme || type == scsi && size > 1TB", scsi, false},
		{"type == nvme && size > 1TB || model == QEMU*", scsi, true},
		{"pci_address == 0000:01:00.0 && wwn == eui.*", nvme, true},
		{"serial == s4ewnx0r", nvme, true},
		{"firmware_version == %", nvme, true},
		{"device_path == pci-*", nvme, true},
		{"device == 259:0", nvme, true},
	}

	for _, tc := range cases {
		f, err := ParseFilter(tc.expr)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tc.expr, err)
			continue
		}

		got, err := f.Match(tc.disk)
		if err != nil || got != tc.want {
			t.Errorf("%q on %s: got %v (%v), want %v", tc.expr, tc.disk.ID, got, err, tc.want)
		}

		if f.String() != tc.expr {
			t.Errorf("String() = %q", f.String())
		}
	}
}

func TestFilterErrors(t *testing.T) {
	cases := map[string]string{
		"":                           "the filter is empty",
		"   ":                        "the filter is empty",
		"type":                       "clause has no operator",
		"type ==":                    "clause has no value",
		"type == nvme &&":            "unterminated compound clause",
		"type == nvme and size > 1":  "invalid clause composition",
		"!":                          "incomplete not clause",
		`model == "QEMU HARDDISK`:    "unterminated quote",
		"colour == blue":             `unknown disk field "colour"`,
		"size.x == 1":                `unknown disk field "size.x"`,
		"partitions == []":           `unknown disk field "partitions"`,
		"path == /dev/sdb":           `unknown disk field "path"`,
		"type ~= nvme":               `unknown operator "~=" after type`,
		"size > big":                 `size "big" is not a size`,
		"size > -1":                  `size "-1" is not a size`,
		"size > 10 GiB":              "invalid clause composition",
		"size > 99999999999EiB":      `size "99999999999EiB" is not a size`,
		"rpm > fast":                 `rpm "fast" is not a whole number`,
		"rpm > 10GiB":                `rpm "10GiB" is not a whole number`,
		"read_only == yes":           `read_only "yes" is not true or false`,
		"read_only > false":          "read_only is true or false: only == and != apply",
		"model >= QEMU":              "model is text: only == and != apply",
		"used_by == held":            "used_by compares with a JSON list of strings",
		"used_by < []":               "used_by is a list: only == and != apply",
		"type == nvme && ! size > 1": "",
	}

	for expr, want := range cases {
		_, err := ParseFilter(expr)
		switch {
		case want == "" && err != nil:
			t.Errorf("ParseFilter(%q): unexpected %v", expr, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("ParseFilter(%q) = %v, want an error with %q", expr, err, want)
		}
	}
}
