divert(-1)
# domains.m4 - building blocks for domain, channel and device rules.
#
# How Flaxen labels things (this is what the macros below encode):
#
#  * A domain has one label, T.  When it acts on itself the security server
#    sees the target as T_self, and when a device model acts on the guest it
#    serves it sees the guest as G_target.  Both come from type_transition
#    rules on class domain, so one permission can mean "on myself",
#    "on my guest" or "on another domain" depending on the target type.
#  * An event-channel end owned by a domain of type T gets the label
#    T_channel (type_transition on class event).  Creating an end needs
#    event:create on that label; the end itself needs event:bind on the
#    domain at the other side.
#  * Guests built by a toolstack start life as T_building.  The toolstack
#    fills their memory, then seals them by relabelling T_building to T.
#    Nothing may unpause a T_building domain, and no other domain may map a
#    sealed T writable: sealing is a one-way door.
#  * Singleton domains (dom0, the xenstore domain) have no separate _self
#    type; T_self is an m4 alias for T so the same macros apply.
#
# Macro arguments: P is a privileged (toolstack) domain type, T or G a guest
# type, R a resource type.  A set such as { a_t b_t } may be passed where a
# single type is expected, except where a name is built from it (T_self,
# T_channel, T_building, G_target).  Macros that declare types or
# attributes (the *_decl ones, stubdm_for, mls_ranged_domain,
# mls_guard_domain) may not be used inside a conditional (if) block; the
# others only produce rules and may.

# ---------------------------------------------------------------- declarations

# What every running domain may do to itself: set up and query its grant
# table, populate and inspect its own memory map, read its own parameters.
define(`flx_own_domain_rules', `
allow $1 $2:grant { setup query };
allow $1 $2:mmu { adjust physmap stat };
allow $1 $2:hvm getparam;
')

# domain_type_decl(T [, attribute ...]): an ordinary domain type, with
# T_self and T_channel.
define(`domain_type_decl', `
type $1, domain_type`'flx_attrs(shift($@));
type $1_self, domain_type, domain_self_type;
type $1_channel, event_type;
type_transition $1 $1:domain $1_self;
type_transition $1 domain_type:event $1_channel;
flx_own_domain_rules($1, $1_self)
')

# singleton_domain_decl(T [, attribute ...]): a domain type of which only
# one instance exists; it is its own _self.
define(`singleton_domain_decl', `
type $1, domain_type`'flx_attrs(shift($@));
type $1_channel, event_type;
type_transition $1 domain_type:event $1_channel;
define(`$1_self', `$1')
flx_own_domain_rules($1, $1)
')

# build_label_decl(T): the T_building label a toolstack builds T under, and
# the transition that seals it.  Channels created while building already get
# the final T_channel label.  T joins sealed_domain_type, which the core
# module forbids anyone to map writable.
define(`build_label_decl', `
type $1_building, domain_type, domain_building_type;
typeattribute $1 sealed_domain_type;
type_transition $1_building domain_type:event $1_channel;
allow $1_building $1:domain transition;
')

# ---------------------------------------------------------------- life cycle

# domain_builder(P, T): P creates T_building, loads it, and seals it as T.
# P may not run it before sealing (no unpause on T_building).
define(`domain_builder', `
allow $1 $2_building:domain {
	create max_vcpus setdomainmaxmem setdomainhandle settime
	setvcpucontext getvcpucontext getvcpuinfo getdomaininfo
	getaffinity setaffinity getscheduler
	getpagingmempool setpagingmempool pause destroy
};
allow $1 $2_building:domain2 {
	setscheduler setclaim cacheflush vuart_op set_llc_colors
	get_domain_state relabelfrom
};
allow $1 $2_building:mmu { adjust physmap stat map_read map_write };
allow $1 $2_building:grant { setup query };
allow $1 $2_building:hvm { getparam setparam };
allow $1 $2_channel:event create;
allow $1 $2:domain2 relabelto;
')

# domain_controller(P, T): P runs the life cycle of a sealed T: start, stop,
# pause, destroy, tune memory and scheduling, list it.
define(`domain_controller', `
allow $1 domxen_t:domain getdomaininfo;
allow $1 $2:domain {
	getdomaininfo getvcpuinfo getaffinity setaffinity getscheduler
	pause unpause resume shutdown destroy setdomainmaxmem
	getpagingmempool setpagingmempool
};
allow $1 $2:domain2 { get_domain_state setscheduler };
allow $1 $2:hvm getparam;
')

# domain_inspector(P, T): P may read the memory and vCPU state of a sealed
# T (core dumps, saving), never write it.
define(`domain_inspector', `
allow $1 $2:domain { getvcpucontext getvcpuinfo };
allow $1 $2:mmu { map_read stat };
')

# boot_domain(T): the hypervisor may create T while it boots (domains named
# in the signed boot manifest), with channels to its peers.
define(`boot_domain', `
allow xenboot_t $1:domain create;
allow xenboot_t $1_channel:event create;
')

# ---------------------------------------------------------------- communication

# channel_rules(OWNER, PEER, CHANNEL): OWNER creates, signals and queries
# channel ends labelled CHANNEL, and such ends may connect to PEER.
define(`channel_rules', `
allow $1 $3:event { create send status };
allow $3 $2:event bind;
')

# event_link(A, B): event channels between A and B, either side may open.
define(`event_link', `
channel_rules($1, $2, $1_channel)
channel_rules($2, $1, $2_channel)
')

# grant_link(A, B): A and B may map, copy into and unmap each other's
# granted pages.
define(`grant_link', `
allow $1 $2:grant { map_read map_write copy unmap };
allow $2 $1:grant { map_read map_write copy unmap };
')

# peer_link(A, B): both of the above (split drivers, vchan, ...).
define(`peer_link', `
event_link($1, $2)
grant_link($1, $2)
')

# self_link(T): loopback channels and grants inside one domain.
define(`self_link', `
channel_rules($1, $1_self, $1_channel)
allow $1 $1_self:grant { map_read map_write copy unmap };
')

# ---------------------------------------------------------------- device models

# stubdm_for(P, DM, G): DM is a stub device-model domain that P may attach
# to guests of type G.  The guest, as its device model sees it, is G_target:
# the device model can map its memory, drive its emulated devices (dm_op,
# ioreq pages) and exchange events with it, and nothing more.
define(`stubdm_for', `
type $3_target, domain_type, domain_target_type;
type_transition $3 $2:domain $3_target;
allow $1 { $2 $2_building }:domain2 make_priv_for;
allow $1 { $3 $3_building }:domain2 set_as_target;
allow { $2 $2_building } { $3 $3_building }:domain set_target;
channel_rules($2, $3_target, $2_channel)
channel_rules($3, $2, $3_channel)
allow $2 $3_target:domain { getdomaininfo shutdown };
allow $2 $3_target:mmu { map_read map_write adjust physmap };
allow $2 $3_target:hvm { getparam setparam dm };
allow $2 $3_target:domain2 resource_map;
')

# ---------------------------------------------------------------- devices

# device_admin(P, R): P may hand resources labelled R (IRQs, MMIO ranges,
# devices) to domains, take them back, configure and query them.  Whether
# the receiving domain may use them is decided separately (device_user).
define(`device_admin', `
allow $1 $2:resource {
	stat_device add_device remove_device add_irq remove_irq
	add_iomem remove_iomem setup plug unplug
};
allow $1 $2:hvm bind_irq;
')

# device_query(P, R): P may only look at resources labelled R.
define(`device_query', `
allow $1 $2:resource stat_device;
')

# device_delegator(P, T): P may add resources to, or remove them from,
# domains of type T (before and after sealing).
define(`device_delegator', `
allow $1 { $2 $2_building }:resource { add remove };
')

# device_user(T, R): T may use resources labelled R when an IOMMU contains
# their DMA (with or without interrupt remapping).
define(`device_user', `
allow $1 $2:resource { use_iommu use_iommu_nointremap };
')

# device_user_noiommu(T, R): T may use R even without an IOMMU, that is
# with DMA access to all memory.  Keep it behind a boolean.
define(`device_user_noiommu', `
allow $1 $2:resource use_noiommu;
')

# ---------------------------------------------------------------- MLS roles

# mls_ranged_domain(T): T (a singleton) is trusted to work across its whole
# MLS range, and so are its channel ends, which get the full range.  The
# MLS constraints only honour a range for types with attribute mls_ranged.
define(`mls_ranged_domain', `
typeattribute $1 mls_ranged;
typeattribute $1_channel mls_ranged;
ifdef(`enable_mls', `range_transition $1 domain_type:event mls_full_range;')
')

# mls_guard_domain(T): T is a cross-domain guard, exempt from the MLS flow
# constraints; its peers are limited by type enforcement alone.
define(`mls_guard_domain', `
typeattribute $1 mls_cross;
typeattribute $1_self mls_cross;
typeattribute $1_channel mls_cross;
')

divert(0)dnl
