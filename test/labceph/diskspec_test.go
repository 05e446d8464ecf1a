package labceph

import "testing"

func TestParseLoopSpec(t *testing.T) {
	tests := []struct {
		spec  string
		size  int64
		count int
		err   string
	}{
		{"loop,2G,1", 2 << 30, 1, ""},
		{"loop,4GiB,3", 4 << 30, 3, ""},
		{"loop,1024M,1", 1 << 30, 1, ""},
		{"loop,1T,2", 1 << 40, 2, ""},
		{"loop,1073741824,1", 1 << 30, 1, ""},
		{"loop,512M,1", 0, 0, `Disk "loop,512M,1": size must be between 1GiB and 1TiB`},
		{"loop,2T,1", 0, 0, `Disk "loop,2T,1": size must be between 1GiB and 1TiB`},
		{"loop,2X,1", 0, 0, `Disk "loop,2X,1": size "2X" is not a size like 4G or 512MiB`},
		{"loop,1.5G,1", 0, 0, `Disk "loop,1.5G,1": size "1.5G" is not a size like 4G or 512MiB`},
		{"loop,2G,0", 0, 0, `Disk "loop,2G,0": count must be a number from 1 to 8`},
		{"loop,2G,9", 0, 0, `Disk "loop,2G,9": count must be a number from 1 to 8`},
		{"loop,2G", 0, 0, `Disk "loop,2G" is not of the form loop,<size>,<count> (for example loop,4G,1)`},
		{"loop,2G,1,x", 0, 0, `Disk "loop,2G,1,x" is not of the form loop,<size>,<count> (for example loop,4G,1)`},
	}

	for _, tt := range tests {
		spec, err := ParseLoopSpec(tt.spec)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseLoopSpec(%q) error %v, want %q", tt.spec, err, tt.err)
			}

			continue
		}

		if err != nil || spec.Size != tt.size || spec.Count != tt.count {
			t.Errorf("ParseLoopSpec(%q) = %+v, %v; want %d x %d", tt.spec, spec, err, tt.count, tt.size)
		}
	}
}

func TestIsLoopSpec(t *testing.T) {
	for path, want := range map[string]bool{"loop,2G,1": true, "loop,": true, "/dev/loop0": false, "loop": false, "/dev/sdb": false} {
		if IsLoopSpec(path) != want {
			t.Errorf("IsLoopSpec(%q) != %v", path, want)
		}
	}
}
