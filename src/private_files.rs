//! The portal's files are its user's alone: every file the process creates is 0600 and every
//! folder 0700, whatever umask it was started with (the SQLite database and its `-wal`/`-shm`,
//! the key store, the signing, search and master keys, evidence files, the `.eml` mail drop),
//! and the data folder is 0700.

use std::path::Path;

/// From now on, what this process creates is its user's alone (umask 077: files 0600, folders
/// 0700). Call first thing in `main`, before any other thread starts.
pub fn restrict_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets this process's file mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `folder` (0700) when missing, and narrows it to 0700 when it is open to others. A
/// folder this user may not change (a volume mounted by another owner) is left as it is, with
/// a warning: the files in it are still 0600.
pub fn secure_folder(folder: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
        let mode = std::fs::metadata(folder)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let narrowed = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700));
            if let Err(error) = narrowed {
                tracing::warn!(
                    folder = %folder.display(),
                    mode = format!("{mode:o}"),
                    %error,
                    "the data folder is open to other users and cannot be made 0700"
                );
            }
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(folder)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_or_open_folder_becomes_0700() {
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("a/b");
        secure_folder(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let open = root.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        secure_folder(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }
}
