//! The platform link as plain data: the `gitops` block a file would carry (from git facts), the
//! edit that writes it into the file, the drift comparison between a file and the platform's
//! copy, and unified diffs. No I/O: git facts and platform documents arrive as values.

use std::fmt;

use nfls_schema::DocumentKind;
use nfls_syntax::{TextRange, parse};
use serde_json::{Map, Value};

use crate::types::TextEdit;

/// A version-control provider as the platform names it in `gitops.vcsService`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VcsService {
    Github,
    Gitlab,
    Bitbucket,
    Azure,
    SelfHosted,
}

impl VcsService {
    pub fn as_str(self) -> &'static str {
        match self {
            VcsService::Github => "github",
            VcsService::Gitlab => "gitlab",
            VcsService::Bitbucket => "bitbucket",
            VcsService::Azure => "azure",
            VcsService::SelfHosted => "self-hosted",
        }
    }

    /// The provider serving `host` (lower-case or not). Hosts other than the public services
    /// are self-hosted instances.
    pub fn for_host(host: &str) -> VcsService {
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        match host {
            "github.com" => VcsService::Github,
            "gitlab.com" => VcsService::Gitlab,
            "bitbucket.org" => VcsService::Bitbucket,
            "dev.azure.com" | "ssh.dev.azure.com" | "vs-ssh.visualstudio.com" => VcsService::Azure,
            h if h.ends_with(".visualstudio.com") => VcsService::Azure,
            _ => VcsService::SelfHosted,
        }
    }
}

impl fmt::Display for VcsService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The link fields of a `gitops` block, as the platform expects them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitopsBlock {
    pub vcs_service: VcsService,
    /// `https://host/owner/repo`, without credentials, port of an ssh URL or `.git`.
    pub repo_url: String,
    pub branch: String,
    /// From the repository root, with a leading `/`.
    pub file_path: String,
}

impl GitopsBlock {
    /// The block as JSON, keys in the order the platform writes them.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("vcsService".into(), Value::from(self.vcs_service.as_str()));
        map.insert("repoUrl".into(), Value::from(self.repo_url.clone()));
        map.insert("branch".into(), Value::from(self.branch.clone()));
        map.insert("filePath".into(), Value::from(self.file_path.clone()));
        Value::Object(map)
    }
}

/// Why no `gitops` block can be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitopsError {
    /// The remote URL has no host or no repository path.
    BadRemoteUrl(String),
    /// The branch name is empty.
    NoBranch,
    /// The path has characters the platform's `filePath` pattern refuses.
    BadFilePath(String),
}

impl fmt::Display for GitopsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitopsError::BadRemoteUrl(url) => write!(
                f,
                "the git remote URL `{}` does not name a repository on a host",
                strip_credentials(url)
            ),
            GitopsError::NoBranch => f.write_str("no branch is checked out (HEAD is detached)"),
            GitopsError::BadFilePath(path) => write!(
                f,
                "Northflank accepts only letters, digits, `-`, `.` and `_` in the segments of a linked file path, and `{path}` has others: rename the file to link it"
            ),
        }
    }
}

impl std::error::Error for GitopsError {}

/// Computes the `gitops` block for a file: `remote_url` as git has it (https, ssh or scp form),
/// the branch, and the file's path from the repository root.
pub fn gitops_block(
    remote_url: &str,
    branch: &str,
    file_path: &str,
) -> Result<GitopsBlock, GitopsError> {
    let (host, path) =
        split_remote(remote_url).ok_or_else(|| GitopsError::BadRemoteUrl(remote_url.to_owned()))?;
    let branch = branch.trim();
    let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    if branch.is_empty() {
        return Err(GitopsError::NoBranch);
    }
    let file_path = normalize_file_path(file_path);
    if !valid_file_path(&file_path) {
        return Err(GitopsError::BadFilePath(file_path));
    }
    let vcs_service = VcsService::for_host(host.split(':').next().unwrap_or(&host));
    Ok(GitopsBlock {
        vcs_service,
        repo_url: format!("https://{host}/{path}"),
        branch: branch.to_owned(),
        file_path,
    })
}

/// `https://host/owner/repo` for a git remote URL, or `None` when it has no host or path.
pub fn https_repo_url(remote_url: &str) -> Option<String> {
    let (host, path) = split_remote(remote_url)?;
    Some(format!("https://{host}/{path}"))
}

/// Removes `user:password@` from a URL so that it can be shown.
pub fn strip_credentials(url: &str) -> String {
    if let Some(pos) = url.find("://") {
        let (scheme, rest) = url.split_at(pos + 3);
        let end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            return format!("{scheme}{}", &rest[at + 1..]);
        }
    }
    url.to_owned()
}

/// (host[:port], owner/repo path) of a remote URL. Ports are kept for http(s) URLs (they are
/// part of the web address) and dropped for ssh ones (they name the ssh port).
fn split_remote(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let (authority, path, web) = if let Some(pos) = url.find("://") {
        let scheme = url[..pos].to_ascii_lowercase();
        let rest = &url[pos + 3..];
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        (authority, path, scheme == "https" || scheme == "http")
    } else {
        // scp form `user@host:owner/repo`: a colon before any slash.
        let colon = url.find(':')?;
        if url[..colon].contains('/') {
            return None;
        }
        (&url[..colon], &url[colon + 1..], false)
    };
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = match (web, host_port.rfind(':')) {
        (false, Some(colon)) => &host_port[..colon],
        _ => host_port,
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host.starts_with(':') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(last) = segments.last_mut() {
        *last = last.strip_suffix(".git").unwrap_or(last);
        if last.is_empty() {
            segments.pop();
        }
    }
    if segments.is_empty() {
        return None;
    }
    // Azure DevOps ssh remotes (`git@ssh.dev.azure.com:v3/org/project/repo`) have a different
    // path from the web address the platform wants.
    if (host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com")
        && segments.len() == 4
        && segments[0].eq_ignore_ascii_case("v3")
    {
        return Some((
            "dev.azure.com".to_owned(),
            format!("{}/{}/_git/{}", segments[1], segments[2], segments[3]),
        ));
    }
    Some((host, segments.join("/")))
}

/// `/a/b.json` form: forward slashes, one leading `/`, no empty or `.` segments.
pub fn normalize_file_path(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", segments.join("/"))
}

/// The platform's pattern `^\/([a-zA-Z0-9-._]+\/)*[a-zA-Z0-9-._]+$`.
fn valid_file_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    !rest.is_empty()
        && rest.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        })
}

/// Why the `gitops` block cannot be written into a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The file has syntax errors; an insertion could make matters worse.
    SyntaxErrors,
    /// The file's top level is not an object.
    NotAnObject,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::SyntaxErrors => f.write_str(
                "the file has JSON syntax errors: fix them before writing the `gitops` block",
            ),
            EditError::NotAnObject => f.write_str("the file's top level is not a JSON object"),
        }
    }
}

impl std::error::Error for EditError {}

/// The edit that writes `gitops` (a JSON value, usually [`GitopsBlock::to_json`]) into the
/// document as the platform would: it replaces the value of an existing top-level `gitops`
/// member, or inserts a member before `$schema`, or at the end of the root object. The block is
/// written in the file's own indentation (two spaces when it has none) and line endings.
pub fn gitops_edit(text: &str, gitops: &Value) -> Result<TextEdit, EditError> {
    let parsed = parse(text);
    if parsed
        .errors
        .iter()
        .any(|e| e.severity == nfls_syntax::Severity::Error)
    {
        return Err(EditError::SyntaxErrors);
    }
    let root = parsed
        .tree
        .root()
        .and_then(|root| root.as_object())
        .ok_or(EditError::NotAnObject)?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = member_indent(text, root).unwrap_or_else(|| "  ".to_owned());
    let rendered = render_value(gitops, &unit, 2, eol);

    if let Some(member) = root.member("gitops")
        && let Some(value) = member.value()
    {
        return Ok(TextEdit::replace(value.range(), rendered));
    }
    if let Some(schema) = root.member("$schema") {
        let start = schema.key_range().start;
        return Ok(TextEdit::insert(
            start,
            format!("\"gitops\": {rendered},{eol}{unit}"),
        ));
    }
    match root.members().last() {
        Some(last) => Ok(TextEdit::insert(
            last.range().end,
            format!(",{eol}{unit}\"gitops\": {rendered}"),
        )),
        None => {
            // `{}` or `{ }`: rewrite the whole object.
            let range = root.value().range();
            Ok(TextEdit::replace(
                range,
                format!("{{{eol}{unit}\"gitops\": {rendered}{eol}}}"),
            ))
        }
    }
}

/// The whitespace before the first top-level member on its line, when it starts a line.
pub(crate) fn member_indent(text: &str, root: nfls_syntax::Object<'_>) -> Option<String> {
    let first = root.members().next()?;
    let start = first.key_range().start as usize;
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    (!indent.is_empty() && indent.chars().all(|c| c == ' ' || c == '\t')).then(|| indent.to_owned())
}

/// Pretty JSON with `unit` per level, starting at `depth` (closing bracket at `depth - 1`).
/// Iterative, so deep values cannot overflow the stack.
pub(crate) fn render_value(value: &Value, unit: &str, depth: usize, eol: &str) -> String {
    enum Step<'a> {
        Value(&'a Value, usize),
        Text(String),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Value(value, depth)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Text(text) => out.push_str(&text),
            Step::Value(value, depth) => match value {
                Value::Object(map) if !map.is_empty() => {
                    out.push('{');
                    let close = format!("{eol}{}}}", unit.repeat(depth - 1));
                    stack.push(Step::Text(close));
                    let count = map.len();
                    for (i, (key, item)) in map.iter().enumerate().rev() {
                        if i + 1 < count {
                            stack.push(Step::Text(",".to_owned()));
                        }
                        stack.push(Step::Value(item, depth + 1));
                        stack.push(Step::Text(format!(
                            "{eol}{}{}: ",
                            unit.repeat(depth),
                            Value::String(key.clone())
                        )));
                    }
                }
                Value::Array(items) if !items.is_empty() => {
                    out.push('[');
                    stack.push(Step::Text(format!("{eol}{}]", unit.repeat(depth - 1))));
                    let count = items.len();
                    for (i, item) in items.iter().enumerate().rev() {
                        if i + 1 < count {
                            stack.push(Step::Text(",".to_owned()));
                        }
                        stack.push(Step::Value(item, depth + 1));
                        stack.push(Step::Text(format!("{eol}{}", unit.repeat(depth))));
                    }
                }
                Value::Object(_) => out.push_str("{}"),
                Value::Array(_) => out.push_str("[]"),
                scalar => out.push_str(&scalar.to_string()),
            },
        }
    }
    out
}

/// `value` as a whole document: two-space pretty JSON with a final newline.
pub fn render_document(value: &Value) -> String {
    let mut text = render_value(value, "  ", 1, "\n");
    text.push('\n');
    text
}

/// Top-level keys that never take part in the drift comparison: argument overrides are stored
/// on the platform only (encrypted, never in Git).
const IGNORED_TOP_LEVEL: &[&str] = &["argumentOverrides"];

/// The options keys the platform reports for templates, with the value it assumes when a file
/// leaves one out. Other template options (`runOnCreation`, `runOnUpdate`) are create-time or
/// UI-only flags that a fetched template never carries, so they cannot be compared.
const TEMPLATE_OPTIONS: [(&str, TemplateOptionDefault); 2] = [
    ("autorun", || Value::Bool(false)),
    ("concurrencyPolicy", || Value::from("allow")),
];

/// The value the platform assumes for a template option a file leaves out.
type TemplateOptionDefault = fn() -> Value;

/// `value` reduced to what the drift comparison looks at (see [`differences`]).
pub fn comparable(kind: DocumentKind, value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, item) in map {
        if IGNORED_TOP_LEVEL.contains(&key.as_str()) {
            continue;
        }
        let item = match (key.as_str(), item) {
            ("gitops", Value::Object(gitops)) => {
                let mut gitops = gitops.clone();
                gitops.remove("templateSha");
                Value::Object(gitops)
            }
            _ => item.clone(),
        };
        out.insert(key.clone(), item);
    }
    if matches!(kind, DocumentKind::Template) {
        let given = out.get("options").and_then(Value::as_object);
        let mut options = Map::new();
        for (key, default) in &TEMPLATE_OPTIONS {
            let value = given
                .and_then(|o| o.get(*key))
                .filter(|v| !v.is_null())
                .cloned()
                .unwrap_or_else(default);
            options.insert((*key).to_owned(), value);
        }
        out.insert("options".to_owned(), Value::Object(options));
    }
    Value::Object(out)
}

/// Where the file and the platform's copy differ, as JSON pointers (at most `limit`), after
/// [`comparable`] on both sides. Object key order never matters (JSON objects are unordered
/// and the platform reorders keys); array order does. Empty when there is no drift.
pub fn differences(
    kind: DocumentKind,
    local: &Value,
    platform: &Value,
    limit: usize,
) -> Vec<String> {
    let local = comparable(kind, local);
    let platform = comparable(kind, platform);
    let mut found = Vec::new();
    let mut stack: Vec<(String, &Value, &Value)> = vec![(String::new(), &local, &platform)];
    while let Some((pointer, a, b)) = stack.pop() {
        if found.len() >= limit {
            break;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().collect();
                keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
                // Reverse so that the stack pops them in document order.
                for key in keys.into_iter().rev() {
                    let child = format!("{pointer}/{}", escape_pointer(key));
                    match (x.get(key), y.get(key)) {
                        (Some(a), Some(b)) => stack.push((child, a, b)),
                        _ => stack.push((child, &ABSENT, &ABSENT)),
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (a, b)) in x.iter().zip(y).enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), a, b));
                }
            }
            _ if std::ptr::eq(a, &ABSENT) => found.push(pointer),
            (Value::Number(x), Value::Number(y)) => {
                // `1` and `1.0` are the same number to the platform.
                if x != y && x.as_f64() != y.as_f64() {
                    found.push(pointer);
                }
            }
            _ => {
                if a != b {
                    found.push(if pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        pointer
                    });
                }
            }
        }
    }
    found
}

/// A sentinel for "present on one side only" (compared by address).
static ABSENT: Value = Value::Null;

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `value` with the keys of every object put in the order of the matching object in `order`
/// (keys `order` lacks follow, in their own order). Used to show the platform's copy in the
/// file's key order, so that a diff shows content changes rather than reordering.
pub fn reorder_like(value: &Value, order: &Value) -> Value {
    let mut result = value.clone();
    reorder_in_place(&mut result, order);
    result
}

/// Iterative walk over (target, template) pairs, so deep values cannot overflow the stack.
fn reorder_in_place(target: &mut Value, order: &Value) {
    let mut work: Vec<(&mut Value, &Value)> = vec![(target, order)];
    while let Some((target, order)) = work.pop() {
        match (target, order) {
            (Value::Object(map), Value::Object(template)) => {
                let mut old = std::mem::take(map);
                for key in template.keys() {
                    if let Some(v) = old.shift_remove(key) {
                        map.insert(key.clone(), v);
                    }
                }
                for (key, v) in old {
                    map.insert(key, v);
                }
                for (key, v) in map.iter_mut() {
                    if let Some(t) = template.get(key) {
                        work.push((v, t));
                    }
                }
            }
            (Value::Array(items), Value::Array(template)) => {
                for (item, t) in items.iter_mut().zip(template) {
                    work.push((item, t));
                }
            }
            _ => {}
        }
    }
}

/// A unified diff (three lines of context) from `old` to `new`, with `---`/`+++` headers naming
/// them. Empty when the texts are equal.
pub fn unified_diff(old_name: &str, old: &str, new_name: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// The first line of `text` as a byte range (without its line break), for whole-file notes.
pub fn first_line(text: &str) -> TextRange {
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    TextRange::new(0, end as u32)
}
