//! TLS to a backend, against a real TLS server (Python's `ssl`, serving recorded Loki pages)
//! with a certificate from a throwaway CA made by the `openssl` command: an untrusted
//! certificate is refused by default, and a trusted one (the CA given in `SSL_CERT_FILE`)
//! carries the whole protocol.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl command is needed (scripts/test installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A CA and a `localhost` server certificate it signed.
fn certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=logtriage test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ],
    );
}

struct Server {
    child: Child,
    port: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, responses: &[&str]) -> Server {
    let recorded = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded/loki");
    let mut child = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/tls_server.py"))
        .arg(dir.join("leaf.pem"))
        .arg(dir.join("leaf.key"))
        .args(
            responses
                .iter()
                .map(|r| format!("200:{}", recorded.join(r).display())),
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    Server {
        child,
        port: port.trim().to_string(),
    }
}

#[test]
fn certificates_are_verified_and_a_trusted_server_carries_the_protocol() {
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let server = serve(dir.path(), &["page1.json", "page2.json", "page3.json"]);
    let url = format!("loki+https://localhost:{}/app=mw?limit=3", server.port);

    // Not trusted: refused, blind, and the cause named.
    let o = Command::new(BIN)
        .args(["check", &url])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("TLS failed") && err.contains("UnknownIssuer"),
        "{err}"
    );
    assert!(
        !err.contains("after"),
        "a bad certificate is not retried: {err}"
    );

    // Trusted through SSL_CERT_FILE: every page arrives over TLS.
    let o = Command::new(BIN)
        .args(["report", "--format", "json", "--min-level", "any", &url])
        .env("SSL_CERT_FILE", dir.path().join("ca.pem"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["sources"][0]["events"], 6);
    assert_eq!(
        r["sources"][0]["name"]
            .as_str()
            .map(|n| n.starts_with("loki+https://localhost:")),
        Some(true),
        "{}",
        r["sources"][0]
    );
}
