//! A department's guides made in the background: a worker thread runs the batch into a
//! private temporary folder while the progress page reads its counters; the guides and
//! the manifest are then packed into one ZIP file, and the folder holds nothing else.
//! The folder is removed when the job is forgotten (after [`KEEP_FOR`]) or
//! the server stops.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::mutex::lock;
use crate::app::batch::{BatchRequest, Outcome, Progress};
use crate::base::error::Error as BaseError;

/// How long an uploaded roster waits for *Lav guides*, and a finished batch for download.
pub const KEEP_FOR: Duration = Duration::from_secs(2 * 60 * 60);

/// One batch, running or done.
pub struct Job {
    /// The roster, as the browser named it (a label, never a path).
    pub origin: String,
    pub total: AtomicUsize,
    pub done: AtomicUsize,
    state: Mutex<State>,
    dir: tempfile::TempDir,
    started: Instant,
}

/// Where a job is.
#[derive(Clone)]
pub enum State {
    Running,
    Done {
        zip: PathBuf,
        zip_name: String,
        written: usize,
        failures: Vec<String>,
    },
    Failed(String),
}

impl Job {
    /// A job for the roster `origin`, with its own private temporary folder.
    pub fn new(origin: String) -> std::io::Result<Job> {
        let dir = tempfile::Builder::new().prefix("mus-serve-").tempdir()?;
        Ok(Job {
            origin,
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            state: Mutex::new(State::Running),
            dir,
            started: Instant::now(),
        })
    }

    pub fn state(&self) -> State {
        lock(&self.state).clone()
    }

    /// Where the guides go: inside the job's private folder.
    pub fn out_dir(&self) -> PathBuf {
        self.dir.path().join("guides")
    }

    /// Done (or failed) and older than [`KEEP_FOR`].
    pub fn expired(&self) -> bool {
        !matches!(self.state(), State::Running) && self.started.elapsed() > KEEP_FOR
    }

    /// Removes the job's files now (the server is stopping; the worker may still be
    /// writing, and what it writes next fails harmlessly).
    pub fn remove_files(&self) {
        let _ = std::fs::remove_dir_all(self.dir.path());
    }
}

/// Counts guides for the progress page.
struct Counter(Arc<Job>);

impl Progress for Counter {
    fn start(&self, total: usize) {
        self.0.total.store(total, Ordering::Relaxed);
    }
    fn done(&self, _outcome: &Outcome) {
        self.0.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `request` on a worker thread (the batch uses its own pool of threads, so the
/// server's threads stay free for other requests).
pub fn start(job: Arc<Job>, request: BatchRequest, zip_name: String) {
    std::thread::spawn(move || {
        let result =
            crate::app::batch::run(&request, &Counter(job.clone())).and_then(|(_, report)| {
                let written = report.summary.written + report.summary.unchanged;
                let failures: Vec<String> = report
                    .outcomes
                    .iter()
                    .filter_map(|o| match o {
                        Outcome::Failed { message, .. } => Some(message.clone()),
                        _ => None,
                    })
                    .collect();
                let zip = job.dir.path().join("guides.zip");
                pack(&request.out_dir, &zip).map_err(|e| BaseError::Io {
                    path: zip.clone(),
                    message: e.to_string(),
                })?;
                // Only the ZIP stays; the loose guides are personal data nobody needs.
                let _ = std::fs::remove_dir_all(&request.out_dir);
                Ok(State::Done {
                    zip,
                    zip_name,
                    written,
                    failures,
                })
            });
        let state =
            result.unwrap_or_else(|e| State::Failed(super::danish::field_error(&e).message));
        *lock(&job.state) = state;
    });
}

/// The folder's files (guides and manifest, in name order) into one ZIP file.
fn pack(dir: &Path, zip: &Path) -> std::io::Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut writer = zip::ZipWriter::new(File::create(zip)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    for name in names {
        writer
            .start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        writer.write_all(&std::fs::read(dir.join(&name))?)?;
    }
    writer.finish().map_err(std::io::Error::other)?.sync_all()
}
