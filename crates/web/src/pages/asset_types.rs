//! The Content-Type of each kind of page asset, by file extension. Shared by the build script
//! (which refuses to embed a file of a kind not listed, so nothing is served with a guessed
//! type) and the `/assets` route (which serves the development folder's files by it).

/// The Content-Type for a file name's extension, or `None` for a kind Pledge does not serve.
pub fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => return None,
    })
}
