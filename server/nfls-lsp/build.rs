//! Places the functions a session runs next to each other, by giving the linker
//! `symbol-order.txt` (written by `tests/bench/symbol_order.py` from a release build).
//!
//! The kernel maps a binary's code in windows of 64 KB or more around each page a process
//! touches; scattered over 18 MB of text, the code a server runs at start-up and on its first
//! requests made 11 MB of the binary resident. Placed together it takes about 3 MB.
//!
//! Only where the linker is known to understand the option: x86_64-unknown-linux-gnu with the
//! toolchain's own linker (rust-lld, the default there since Rust 1.90 in toolchains that ship
//! it, as rustup's do) and no linker chosen by the user. Set `NORTHFLANK_LSP_NO_SYMBOL_ORDER=1` to leave it out. Names the file lists that the
//! binary lacks are ignored: a debug build has other names (it gets the option all the same,
//! so that every build, CI's included, shows the linker takes it), and after a dependency or
//! toolchain change the order degrades, the build does not fail.
#![allow(clippy::print_stdout)]

use std::env;
use std::path::Path;
use std::process::Command;

/// Whether rustc links this target with its own rust-lld by default: version 1.90 or later,
/// and the toolchain ships the linker (a distribution's rustc may not, and then links with the
/// system's `ld`, which does not know the option).
fn links_with_rust_lld(rustc: &str, target: &str) -> bool {
    let ask = |arg: &str| {
        Command::new(rustc)
            .arg(arg)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let minor = ask("--version").and_then(|version| {
        let number = version.split_whitespace().nth(1)?.to_owned();
        let mut parts = number.split('.');
        (parts.next()? == "1").then_some(())?;
        parts.next()?.parse::<u32>().ok()
    });
    let shipped = ask("--print=sysroot").is_some_and(|sysroot| {
        Path::new(&sysroot)
            .join("lib/rustlib")
            .join(target)
            .join("bin/gcc-ld/ld.lld")
            .is_file()
    });
    minor.is_some_and(|minor| minor >= 90) && shipped
}

fn main() {
    const ORDER: &str = "symbol-order.txt";
    println!("cargo::rerun-if-changed={ORDER}");
    println!("cargo::rerun-if-env-changed=NORTHFLANK_LSP_NO_SYMBOL_ORDER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS");
    let own_linker = env::var_os("RUSTC_LINKER").is_some()
        || ["linker", "fuse-ld", "link-self-contained"]
            .iter()
            .any(|flag| rustflags.contains(flag));
    let target = var("TARGET");
    let wanted = target == "x86_64-unknown-linux-gnu"
        && !own_linker
        && env::var_os("NORTHFLANK_LSP_NO_SYMBOL_ORDER").is_none()
        && links_with_rust_lld(&var("RUSTC"), &target);
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join(ORDER);
    if wanted && order.is_file() {
        println!(
            "cargo::rustc-link-arg-bin=northflank-lsp=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo::rustc-link-arg-bin=northflank-lsp=-Wl,--no-warn-symbol-ordering");
    }
}
