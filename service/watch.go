package service

import (
	"context"
	"time"

	"github.com/microcloud-project/microcloud/api/types"
)

// Watch checks every interval whether the optional and required services'
// sockets exist and calls changed(service, present) whenever one appears or
// disappears (not for the initial state). It returns when ctx ends. Polling
// a few stat calls a second is cheaper and simpler than inotify on
// directories that may not exist yet.
func Watch(ctx context.Context, paths Paths, interval time.Duration, changed func(types.ServiceType, bool)) {
	services := []types.ServiceType{types.MicroOVN, types.MicroCeph, types.LXD}
	present := map[types.ServiceType]bool{}
	for _, s := range services {
		present[s] = socketExists(paths.Socket(s))
	}

	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}

		for _, s := range services {
			now := socketExists(paths.Socket(s))
			if now != present[s] {
				present[s] = now
				changed(s, now)
			}
		}
	}
}
