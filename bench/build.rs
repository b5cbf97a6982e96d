//! Records which compiler built the benchmark, for the machine line of its markdown report.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(&rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
        .unwrap_or_else(|| format!("unknown ({rustc} --version failed)"));
    println!("cargo:rustc-env=AIO_BENCH_RUSTC={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
