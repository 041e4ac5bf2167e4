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
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(contents.as_bytes())?;
                file.sync_all()?;
                tracing::info!(path = %path.display(), "generated a new secret file");
            }
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
}
