//! The master key versions: one file `<version>.key` (64 hex digits, 0600) each, in one folder.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::sealing::MasterKey;

/// The master key versions in a folder, as far as this process has read them.
///
/// The newest version wraps new data keys; any version read since the process started unwraps,
/// so that keys wrapped by a version that a rotation has since retired stay readable to a
/// process that still holds it while the rotation re-wraps them.
pub struct MasterKeys {
    dir: PathBuf,
    loaded: RwLock<BTreeMap<u32, Arc<MasterKey>>>,
}

impl MasterKeys {
    /// The versions in `dir`; the folder and its first version are created when missing.
    pub fn open(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        let keys = MasterKeys {
            dir,
            loaded: RwLock::default(),
        };
        if keys.versions_on_disk()?.is_empty() {
            keys.create(1)?;
        }
        keys.reload()?;
        Ok(keys)
    }

    /// The newest version on disk now, and its key.
    pub fn current(&self) -> anyhow::Result<(u32, Arc<MasterKey>)> {
        let newest = *self
            .versions_on_disk()?
            .last()
            .ok_or_else(|| anyhow::anyhow!("no master key in {}", self.dir.display()))?;
        Ok((newest, self.get(newest)?))
    }

    /// Version `version`, read from disk when this process has not read it yet.
    pub fn get(&self, version: u32) -> anyhow::Result<Arc<MasterKey>> {
        if let Some(key) = self.loaded.read().expect("master keys lock").get(&version) {
            return Ok(key.clone());
        }
        self.reload()?;
        self.loaded
            .read()
            .expect("master keys lock")
            .get(&version)
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "master key version {version} is not in {}",
                    self.dir.display()
                )
            })
    }

    /// Creates the version after the newest on disk; answers it.
    pub fn create_next(&self) -> anyhow::Result<u32> {
        let next = self.versions_on_disk()?.last().map_or(1, |v| v + 1);
        self.create(next)?;
        self.reload()?;
        Ok(next)
    }

    /// Deletes the files of every version older than `kept`; answers the versions deleted.
    pub fn retire_before(&self, kept: u32) -> anyhow::Result<Vec<u32>> {
        let old: Vec<u32> = self
            .versions_on_disk()?
            .into_iter()
            .filter(|v| *v < kept)
            .collect();
        for version in &old {
            std::fs::remove_file(self.path(*version))?;
        }
        Ok(old)
    }

    fn create(&self, version: u32) -> anyhow::Result<()> {
        crate::secret_file::load_or_create(&self.path(version), || Ok(MasterKey::generate_hex()))
            .map(drop)
    }

    /// Reads the versions on disk that this process has not read yet.
    fn reload(&self) -> anyhow::Result<()> {
        for version in self.versions_on_disk()? {
            if self
                .loaded
                .read()
                .expect("master keys lock")
                .contains_key(&version)
            {
                continue;
            }
            let text = std::fs::read_to_string(self.path(version))?;
            let key = MasterKey::from_hex(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", self.path(version).display()))?;
            self.loaded
                .write()
                .expect("master keys lock")
                .insert(version, Arc::new(key));
        }
        Ok(())
    }

    /// The versions whose files are in the folder, oldest first.
    fn versions_on_disk(&self) -> anyhow::Result<Vec<u32>> {
        let mut versions = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let version = name
                .to_str()
                .and_then(|n| n.strip_suffix(".key"))
                .and_then(|n| n.parse::<u32>().ok());
            versions.extend(version);
        }
        versions.sort_unstable();
        Ok(versions)
    }

    fn path(&self, version: u32) -> PathBuf {
        self.dir.join(format!("{version}.key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sealing::DataKey;

    #[test]
    fn versions_are_created_in_order_and_old_ones_retired() {
        let dir = tempfile::tempdir().unwrap();
        let keys = MasterKeys::open(dir.path().join("master")).unwrap();
        let (first, key) = keys.current().unwrap();
        assert_eq!(first, 1);
        let wrapped = key.wrap(&DataKey::generate(), "k");
        assert_eq!(keys.create_next().unwrap(), 2);
        assert_eq!(keys.current().unwrap().0, 2);
        assert_eq!(keys.retire_before(2).unwrap(), vec![1]);
        // Still held by this process; a new process no longer has it.
        assert!(keys.get(1).unwrap().unwrap(&wrapped, "k").is_ok());
        let fresh = MasterKeys::open(dir.path().join("master")).unwrap();
        assert!(fresh.get(1).is_err());
        assert_eq!(fresh.current().unwrap().0, 2);
    }
}
