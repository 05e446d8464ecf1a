package daemon

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/microcloud-project/microcloud/service/recovery"
)

// TestReceiveTarball: a gzip stream becomes microcluster's recovery tarball
// and ends the wait (the marker goes); anything else changes nothing.
func TestReceiveTarball(t *testing.T) {
	for _, tc := range []struct {
		name      string
		body      []byte
		wantErr   bool
		wantFiles bool
	}{
		{"a gzip stream", []byte{0x1f, 0x8b, 0x08, 0x00, 'x'}, false, true},
		{"not gzip", []byte("PUT me"), true, false},
		{"empty", nil, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			marker := filepath.Join(dir, recovery.HandoverMarker)
			err := os.WriteFile(marker, []byte("micro01"), 0o600)
			if err != nil {
				t.Fatal(err)
			}

			err = receiveTarball(dir, bytes.NewReader(tc.body))
			if (err != nil) != tc.wantErr {
				t.Fatalf("receiveTarball = %v, want an error: %v", err, tc.wantErr)
			}

			got, readErr := os.ReadFile(filepath.Join(dir, recovery.Tarball))
			_, markerErr := os.Stat(marker)
			if tc.wantFiles && (readErr != nil || !bytes.Equal(got, tc.body) || markerErr == nil) {
				t.Fatalf("tarball %q (%v), marker still there: %v", got, readErr, markerErr == nil)
			}

			if !tc.wantFiles && (readErr == nil || markerErr != nil) {
				t.Fatalf("a refused body left a tarball (%v) or removed the marker (%v)", readErr == nil, markerErr)
			}
		})
	}
}
