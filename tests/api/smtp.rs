//! A small SMTP server on loopback for the tests (and the latency benchmark): it speaks enough
//! SMTP for lettre (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), hands over every message it
//! accepts, and can be told to refuse with a 4xx or 5xx answer.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

/// How long [`SmtpServer::receive`] waits before it gives up.
const PATIENCE: Duration = Duration::from_secs(10);

/// Where in a mail transaction the server refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The answer to `MAIL FROM`.
    Mail,
    /// The answer after the message's data.
    Data,
}

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    /// The message as sent: headers and encoded body, CRLF line ends.
    pub data: String,
}

impl Received {
    /// The value of the header `name`, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .lines()
            .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
            .map(|line| line[prefix.len()..].trim().to_owned())
    }

    /// The plain-text part, decoded.
    pub fn text(&self) -> String {
        part(&self.data, "text/plain")
    }

    /// The HTML part, decoded.
    pub fn html(&self) -> String {
        part(&self.data, "text/html")
    }
}

/// The part of type `content_type` of a multipart message as sent (CRLF line ends), decoded,
/// with `\n` line ends.
pub fn part(message: &str, content_type: &str) -> String {
    let start = message
        .find(&format!("Content-Type: {content_type}"))
        .unwrap_or_else(|| panic!("no {content_type} part in:\n{message}"));
    let (head, body) = message[start..]
        .split_once("\r\n\r\n")
        .expect("a part body");
    let body = &body[..body.find("\r\n--").unwrap_or(body.len())];
    let body = if head.contains("quoted-printable") {
        decode_quoted_printable(body)
    } else {
        body.to_owned()
    };
    body.replace("\r\n", "\n")
}

fn decode_quoted_printable(encoded: &str) -> String {
    let joined = encoded.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).expect("UTF-8 text")
}

/// A running server on `127.0.0.1`, on a thread of its own so that it answers whatever the
/// test's runtime is doing; dropping it closes the server and its connections.
pub struct SmtpServer {
    port: u16,
    refusals: Arc<Mutex<VecDeque<(Stage, u16)>>>,
    accepted: tokio::sync::Mutex<mpsc::UnboundedReceiver<Received>>,
    _running: oneshot::Sender<()>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Starts a server on `port` (0 for any free one).
    pub fn start_on(port: u16) -> Self {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("the SMTP port is free");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let refusals = Arc::new(Mutex::new(VecDeque::new()));
        let (sender, accepted) = mpsc::unbounded_channel();
        let (running, stopped) = oneshot::channel::<()>();
        let shared = refusals.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).unwrap();
                let serve = async {
                    while let Ok((stream, _)) = listener.accept().await {
                        tokio::spawn(converse(stream, shared.clone(), sender.clone()));
                    }
                };
                tokio::select! {
                    _ = stopped => {}
                    _ = serve => {}
                }
            });
        });
        Self {
            port,
            refusals,
            accepted: tokio::sync::Mutex::new(accepted),
            _running: running,
        }
    }

    /// `smtp://127.0.0.1:<port>`: plain SMTP, as the settings take it.
    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answers `code` at `stage` for the next `times` transactions that reach it.
    pub fn refuse(&self, stage: Stage, code: u16, times: usize) {
        let mut refusals = self.refusals.lock().unwrap();
        refusals.extend(std::iter::repeat_n((stage, code), times));
    }

    /// The next `count` messages accepted, in order; panics when they do not all arrive within
    /// ten seconds.
    pub async fn receive(&self, count: usize) -> Vec<Received> {
        let mut accepted = self.accepted.lock().await;
        let mut messages = Vec::with_capacity(count);
        while messages.len() < count {
            match tokio::time::timeout(PATIENCE, accepted.recv()).await {
                Ok(Some(message)) => messages.push(message),
                _ => panic!("{} of {count} messages arrived", messages.len()),
            }
        }
        messages
    }

    /// Panics if a message arrives within `during`.
    pub async fn assert_quiet(&self, during: Duration) {
        let mut accepted = self.accepted.lock().await;
        if let Ok(Some(message)) = tokio::time::timeout(during, accepted.recv()).await {
            panic!(
                "an unexpected message arrived: {:?}",
                message.header("Subject")
            );
        }
    }
}

/// The settings' URL for plain SMTP on loopback `port`.
pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

/// A loopback port that nothing listens on now.
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The distinct values of `header` over `messages`.
pub fn distinct(messages: &[Received], header: &str) -> HashSet<String> {
    messages
        .iter()
        .map(|m| m.header(header).unwrap_or_default())
        .collect()
}

/// One client connection, until it quits or goes away.
async fn converse(
    stream: TcpStream,
    refusals: Arc<Mutex<VecDeque<(Stage, u16)>>>,
    accepted: mpsc::UnboundedSender<Received>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let refused = |stage: Stage| {
        let mut refusals = refusals.lock().unwrap();
        match refusals.front() {
            Some(&(at, code)) if at == stage => {
                refusals.pop_front();
                Some(match code {
                    400..=499 => format!("{code} 4.3.0 try again later"),
                    _ => format!("{code} 5.7.1 refused by the test server"),
                })
            }
            _ => None,
        }
    };
    write.write_all(b"220 127.0.0.1 test SMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-127.0.0.1\r\n250 8BITMIME".to_owned(),
            "HELO" | "NOOP" => "250 OK".to_owned(),
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                "250 OK".to_owned()
            }
            "MAIL" => refused(Stage::Mail).unwrap_or_else(|| {
                from = address(&command);
                "250 OK".to_owned()
            }),
            "RCPT" => {
                to.push(address(&command));
                "250 OK".to_owned()
            }
            "DATA" => {
                write
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let reply = refused(Stage::Data).unwrap_or_else(|| {
                    let message = Received {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    };
                    let _ = accepted.send(message);
                    "250 OK queued".to_owned()
                });
                (from, to) = (String::new(), Vec::new());
                reply
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 command not implemented".to_owned(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// The address between `<` and `>` of a `MAIL FROM:` or `RCPT TO:` command.
fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
