//! `mus serve`'s command line resolved: the address, who may connect (login token, host
//! names), the framework, templates and archive the pages work with. Refuses, before
//! anything listens, to serve a network address without a login token.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::app::error::{Error, Result};
use crate::base::error::Error as BaseError;
use crate::compose::templates::Templates;
use crate::model::framework::Framework;
use crate::signature::TrustAnchor;

/// The shortest login token accepted from a token file.
pub const MIN_TOKEN_CHARS: usize = 16;

/// `mus serve`'s options as given (the command line maps its arguments onto these; nothing
/// here knows clap).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub archive: Option<PathBuf>,
    pub open: bool,
    pub token_file: Option<PathBuf>,
    pub hosts: Vec<String>,
    pub framework: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub trust: Vec<PathBuf>,
}

/// Everything `mus serve` needs, resolved and checked.
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub archive: Option<PathBuf>,
    pub open: bool,
    /// The login token; `None` serves without a login (loopback only).
    pub token: Option<String>,
    /// Where the token came from, and whether `mus serve` made the file.
    pub token_file: Option<(PathBuf, bool)>,
    /// Host names (besides IP addresses and, on loopback, `localhost`) the server answers to.
    pub hosts: Vec<String>,
    pub framework: Framework,
    pub templates: Templates,
    /// The framework file (`--framework`), handed to the operations; `None` is built in.
    pub framework_path: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    pub anchors: Vec<TrustAnchor>,
    /// `SOURCE_DATE_EPOCH`, read at start: the guides' creation time, as on the command line.
    pub epoch: Option<i64>,
}

impl ServeConfig {
    pub fn from_options(args: &ServeOptions) -> Result<ServeConfig> {
        if !args.listen.ip().is_loopback() && args.token_file.is_none() {
            return Err(BaseError::Value {
                option: "--listen".into(),
                message: format!(
                    "{} can be reached from other machines, and mus serve listens there only \
                     with a login: give --token-file FILE (a new random token is written to \
                     FILE if it does not exist), or listen on 127.0.0.1",
                    args.listen
                ),
            }
            .into());
        }
        let token_file = match &args.token_file {
            Some(path) => Some((path.clone(), read_or_create_token(path)?)),
            None => None,
        };
        let token = match &token_file {
            Some((path, _)) => Some(read_token(path)?),
            None => None,
        };
        let framework = match &args.framework {
            Some(path) => Framework::from_path(path)?,
            None => Framework::builtin()?,
        };
        let templates = match &args.templates {
            Some(dir) => Templates::from_dir(dir)?,
            None => Templates::builtin()?,
        };
        let mut anchors = Vec::new();
        for file in &args.trust {
            anchors.extend(crate::signature::load_trust_anchors(file)?);
        }
        let mut hosts: Vec<String> = args.hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        if !args.listen.ip().is_loopback() {
            if let Some(name) = machine_name() {
                hosts.push(name);
            }
        }
        Ok(ServeConfig {
            listen: args.listen,
            archive: args.archive.clone(),
            open: args.open,
            token,
            token_file,
            hosts,
            framework,
            templates,
            framework_path: args.framework.clone(),
            templates_dir: args.templates.clone(),
            anchors,
            epoch: crate::app::inputs::source_date_epoch()?,
        })
    }

    /// A configuration for tests and embedding: loopback, built-in framework and templates.
    pub fn local(
        listen: SocketAddr,
        archive: Option<PathBuf>,
        token: Option<String>,
    ) -> Result<ServeConfig> {
        Ok(ServeConfig {
            listen,
            archive,
            open: false,
            token,
            token_file: None,
            hosts: Vec::new(),
            framework: Framework::builtin()?,
            templates: Templates::builtin()?,
            framework_path: None,
            templates_dir: None,
            anchors: Vec::new(),
            epoch: crate::app::inputs::source_date_epoch()?,
        })
    }
}

/// Makes the token file with a new random token when it does not exist (readable by its
/// owner only); returns whether it was made.
fn read_or_create_token(path: &Path) -> Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    let token = super::random::random_hex(24);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(format!("{token}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(path, e))?;
    Ok(true)
}

fn read_token(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let token = text.trim().to_string();
    if token.chars().count() < MIN_TOKEN_CHARS || token.chars().any(char::is_whitespace) {
        return Err(BaseError::Value {
            option: "--token-file".into(),
            message: format!(
                "{}: the token must be one word of at least {MIN_TOKEN_CHARS} characters \
                 (delete the file and mus serve writes a new random one)",
                path.display()
            ),
        }
        .into());
    }
    Ok(token)
}

/// This machine's host name, the name colleagues' browsers are likely to use.
fn machine_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())?;
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}
