//! What the server keeps between requests: its configuration, the secret its CSRF tokens
//! are made with, the logged-in sessions, rosters waiting for *Lav guides*, and batch jobs.
//! All of it in memory: a restart forgets it (and the temporary folders go with it).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::config::ServeConfig;
use super::jobs::{Job, KEEP_FOR};
use super::mutex::lock;
use super::render::Pages;
use crate::app::error::Result;

/// The shared state of the server; cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: ServeConfig,
    /// Makes CSRF tokens out of the browser's CSRF cookie (HMAC-SHA256).
    pub secret: [u8; 32],
    pub sessions: Mutex<HashSet<String>>,
    pub rosters: Mutex<HashMap<String, Pending>>,
    pub jobs: Mutex<HashMap<String, Arc<Job>>>,
    pub pages: Pages,
}

/// A roster checked and shown in the preview, kept until *Lav guides*.
pub struct Pending {
    pub label: String,
    pub bytes: Vec<u8>,
    pub sheet: Option<String>,
    pub date: Option<String>,
    pub since: Instant,
}

impl AppState {
    pub fn new(config: ServeConfig) -> Result<AppState> {
        let mut secret = [0u8; 32];
        super::random::fill_random(&mut secret);
        Ok(AppState(Arc::new(Inner {
            config,
            secret,
            sessions: Mutex::new(HashSet::new()),
            rosters: Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            pages: Pages::new()?,
        })))
    }

    pub fn config(&self) -> &ServeConfig {
        &self.0.config
    }

    /// Keeps `pending` under a new random key, dropping rosters older than [`KEEP_FOR`].
    pub fn keep_roster(&self, pending: Pending) -> String {
        let key = super::random::random_hex(16);
        let mut rosters = lock(&self.0.rosters);
        rosters.retain(|_, p| p.since.elapsed() < KEEP_FOR);
        rosters.insert(key.clone(), pending);
        key
    }

    pub fn take_roster(&self, key: &str) -> Option<Pending> {
        lock(&self.0.rosters).remove(key)
    }

    /// Starts tracking `job`, dropping (and so deleting the files of) finished jobs older
    /// than [`KEEP_FOR`].
    pub fn add_job(&self, key: String, job: Arc<Job>) {
        let mut jobs = lock(&self.0.jobs);
        jobs.retain(|_, j| !j.expired());
        jobs.insert(key, job);
    }

    pub fn job(&self, key: &str) -> Option<Arc<Job>> {
        lock(&self.0.jobs).get(key).cloned()
    }
}
