//! Listening: bind the address, say where the pages are (and who may use them), open the
//! browser if asked, serve until Ctrl-C, then remove every temporary file.

use std::net::SocketAddr;

use super::config::ServeConfig;
use super::mutex::lock;
use super::router::router;
use super::state::AppState;
use crate::app::error::{Error, Result};
use crate::base::error::Error as BaseError;

/// Runs `mus serve` until Ctrl-C (or SIGTERM).
pub fn run(mut config: ServeConfig) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<tokio runtime>", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| BaseError::Value {
                option: "--listen".into(),
                message: format!("cannot listen on {}: {e}", config.listen),
            })?;
        // Port 0 asks for any free port: the one given is the one the Host check knows.
        config.listen = listener
            .local_addr()
            .map_err(|e| Error::io("<listener>", e))?;
        let url = url(config.listen);
        tell(&config, &url);
        let open = config.open;
        let state = AppState::new(config)?;
        if open {
            open_browser(&url);
        }
        let served = axum::serve(listener, router(state.clone()))
            .with_graceful_shutdown(stopped())
            .await;
        for job in lock(&state.0.jobs).values() {
            job.remove_files();
        }
        served.map_err(|e| Error::io("<server>", e))?;
        eprintln!("mus serve: stopped");
        Ok(())
    })
}

/// The address for a browser: `http://127.0.0.1:8717/`, `http://[::1]:8717/`.
fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/")
}

/// The address on standard output (for scripts), the rest on standard error.
fn tell(config: &ServeConfig, url: &str) {
    println!("{url}");
    eprintln!("mus serve: the pages are at {url} (Ctrl-C stops the server)");
    if !config.listen.ip().is_loopback() {
        eprintln!(
            "mus serve: {} can be reached from other machines on the network; every visitor \
             must log in with the token",
            config.listen
        );
    }
    if let Some((path, created)) = &config.token_file {
        if *created {
            eprintln!("mus serve: wrote a new login token to {}", path.display());
        } else {
            eprintln!(
                "mus serve: the login token is the one in {}",
                path.display()
            );
        }
    }
    if config.archive.is_none() {
        eprintln!("mus serve: no archive page (start with --archive DIR for one)");
    }
}

/// Opens `url` in the default browser; a failure only means the user opens it.
fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    if command.spawn().is_err() {
        eprintln!("mus serve: could not open a browser; open {url} yourself");
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
