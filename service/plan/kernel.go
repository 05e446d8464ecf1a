package plan

// validateKernel checks, before anything changes, that each system's kernel
// has what the plan asks of it (the inventory says how it has it: built in,
// loaded or loadable): dm_crypt for encrypted OSDs and the ceph module for
// CephFS are errors, since the service would hang or fail half way; rbd
// for the remote pool is a warning, since the pool can be created but
// instances on it cannot start on that system. A system whose daemon did
// not look is not judged.
func validateKernel(p Plan, f Facts, add func(string, string, ...any), warn func(string, string, ...any)) {
	for _, s := range p.Systems {
		kernel := f.Systems[s.Name].Inventory.Kernel
		if kernel == nil {
			continue
		}

		for _, d := range s.CephDisks {
			if d.Encrypt && kernel["dm_crypt"] == "" {
				add(sysPath(s, string(FieldCephDisks)), "%s cannot be encrypted: the kernel of %s has no dm_crypt (not built in, loaded or loadable)", d.Path, s.Name)
			}
		}

		if p.Ceph == nil {
			continue
		}

		if p.Ceph.CephFS && kernel["ceph"] == "" {
			add(sysPath(s, "kernel"), "CephFS (remote-fs) needs the kernel's ceph module, which %s does not have (not built in, loaded or loadable)", s.Name)
		}

		if kernel["rbd"] == "" {
			warn(sysPath(s, "kernel"), "the kernel of %s has no rbd (not built in, loaded or loadable): the remote pool is created, but instances and volumes on it cannot start there", s.Name)
		}
	}
}
