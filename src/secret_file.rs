//! Secrets kept in files (the token signing key, the search index key): read when present,
//! otherwise generated once and written readable by the owner only (0600).

use std::io::Write;
use std::path::Path;

/// The contents of `path`; when there is no such file, `generate`s them, writes them with mode
/// 0600 (creating the folder), and returns them. A concurrent creator wins and its file is read.
pub fn load_or_create(
    path: &Path,
    generate: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<String> {
    if !path.exists() {
        let contents = generate()?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Written whole under a name of its own, then linked into place: a replica starting at
        // the same moment sees either no file or the complete one, never a half-written one.
        let draft = path.with_extension(format!("{}.new", uuid::Uuid::new_v4().simple()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&draft)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        let linked = std::fs::hard_link(&draft, path);
        std::fs::remove_file(&draft)?;
        match linked {
            Ok(()) => tracing::info!(path = %path.display(), "generated a new secret file"),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
    }
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_private_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/secret");
        let first = load_or_create(&path, || Ok("one".into())).unwrap();
        let second = load_or_create(&path, || Ok("two".into())).unwrap();
        assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn replicas_starting_together_all_read_the_one_secret_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let read: Vec<String> = std::thread::scope(|scope| {
            let starts: Vec<_> = (0..16)
                .map(|i| {
                    let path = &path;
                    scope.spawn(move || {
                        load_or_create(path, || Ok(format!("secret-{i}-").repeat(4096))).unwrap()
                    })
                })
                .collect();
            starts.into_iter().map(|s| s.join().unwrap()).collect()
        });
        assert!(read.iter().all(|r| *r == read[0]), "replicas disagree");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), read[0]);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "drafts left"
        );
    }
}
