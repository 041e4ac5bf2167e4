//! The evidence store: files encrypted as they stream in and decrypted as they stream out,
//! kept in an object store.
//!
//! The store is an [`object_store::ObjectStore`]: the local folder `<data_dir>/evidence/` by
//! default; an S3-compatible bucket for several replicas is the same interface (the crate's
//! `aws` feature and its `AmazonS3Builder`). Neither a file nor its plaintext is ever held
//! whole in memory: uploads go out in parts of [`PART_BYTES`], at most
//! [`PARTS_IN_FLIGHT`] at a time.

use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};

use crate::config::Settings;
use crate::error::ApiError;
use crate::sealing::{CryptoError, DataKey, Opener, Sealer};

/// Bytes per uploaded part (the minimum part size of S3-compatible stores).
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts of one upload written at once.
pub const PARTS_IN_FLIGHT: usize = 2;

/// Where evidence files are kept (each encrypted under its report's data key).
pub struct EvidenceStore {
    objects: Arc<dyn ObjectStore>,
}

impl EvidenceStore {
    /// The local store under `settings.evidence_path()` (created if missing).
    pub fn open(settings: &Settings) -> anyhow::Result<Self> {
        let folder = settings.evidence_path();
        std::fs::create_dir_all(&folder)?;
        Ok(Self {
            objects: Arc::new(LocalFileSystem::new_with_prefix(&folder)?),
        })
    }

    /// Starts storing a file at `location`, encrypted under `key`.
    pub async fn create(&self, key: &DataKey, location: &str) -> Result<SealedUpload, ApiError> {
        let path = Path::from(location);
        let upload = self
            .objects
            .put_multipart(&path)
            .await
            .map_err(storage_error)?;
        let mut upload = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let (sealer, header) = Sealer::new(key, location);
        upload.put(header.into());
        Ok(SealedUpload { upload, sealer })
    }

    /// The plaintext of the file at `location`, decrypted under `key` as it is read. A stored
    /// file that was altered ends the stream with an error.
    pub async fn read(
        &self,
        key: DataKey,
        location: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, ApiError>> + 'static, ApiError> {
        let stored = self
            .objects
            .get(&Path::from(location))
            .await
            .map_err(storage_error)?
            .into_stream();
        let opener = Opener::new(key, location);
        Ok(futures_util::stream::unfold(
            Some((stored, opener)),
            |state| async move {
                let (mut stored, mut opener) = state?;
                loop {
                    let plaintext = match stored.next().await {
                        Some(Ok(bytes)) => opener.push(&bytes),
                        Some(Err(e)) => return Some((Err(storage_error(e)), None)),
                        None => {
                            return Some((
                                opener.finish().map(Bytes::from).map_err(tampered),
                                None,
                            ));
                        }
                    };
                    match plaintext {
                        Ok(plaintext) if plaintext.is_empty() => continue,
                        Ok(plaintext) => {
                            return Some((Ok(Bytes::from(plaintext)), Some((stored, opener))));
                        }
                        Err(e) => return Some((Err(tampered(e)), None)),
                    }
                }
            },
        ))
    }

    /// Removes the file at `location` (a duplicate, or an upload that failed).
    pub async fn delete(&self, location: &str) {
        if let Err(error) = self.objects.delete(&Path::from(location)).await {
            tracing::warn!(%error, location, "could not delete an evidence file");
        }
    }
}

impl EvidenceStore {
    /// Removes every evidence file of `report_id` (a purged report); none left is not an error.
    pub async fn delete_report(&self, report_id: &str) -> Result<(), ApiError> {
        let prefix = Path::from(report_id);
        let mut files = self.objects.list(Some(&prefix));
        while let Some(file) = files.next().await {
            let file = file.map_err(storage_error)?;
            match self.objects.delete(&file.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(storage_error(error)),
            }
        }
        Ok(())
    }
}

/// Where a report's evidence file is stored.
pub fn location(report_id: &str, evidence_id: &str) -> String {
    format!("{report_id}/{evidence_id}")
}

/// A file being stored: plaintext goes in, encrypted parts go out to the store.
pub struct SealedUpload {
    upload: WriteMultipart,
    sealer: Sealer,
}

impl SealedUpload {
    /// Encrypts and stores more of the file, waiting while too many parts are being written.
    pub async fn write(&mut self, plaintext: &[u8]) -> Result<(), ApiError> {
        let sealed = self.sealer.push(plaintext).map_err(tampered)?;
        if !sealed.is_empty() {
            self.upload
                .wait_for_capacity(PARTS_IN_FLIGHT)
                .await
                .map_err(storage_error)?;
            self.upload.put(sealed.into());
        }
        Ok(())
    }

    /// Stores the rest and makes the file visible at its location.
    pub async fn finish(mut self) -> Result<(), ApiError> {
        let last = self.sealer.finish().map_err(tampered)?;
        self.upload.put(last.into());
        self.upload.finish().await.map(drop).map_err(storage_error)
    }

    /// Gives up, removing what was written.
    pub async fn abort(self) {
        if let Err(error) = self.upload.abort().await {
            tracing::warn!(%error, "could not clean up an aborted evidence upload");
        }
    }
}

fn storage_error(error: object_store::Error) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("evidence store: {error}"))
}

fn tampered(error: CryptoError) -> ApiError {
    ApiError::Internal(error.into())
}
