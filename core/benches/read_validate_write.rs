//! Read, validate and write: a typical domain (libvirt's own test file for a QEMU guest) and
//! a generated 500-device domain. `cargo bench -p vmxml-core`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use vmxml_core::{xml, Diagnostics, Domain};

fn typical() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/libvirt-9.0.0/domainschemadata/domain-qemu-interface-filterref.xml"
    ))
    .expect("corpus file")
}

/// 500 devices of the modelled kinds, as a busy host's guest might list them.
pub fn five_hundred_devices() -> String {
    let mut d = String::from(
        "<domain type='kvm'>\n  <name>big</name>\n  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n  <memory unit='GiB'>64</memory>\n  <vcpu>16</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n    <boot dev='hd'/>\n  </os>\n  <devices>\n",
    );
    for i in 0..500u32 {
        let dev = match i % 5 {
            0 => format!("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/d{i}.qcow2'/><target dev='vd{i}' bus='virtio'/></disk>"),
            1 => format!("<interface type='network'><mac address='52:54:00:00:{:02x}:{:02x}'/><source network='default'/><model type='virtio'/></interface>", i / 256, i % 256),
            2 => format!("<serial type='tcp'><source mode='bind' host='127.0.0.1' service='{}'/><protocol type='telnet'/><target port='{i}'/></serial>", 10000 + i),
            3 => format!("<hostdev mode='subsystem' type='usb'><source><vendor id='0x{:04x}'/><product id='0xbeef'/></source></hostdev>", i),
            _ => "<input type='tablet' bus='usb'/>".to_string(),
        };
        d.push_str("    ");
        d.push_str(&dev);
        d.push('\n');
    }
    d.push_str("  </devices>\n</domain>\n");
    d
}

fn bench(c: &mut Criterion, label: &str, text: &str) {
    let doc = xml::parse(text).expect("well-formed");
    let domain = Domain::read(&doc.root, &mut Diagnostics::default());
    c.bench_function(&format!("{label}/read"), |b| {
        b.iter(|| {
            let doc = xml::parse(black_box(text)).expect("well-formed");
            Domain::read(&doc.root, &mut Diagnostics::default())
        })
    });
    c.bench_function(&format!("{label}/validate"), |b| {
        b.iter(|| vmxml_core::validate(black_box(&domain)))
    });
    c.bench_function(&format!("{label}/write"), |b| {
        b.iter(|| vmxml_core::write(black_box(&domain)))
    });
    c.bench_function(&format!("{label}/check"), |b| {
        b.iter(|| vmxml_core::check(black_box(text)))
    });
}

fn benches(c: &mut Criterion) {
    bench(c, "typical", &typical());
    bench(c, "500-devices", &five_hundred_devices());
}

criterion_group!(all, benches);
criterion_main!(all);
