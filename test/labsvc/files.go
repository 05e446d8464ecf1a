package labsvc

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces a file in one step (a temporary file beside it,
// renamed), making its directory if needed: no reader sees half of it.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	err := os.MkdirAll(filepath.Dir(path), 0o755)
	if err != nil {
		return err
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}

	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}

	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}

	if err != nil {
		return fmt.Errorf("Failed to write %s: %w", path, err)
	}

	return os.Rename(tmp.Name(), path)
}
