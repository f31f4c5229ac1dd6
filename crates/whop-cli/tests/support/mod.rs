//! Running the real `whop` binary against whop-mock served on loopback by the test process.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tokio::runtime::Runtime;
use whop_mock::{MockMembership, MockProduct, MockServer, MockUser, MockWhop, MockWhopBuilder};

/// The company API key the test world accepts.
pub(crate) const COMPANY_KEY: &str = "test-company-key-5f3a9c";
/// The user token the test world accepts; it belongs to [`USER_ID`].
pub(crate) const USER_TOKEN: &str = "test-user-token-81d2e7";
/// The owner of the test memberships.
pub(crate) const USER_ID: &str = "user_test000000001";
/// A valid membership of [`USER_ID`], its period ending in 12 days.
pub(crate) const ACTIVE_ID: &str = "mem_test000000001";
/// The license key of [`ACTIVE_ID`].
pub(crate) const ACTIVE_KEY: &str = "TEST-VALID-0001";
/// An expired membership of [`USER_ID`].
pub(crate) const EXPIRED_ID: &str = "mem_test000000002";
/// The license key of [`EXPIRED_ID`].
pub(crate) const EXPIRED_KEY: &str = "TEST-EXPIRED-0002";
/// A membership of another user: the test user token gets 404 for it.
pub(crate) const OTHER_ID: &str = "mem_test000000003";
/// The name of the test product.
pub(crate) const PRODUCT_NAME: &str = "Test Product";

/// How long a run of the binary may take before it is killed and the test fails.
const CHILD_TIMEOUT: Duration = Duration::from_secs(10);

/// The test world: whop-mock seeded with the memberships above, no rate limits.
pub(crate) fn world() -> MockWhop {
    world_builder().build()
}

/// The test world as Whop is now: every v2 route gone.
pub(crate) fn retired_world() -> MockWhop {
    world_builder().v2_retired(true).build()
}

/// [`world`], not yet built.
pub(crate) fn world_builder() -> MockWhopBuilder {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let day = 24 * 3600;
    MockWhop::builder()
        .company_token(COMPANY_KEY)
        .user_token(USER_TOKEN, USER_ID)
        .user(
            MockUser::new(USER_ID)
                .username("test_user")
                .email("test@example.com"),
        )
        .product(MockProduct::new(whop_mock::DEFAULT_PRODUCT_ID).name(PRODUCT_NAME))
        .membership(
            MockMembership::new(ACTIVE_ID)
                .user(USER_ID)
                .license_key(ACTIVE_KEY)
                // An hour past 12 days, so "in 12 days" holds however long the test takes.
                .renewal_period(Some(now - 18 * day), Some(now + 12 * day + 3600)),
        )
        .membership(
            MockMembership::new(EXPIRED_ID)
                .user(USER_ID)
                .license_key(EXPIRED_KEY)
                .status("expired", false),
        )
        .membership(MockMembership::new(OTHER_ID).user("user_test000000002"))
        .no_rate_limits()
}

/// whop-mock served on loopback, on its own runtime, for the life of the value.
pub(crate) struct Api {
    // Dropped before the runtime: the server stops, then its runtime.
    server: MockServer,
    _runtime: Runtime,
}

impl Api {
    /// Serves [`world`].
    pub(crate) fn start() -> Api {
        Api::serve(world())
    }

    /// Serves `mock`.
    pub(crate) fn serve(mock: MockWhop) -> Api {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let server = runtime
            .block_on(mock.serve())
            .expect("the mock serves on loopback");
        Api {
            server,
            _runtime: runtime,
        }
    }

    /// The mock behind the server, to seed faults and read state.
    pub(crate) fn mock(&self) -> &MockWhop {
        self.server.mock()
    }

    /// The API root to give the command.
    pub(crate) fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Serves [`retired_world`]: v2 answers as Whop does now.
    pub(crate) fn retired() -> Api {
        Api::serve(retired_world())
    }

    /// `whop` pointed at this API through `WHOP_BASE_URL`, with both test credentials in the
    /// environment: the Current API, the default.
    pub(crate) fn whop(&self) -> Whop {
        Whop::bare()
            .env("WHOP_BASE_URL", &self.base_url())
            .env("WHOP_API_KEY", COMPANY_KEY)
            .env("WHOP_USER_TOKEN", USER_TOKEN)
    }

    /// [`Api::whop`] with `WHOP_API=legacy`: the seed's v2/v5 calls.
    pub(crate) fn legacy(&self) -> Whop {
        self.whop().env("WHOP_API", "legacy")
    }
}

/// An API root on loopback where nothing listens: a port bound, then closed.
pub(crate) fn unreachable_base_url() -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/api")
}

/// One run of the `whop` binary.
pub(crate) struct Whop {
    command: Command,
    stdin: Option<Vec<u8>>,
}

impl Whop {
    /// `whop` with no `WHOP_*` variable inherited.
    pub(crate) fn bare() -> Whop {
        let mut command = Command::new(env!("CARGO_BIN_EXE_whop"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("WHOP_") {
                command.env_remove(name);
            }
        }
        command.env_remove("RUST_LOG");
        // Never the developer's own sign-in (`whop login`): a directory that does not exist.
        command.env(
            "WHOP_CONFIG_DIR",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("whop-no-config"),
        );
        Whop {
            command,
            stdin: None,
        }
    }

    /// [`Whop::bare`] with `WHOP_API=legacy`: the seed's v2/v5 calls.
    pub(crate) fn legacy() -> Whop {
        Whop::bare().env("WHOP_API", "legacy")
    }

    /// Gives the run `input` on its standard input (otherwise it reads nothing).
    #[allow(dead_code)] // only the webhook tests feed stdin; each test file compiles this module
    pub(crate) fn stdin(mut self, input: &[u8]) -> Whop {
        self.stdin = Some(input.to_vec());
        self
    }

    /// Sets a variable.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Whop {
        self.command.env(name, value);
        self
    }

    /// Removes a variable.
    pub(crate) fn env_remove(mut self, name: &str) -> Whop {
        self.command.env_remove(name);
        self
    }

    /// Runs with these arguments; kills the child if it takes longer than a few seconds.
    pub(crate) fn run(mut self, args: &[&str]) -> Outcome {
        let mut child = self
            .command
            .args(args)
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the whop binary starts");
        let writer = self.stdin.take().map(|input| {
            let mut pipe = child.stdin.take().expect("piped stdin");
            thread::spawn(move || {
                let _ = pipe.write_all(&input);
            })
        });
        let stdout = read_in_background(child.stdout.take().expect("piped stdout"));
        let stderr = read_in_background(child.stderr.take().expect("piped stderr"));
        let status = wait_bounded(&mut child, Instant::now(), &format!("whop {args:?}"));
        if let Some(writer) = writer {
            writer.join().expect("stdin writer");
        }
        Outcome {
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

impl Whop {
    /// Starts `whop` with these arguments and returns at once, its stderr read line by line
    /// (for `login --no-browser`, whose URL must be followed while it waits).
    #[allow(dead_code)] // only the login tests; each test file compiles this module
    pub(crate) fn spawn(mut self, args: &[&str]) -> Running {
        let mut child = self
            .command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the whop binary starts");
        let stdout = read_in_background(child.stdout.take().expect("piped stdout"));
        let (lines, receive) = std::sync::mpsc::channel();
        let mut pipe = std::io::BufReader::new(child.stderr.take().expect("piped stderr"));
        let stderr = thread::spawn(move || {
            use std::io::BufRead as _;
            let mut text = String::new();
            let mut line = String::new();
            while pipe.read_line(&mut line).unwrap_or(0) > 0 {
                text.push_str(&line);
                let _ = lines.send(std::mem::take(&mut line));
            }
            text
        });
        Running {
            child,
            stdout,
            stderr,
            lines: receive,
            started: Instant::now(),
        }
    }
}

/// A `whop` still running (from [`Whop::spawn`]).
#[allow(dead_code)]
pub(crate) struct Running {
    child: std::process::Child,
    stdout: thread::JoinHandle<String>,
    stderr: thread::JoinHandle<String>,
    lines: std::sync::mpsc::Receiver<String>,
    started: Instant,
}

#[allow(dead_code)]
impl Running {
    /// The first stderr line that starts with `prefix`, waiting for it.
    pub(crate) fn stderr_line_starting_with(&self, prefix: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(CHILD_TIMEOUT)
                .unwrap_or_else(|_| panic!("no stderr line starting with {prefix:?}"));
            if line.starts_with(prefix) {
                return line.trim_end().to_owned();
            }
        }
    }

    /// Waits for the command to end (killing it past the time limit).
    pub(crate) fn finish(mut self) -> Outcome {
        let status = wait_bounded(&mut self.child, self.started, "whop");
        Outcome {
            code: status.code(),
            stdout: self.stdout.join().expect("stdout reader"),
            stderr: self.stderr.join().expect("stderr reader"),
        }
    }
}

/// A GET as a browser sends it, to a plain-http loopback URL: the status and the `Location`.
#[allow(dead_code)]
pub(crate) fn browser_get(url: &str) -> (u16, Option<String>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(host).expect("the server listens");
    stream
        .set_read_timeout(Some(CHILD_TIMEOUT))
        .expect("a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let location = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("location")
            .then(|| value.trim().to_owned())
    });
    (status, location)
}

/// Waits for `child` (`what` names it in the panic), killing it once [`CHILD_TIMEOUT`] has
/// passed since `started`.
fn wait_bounded(child: &mut std::process::Child, started: Instant, what: &str) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("waiting for whop") {
            return status;
        }
        if started.elapsed() > CHILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran longer than {CHILD_TIMEOUT:?} and was killed");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The exit code (`None` if killed by a signal).
    pub(crate) code: Option<i32>,
    /// Everything on stdout.
    pub(crate) stdout: String,
    /// Everything on stderr.
    pub(crate) stderr: String,
}

impl Outcome {
    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub(crate) fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts stdout starts with `prefix`, showing stdout when it does not.
    #[track_caller]
    pub(crate) fn assert_stdout_starts_with(&self, prefix: &str) -> &Self {
        assert!(self.stdout.starts_with(prefix), "{}", self.stdout);
        self
    }

    /// The one line on stderr, asserting it is one `whop: error:` line.
    #[track_caller]
    pub(crate) fn error_line(&self) -> &str {
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(
            line.starts_with("whop: error: ") && !line.contains('\n'),
            "not one error line: {:?}",
            self.stderr
        );
        line
    }
}
