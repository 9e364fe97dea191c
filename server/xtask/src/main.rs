//! Command line of the project chores (`cargo run -p xtask -- schemas [--check] [--api-dir DIR]`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

const USAGE: &str =
    "usage: cargo run -p xtask -- schemas [--check] [--api-dir DIR] [--out-dir DIR]";

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn run() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let Some(cmd) = args.next() else {
        bail!("{USAGE}");
    };
    if cmd != "schemas" {
        bail!("unknown command `{cmd}`\n{USAGE}");
    }
    let mut check = false;
    let mut api_dir = xtask::default_api_dir();
    let mut out_dir = xtask::default_out_dir();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--api-dir" => api_dir = PathBuf::from(args.next().context("--api-dir needs a value")?),
            "--out-dir" => out_dir = PathBuf::from(args.next().context("--out-dir needs a value")?),
            other => bail!("unknown option `{other}`\n{USAGE}"),
        }
    }
    let files = xtask::render_schemas(&api_dir)?;
    let stale = xtask::stale_files(&files, &out_dir)?;
    if check {
        if stale.is_empty() {
            println!("schemas are up to date ({} files)", files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("schemas differ from what the generator writes:");
        for name in &stale {
            eprintln!("  {}", out_dir.join(name).display());
        }
        eprintln!("run `cargo run -p xtask -- schemas` to regenerate");
        return Ok(ExitCode::from(1));
    }
    std::fs::create_dir_all(&out_dir).with_context(|| out_dir.display().to_string())?;
    for (name, text) in &files {
        let path = out_dir.join(name);
        std::fs::write(&path, text).with_context(|| path.display().to_string())?;
    }
    for name in &stale {
        if !files.contains_key(name) {
            std::fs::remove_file(out_dir.join(name))?;
        }
    }
    println!("wrote {} files to {}", files.len(), out_dir.display());
    Ok(ExitCode::SUCCESS)
}
