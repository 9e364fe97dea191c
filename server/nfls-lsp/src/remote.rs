//! `northflank-lsp remote status|diff|link PATH`: the platform link from the command line.
//!
//! The same work as the editor's `northflank.remote.*` commands (see [`engine`]), for scripts
//! and terminals. Exit status: 0 fine, 1 a difference or drift was found, 2 failure.

pub mod engine;

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nfls_ide::DocumentKind;
use nfls_ide::platform as ide_platform;

use self::engine::{ApiOptions, Failure, LinkPlan};

const HELP: &str = "\
northflank-lsp remote — the link between a file and the Northflank platform

USAGE:
    northflank-lsp remote status PATH [OPTIONS]
    northflank-lsp remote diff PATH [--against platform|git] [--fetch] [OPTIONS]
    northflank-lsp remote link PATH (--template ID | --create NAME) [--yes] [OPTIONS]
    northflank-lsp remote link PATH --project ID --pipeline ID [--stage NAME] [--yes] [OPTIONS]

COMMANDS:
    status    which platform objects the file is linked to, and whether it drifted from them
    diff      unified diff of the file against the platform's copy (default) or the git
              remote's copy (`origin/<branch>:<path>`, as already fetched; --fetch fetches first)
    link      link an existing template (--template) or create one (--create) from the file;
              a release flow to a pipeline's stage (--pipeline, --stage), a preview template
              to a pipeline (--pipeline), sending the file's content with the link; then write
              the `gitops` block into the file. Asks for confirmation on a terminal, --yes
              confirms without asking (required when stdin is not a terminal)

OPTIONS:
    --api-base-url URL    the API (default: NORTHFLANK_API_BASE_URL, else https://api.northflank.com)
    --token-file FILE     read the API token from FILE (after NORTHFLANK_API_TOKEN)
    --team ID             use the team-prefixed routes of team ID
    --project ID          the project whose pipelines hold release flows and preview templates
                          (default: NORTHFLANK_PROJECT_ID)
    --pipeline ID         link: the pipeline of a release flow or preview template
    --stage NAME          link: the stage of a release flow (Development, Staging, Production)
    --json                status: print the status as JSON

EXIT STATUS:
    0  in sync / done    1  difference or drift found    2  failure
";

#[derive(Debug, Default)]
struct Args {
    command: String,
    path: Option<PathBuf>,
    api: ApiOptions,
    against: Against,
    fetch: bool,
    template: Option<String>,
    create: Option<String>,
    pipeline: Option<String>,
    stage: Option<String>,
    yes: bool,
    json: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Against {
    #[default]
    Platform,
    Git,
}

fn parse(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut out = Args::default();
    let string = |parser: &mut lexopt::Parser| -> Result<String, String> {
        parser
            .value()
            .map_err(|e| e.to_string())?
            .into_string()
            .map_err(|v| format!("`{}` is not valid UTF-8", v.to_string_lossy()))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("help") | Short('h') => return Err(String::new()),
            Long("api-base-url") => out.api.base_url = Some(string(&mut parser)?),
            Long("token-file") => out.api.token_file = Some(string(&mut parser)?.into()),
            Long("team") => out.api.team_id = Some(string(&mut parser)?),
            Long("project") => out.api.project_id = Some(string(&mut parser)?),
            Long("against") => {
                out.against = match string(&mut parser)?.as_str() {
                    "platform" => Against::Platform,
                    "git" => Against::Git,
                    other => {
                        return Err(format!("`--against {other}`: expected `platform` or `git`"));
                    }
                }
            }
            Long("fetch") => out.fetch = true,
            Long("template") => out.template = Some(string(&mut parser)?),
            Long("create") => out.create = Some(string(&mut parser)?),
            Long("pipeline") => out.pipeline = Some(string(&mut parser)?),
            Long("stage") => out.stage = Some(string(&mut parser)?),
            Long("yes") | Short('y') => out.yes = true,
            Long("json") => out.json = true,
            Value(value) if out.command.is_empty() => {
                out.command = value.string().map_err(|e| e.to_string())?;
            }
            Value(value) if out.path.is_none() => out.path = Some(value.into()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if !matches!(out.command.as_str(), "status" | "diff" | "link") {
        return Err(if out.command.is_empty() {
            "say what to do: `status`, `diff` or `link`".to_owned()
        } else {
            format!(
                "`{}` is not a remote command: expected `status`, `diff` or `link`",
                out.command
            )
        });
    }
    if out.path.is_none() {
        return Err(format!("`remote {}` needs the path of a file", out.command));
    }
    if out.template.is_some() && out.create.is_some() {
        return Err("give either `--template ID` or `--create NAME`, not both".to_owned());
    }
    Ok(out)
}

pub fn main(args: Vec<OsString>) -> ExitCode {
    let args = match parse(args) {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            let _ = std::io::stdout().write_all(HELP.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            let _ = writeln!(
                std::io::stderr(),
                "northflank-lsp remote: {message}\n\nRun `northflank-lsp remote --help` for usage."
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "northflank-lsp remote: cannot start the async runtime: {err}"
            );
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    match runtime.block_on(run(&args, &mut out)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            let _ = out.flush();
            let _ = writeln!(
                std::io::stderr(),
                "northflank-lsp remote {}: {failure}",
                args.command
            );
            ExitCode::from(2)
        }
    }
}

/// The file as read from disk, its kind and git facts.
struct Target {
    path: PathBuf,
    text: String,
    kind: DocumentKind,
    facts: engine::FileFacts,
}

async fn load(path: &Path) -> Result<Target, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| Failure::Other(format!("cannot read `{}`: {err}", path.display())))?;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let shown = path.to_string_lossy().replace('\\', "/");
    let analysis = nfls_ide::analyze(&text, Some(&shown), &nfls_ide::AnalysisConfig::default());
    // A file we do not recognise is looked up among templates: that is where most links are.
    let kind = analysis
        .classification
        .as_ref()
        .map_or(DocumentKind::Template, |c| c.kind);
    let facts = engine::file_facts(path.clone()).await?;
    Ok(Target {
        path,
        text,
        kind,
        facts,
    })
}

async fn run(args: &Args, out: &mut impl Write) -> Result<u8, Failure> {
    let path = args.path.as_deref().unwrap_or(Path::new(""));
    let target = load(path).await?;
    let block = target.facts.gitops_block()?;
    let client = engine::client(&args.api)?;
    let project = engine::project_id(&args.api);
    let write_err = |e: std::io::Error| Failure::Other(format!("cannot write the output: {e}"));
    match args.command.as_str() {
        "status" => {
            let objects =
                engine::find_linked(&client, target.kind, &block, project.as_deref(), None).await?;
            if args.json {
                let status =
                    engine::status_json(Some(&target.facts), Some(&block), &objects, &target.text);
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&status).unwrap_or_default()
                )
                .map_err(write_err)?;
                return Ok(u8::from(status["drift"] == true));
            }
            let name = path.display();
            if objects.is_empty() {
                writeln!(
                    out,
                    "{name}: not linked to Northflank (a link would name {} {} branch `{}` file `{}`)",
                    block.vcs_service, block.repo_url, block.branch, block.file_path
                )
                .map_err(write_err)?;
                if matches!(
                    target.kind,
                    DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate
                ) && project.is_none()
                {
                    writeln!(out, "note: release flows and preview templates are found only with --project (or NORTHFLANK_PROJECT_ID)").map_err(write_err)?;
                }
                return Ok(0);
            }
            let mut drift = false;
            for object in &objects {
                writeln!(out, "{name}: {}", engine::linked_summary(object)).map_err(write_err)?;
                match object.differences(&target.text) {
                    Some(d) if d.is_empty() => {
                        writeln!(out, "  in sync with the platform").map_err(write_err)?
                    }
                    Some(d) => {
                        drift = true;
                        writeln!(
                            out,
                            "  drift: {}",
                            engine::drift_message(object, &d, target.facts.head_commit.as_deref())
                        )
                        .map_err(write_err)?;
                    }
                    None => writeln!(out, "  cannot compare: the file is not valid JSON")
                        .map_err(write_err)?,
                }
            }
            Ok(u8::from(drift))
        }
        "diff" => match args.against {
            Against::Platform => {
                let objects =
                    engine::find_linked(&client, target.kind, &block, project.as_deref(), None)
                        .await?;
                if objects.is_empty() {
                    return Err(Failure::Other(format!(
                        "`{}` is not linked to a Northflank object: link it first (`northflank-lsp remote link`)",
                        path.display()
                    )));
                }
                let mut found = false;
                for object in &objects {
                    if object
                        .differences(&target.text)
                        .is_some_and(|d| d.is_empty())
                    {
                        continue;
                    }
                    found = true;
                    let theirs = engine::platform_text(object, &target.text);
                    let diff = ide_platform::unified_diff(
                        &path.display().to_string(),
                        &target.text,
                        &format!("platform: {}", object.label()),
                        &theirs,
                    );
                    write!(out, "{diff}").map_err(write_err)?;
                }
                Ok(u8::from(found))
            }
            Against::Git => {
                let branch = target.facts.link_branch().unwrap_or("").to_owned();
                let copy = engine::git_copy(&target.facts, &branch, args.fetch).await?;
                let Some(theirs) = copy.text else {
                    writeln!(
                        out,
                        "{} has no file `{}`{}",
                        copy.rev,
                        target.facts.file_path,
                        if copy.fetched {
                            ""
                        } else {
                            " (as last fetched; --fetch fetches first)"
                        }
                    )
                    .map_err(write_err)?;
                    return Ok(1);
                };
                let diff = ide_platform::unified_diff(
                    &path.display().to_string(),
                    &target.text,
                    &format!("{}:{}", copy.rev, target.facts.file_path),
                    &theirs,
                );
                write!(out, "{diff}").map_err(write_err)?;
                Ok(u8::from(!diff.is_empty()))
            }
        },
        "link" => link(args, &target, &block, &client, out).await,
        _ => Err(Failure::Other(format!(
            "unknown command `{}`",
            args.command
        ))),
    }
}

async fn link(
    args: &Args,
    target: &Target,
    block: &ide_platform::GitopsBlock,
    client: &nfls_platform::Client,
    out: &mut impl Write,
) -> Result<u8, Failure> {
    let write_err = |e: std::io::Error| Failure::Other(format!("cannot write the output: {e}"));
    let pipeline_kind = matches!(
        target.kind,
        DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate
    );
    let what = target.kind.id().replace('-', " ");
    if !pipeline_kind && target.kind != DocumentKind::Template {
        return Err(Failure::Other(format!(
            "templates, release flows and preview templates can be linked from here; link this {what} in the Northflank UI (its GitOps settings)"
        )));
    }
    if pipeline_kind && (args.template.is_some() || args.create.is_some()) {
        return Err(Failure::Other(format!(
            "`--template` and `--create` are for templates, and this file is a {what}: say which pipeline with `--pipeline ID`{}",
            if target.kind == DocumentKind::ReleaseFlow {
                " and which stage with `--stage NAME`"
            } else {
                ""
            }
        )));
    }
    if !pipeline_kind && args.pipeline.is_some() {
        return Err(Failure::Other(format!(
            "`--pipeline` is for release flows and preview templates, and this file is a {what}: use `--template ID` or `--create NAME`"
        )));
    }
    if target.kind != DocumentKind::ReleaseFlow && args.stage.is_some() {
        return Err(Failure::Other(format!(
            "`--stage` is for release flows, and this file is a {what}"
        )));
    }
    // Work out the file edit first: if the block cannot be written, nothing is sent.
    let edit = ide_platform::gitops_edit(&target.text, &block.to_json()).map_err(|e| {
        Failure::Other(format!(
            "cannot write the `gitops` block into `{}`: {e}",
            target.path.display()
        ))
    })?;
    let plan = if pipeline_kind {
        pipeline_plan(args, target, block, client, out).await?
    } else {
        template_plan(args, target, block, client, out).await?
    };
    writeln!(out, "This request will be sent:\n{}", plan.describe()).map_err(write_err)?;
    for note in plan.caveats(&block.branch) {
        writeln!(out, "note: {note}").map_err(write_err)?;
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::Other(
                "refusing to link without confirmation: stdin is not a terminal; pass --yes to confirm".to_owned(),
            ));
        }
        write!(out, "Link? [y/N] ").map_err(write_err)?;
        out.flush().map_err(write_err)?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Failure::Other(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            writeln!(out, "cancelled: nothing was sent").map_err(write_err)?;
            return Ok(2);
        }
    }
    let done = plan.send(client).await?;
    // The platform accepted the link: now the file may change.
    let mut text = target.text.clone();
    text.replace_range(
        edit.range.start as usize..edit.range.end as usize,
        &edit.new_text,
    );
    std::fs::write(&target.path, text).map_err(|e| {
        Failure::Other(format!(
            "{} is linked, but the `gitops` block could not be written into `{}`: {e}",
            done.label_with_id(),
            target.path.display()
        ))
    })?;
    writeln!(
        out,
        "linked `{}` to {}; wrote the `gitops` block into the file — commit and push it",
        target.path.display(),
        done.label_with_id()
    )
    .map_err(write_err)?;
    Ok(0)
}

/// Which template to link (`--template`/`--create`), with a warning when its copy differs.
async fn template_plan(
    args: &Args,
    target: &Target,
    block: &ide_platform::GitopsBlock,
    client: &nfls_platform::Client,
    out: &mut impl Write,
) -> Result<LinkPlan, Failure> {
    let write_err = |e: std::io::Error| Failure::Other(format!("cannot write the output: {e}"));
    let plan = match (&args.template, &args.create) {
        (Some(id), _) => {
            let template = client.get_template(id).await?;
            let current = engine::fetch_object(
                client,
                &engine::ObjectKey::Template(id.clone()),
                &template.name,
            )
            .await?;
            if current
                .differences(&target.text)
                .is_none_or(|d| !d.is_empty())
            {
                writeln!(
                    out,
                    "warning: {} on Northflank holds a different version than this file; linking makes the file in Git (branch `{}`) overwrite the platform's copy",
                    current.label(),
                    block.branch
                )
                .map_err(write_err)?;
            }
            LinkPlan::update(&template.id, &template.name, block)
        }
        (None, Some(name)) => LinkPlan::create(name, block),
        (None, None) => {
            let templates = engine::list_templates(client).await?;
            let mut message =
                "say which template to link: `--template ID` or `--create NAME`".to_owned();
            if !templates.is_empty() {
                message.push_str("; templates: ");
                let names: Vec<String> = templates
                    .iter()
                    .take(20)
                    .map(|t| format!("{} ({})", t.id, t.name))
                    .collect();
                message.push_str(&names.join(", "));
            }
            return Err(Failure::Other(message));
        }
    };
    Ok(plan)
}

/// Which release flow or preview template to link (`--pipeline`, `--stage`), with a warning
/// when the platform's copy differs from the file.
async fn pipeline_plan(
    args: &Args,
    target: &Target,
    block: &ide_platform::GitopsBlock,
    client: &nfls_platform::Client,
    out: &mut impl Write,
) -> Result<LinkPlan, Failure> {
    let write_err = |e: std::io::Error| Failure::Other(format!("cannot write the output: {e}"));
    let project = engine::project_id(&args.api)
        .ok_or_else(|| Failure::Other(engine::no_project(target.kind, false)))?;
    let Some(pipeline_id) = &args.pipeline else {
        let pipelines = engine::list_pipelines(client, &project).await?;
        if pipelines.is_empty() {
            return Err(Failure::Other(format!(
                "project `{project}` has no pipelines: create one in the Northflank UI first"
            )));
        }
        let names: Vec<String> = pipelines
            .iter()
            .take(20)
            .map(|p| format!("{} ({})", p.id, p.name))
            .collect();
        return Err(Failure::Other(format!(
            "say which pipeline to link: `--pipeline ID`; pipelines of project `{project}`: {}",
            names.join(", ")
        )));
    };
    let pipeline_key = nfls_platform::PipelineKey::new(&project, pipeline_id);
    let pipeline = client.get_pipeline(&pipeline_key).await?;
    let (plan, current) = if target.kind == DocumentKind::ReleaseFlow {
        let stages = engine::pipeline_stages(client, &project, pipeline_id, &pipeline.name).await?;
        let available: Vec<&str> = stages
            .iter()
            .filter_map(|o| match &o.key {
                engine::ObjectKey::ReleaseFlow(k) => Some(k.stage.as_str()),
                _ => None,
            })
            .collect();
        if available.is_empty() {
            return Err(Failure::Other(format!(
                "pipeline `{pipeline_id}` has no release flow in any stage (Development, Staging, Production)"
            )));
        }
        let Some(wanted) = &args.stage else {
            return Err(Failure::Other(format!(
                "say which stage to link: `--stage NAME`; stages of pipeline `{pipeline_id}`: {}",
                available.join(", ")
            )));
        };
        let Some(stage) = engine::stage_name(wanted).filter(|s| available.contains(s)) else {
            return Err(Failure::Other(format!(
                "pipeline `{pipeline_id}` has no stage `{wanted}`: expected {}",
                available.join(", ")
            )));
        };
        let current = stages
            .into_iter()
            .find(|o| matches!(&o.key, engine::ObjectKey::ReleaseFlow(k) if k.stage == stage));
        let key = nfls_platform::ReleaseFlowKey::new(&project, pipeline_id, stage);
        let name = format!("{} / {stage}", pipeline.name);
        (
            LinkPlan::release_flow(key, &name, &target.text, block)?,
            current,
        )
    } else {
        let current =
            engine::current_preview_template(client, &pipeline_key, &pipeline.name).await?;
        (
            LinkPlan::preview_template(pipeline_key, &pipeline.name, &target.text, block)?,
            current,
        )
    };
    if let Some(current) = current
        && current
            .differences(&target.text)
            .is_none_or(|d| !d.is_empty())
    {
        writeln!(
            out,
            "warning: {} on Northflank holds a different version than this file; linking sends this file's content in its place",
            current.label()
        )
        .map_err(write_err)?;
    }
    Ok(plan)
}
