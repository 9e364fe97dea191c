//! `nfls-fake-api`: runs the fake Northflank API for manual and editor end-to-end testing.
//!
//! Usage: `nfls-fake-api [--port N] [--seed FILE] [--token TOKEN] [--team TEAM_ID]`.
//! Prints the base URL on the first line of stdout, then serves until interrupted.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use nfls_fake_api::{FakeApi, Seed};

const USAGE: &str =
    "usage: nfls-fake-api [--port N] [--seed FILE] [--token TOKEN] [--team TEAM_ID]";

struct Args {
    port: u16,
    seed: Option<PathBuf>,
    token: Option<String>,
    team: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut args = Args {
        port: 0,
        seed: None,
        token: None,
        team: None,
    };
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("port") | Short('p') => {
                let value = parser.value().map_err(|e| e.to_string())?;
                let text = value.string().map_err(|e| e.to_string())?;
                args.port = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a port number"))?;
            }
            Long("seed") => {
                args.seed = Some(parser.value().map_err(|e| e.to_string())?.into());
            }
            Long("token") => {
                args.token = Some(
                    parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .string()
                        .map_err(|e| e.to_string())?,
                );
            }
            Long("team") => {
                args.team = Some(
                    parser
                        .value()
                        .map_err(|e| e.to_string())?
                        .string()
                        .map_err(|e| e.to_string())?,
                );
            }
            Long("help") | Short('h') => return Err(USAGE.to_owned()),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    Ok(args)
}

fn load_seed(args: &Args) -> Result<Seed, String> {
    let mut seed = match &args.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the seed file `{}`: {e}", path.display()))?;
            serde_json::from_str::<Seed>(&text).map_err(|e| {
                format!(
                    "the seed file `{}` is not a valid seed: {e}",
                    path.display()
                )
            })?
        }
        None => Seed::default(),
    };
    if let Some(token) = &args.token {
        seed.token = Some(token.clone());
    }
    if let Some(team) = &args.team {
        seed.team_id = Some(team.clone());
    }
    Ok(seed)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut stderr = std::io::stderr();
    let args = match parse_args() {
        Ok(a) => a,
        Err(message) => {
            let _ = writeln!(stderr, "{message}");
            return ExitCode::from(2);
        }
    };
    let seed = match load_seed(&args) {
        Ok(s) => s,
        Err(message) => {
            let _ = writeln!(stderr, "nfls-fake-api: {message}");
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let fake = match FakeApi::start_on(seed, addr).await {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(stderr, "nfls-fake-api: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", fake.base_url());
    let _ = stdout.flush();
    let _ = writeln!(
        stderr,
        "nfls-fake-api: serving; token `{}`, team `{}`; Ctrl-C stops",
        fake.token(),
        fake.team_id()
    );
    let _ = tokio::signal::ctrl_c().await;
    fake.shutdown().await;
    ExitCode::SUCCESS
}
