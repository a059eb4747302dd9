//! Real libvirt judges the parts a modern KVM guest needs: UEFI (auto-selected firmware with
//! secure boot and SMM, or an explicit pflash loader with nvram), every CPU mode with a
//! topology, vCPU placement, memoryBacking (shared memfd, huge pages), Hyper-V
//! enlightenments and timers. Each document is read from text by vmxml (no error allowed),
//! written back from the model, and put through virt-xml-validate, `virsh define` on the test
//! driver and a read of libvirt's dumpxml (see tests/common).
//!
//! libvirt's test driver accepts `<os firmware='efi'>` with firmware features although its
//! fake host has no firmware descriptors, so auto-selection is judged as is.

use std::process::Command;

mod common;
use common::{base, domain, judge, out_dir, run, tools_present, HVM};

use vmxml_core::cpu::{Cpu, CpuMode, CpuTopology};
use vmxml_core::domain::Domain;

const Q35: &str = "<type arch='x86_64' machine='q35'>hvm</type>";

/// A q35 KVM guest with 4 vCPUs around the given parts (each a run of domain children).
fn guest(
    name: &str,
    memory_backing: &str,
    vcpu: &str,
    os: &str,
    features: &str,
    cpu: &str,
    clock: &str,
) -> String {
    format!(
        "<domain type='kvm'><name>{name}</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\
         <memory unit='MiB'>1024</memory>{memory_backing}{vcpu}<os{os}</os>\
         <features><acpi/><apic/>{features}</features>{cpu}{clock}<devices/></domain>"
    )
}

fn cases() -> Vec<(String, Domain)> {
    let mut cases = Vec::new();
    let mut add = |stem: &str, xml: String| cases.push((format!("modern-{stem}"), domain(&xml)));
    let vcpu4 = "<vcpu placement='static'>4</vcpu>";

    // UEFI, auto-selected, with secure boot and enrolled keys; SMM on as QEMU wants.
    add(
        "efi-secure-auto",
        guest(
            "efi-secure-auto",
            "",
            vcpu4,
            &format!(" firmware='efi'>{Q35}<firmware><feature enabled='yes' name='secure-boot'/><feature enabled='yes' name='enrolled-keys'/></firmware><boot dev='hd'/><bootmenu enable='yes' timeout='3000'/>"),
            "<smm state='on'/>",
            "",
            "",
        ),
    );
    // UEFI without secure boot, auto-selected.
    add(
        "efi-auto",
        guest(
            "efi-auto",
            "",
            vcpu4,
            &format!(" firmware='efi'>{Q35}<firmware><feature enabled='no' name='secure-boot'/></firmware><boot dev='hd'/>"),
            "",
            "",
            "",
        ),
    );
    // An explicit secure-boot pflash loader and its variable store.
    add(
        "efi-pflash-nvram",
        guest(
            "efi-pflash-nvram",
            "",
            vcpu4,
            &format!(">{Q35}<loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS.ms.fd'>/var/lib/libvirt/qemu/nvram/efi-pflash-nvram_VARS.fd</nvram><boot dev='cdrom'/><boot dev='hd'/>"),
            "<smm state='on'><tseg unit='MiB'>48</tseg></smm>",
            "",
            "",
        ),
    );
    // SeaBIOS named outright.
    add(
        "bios",
        guest(
            "bios",
            "",
            vcpu4,
            &format!(" firmware='bios'>{Q35}<boot dev='hd'/><bootmenu enable='no'/>"),
            "",
            "",
            "",
        ),
    );

    // Every CPU mode, each with a topology that multiplies out to the 4 vCPUs.
    for (stem, cpu) in [
        ("cpu-host-passthrough", "<cpu mode='host-passthrough' check='none' migratable='on'><topology sockets='1' dies='1' cores='2' threads='2'/></cpu>"),
        ("cpu-host-model", "<cpu mode='host-model' check='partial'><model fallback='allow'/><topology sockets='2' cores='2' threads='1'/></cpu>"),
        ("cpu-custom", "<cpu mode='custom' match='exact' check='partial'><model fallback='forbid'>Skylake-Client</model><vendor>Intel</vendor><topology sockets='1' dies='1' cores='4' threads='1'/><feature policy='require' name='vmx'/><feature policy='disable' name='hle'/></cpu>"),
        ("cpu-maximum", "<cpu mode='maximum' migratable='off'><topology sockets='4' dies='1' cores='1' threads='1'/></cpu>"),
        ("cpu-numa", "<cpu mode='host-passthrough'><topology sockets='2' cores='2' threads='1'/><numa><cell id='0' cpus='0-1' memory='512' unit='MiB'/><cell id='1' cpus='2-3' memory='512' unit='MiB'/></numa></cpu>"),
    ] {
        add(stem, guest(stem, "", vcpu4, &format!(">{Q35}<boot dev='hd'/>"), "", cpu, ""));
    }

    // vCPU placement: a static cpuset with fewer vCPUs online at boot, and numad's choice.
    for (stem, vcpu) in [
        (
            "vcpu-static",
            "<vcpu placement='static' cpuset='0-1,^1,2' current='2'>4</vcpu>",
        ),
        ("vcpu-auto", "<vcpu placement='auto' current='3'>4</vcpu>"),
    ] {
        add(
            stem,
            guest(
                stem,
                "",
                vcpu,
                &format!(">{Q35}<boot dev='hd'/>"),
                "",
                "",
                "",
            ),
        );
    }

    // memoryBacking: shared memfd (virtiofs), and huge pages with the other flags.
    for (stem, mb) in [
        ("memfd-shared", "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"),
        ("hugepages", "<memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages><nosharepages/><locked/><allocation mode='immediate' threads='2'/><discard/></memoryBacking>"),
        ("hugepages-1g-nodes", "<memoryBacking><hugepages><page size='1048576' unit='KiB' nodeset='0'/></hugepages><source type='file'/><access mode='private'/><allocation mode='ondemand'/></memoryBacking>"),
    ] {
        let cpu = if stem.ends_with("nodes") {
            "<cpu mode='host-passthrough'><numa><cell id='0' cpus='0-3' memory='1024' unit='MiB'/></numa></cpu>"
        } else {
            ""
        };
        add(stem, guest(stem, mb, vcpu4, &format!(">{Q35}<boot dev='hd'/>"), "", cpu, ""));
    }

    // A Windows guest: every Hyper-V enlightenment, KVM hidden, vmport off, its timers.
    add(
        "hyperv-windows",
        guest(
            "hyperv-windows",
            "",
            vcpu4,
            &format!(">{Q35}<boot dev='hd'/>"),
            "<hyperv mode='custom'><relaxed state='on'/><vapic state='on'/><spinlocks state='on' retries='8191'/>\
             <vpindex state='on'/><runtime state='on'/><synic state='on'/><stimer state='on'><direct state='on'/></stimer>\
             <reset state='off'/><vendor_id state='on' value='KVM Hv'/><frequencies state='on'/>\
             <reenlightenment state='on'/><tlbflush state='on'/><ipi state='on'/><evmcs state='off'/><avic state='on'/></hyperv>\
             <kvm><hidden state='on'/></kvm><vmport state='off'/>",
            "<cpu mode='host-passthrough'><topology sockets='1' cores='2' threads='2'/></cpu>",
            "<clock offset='localtime'><timer name='rtc' tickpolicy='catchup'/><timer name='pit' tickpolicy='delay'/>\
             <timer name='hpet' present='no'/><timer name='hypervclock' present='yes'/></clock>",
        ),
    );
    add(
        "hyperv-passthrough",
        guest(
            "hyperv-passthrough",
            "",
            vcpu4,
            &format!(">{Q35}<boot dev='hd'/>"),
            "<hyperv mode='passthrough'/>",
            "",
            "<clock offset='utc'><timer name='kvmclock' present='yes'/><timer name='tsc' tickpolicy='merge' mode='native'/>\
             <timer name='platform'/><timer name='rtc' tickpolicy='discard' track='guest'/></clock>",
        ),
    );

    // Built from the model rather than from text.
    let mut d = base("kvm", "model-cpu", HVM, "");
    d.cpu = Some(Cpu {
        topology: Some(CpuTopology {
            sockets: Some(1),
            dies: Some(1),
            cores: Some(1),
            threads: Some(2),
            ..Default::default()
        }),
        ..Cpu::host_passthrough()
    });
    cases.push(("modern-model-cpu".into(), d));
    cases
}

#[test]
fn libvirt_accepts_modern_guests_vmxml_writes() {
    if !tools_present() {
        return;
    }
    let cases = cases();
    for (stem, d) in &cases {
        // The new rules stay quiet on every one of them.
        let report = vmxml_core::check(&vmxml_core::write(d));
        let warned: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|x| !x.code.starts_with('I'))
            .map(|x| x.code.as_str())
            .collect();
        assert!(warned.is_empty(), "{stem}: {warned:?}");
    }
    assert!(cases.iter().any(|(_, d)| d
        .cpu
        .as_ref()
        .is_some_and(|c| c.mode == Some(CpuMode::Maximum))));
    let failures = judge(&cases);
    println!(
        "oracle: {} modern documents written by vmxml; {} rejected by libvirt",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "libvirt rejects documents vmxml wrote:\n{}",
        failures.join("\n\n")
    );
}

/// What vmxml calls an error, libvirt refuses too (schema or define).
#[test]
fn libvirt_refuses_what_vmxml_calls_an_error() {
    if !tools_present() {
        return;
    }
    let boot = format!(">{Q35}<boot dev='hd'/>");
    let vcpu4 = "<vcpu>4</vcpu>";
    let cases = [
        (
            "E-HYPERV-SPINLOCKS-RETRIES",
            guest(
                "bad-spinlocks",
                "",
                vcpu4,
                &boot,
                "<hyperv><spinlocks state='on' retries='100'/></hyperv>",
                "",
                "",
            ),
        ),
        (
            "E-TIMER-TICKPOLICY",
            guest(
                "bad-tickpolicy",
                "",
                vcpu4,
                &boot,
                "",
                "",
                "<clock offset='utc'><timer name='kvmclock' tickpolicy='delay'/></clock>",
            ),
        ),
        (
            "E-VCPU-CURRENT",
            guest(
                "bad-current",
                "",
                "<vcpu current='5'>4</vcpu>",
                &boot,
                "",
                "",
                "",
            ),
        ),
        (
            "E-CPU-TOPOLOGY-ZERO",
            guest(
                "bad-topology",
                "",
                vcpu4,
                &boot,
                "",
                "<cpu mode='host-model'><topology sockets='0' cores='4' threads='1'/></cpu>",
                "",
            ),
        ),
        (
            "E-HUGEPAGE-SIZE-ZERO",
            guest(
                "bad-hugepage",
                "<memoryBacking><hugepages><page size='0'/></hugepages></memoryBacking>",
                vcpu4,
                &boot,
                "",
                "",
                "",
            ),
        ),
    ];
    // Unknown values and missing attributes in the new parts.
    let os = |attr: &str, inner: &str| format!("{attr}>{Q35}{inner}<boot dev='hd'/>");
    let hv = |inner: &str| format!("<hyperv>{inner}</hyperv>");
    let mb = |inner: &str| format!("<memoryBacking>{inner}</memoryBacking>");
    let more: Vec<(&str, String)> = vec![
        ("E-HYPERV-SPINLOCKS-RETRIES-MISSING", guest("r1", "", vcpu4, &boot, &hv("<spinlocks state='on'/>"), "", "")),
        ("E-HYPERV-VENDOR-ID-MISSING", guest("r2", "", vcpu4, &boot, &hv("<vendor_id state='on'/>"), "", "")),
        ("E-HYPERV-VENDOR-ID-LONG", guest("r3", "", vcpu4, &boot, &hv("<vendor_id state='on' value='ABCDEFGHIJKLM'/>"), "", "")),
        ("E-HYPERV-FEATURE", guest("r4", "", vcpu4, &boot, &hv("<bogus state='on'/>"), "", "")),
        ("E-HYPERV-STATE-MISSING", guest("r5", "", vcpu4, &boot, &hv("<relaxed/>"), "", "")),
        ("E-HYPERV-MODE", guest("r6", "", vcpu4, &boot, "<hyperv mode='all'/>", "", "")),
        ("E-FIRMWARE", guest("r7", "", vcpu4, &os(" firmware='uefi'", ""), "", "", "")),
        ("E-FIRMWARE-FEATURE", guest("r8", "", vcpu4, &os(" firmware='efi'", "<firmware><feature enabled='yes' name='bogus'/></firmware>"), "", "", "")),
        ("E-LOADER-TYPE", guest("r9", "", vcpu4, &os("", "<loader type='flash'>/x</loader>"), "", "", "")),
        ("E-NVRAM-WITHOUT-LOADER", guest("r10", "", vcpu4, &os("", "<nvram>/var/lib/libvirt/qemu/nvram/x.fd</nvram>"), "", "", "")),
        ("E-BOOTMENU-TIMEOUT", guest("r11", "", vcpu4, &format!(">{Q35}<boot dev='hd'/><bootmenu enable='yes' timeout='70000'/>"), "", "", "")),
        ("E-CPU-MODE", guest("r12", "", vcpu4, &boot, "", "<cpu mode='host'/>", "")),
        ("E-CPU-MATCH", guest("r13", "", vcpu4, &boot, "", "<cpu mode='custom' match='loose'><model>qemu64</model></cpu>", "")),
        ("E-CPU-CHECK", guest("r14", "", vcpu4, &boot, "", "<cpu mode='custom' check='all'><model>qemu64</model></cpu>", "")),
        ("E-CPU-MODEL-FALLBACK", guest("r15", "", vcpu4, &boot, "", "<cpu mode='custom'><model fallback='never'>qemu64</model></cpu>", "")),
        ("E-CPU-FEATURE-POLICY", guest("r16", "", vcpu4, &boot, "", "<cpu mode='custom'><model>qemu64</model><feature policy='maybe' name='vmx'/></cpu>", "")),
        ("E-CPU-FEATURE-NAME-MISSING", guest("r17", "", vcpu4, &boot, "", "<cpu mode='custom'><model>qemu64</model><feature policy='require'/></cpu>", "")),
        ("E-VCPU-PLACEMENT", guest("r18", "", "<vcpu placement='dynamic'>4</vcpu>", &boot, "", "", "")),
        ("E-MEMORY-SOURCE-TYPE", guest("r19", &mb("<source type='shm'/>"), vcpu4, &boot, "", "", "")),
        ("E-MEMORY-ACCESS-MODE", guest("r20", &mb("<access mode='public'/>"), vcpu4, &boot, "", "", "")),
        ("E-MEMORY-ALLOCATION-MODE", guest("r21", &mb("<allocation mode='lazy'/>"), vcpu4, &boot, "", "", "")),
        ("E-HUGEPAGE-SIZE", guest("r22", &mb("<hugepages><page size='big'/></hugepages>"), vcpu4, &boot, "", "", "")),
        ("E-TIMER-NAME", guest("r23", "", vcpu4, &boot, "", "", "<clock offset='utc'><timer name='sundial'/></clock>")),
        ("E-TIMER-TICKPOLICY-VALUE", guest("r24", "", vcpu4, &boot, "", "", "<clock offset='utc'><timer name='rtc' tickpolicy='later'/></clock>")),
    ];
    for (code, xml) in cases.into_iter().chain(more) {
        let report = vmxml_core::check(&xml);
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code == code && d.is_error()),
            "{code} not reported: {:?}",
            report.diagnostics
        );
        let path = out_dir().join(format!("modern-{code}.xml"));
        std::fs::write(&path, &xml).expect("write");
        let (ok, out) = run(Command::new("virsh")
            .args(["-q", "-c", "test:///default", "define"])
            .arg(&path));
        assert!(!ok, "libvirt accepted what vmxml calls {code}: {out}");
    }
}

/// What vmxml only warns about, libvirt's test driver accepts.
#[test]
fn libvirt_accepts_what_vmxml_only_warns_about() {
    if !tools_present() {
        return;
    }
    let vcpu4 = "<vcpu>4</vcpu>";
    let boot = format!(">{Q35}<boot dev='hd'/>");
    let cases = [
        (
            "W-SECURE-BOOT-NO-SMM",
            guest("warn-no-smm", "", vcpu4, &format!(">{Q35}<loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader><boot dev='hd'/>"), "", "", ""),
        ),
        (
            "W-SECURE-BOOT-NO-EFI",
            guest("warn-no-efi", "", vcpu4, &format!(">{Q35}<loader secure='yes' type='rom'>/usr/share/OVMF/OVMF_CODE.fd</loader><boot dev='hd'/>"), "<smm state='on'/>", "", ""),
        ),
        (
            "W-CPU-TOPOLOGY-VCPUS",
            guest("warn-topology", "", vcpu4, &boot, "", "<cpu mode='host-passthrough'><topology sockets='1' cores='2' threads='1'/></cpu>", ""),
        ),
        (
            "W-HUGEPAGE-SIZE",
            guest("warn-hugepage", "<memoryBacking><hugepages><page size='3000' unit='KiB'/></hugepages></memoryBacking>", vcpu4, &boot, "", "", ""),
        ),
    ];
    let dir = out_dir();
    for (code, xml) in cases {
        let report = vmxml_core::check(&xml);
        assert!(
            report.diagnostics.iter().any(|d| d.code == code),
            "{code} not reported: {:?}",
            report.diagnostics
        );
        assert!(
            !report.diagnostics.iter().any(|d| d.is_error()),
            "{code}: {:?}",
            report.diagnostics
        );
        let name = xml
            .split("<name>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_default();
        if let Err(e) = common::judge_text(&dir, &format!("modern-{code}"), &xml, name) {
            panic!("{e}");
        }
    }
}
