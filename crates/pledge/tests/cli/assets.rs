//! The binary carries its page assets: `pledge serve` started in an empty temporary folder
//! (no `assets/` anywhere near it, no `PLEDGE_ASSETS_DIR`) serves the stylesheet its pages
//! name, not a 404.

use super::harness::pledge;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// One GET over HTTP/1.1: the status, the response head (lower-cased) and the body.
fn get(port: u16, path: &str) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_ascii_lowercase(), body.to_owned()))
}

/// The server, killed and reaped when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_server_started_in_an_empty_folder_serves_its_styles() -> anyhow::Result<()> {
    let (dir, _cleanup) = pledge_test_support::temp_dir("cli", "assets")?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = pledge()
        .current_dir(&dir)
        .env_remove("PLEDGE_ASSETS_DIR")
        .args(["serve", "--database", "sqlite://pledge.db", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let _server = Serve(child);
    let start = Instant::now();
    let page = loop {
        if let Some((200, _, body)) = get(port, "/sign-in") {
            break body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "pledge serve did not answer on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        dir.join("pledge.db").is_file(),
        "the relative database is in the folder"
    );
    assert!(
        !dir.join("assets").exists(),
        "no assets folder beside the server"
    );

    let marker = "<link rel=\"stylesheet\" href=\"";
    let at = page.find(marker).map(|i| i + marker.len());
    let href = at
        .and_then(|i| page[i..].split('"').next())
        .unwrap_or_else(|| panic!("the page names no stylesheet:\n{page}"));
    assert!(
        href.starts_with("/assets/pledge.")
            && href.ends_with(".css")
            && href != "/assets/pledge.css",
        "{href} is a content-hashed name"
    );
    let (status, head, css) = get(port, href).unwrap_or_else(|| panic!("no answer for {href}"));
    assert_eq!(status, 200, "{href}: {head}");
    assert!(head.contains("content-type: text/css"), "{head}");
    assert!(
        head.contains("cache-control: public, max-age=31536000, immutable"),
        "{head}"
    );
    assert!(css.contains(".govuk-"), "the compiled GOV.UK styles");
    // Nothing is read from a folder: the plain name is not served.
    let plain = get(port, "/assets/pledge.css").map(|(s, _, _)| s);
    assert_eq!(plain, Some(404));
    Ok(())
}
