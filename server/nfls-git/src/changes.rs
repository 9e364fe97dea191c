//! Changed paths: of one commit, of a range, of the uncommitted work tree, and of a pending push;
//! plus reading a blob at `rev:path`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gix::bstr::{BStr, ByteSlice};
use gix::diff::tree_with_rewrites::Change as GixChange;
use gix::objs::tree::{EntryKind, EntryMode};
use gix::status::plumbing::index_as_worktree::{Change as WtChange, EntryStatus};
use gix::{ObjectId, Tree};

use crate::facts::{Repo, Upstream};
use crate::{GitError, Result};

/// What happened to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Moved, possibly with edits (git's default 50 % similarity); `old_path` holds the source.
    Renamed,
    /// Same path, different kind of entry (file ↔ symlink ↔ submodule). An executable-bit flip
    /// is a `Modified`, as in `git diff --name-status`.
    TypeChanged,
}

/// One changed path. Paths are relative to the work-tree root, `/`-separated, without a leading
/// slash; directories never appear (only the files inside them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Change {
    pub kind: ChangeKind,
    /// The path after the change (for deletions: the deleted path).
    pub path: String,
    /// For renames: the path before the change.
    pub old_path: Option<String>,
}

impl Change {
    /// Every path this change touches: both sides of a rename.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.old_path
            .as_deref()
            .into_iter()
            .chain(Some(self.path.as_str()))
    }
}

/// One commit and what it changed relative to its first parent (a root commit: relative to the
/// empty tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Complete message (subject and body), lossily decoded as UTF-8.
    pub message: String,
    pub changes: Vec<Change>,
}

/// The commits in `base..tip` and what they change.
///
/// Which of the two change sets Northflank evaluates path rules against is UNCONFIRMED (see the
/// format reference §5.1 item 5), so both are given: `union_paths` (every path touched by any
/// commit of the range, both sides of renames) and `net` (the diff of the two end trees, where a
/// file added and then deleted again does not appear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeChanges {
    /// Hex id `base` resolved to.
    pub base: String,
    /// Hex id `tip` resolved to.
    pub tip: String,
    /// Commits reachable from `tip` but not from `base`, oldest first (push order). Each merge
    /// commit is compared with its first parent.
    pub commits: Vec<CommitInfo>,
    /// Sorted, de-duplicated union of `commits[*].changes[*].paths()`.
    pub union_paths: Vec<String>,
    /// Tree diff `base` → `tip`.
    pub net: Vec<Change>,
}

/// What `git push` of the current branch would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingPush {
    /// HEAD is detached: there is no branch to push.
    Detached,
    /// The current branch has no upstream configured (`branch.<name>.merge`).
    NoUpstream { branch: String },
    /// An upstream is configured but its remote-tracking ref is missing locally (never fetched),
    /// so the commits the remote lacks cannot be computed offline.
    UpstreamNotFetched { upstream: Upstream },
    /// `upstream..HEAD` (empty `commits` when everything is pushed).
    Commits {
        upstream: Upstream,
        range: RangeChanges,
    },
}

/// Content of the blob at `rev:path` (e.g. `origin/main:platform/template.json`), read from the
/// object database. `Ok(None)` when the revision does not resolve, the path does not exist at that
/// revision, or names something other than a file. The revision is everything before the first
/// `:` (ref names cannot contain `:`); `:path` alone (the index) is not supported.
pub fn blob_at(repo: &Repo, rev_and_path: &str) -> Result<Option<Vec<u8>>> {
    let Some((rev, path)) = rev_and_path.split_once(':') else {
        return Ok(None);
    };
    let path = path.trim_start_matches('/');
    if rev.is_empty() || path.is_empty() {
        return Ok(None);
    }
    let Some(tree) = resolve_tree(repo, rev)? else {
        return Ok(None);
    };
    let Some(entry) = tree.lookup_entry_by_path(Path::new(path))? else {
        return Ok(None);
    };
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    let object = entry.object()?;
    Ok(Some(object.detach().data))
}

/// The changes of one commit (`rev` is anything `git rev-parse` understands, e.g. `HEAD~2`).
pub fn commit_changes(repo: &Repo, rev: &str) -> Result<CommitInfo> {
    let id = resolve_commit(repo, rev)?;
    commit_info(repo, id)
}

/// The commits of `base..tip` with their changes, and the net diff `base` → `tip`.
pub fn range_changes(repo: &Repo, base: &str, tip: &str) -> Result<RangeChanges> {
    let base_id = resolve_commit(repo, base)?;
    let tip_id = resolve_commit(repo, tip)?;
    range_between(repo, base_id, tip_id)
}

/// The uncommitted state (index and work tree, untracked-but-not-ignored files counted as added)
/// as if it were the next commit, compared with HEAD (the empty tree on an unborn branch).
///
/// Work-tree files are hashed as they are on disk: clean filters and CRLF conversion are not
/// applied (running filter drivers would execute configured commands). That only matters for
/// rename similarity; whether a file changed at all is decided by gix's status, which does apply
/// them. Submodule work trees are not inspected; their recorded commit counts.
pub fn working_tree_changes(repo: &Repo) -> Result<Vec<Change>> {
    // Object writes go to memory only: the repository on disk stays untouched.
    let mem = repo.inner.clone().with_object_memory();
    let head_tree = head_tree_id(&mem)?;
    let index = mem.index_or_empty()?;
    let mut editor = mem.edit_tree(ObjectId::empty_tree(mem.object_hash()))?;
    for entry in index.entries() {
        // Conflicted paths (stages 1–3) are taken from the work tree below, via their
        // `Conflict` status; sparse directory entries are not files.
        if entry.stage_raw() != 0 || entry.mode.is_sparse() {
            continue;
        }
        if let Some(mode) = entry.mode.to_tree_entry_mode() {
            editor.upsert(entry.path(&index), mode.kind(), entry.id)?;
        }
    }

    let status = mem
        .status(gix::progress::Discard)?
        .untracked_files(gix::status::UntrackedFiles::Files)
        .index_worktree_submodules(None)
        .index_worktree_rewrites(None)
        .into_index_worktree_iter(Vec::new())?;
    for item in status {
        use gix::status::index_worktree::Item;
        match item? {
            Item::Modification {
                rela_path, status, ..
            } => match status {
                EntryStatus::Change(WtChange::Removed) => {
                    editor.remove(&rela_path)?;
                }
                EntryStatus::Change(WtChange::Type { .. } | WtChange::Modification { .. })
                | EntryStatus::IntentToAdd
                | EntryStatus::Conflict { .. } => {
                    stage_from_disk(&mem, &repo.root, rela_path.as_ref(), &mut editor)?;
                }
                EntryStatus::Change(WtChange::SubmoduleModification(_))
                | EntryStatus::NeedsUpdate(_) => {}
            },
            Item::DirectoryContents { entry, .. } => {
                if matches!(entry.status, gix::dir::entry::Status::Untracked) {
                    stage_from_disk(&mem, &repo.root, entry.rela_path.as_ref(), &mut editor)?;
                }
            }
            Item::Rewrite {
                source,
                dirwalk_entry,
                copy,
                ..
            } => {
                // Not produced with rewrites off, but handled for completeness.
                if !copy {
                    editor.remove(source.rela_path())?;
                }
                stage_from_disk(
                    &mem,
                    &repo.root,
                    dirwalk_entry.rela_path.as_ref(),
                    &mut editor,
                )?;
            }
        }
    }
    let next_tree = mem.find_tree(editor.write()?.detach())?;
    let old = match head_tree {
        Some(id) => mem.find_tree(id)?,
        None => mem.empty_tree(),
    };
    diff_trees(&mem, &old, &next_tree)
}

/// What `git push` on the current branch would send: `upstream..HEAD`.
pub fn pending_push(repo: &Repo) -> Result<PendingPush> {
    let facts = crate::facts(repo, None)?;
    let Some(branch) = facts.branch else {
        return Ok(PendingPush::Detached);
    };
    let Some(upstream) = facts.upstream else {
        return Ok(PendingPush::NoUpstream { branch });
    };
    let tracking = match (&upstream.tracking_ref, upstream.tracking_ref_exists) {
        (Some(name), true) => name.clone(),
        _ => return Ok(PendingPush::UpstreamNotFetched { upstream }),
    };
    let base = resolve_commit(repo, &tracking)?;
    let Some(tip) = facts.head_commit else {
        // Unborn branch with an upstream: nothing to push yet.
        return Ok(PendingPush::Commits {
            range: RangeChanges {
                base: base.to_string(),
                tip: base.to_string(),
                commits: Vec::new(),
                union_paths: Vec::new(),
                net: Vec::new(),
            },
            upstream,
        });
    };
    let tip = resolve_commit(repo, &tip)?;
    let range = range_between(repo, base, tip)?;
    Ok(PendingPush::Commits { upstream, range })
}

fn range_between(repo: &Repo, base: ObjectId, tip: ObjectId) -> Result<RangeChanges> {
    let r = &repo.inner;
    let mut ids = Vec::new();
    for info in r.rev_walk([tip]).with_hidden([base]).all()? {
        ids.push(info?.id);
    }
    // The walk yields newest first; a push is read oldest first.
    ids.reverse();
    let mut commits = Vec::with_capacity(ids.len());
    let mut union = BTreeSet::new();
    for id in ids {
        let info = commit_info(repo, id)?;
        for change in &info.changes {
            union.extend(change.paths().map(str::to_owned));
        }
        commits.push(info);
    }
    let base_tree = r.find_commit(base)?.tree()?;
    let tip_tree = r.find_commit(tip)?.tree()?;
    Ok(RangeChanges {
        base: base.to_string(),
        tip: tip.to_string(),
        commits,
        union_paths: union.into_iter().collect(),
        net: diff_trees(r, &base_tree, &tip_tree)?,
    })
}

fn commit_info(repo: &Repo, id: ObjectId) -> Result<CommitInfo> {
    let r = &repo.inner;
    let commit = r.find_commit(id)?;
    let tree = commit.tree()?;
    let parent_tree = match commit.parent_ids().next() {
        Some(parent) => r.find_commit(parent)?.tree()?,
        None => r.empty_tree(),
    };
    Ok(CommitInfo {
        id: id.to_string(),
        message: commit.message_raw_sloppy().to_str_lossy().into_owned(),
        changes: diff_trees(r, &parent_tree, &tree)?,
    })
}

fn resolve_commit(repo: &Repo, rev: &str) -> Result<ObjectId> {
    let unknown = || GitError::UnknownRevision {
        rev: rev.to_owned(),
    };
    let id = repo.inner.rev_parse_single(rev).map_err(|_| unknown())?;
    let object = id.object()?;
    let commit = object.peel_to_commit().map_err(|_| unknown())?;
    Ok(commit.id)
}

fn resolve_tree<'r>(repo: &'r Repo, rev: &str) -> Result<Option<Tree<'r>>> {
    let Ok(id) = repo.inner.rev_parse_single(rev) else {
        return Ok(None);
    };
    Ok(id.object()?.peel_to_tree().ok())
}

fn head_tree_id(repo: &gix::Repository) -> Result<Option<ObjectId>> {
    let head = repo.head()?;
    if head.is_unborn() {
        return Ok(None);
    }
    Ok(Some(repo.head_commit()?.tree_id()?.detach()))
}

/// Hash the work-tree file at `rela_path` into the (in-memory) object store and put it into the
/// tree being built; a file that vanished in the meantime is removed.
fn stage_from_disk(
    repo: &gix::Repository,
    root: &Path,
    rela_path: &BStr,
    editor: &mut gix::object::tree::Editor<'_>,
) -> Result<()> {
    let fs_path = to_fs_path(root, rela_path);
    let meta = match std::fs::symlink_metadata(&fs_path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            editor.remove(rela_path)?;
            return Ok(());
        }
        Err(source) => {
            return Err(GitError::Io {
                path: fs_path,
                source,
            });
        }
    };
    let io = |source| GitError::Io {
        path: fs_path.clone(),
        source,
    };
    let (kind, data) = if meta.file_type().is_symlink() {
        let target = std::fs::read_link(&fs_path).map_err(io)?;
        let bytes = gix::path::into_bstr(target)?.into_owned();
        (EntryKind::Link, Vec::from(bytes))
    } else if meta.is_file() {
        let data = std::fs::read(&fs_path).map_err(io)?;
        (file_kind(&meta), data)
    } else {
        // A directory (nested repository) or a special file: not something a commit holds.
        return Ok(());
    };
    let id = repo.write_blob(&data)?.detach();
    editor.upsert(rela_path, kind, id)?;
    Ok(())
}

#[cfg(unix)]
fn file_kind(meta: &std::fs::Metadata) -> EntryKind {
    use std::os::unix::fs::PermissionsExt;
    if meta.permissions().mode() & 0o111 != 0 {
        EntryKind::BlobExecutable
    } else {
        EntryKind::Blob
    }
}

#[cfg(not(unix))]
fn file_kind(_meta: &std::fs::Metadata) -> EntryKind {
    EntryKind::Blob
}

fn to_fs_path(root: &Path, rela_path: &BStr) -> PathBuf {
    let mut path = root.to_path_buf();
    for part in rela_path.split_str("/") {
        path.push(&*part.to_os_str_lossy());
    }
    path
}

/// Tree diff with git's default rename detection (50 % similarity, no copies), reduced to file
/// entries and sorted by path for stable output.
fn diff_trees(repo: &gix::Repository, old: &Tree<'_>, new: &Tree<'_>) -> Result<Vec<Change>> {
    let mut options = gix::diff::Options::default();
    options
        .track_path()
        .track_rewrites(Some(gix::diff::Rewrites::default()));
    let raw = repo.diff_tree_to_tree(old, new, options)?;
    let mut out: Vec<Change> = raw.into_iter().filter_map(convert).collect();
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(&b.kind)));
    Ok(out)
}

fn convert(change: GixChange) -> Option<Change> {
    let text = |b: &BStr| b.to_str_lossy().into_owned();
    let simple = |kind, location: &BStr| Change {
        kind,
        path: text(location),
        old_path: None,
    };
    match change {
        GixChange::Addition {
            location,
            entry_mode,
            ..
        } => (!entry_mode.is_tree()).then(|| simple(ChangeKind::Added, location.as_ref())),
        GixChange::Deletion {
            location,
            entry_mode,
            ..
        } => (!entry_mode.is_tree()).then(|| simple(ChangeKind::Deleted, location.as_ref())),
        GixChange::Modification {
            location,
            previous_entry_mode,
            entry_mode,
            ..
        } => match (previous_entry_mode.is_tree(), entry_mode.is_tree()) {
            (true, true) => None,
            (true, false) => Some(simple(ChangeKind::Added, location.as_ref())),
            (false, true) => Some(simple(ChangeKind::Deleted, location.as_ref())),
            (false, false) => {
                let kind = if same_type(previous_entry_mode, entry_mode) {
                    ChangeKind::Modified
                } else {
                    ChangeKind::TypeChanged
                };
                Some(simple(kind, location.as_ref()))
            }
        },
        GixChange::Rewrite {
            source_location,
            source_entry_mode,
            location,
            entry_mode,
            copy,
            ..
        } => {
            if entry_mode.is_tree() || source_entry_mode.is_tree() {
                return None;
            }
            if copy {
                return Some(simple(ChangeKind::Added, location.as_ref()));
            }
            Some(Change {
                kind: ChangeKind::Renamed,
                path: text(location.as_ref()),
                old_path: Some(text(source_location.as_ref())),
            })
        }
    }
}

/// Blob and executable blob are the same type; an executable-bit flip is a modification.
fn same_type(a: EntryMode, b: EntryMode) -> bool {
    let class = |m: EntryMode| match m.kind() {
        EntryKind::Blob | EntryKind::BlobExecutable => 0,
        EntryKind::Link => 1,
        EntryKind::Commit => 2,
        EntryKind::Tree => 3,
    };
    class(a) == class(b)
}
