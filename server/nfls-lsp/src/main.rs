//! The `northflank-lsp` binary: the language server on stdio, and the same engine as a
//! command-line checker.

mod check;
mod logging;
mod malloc;
mod preview_cli;
mod remote;
mod repo_config;
mod server;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
northflank-lsp — language server and checker for Northflank templates and release flows

USAGE:
    northflank-lsp [serve] [--stdio]          run the language server on stdin/stdout
    northflank-lsp check [OPTIONS] PATH...    check files and folders, print diagnostics
    northflank-lsp preview [OPTIONS] [PATH...]  would a push run it? (exit 10 if so)
    northflank-lsp remote status|diff|link PATH  the file's link to the platform

CHECK OPTIONS:
    --format human|json    output style (default: human)
    --file-kind GLOB=KIND  treat files matching GLOB as KIND (template, release-flow,
                           preview-template, workflow, preview-blueprint, auto, none);
                           may be repeated
    --severity CODE=LEVEL  report CODE (e.g. arg/not-in-arguments) or a family (schema/*)
                           as error, warning, information or hint, or not at all (off);
                           may be repeated (syntax errors cannot be changed)
    --config FILE          read `files` and `diagnostics.severity` from FILE instead of
                           the nearest .northflank-lsp.json at or above the current folder
    --no-config            read no .northflank-lsp.json

OPTIONS:
    -h, --help       print this help
    -V, --version    print the version

EXIT STATUS (check):
    0  no errors    1  errors found    2  usage or I/O failure

ENVIRONMENT:
    NORTHFLANK_LSP_LOG    log filter for the server's stderr log: a level (e.g. info,
                          debug) or TARGET=LEVEL directives separated by commas
";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).peekable();
    let command = match args.peek().and_then(|arg| arg.to_str()) {
        Some("serve" | "check" | "remote" | "preview") => {
            args.next().and_then(|arg| arg.into_string().ok())
        }
        _ => None,
    };
    let rest: Vec<OsString> = args.collect();
    match command.as_deref() {
        Some("check") => check::main(rest),
        Some("remote") => remote::main(rest),
        Some("preview") => preview_cli::main(rest),
        _ => serve_main(rest),
    }
}

fn serve_main(args: Vec<OsString>) -> ExitCode {
    let mut parser = lexopt::Parser::from_args(args);
    loop {
        match parser.next() {
            Ok(None) => break,
            // Editor clients add `--stdio` (vscode-languageclient may add it twice).
            Ok(Some(lexopt::Arg::Long("stdio"))) => {}
            Ok(Some(lexopt::Arg::Short('h') | lexopt::Arg::Long("help"))) => {
                return print_stdout(HELP);
            }
            Ok(Some(lexopt::Arg::Short('V') | lexopt::Arg::Long("version"))) => {
                return print_stdout(&format!("northflank-lsp {}\n", env!("CARGO_PKG_VERSION")));
            }
            Ok(Some(other)) => {
                return usage_error(&other.unexpected().to_string());
            }
            Err(err) => return usage_error(&err.to_string()),
        }
    }
    malloc::limit_arenas();
    logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "northflank-lsp: cannot start the async runtime: {err}"
            );
            return ExitCode::from(2);
        }
    };
    runtime.block_on(server::run());
    // The client said `exit` (or closed stdin): end now, without waiting for background work
    // such as network requests that may still be in flight.
    std::process::exit(0);
}

fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn usage_error(message: &str) -> ExitCode {
    let _ = writeln!(
        std::io::stderr(),
        "northflank-lsp: {message}\n\nRun `northflank-lsp --help` for usage."
    );
    ExitCode::from(2)
}
