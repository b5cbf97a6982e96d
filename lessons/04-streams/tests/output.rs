//! The lesson prints exactly what the book shows, and what its asyncio original prints; its
//! server and client also talk to asyncio's.

use std::process::Command;

#[test]
fn output_matches_snapshot() {
    let output = lesson_check::run_lesson(env!("CARGO_BIN_EXE_lesson-04"), &[]);
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_snapshot!("lesson-04", output);
    });
}

#[test]
fn output_matches_the_asyncio_original() {
    lesson_check::assert_same_output_as_original(
        env!("CARGO_BIN_EXE_lesson-04"),
        env!("CARGO_MANIFEST_DIR"),
    );
}

/// An asyncio client: sends lines, reads each echo, ends with write_eof, expects the close.
const ASYNCIO_CLIENT: &str = r#"
import asyncio, sys

async def main(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for line in [b"hello from asyncio\n", b"second line\n"]:
        writer.write(line)
        await writer.drain()
        print("echo:", (await reader.readline()).decode(), end="")
    writer.write_eof()
    print("then:", await reader.read())
    writer.close()
    await writer.wait_closed()

asyncio.run(asyncio.wait_for(main(int(sys.argv[1])), 10))
"#;

#[test]
fn an_asyncio_client_talks_to_the_lesson_server() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lesson-04"));
    command.args(["--serve", "127.0.0.1:0"]);
    let server = lesson_check::Served::start(command);
    let port = server.addr.port();
    let Some(output) = lesson_check::python3(["-c", ASYNCIO_CLIENT, &port.to_string()]) else {
        return;
    };
    assert_eq!(
        lesson_check::stdout_of("the asyncio client", output),
        "echo: hello from asyncio\necho: second line\nthen: b''\n"
    );
}

#[test]
fn the_lesson_client_talks_to_an_asyncio_server() {
    let Some(command) = lesson_check::python3_command([
        concat!(env!("CARGO_MANIFEST_DIR"), "/original.py"),
        "--serve",
        "0",
    ]) else {
        return;
    };
    let server = lesson_check::Served::start(command);
    let output = lesson_check::run(Command::new(env!("CARGO_BIN_EXE_lesson-04")).args([
        "--connect",
        &server.addr.to_string(),
        "one",
        "two three",
    ]));
    assert_eq!(
        lesson_check::stdout_of("the lesson's client", output),
        "sent \"one\\n\" got back \"one\\n\"\nsent \"two three\\n\" got back \"two three\\n\"\n"
    );
}
