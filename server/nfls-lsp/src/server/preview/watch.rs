//! A cheap fingerprint of the git state a push preview depends on: the modification times and
//! sizes of `HEAD`, the index, the current branch's ref, `packed-refs` and the remote-tracking
//! refs, plus the document's file on disk (a save matters when the working tree is the push).
//! Comparing fingerprints every few seconds costs a handful of `stat` calls and no git reads.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Equal stamps mean nothing the preview reads has changed (as far as `stat` can tell).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stamp(Vec<(PathBuf, Option<(SystemTime, u64)>)>);

/// The git directories of the work tree holding `file`: its own (`HEAD`, `index`) and the common
/// one (refs), which differ for linked work trees. `None` outside a repository.
fn git_dirs(file: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut dir = file.parent();
    while let Some(current) = dir {
        let dot_git = current.join(".git");
        if dot_git.is_dir() {
            return Some((dot_git.clone(), dot_git));
        }
        if dot_git.is_file() {
            // A linked work tree or submodule: `.git` is a file holding `gitdir: <path>`.
            let content = std::fs::read_to_string(&dot_git).ok()?;
            let target = content.trim().strip_prefix("gitdir:")?.trim();
            let git_dir = current.join(target);
            let common = std::fs::read_to_string(git_dir.join("commondir"))
                .ok()
                .map(|c| git_dir.join(c.trim()))
                .unwrap_or_else(|| git_dir.clone());
            return Some((git_dir, common));
        }
        dir = current.parent();
    }
    None
}

fn stat(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Stamps every file a directory holds, recursively (for the few files under `refs/remotes`).
/// Bounded, so that a repository with thousands of remote branches costs at most that many
/// `stat` calls per poll.
fn stat_tree(dir: &Path, out: &mut Vec<(PathBuf, Option<(SystemTime, u64)>)>) {
    const LIMIT: usize = 2_000;
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > LIMIT {
                return;
            }
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(_) => {
                    let stamp = stat(&path);
                    out.push((path, stamp));
                }
                Err(_) => {}
            }
        }
    }
    out.sort();
}

/// The fingerprint for a document at `file` (blocking: `stat` calls and one small read).
pub fn stamp(file: &Path) -> Stamp {
    let mut entries = vec![(file.to_path_buf(), stat(file))];
    if let Some((git_dir, common)) = git_dirs(file) {
        let head = git_dir.join("HEAD");
        entries.push((head.clone(), stat(&head)));
        entries.push((git_dir.join("index"), stat(&git_dir.join("index"))));
        entries.push((
            common.join("packed-refs"),
            stat(&common.join("packed-refs")),
        ));
        // The branch HEAD points to: a commit moves its ref file, not HEAD.
        if let Ok(content) = std::fs::read_to_string(&head)
            && let Some(reference) = content.trim().strip_prefix("ref:")
        {
            let path = common.join(reference.trim());
            let stamp = stat(&path);
            entries.push((path, stamp));
        }
        // Pushes and fetches move remote-tracking refs, which bound the pending push.
        stat_tree(&common.join("refs/remotes"), &mut entries);
    }
    Stamp(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_changes_with_head_and_refs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/refs/heads")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(root.join("flow.json"), "{}").unwrap();
        let file = root.join("flow.json");
        let before = stamp(&file);
        assert_eq!(before, stamp(&file));
        std::fs::write(root.join(".git/refs/heads/main"), "0123\n").unwrap();
        let after = stamp(&file);
        assert_ne!(before, after);
        std::fs::create_dir_all(root.join(".git/refs/remotes/origin")).unwrap();
        std::fs::write(root.join(".git/refs/remotes/origin/main"), "0123\n").unwrap();
        assert_ne!(after, stamp(&file));
    }

    #[test]
    fn linked_work_tree_reads_the_common_dir() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git_dir = root.join("main/.git/worktrees/wt");
        std::fs::create_dir_all(&git_dir).unwrap();
        std::fs::write(git_dir.join("commondir"), "../..\n").unwrap();
        std::fs::create_dir_all(root.join("wt")).unwrap();
        std::fs::write(
            root.join("wt/.git"),
            format!("gitdir: {}\n", git_dir.display()),
        )
        .unwrap();
        let (own, common) = git_dirs(&root.join("wt/flow.json")).unwrap();
        assert_eq!(own, git_dir);
        assert_eq!(
            common.canonicalize().unwrap(),
            root.join("main/.git").canonicalize().unwrap()
        );
    }
}
