package daemon

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/logger"

	"github.com/microcloud-project/microcloud/api/types"
)

// ovnPKIWatchInterval is how often MicroOVN's certificates are compared
// with what LXD was given. Certificates change rarely (a renewal, an
// operator's 'microovn certificates' or 'ca' command), so a few seconds'
// delay costs nothing, and polling works on every filesystem and through
// the snap's content mounts, where change notifications do not.
const ovnPKIWatchInterval = 5 * time.Second

// watchOVNPKI keeps LXD's copy of this machine's MicroOVN client PKI
// current: when MicroOVN's certificates change, the /etc/ovn files that
// held the old ones, and LXD's network.ovn.* keys that held this machine's
// old ones, get the new ones. What someone else put there is left alone.
func (d *Daemon) watchOVNPKI(ctx context.Context) {
	ticker := time.NewTicker(ovnPKIWatchInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			d.followOVNPKI(ctx)
		}
	}
}

// seenOVNPKIFile records the PKI last seen, across restarts: a change made
// while microcloudd was down is still followed.
func (d *Daemon) seenOVNPKIFile() string {
	return filepath.Join(d.config.Paths.MicroCloudStateDir, "ovn-pki-seen.json")
}

func (d *Daemon) followOVNPKI(ctx context.Context) {
	pki, err := d.readOVNPKI()
	if err != nil {
		// No MicroOVN on this machine (yet).
		return
	}

	var seen types.OVNPKI
	data, err := os.ReadFile(d.seenOVNPKIFile())
	if err == nil {
		_ = json.Unmarshal(data, &seen)
	}

	if seen == *pki {
		return
	}

	if seen.ClientCert != "" {
		err := d.replaceOVNPKI(ctx, seen, pki)
		if err != nil {
			// Tried again at the next tick: seen is not updated.
			logger.Warn("Failed to give LXD MicroOVN's new certificates", logger.Ctx{"err": err})
			return
		}
	}

	data, err = json.Marshal(pki)
	if err == nil {
		err = writeFileAtomic(d.seenOVNPKIFile(), data, 0o600)
	}

	if err != nil {
		logger.Warn("Failed to record MicroOVN's certificates", logger.Ctx{"err": err})
	}
}

// replaceOVNPKI puts the new PKI wherever the old one was given to LXD.
func (d *Daemon) replaceOVNPKI(ctx context.Context, old types.OVNPKI, pki *types.OVNPKI) error {
	placed, err := os.ReadFile(filepath.Join(lxdOVNFiles.dir, lxdOVNFiles.cert))
	if err == nil && string(placed) == old.ClientCert {
		changed, err := placeOVNPKIForLXD(pki)
		if err != nil {
			return err
		}

		logger.Info("Gave LXD MicroOVN's new certificates", logger.Ctx{"files": changed})
	}

	c, err := lxd.ConnectLXDUnixWithContext(ctx, d.config.Paths.LXDSocket, nil)
	if err != nil {
		// No LXD to update here: the files were the only copy.
		return nil
	}

	server, etag, err := c.GetServer()
	if err != nil {
		return err
	}

	if cert, _ := server.Config["network.ovn.client_cert"].(string); cert != old.ClientCert {
		return nil
	}

	put := server.Writable()
	put.Config["network.ovn.ca_cert"] = pki.CACert
	put.Config["network.ovn.client_cert"] = pki.ClientCert
	put.Config["network.ovn.client_key"] = pki.ClientKey
	err = c.UpdateServer(put, etag)
	if err != nil {
		return err
	}

	logger.Info("Set LXD's network.ovn.* keys to MicroOVN's new certificates")
	return nil
}
