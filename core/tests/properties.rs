//! Properties: any model survives write then read unchanged; no input makes core panic.

use proptest::prelude::*;

use vmxml_core::clock::{Clock, ClockOffset, TickPolicy, Timer, TimerName};
use vmxml_core::cpu::{
    Cpu, CpuCheck, CpuFeature, CpuFeaturePolicy, CpuMatch, CpuMode, CpuModel, CpuModelFallback,
    CpuTopology,
};
use vmxml_core::devices::disk::{
    Disk, DiskBus, DiskCache, DiskDevice, DiskDriver, DiskSource, DiskTarget,
};
use vmxml_core::devices::{Device, Devices};
use vmxml_core::domain::{Domain, DomainType};
use vmxml_core::features::{
    FeatureFlag, FeatureState, Features, Hyperv, HypervFeature, HypervFeatureName, HypervMode,
    KvmFeatures,
};
use vmxml_core::lifecycle::{Lifecycle, LifecycleAction};
use vmxml_core::memory::{
    HugePage, HugePages, MemoryAccessMode, MemoryAllocationMode, MemoryBacking, MemorySize,
    MemorySourceType, MemoryUnit, Vcpu, VcpuPlacement,
};
use vmxml_core::node::Extra;
use vmxml_core::os::{
    Boot, BootDevice, BootMenu, Firmware, FirmwareFeature, FirmwareFeatureName, FirmwareFeatures,
    Loader, LoaderType, Nvram, Os, OsKind, OsType,
};

/// Text without leading or trailing whitespace (the reader trims values such as paths).
fn word() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_./:&<>'\"-][A-Za-z0-9 _./:&<>'\"é→-]{0,20}[A-Za-z0-9_./&<>'\"-]".prop_map(|s| s)
}

fn pick<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn other(known: &'static [&'static str]) -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{1,10}".prop_filter("not a modelled value", move |s| {
        !known.contains(&s.as_str())
    })
}

fn opt<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn memory() -> impl Strategy<Value = MemorySize> {
    (any::<u64>(), opt(pick(MemoryUnit::ALL))).prop_map(|(amount, unit)| MemorySize {
        amount,
        unit,
        extra: Extra::default(),
    })
}

fn os() -> impl Strategy<Value = Os> {
    (
        opt((
            prop_oneof![
                pick(OsKind::ALL),
                other(OsKind::known()).prop_map(OsKind::Other)
            ],
            opt(word()),
            opt(word()),
        )),
        opt(word()),
        proptest::collection::vec(pick(BootDevice::ALL), 0..5),
        opt(word()),
        opt(word()),
        opt(word()),
    )
        .prop_map(|(t, loader, boot, kernel, initrd, cmdline)| Os {
            os_type: t.map(|(kind, arch, machine)| OsType {
                kind,
                arch,
                machine,
                extra: Extra::default(),
            }),
            loader: loader.map(Loader::new),
            boot: boot.into_iter().map(Boot::new).collect(),
            kernel,
            initrd,
            cmdline,
            ..Default::default()
        })
}

fn disk() -> impl Strategy<Value = Disk> {
    (
        prop_oneof![
            opt(word()).prop_map(|file| DiskSource::File {
                file,
                extra: Extra::default()
            }),
            opt(word()).prop_map(|dev| DiskSource::Block {
                dev,
                extra: Extra::default()
            }),
        ],
        opt(prop_oneof![
            pick(DiskDevice::ALL),
            other(DiskDevice::known()).prop_map(DiskDevice::Other)
        ]),
        opt((opt(word()), opt(word()))),
        opt((word(), opt(pick(DiskBus::ALL)))),
        any::<bool>(),
        any::<bool>(),
        opt(1u32..100),
        opt(pick(DiskCache::ALL)),
    )
        .prop_map(
            |(source, device, driver, target, readonly, shareable, boot_order, cache)| Disk {
                source,
                device,
                driver: driver.map(|(name, driver_type)| DiskDriver {
                    name,
                    driver_type,
                    cache: cache.clone(),
                    ..Default::default()
                }),
                target: target.map(|(dev, bus)| DiskTarget {
                    dev,
                    bus,
                    extra: Extra::default(),
                }),
                readonly,
                shareable,
                boot_order,
                extra: Extra::default(),
            },
        )
}

fn flag() -> impl Strategy<Value = Option<FeatureFlag>> {
    any::<bool>().prop_map(|b| b.then(FeatureFlag::default))
}

fn domain() -> impl Strategy<Value = Domain> {
    let head = (
        prop_oneof![
            pick(DomainType::ALL),
            other(DomainType::known()).prop_map(DomainType::Other)
        ],
        opt(any::<i64>()),
        opt(word()),
        opt("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        opt(word()),
        opt(word()),
    );
    let resources = (
        opt(memory()),
        opt(memory()),
        opt(any::<u32>().prop_map(Vcpu::new)),
        opt(word()),
        opt(word()),
        opt(os()),
    );
    let rest = (
        (flag(), flag(), flag()),
        opt(pick(ClockOffset::ALL)),
        (
            opt(pick(LifecycleAction::ALL)),
            opt(pick(LifecycleAction::ALL)),
            opt(pick(LifecycleAction::ALL)),
        ),
        opt((opt(word()), proptest::collection::vec(disk(), 0..4))),
    );
    (head, resources, rest).prop_map(|(h, r, x)| {
        let (domain_type, id, name, uuid, title, description) = h;
        let (memory, current_memory, vcpu, bootloader, bootloader_args, os) = r;
        let ((pae, acpi, apic), offset, (on_poweroff, on_reboot, on_crash), devices) = x;
        let features = (pae.is_some() || acpi.is_some() || apic.is_some()).then(|| Features {
            pae,
            acpi,
            apic,
            ..Default::default()
        });
        Domain {
            domain_type,
            id,
            name,
            uuid,
            title,
            description,
            memory,
            current_memory,
            memory_backing: None,
            vcpu,
            bootloader,
            bootloader_args,
            os,
            features,
            cpu: None,
            clock: offset.map(|offset| Clock {
                offset,
                timers: Vec::new(),
                extra: Extra::default(),
            }),
            lifecycle: Lifecycle {
                on_poweroff,
                on_reboot,
                on_crash,
            },
            devices: devices.map(|(emulator, disks)| Devices {
                emulator,
                list: disks.into_iter().map(Device::Disk).collect(),
                extra: Extra::default(),
            }),
            extra: Extra::default(),
        }
    })
}

/// `Some` of a modelled value or of one vmxml does not know, or `None`.
macro_rules! any_of {
    ($t:ty) => {
        opt(prop_oneof![
            pick(<$t>::ALL),
            other(<$t>::known()).prop_map(<$t>::Other)
        ])
    };
}

fn cpu() -> impl Strategy<Value = Cpu> {
    let n = || opt(any::<u32>());
    (
        (
            any_of!(CpuMode),
            any_of!(CpuMatch),
            any_of!(CpuCheck),
            opt(any::<bool>()),
        ),
        opt((
            prop_oneof![Just(String::new()), word()],
            any_of!(CpuModelFallback),
        )),
        opt(word()),
        opt((n(), n(), n(), n(), n())),
        proptest::collection::vec(
            (
                prop_oneof![Just(String::new()), word()],
                any_of!(CpuFeaturePolicy),
            ),
            0..4,
        ),
    )
        .prop_map(
            |((mode, cpu_match, check, migratable), model, vendor, topology, features)| Cpu {
                mode,
                cpu_match,
                check,
                migratable,
                model: model.map(|(name, fallback)| CpuModel {
                    name,
                    fallback,
                    extra: Extra::default(),
                }),
                vendor,
                topology: topology.map(|(sockets, dies, clusters, cores, threads)| CpuTopology {
                    sockets,
                    dies,
                    clusters,
                    cores,
                    threads,
                    extra: Extra::default(),
                }),
                features: features
                    .into_iter()
                    .map(|(name, policy)| CpuFeature {
                        name,
                        policy,
                        extra: Extra::default(),
                    })
                    .collect(),
                extra: Extra::default(),
            },
        )
}

fn memory_backing() -> impl Strategy<Value = MemoryBacking> {
    (
        opt(proptest::collection::vec(
            (any::<u64>(), opt(pick(MemoryUnit::ALL)), opt(word())),
            0..3,
        )),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (
            any_of!(MemorySourceType),
            any_of!(MemoryAccessMode),
            any_of!(MemoryAllocationMode),
            opt(any::<u32>()),
        ),
    )
        .prop_map(
            |(
                pages,
                (nosharepages, locked, discard),
                (source, access, allocation, allocation_threads),
            )| MemoryBacking {
                hugepages: pages.map(|pages| HugePages {
                    pages: pages
                        .into_iter()
                        .map(|(size, unit, nodeset)| HugePage {
                            size,
                            unit,
                            nodeset,
                            extra: Extra::default(),
                        })
                        .collect(),
                    extra: Extra::default(),
                }),
                nosharepages,
                locked,
                source,
                access,
                allocation,
                allocation_threads,
                discard,
                extra: Extra::default(),
            },
        )
}

fn features() -> impl Strategy<Value = Features> {
    let state = || {
        opt(any::<bool>()).prop_map(|state| FeatureState {
            state,
            extra: Extra::default(),
        })
    };
    let name = prop_oneof![
        pick(HypervFeatureName::ALL),
        other(HypervFeatureName::known()).prop_map(HypervFeatureName::Other)
    ];
    (
        opt((
            any_of!(HypervMode),
            proptest::collection::vec(
                (name, opt(any::<bool>()), opt(any::<u32>()), opt(word())),
                0..5,
            ),
        )),
        opt(opt(state())),
        opt(state()),
        opt(state()),
    )
        .prop_map(|(hyperv, kvm, vmport, smm)| Features {
            hyperv: hyperv.map(|(mode, fs)| Hyperv {
                mode,
                features: fs
                    .into_iter()
                    .map(|(name, state, retries, value)| HypervFeature {
                        retries: retries.filter(|_| name == HypervFeatureName::Spinlocks),
                        value: value.filter(|_| name == HypervFeatureName::VendorId),
                        name,
                        state,
                        extra: Extra::default(),
                    })
                    .collect(),
                extra: Extra::default(),
            }),
            kvm: kvm.map(|hidden| KvmFeatures {
                hidden,
                extra: Extra::default(),
            }),
            vmport,
            smm,
            ..Features::pc()
        })
}

fn boot_firmware() -> impl Strategy<Value = Os> {
    let path = || prop_oneof![Just(String::new()), word()];
    (
        any_of!(Firmware),
        opt(proptest::collection::vec(
            (
                prop_oneof![
                    pick(FirmwareFeatureName::ALL),
                    other(FirmwareFeatureName::known()).prop_map(FirmwareFeatureName::Other)
                ],
                opt(any::<bool>()),
            ),
            0..3,
        )),
        opt((
            path(),
            opt(any::<bool>()),
            opt(any::<bool>()),
            any_of!(LoaderType),
        )),
        opt((path(), opt(word()))),
        opt((opt(any::<bool>()), opt(any::<u32>()))),
    )
        .prop_map(|(firmware, features, loader, nvram, bootmenu)| Os {
            firmware,
            firmware_features: features.map(|fs| FirmwareFeatures {
                features: fs
                    .into_iter()
                    .map(|(name, enabled)| FirmwareFeature {
                        name,
                        enabled,
                        extra: Extra::default(),
                    })
                    .collect(),
                extra: Extra::default(),
            }),
            loader: loader.map(|(path, readonly, secure, loader_type)| Loader {
                path,
                readonly,
                secure,
                loader_type,
                extra: Extra::default(),
            }),
            nvram: nvram.map(|(path, template)| Nvram {
                path,
                template,
                extra: Extra::default(),
            }),
            bootmenu: bootmenu.map(|(enable, timeout)| BootMenu {
                enable,
                timeout,
                extra: Extra::default(),
            }),
            ..Os::hvm()
        })
}

/// The parts a modern KVM guest needs, on an otherwise empty domain.
fn modern() -> impl Strategy<Value = Domain> {
    let timer = (
        prop_oneof![
            pick(TimerName::ALL),
            other(TimerName::known()).prop_map(TimerName::Other)
        ],
        any_of!(TickPolicy),
        opt(any::<bool>()),
    )
        .prop_map(|(name, tickpolicy, present)| Timer {
            name,
            tickpolicy,
            present,
            extra: Extra::default(),
        });
    (
        opt(memory_backing()),
        (
            any::<u32>(),
            any_of!(VcpuPlacement),
            opt(word()),
            opt(any::<u32>()),
        ),
        opt(boot_firmware()),
        opt(features()),
        opt(cpu()),
        proptest::collection::vec(timer, 0..4),
    )
        .prop_map(
            |(memory_backing, (count, placement, cpuset, current), os, features, cpu, timers)| {
                Domain {
                    memory_backing,
                    vcpu: Some(Vcpu {
                        count,
                        placement,
                        cpuset,
                        current,
                        extra: Extra::default(),
                    }),
                    os,
                    features,
                    cpu,
                    clock: Some(Clock {
                        timers,
                        ..Clock::utc()
                    }),
                    ..Domain::empty(DomainType::Kvm)
                }
            },
        )
}

fn corpus_documents() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/libvirt-9.0.0");
    let verdicts = std::fs::read_to_string(dir.join("verdicts.tsv")).expect("verdicts");
    verdicts
        .lines()
        .skip(1)
        .step_by(7)
        .filter_map(|l| l.split('\t').next())
        .filter_map(|f| std::fs::read(dir.join(f)).ok())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn write_then_read_gives_the_same_model(d in domain()) {
        let xml = vmxml_core::write(&d);
        let report = vmxml_core::check(&xml);
        let back = report.domain.expect("vmxml reads what it writes");
        prop_assert_eq!(back, d, "{}", xml);
    }

    #[test]
    fn modern_parts_survive_write_then_read(d in modern()) {
        let xml = vmxml_core::write(&d);
        let report = vmxml_core::check(&xml);
        let back = report.domain.expect("vmxml reads what it writes");
        prop_assert_eq!(back, d, "{}", xml);
    }

    #[test]
    fn the_draft_survives_as_xml(d in domain()) {
        // The app keeps its draft as the XML core writes, and restores it with `read`.
        let back = vmxml_core::read(&vmxml_core::write(&d)).expect("vmxml reads what it writes");
        prop_assert_eq!(back, d);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = vmxml_core::check_bytes(&bytes);
    }

    #[test]
    fn highlighting_covers_any_text_exactly(s in "[<>/='\"a-z \n!?\\-\\[\\]é]{0,200}") {
        let joined: String = vmxml_core::highlight::tokens(&s).iter().map(|t| t.text).collect();
        prop_assert_eq!(&joined, &s);
        let lines = vmxml_core::highlight::lines(&s);
        let rejoined: Vec<String> = lines.iter().map(|l| l.iter().map(|t| t.text).collect()).collect();
        prop_assert_eq!(rejoined.join("\n") + if s.ends_with('\n') { "\n" } else { "" }, s);
    }

    #[test]
    fn random_text_around_xml_never_panics(s in "[<>/='\"a-z &;#x0-9!\\[\\]?-]{0,300}") {
        let _ = vmxml_core::check(&s);
        let _ = vmxml_core::check(&format!("<domain type='kvm'>{s}</domain>"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Corpus documents with bytes deleted, replaced or inserted.
    #[test]
    fn mutated_corpus_documents_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..8),
    ) {
        thread_local!(static DOCS: Vec<Vec<u8>> = corpus_documents());
        let mut doc = DOCS.with(|d| d[pick.index(d.len())].clone());
        for (at, kind, byte) in edits {
            if doc.is_empty() { break; }
            let i = at.index(doc.len());
            match kind {
                0 => { doc.remove(i); }
                1 => doc[i] = byte,
                _ => doc.insert(i, byte),
            }
        }
        let report = vmxml_core::check_bytes(&doc);
        if let Some(d) = report.domain {
            // Whatever was read can be written and read again.
            let again = vmxml_core::check(&vmxml_core::write(&d));
            prop_assert!(again.domain.is_some());
        }
    }
}
