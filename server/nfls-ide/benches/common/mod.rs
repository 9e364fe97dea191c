//! What the benchmarks share: the 1 MB template from `../shared/bench/gen_template.py`.

use std::path::PathBuf;
use std::process::Command;

/// The generated template of about 1 MB, or `None` when `../shared` is absent.
pub fn generated() -> Option<String> {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/gen_template.py");
    if !script.is_file() {
        return None;
    }
    let output = Command::new("python3")
        .arg(script)
        .args(["--nodes", "800"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).ok())?
}
