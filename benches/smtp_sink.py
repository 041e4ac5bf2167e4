"""An SMTP server on loopback that accepts every message and keeps none, for the e-mail
benchmarks (`benches/mail_drain.sh`): it answers as a mail relay would, each command when its
line has arrived, the message once its final `.` line has. Prints the messages it took so far on
SIGUSR1, and when it is stopped (SIGTERM).

    python3 benches/smtp_sink.py PORT
"""
import asyncio
import signal
import sys

taken = 0


async def session(reader, writer):
    try:
        await converse(reader, writer)
    except ConnectionError:  # a client that leaves without QUIT
        pass
    writer.close()


async def converse(reader, writer):
    global taken
    writer.write(b"220 sink.example ESMTP\r\n")
    await writer.drain()
    while line := await reader.readline():
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            writer.write(b"250-sink.example\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif verb == b"DATA":
            writer.write(b"354 go on\r\n")
            await writer.drain()
            while (line := await reader.readline()) not in (b".\r\n", b""):
                pass
            taken += 1
            writer.write(b"250 taken\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()


async def main(port):
    server = await asyncio.start_server(session, "127.0.0.1", port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, lambda: print(f"messages taken: {taken}", flush=True))
    async with server:
        await stop.wait()
    print(f"messages taken: {taken}", flush=True)


asyncio.run(main(int(sys.argv[1])))
