//! `northflank-lsp preview`: would pushing run a template or release flow? For pre-push hooks.
//!
//! For every Northflank file of the repository (or the given paths), evaluates the trigger rules
//! (or template autorun) against a push read from git, prints each verdict with its reasons, and
//! exits 10 when something would run, so that a hook can ask before deploying.

// The engine is shared with the language server, whose module tree is private to `server`;
// declaring it here, at the crate root, makes it reachable from both.
#[path = "server/preview/engine.rs"]
pub(crate) mod engine;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nfls_schema::Associations;
use nfls_triggers::{LinkedObject, PullRequest, Verdict};
use serde_json::json;

use self::engine::{DocumentRules, Push, PushChoice, PushOptions};

const USAGE: &str = "\
northflank-lsp preview — would a push run a Northflank template, release flow or workflow?

USAGE:
    northflank-lsp preview [OPTIONS] [PATH...]

Evaluates every Northflank file of the repository (or the given files and folders) against a
push. By default the push is the pending one (upstream..HEAD), else the last commit (HEAD).

OPTIONS:
    --commit REV          the push is this one commit
    --range A..B          the push is the commits of A..B (e.g. what a pre-push hook receives)
    --working-tree        the push is the uncommitted state, as the next commit
    --branch B            the branch pushed to (default: the upstream's or the current branch)
    --pr                  the pushed branch has an open pull request
    --draft               ... and that pull request is a draft (with --pr)
    --format human|json   output style (default: human)
    --api-base-url URL    where to look up the platform objects linked to a file that carries
                          no rules itself (default: NORTHFLANK_API_BASE_URL, else the public API);
                          only with a token: NORTHFLANK_API_TOKEN or --token-file FILE
    --team ID / --project ID   team-prefixed routes / the project of release flows
    -h, --help            print this help

EXIT STATUS:
    0  nothing would run    10  something would run    2  usage, git or I/O failure
";

/// Exit status when something would run.
const WOULD_RUN: u8 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(Debug)]
struct Options {
    push: PushOptions,
    format: Format,
    paths: Vec<PathBuf>,
    /// Where to look up the platform objects linked to a file that carries no rules itself.
    api: crate::remote::engine::ApiOptions,
}

/// One evaluated file.
struct Previewed {
    display_path: String,
    rules: DocumentRules,
    verdicts: Vec<Verdict>,
}

pub fn main(args: Vec<OsString>) -> ExitCode {
    let options = match parse_args(args) {
        Ok(Some(options)) => options,
        Ok(None) => return write_out(USAGE, ExitCode::SUCCESS),
        Err(message) => {
            return fail(&format!(
                "{message}\n\nRun `northflank-lsp preview --help` for usage."
            ));
        }
    };
    match run(&options) {
        Ok((output, would_run)) => {
            let code = if would_run {
                ExitCode::from(WOULD_RUN)
            } else {
                ExitCode::SUCCESS
            };
            write_out(&output, code)
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "northflank-lsp preview: {message}");
    ExitCode::from(2)
}

fn write_out(text: &str, code: ExitCode) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => code,
        Err(_) => ExitCode::from(2),
    }
}

/// `Ok(None)` for `--help`.
fn parse_args(args: Vec<OsString>) -> Result<Option<Options>, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut choice: Option<(&str, PushChoice)> = None;
    let mut branch = None;
    let mut pr = false;
    let mut draft = false;
    let mut format = Format::Human;
    let mut paths = Vec::new();
    let mut api = crate::remote::engine::ApiOptions::default();
    let text = |value: OsString, what: &str| {
        value
            .into_string()
            .map_err(|_| format!("{what} must be valid UTF-8"))
    };
    while let Some(arg) = parser.next().map_err(|err| err.to_string())? {
        let (flag, chosen) = match arg {
            Long("commit") => {
                let rev = text(parser.value().map_err(|e| e.to_string())?, "--commit")?;
                ("--commit", PushChoice::Commit(rev))
            }
            Long("range") => {
                let range = text(parser.value().map_err(|e| e.to_string())?, "--range")?;
                ("--range", parse_range(&range)?)
            }
            Long("working-tree") => ("--working-tree", PushChoice::WorkingTree),
            Long("branch") => {
                let name = text(parser.value().map_err(|e| e.to_string())?, "--branch")?;
                if name.trim().is_empty() {
                    return Err("--branch needs a branch name".to_owned());
                }
                branch = Some(name.strip_prefix("refs/heads/").unwrap_or(&name).to_owned());
                continue;
            }
            Long("pr") => {
                pr = true;
                continue;
            }
            Long("draft") => {
                draft = true;
                continue;
            }
            Long("format") => {
                let value = parser.value().map_err(|e| e.to_string())?;
                format = match value.to_str() {
                    Some("human") => Format::Human,
                    Some("json") => Format::Json,
                    _ => {
                        return Err(format!(
                            "unknown format {value:?}: expected `human` or `json`"
                        ));
                    }
                };
                continue;
            }
            Long("api-base-url") => {
                api.base_url = Some(text(
                    parser.value().map_err(|e| e.to_string())?,
                    "--api-base-url",
                )?);
                continue;
            }
            Long("token-file") => {
                api.token_file = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?));
                continue;
            }
            Long("team") => {
                api.team_id = Some(text(parser.value().map_err(|e| e.to_string())?, "--team")?);
                continue;
            }
            Long("project") => {
                api.project_id = Some(text(
                    parser.value().map_err(|e| e.to_string())?,
                    "--project",
                )?);
                continue;
            }
            Short('h') | Long("help") => return Ok(None),
            Value(path) => {
                paths.push(PathBuf::from(path));
                continue;
            }
            other => return Err(other.unexpected().to_string()),
        };
        if let Some((previous, _)) = &choice {
            return Err(format!(
                "{previous} and {flag} both choose the push: give only one"
            ));
        }
        choice = Some((flag, chosen));
    }
    if draft && !pr {
        return Err("--draft describes the pull request of --pr: give --pr too".to_owned());
    }
    Ok(Some(Options {
        push: PushOptions {
            choice: choice.map(|(_, choice)| choice),
            branch,
            pull_request: pr.then(|| PullRequest {
                draft,
                labels: Vec::new(),
            }),
        },
        format,
        paths,
        api,
    }))
}

fn parse_range(range: &str) -> Result<PushChoice, String> {
    if range.contains("...") {
        return Err(format!(
            "`{range}`: a symmetric range (`...`) is not a push; use A..B"
        ));
    }
    let Some((base, tip)) = range.split_once("..") else {
        return Err(format!("`{range}` is not a range: expected A..B"));
    };
    if base.is_empty() {
        return Err(format!("`{range}` has no start: expected A..B"));
    }
    let tip = if tip.is_empty() { "HEAD" } else { tip };
    Ok(PushChoice::Range {
        base: base.to_owned(),
        tip: tip.to_owned(),
    })
}

/// Evaluates and renders; the flag says whether anything would run.
fn run(options: &Options) -> Result<(String, bool), String> {
    let start = match options.paths.first() {
        Some(path) => path.clone(),
        None => std::env::current_dir().map_err(|err| format!("current directory: {err}"))?,
    };
    let repo = engine::open_repository(&start)?;
    let push = engine::describe_push(&repo, &options.push)?;
    let mut previewed = Vec::new();
    if options.paths.is_empty() {
        let root = repo.root().to_path_buf();
        for file in crate::check::json_files(&root)? {
            let display = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/");
            if let Some(one) = preview_file(&file, display, &push, &options.api)? {
                previewed.push(one);
            }
        }
    } else {
        for path in &options.paths {
            let metadata =
                std::fs::metadata(path).map_err(|err| format!("{}: {err}", path.display()))?;
            if metadata.is_file() {
                let display = path.to_string_lossy().replace('\\', "/");
                match preview_file(path, display, &push, &options.api)? {
                    Some(one) => previewed.push(one),
                    None => {
                        let _ = writeln!(
                            std::io::stderr(),
                            "note: {}: not a Northflank document, skipped",
                            path.display()
                        );
                    }
                }
                continue;
            }
            for file in crate::check::json_files(path)? {
                let display = file.to_string_lossy().replace('\\', "/");
                if let Some(one) = preview_file(&file, display, &push, &options.api)? {
                    previewed.push(one);
                }
            }
        }
    }
    let would_run = previewed
        .iter()
        .any(|one| one.verdicts.iter().any(|verdict| verdict.would_run));
    let output = match options.format {
        Format::Human => render_human(&push, &previewed),
        Format::Json => render_json(&previewed),
    };
    Ok((output, would_run))
}

/// The platform objects linked to a file, whose rules apply when the file carries none of its
/// own (no `triggers`; for a template, no `gitops` block). Looked up only when a token is
/// configured; a failed lookup is a note on stderr, and the file is judged on its own.
fn linked_platform_objects(
    path: &Path,
    tree: &nfls_syntax::Tree,
    kind: nfls_schema::DocumentKind,
    api: &crate::remote::engine::ApiOptions,
) -> Vec<LinkedObject> {
    use crate::remote::engine::{self as platform, Failure};
    let root = tree.root().and_then(nfls_syntax::Value::as_object);
    let own_rules = root.is_some_and(|root| {
        root.get("triggers").is_some()
            || (kind == nfls_schema::DocumentKind::Template && root.get("gitops").is_some())
    });
    if own_rules {
        return Vec::new();
    }
    let client = match platform::client(api) {
        Ok(client) => client,
        Err(Failure::NoToken) => return Vec::new(),
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "note: {}: no platform lookup: {err}",
                path.display()
            );
            return Vec::new();
        }
    };
    let lookup = async {
        let facts = platform::file_facts(path.to_path_buf()).await?;
        let block = facts.gitops_block()?;
        let project = platform::project_id(api);
        platform::find_linked(&client, kind, &block, project.as_deref(), None).await
    };
    let found = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::Other(err.to_string()))
        .and_then(|runtime| runtime.block_on(lookup));
    match found {
        Ok(objects) => objects
            .into_iter()
            .map(|object| LinkedObject {
                id: object.name,
                document: object.document,
                run_in_progress: None,
            })
            .collect(),
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "note: {}: the platform lookup failed: {err}",
                path.display()
            );
            Vec::new()
        }
    }
}

/// `None` when the file is not a Northflank document.
fn preview_file(
    path: &Path,
    display_path: String,
    push: &Push,
    api: &crate::remote::engine::ApiOptions,
) -> Result<Option<Previewed>, String> {
    let bytes = std::fs::read(path).map_err(|err| format!("{}: {err}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let absolute = std::path::absolute(path)
        .map(|absolute| absolute.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| display_path.clone());
    let parse = nfls_syntax::parse(&text);
    let Some(classification) =
        nfls_schema::classify(&parse.tree, Some(&absolute), &Associations::defaults())
    else {
        return Ok(None);
    };
    let rules = engine::read_rules(
        &parse.tree,
        classification.kind,
        linked_platform_objects(path, &parse.tree, classification.kind, api),
    );
    let verdicts = engine::evaluate(&rules, &push.event)
        .into_iter()
        .map(|(_, verdict)| verdict)
        .collect();
    Ok(Some(Previewed {
        display_path,
        rules,
        verdicts,
    }))
}

fn answer(would_run: bool, approximate: bool) -> &'static str {
    match (would_run, approximate) {
        (true, false) => "would run",
        (true, true) => "would run (approximate)",
        (false, false) => "would not run",
        (false, true) => "would not run (approximate)",
    }
}

/// ```text
/// push: pushing 1 commit to main (origin/main..HEAD)
///
/// platform/flow.json (release flow): would run
///   trigger 1 (`app`): would run, starting now
///     ✓ pause: saw not paused — Git triggers are active
///
/// would run: platform/flow.json
/// ```
fn render_human(push: &Push, files: &[Previewed]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "push: {}", push.headline());
    let mut running = Vec::new();
    for file in files {
        let overall = nfls_triggers::overall(&file.verdicts);
        let _ = writeln!(
            out,
            "\n{} ({}): {}",
            file.display_path,
            file.rules.document_kind.label(),
            answer(overall.would_run, overall.approximate)
        );
        for line in nfls_triggers::render_explanation(&file.verdicts).lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "  {line}");
            }
        }
        if overall.would_run {
            running.push(if overall.approximate {
                format!("{} (approximate)", file.display_path)
            } else {
                file.display_path.clone()
            });
        }
    }
    out.push('\n');
    if files.is_empty() {
        out.push_str("no Northflank files found\n");
    } else if running.is_empty() {
        let _ = writeln!(
            out,
            "nothing would run ({} file{})",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
    } else {
        let _ = writeln!(out, "would run: {}", running.join(", "));
    }
    out
}

/// An array of `{path, subject, wouldRun, approximate, steps}`, one per verdict.
fn render_json(files: &[Previewed]) -> String {
    let items: Vec<_> = files
        .iter()
        .flat_map(|file| {
            file.verdicts.iter().map(move |verdict| {
                json!({
                    "path": file.display_path,
                    "subject": verdict.subject,
                    "wouldRun": verdict.would_run,
                    "approximate": verdict.approximate,
                    "steps": verdict.steps,
                })
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("abc..def"),
            Ok(PushChoice::Range {
                base: "abc".into(),
                tip: "def".into()
            })
        );
        assert_eq!(
            parse_range("origin/main.."),
            Ok(PushChoice::Range {
                base: "origin/main".into(),
                tip: "HEAD".into()
            })
        );
        assert_eq!(
            parse_range("a...b"),
            Err("`a...b`: a symmetric range (`...`) is not a push; use A..B".into())
        );
        assert_eq!(
            parse_range("..b"),
            Err("`..b` has no start: expected A..B".into())
        );
        assert_eq!(
            parse_range("main"),
            Err("`main` is not a range: expected A..B".into())
        );
    }

    #[test]
    fn conflicting_and_incomplete_options() {
        assert_eq!(
            parse(&["--commit", "HEAD", "--working-tree"]).unwrap_err(),
            "--commit and --working-tree both choose the push: give only one"
        );
        assert_eq!(
            parse(&["--draft"]).unwrap_err(),
            "--draft describes the pull request of --pr: give --pr too"
        );
        let options = parse(&["--pr", "--draft", "--branch", "refs/heads/dev", "x.json"])
            .unwrap()
            .unwrap();
        assert_eq!(options.push.branch.as_deref(), Some("dev"));
        assert_eq!(
            options.push.pull_request,
            Some(PullRequest {
                draft: true,
                labels: Vec::new()
            })
        );
        assert_eq!(options.paths, vec![PathBuf::from("x.json")]);
        assert!(parse(&["--help"]).unwrap().is_none());
    }
}
