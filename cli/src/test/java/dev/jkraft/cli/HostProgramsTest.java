package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dynamic programs a user already has, loaded through the host's ld.so from the read-only view
 * of the host's root, compared with their native runs: stdout and exit status.
 */
class HostProgramsTest {
    /** Under target/, which the guest sees through the host's root (its /tmp is a tmpfs of its own). */
    static Path fixture;

    @BeforeAll
    static void makeFixture() throws IOException {
        fixture = GuestRun.visibleTempDir("host-programs");
        Files.createDirectories(fixture.resolve("tree/sub/deeper"));
        Files.writeString(fixture.resolve("tree/a.txt"), "alpha\nbeta\ngamma\n");
        Files.writeString(fixture.resolve("tree/sub/b.txt"), "b\n");
        Files.createSymbolicLink(fixture.resolve("tree/link"), Path.of("a.txt"));
        // The interpreter runs these at a hundredth of native speed: smaller inputs, the same paths.
        boolean interp = TestPlatform.name().equals("interp");
        byte[] data = new byte[interp ? 512 << 10 : 3 << 20];
        new SplittableRandom(42).nextBytes(data);
        Files.write(fixture.resolve("tree/random.bin"), data);
        // Larger than the guest's page cache window and many read(2) calls long: 64 MiB (8 on interp).
        try (var out = Files.newOutputStream(fixture.resolve("big.bin"))) {
            var random = new SplittableRandom(64);
            byte[] mebibyte = new byte[1 << 20];
            for (int i = 0; i < (interp ? 8 : 64); i++) {
                random.nextBytes(mebibyte);
                out.write(mebibyte);
            }
        }
        Files.writeString(fixture.resolve("script.lua"), LUA_SCRIPT);
        Files.writeString(fixture.resolve("stdin.lua"), """
                local lines, words = 0, 0
                for line in io.lines() do
                    lines = lines + 1
                    for w in line:gmatch("%a+") do words = words + 1; io.write(w:upper(), " ") end
                end
                print(); print(lines, words)
                """);
        for (Path p : List.of(fixture.resolve("tree/a.txt"), fixture.resolve("tree/sub/b.txt"),
                fixture.resolve("tree/random.bin"))) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
        }
    }

    private static void same(String program, String... args) {
        sameWithStdin("one\ntwo\nthree\n", program, args);
    }

    private static void sameWithStdin(String stdin, String program, String... args) {
        Path p = Path.of(program);
        if (!Files.isExecutable(p)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(program + " is required in CI; .ci/run installs it");
            }
            Assumptions.abort("no " + program);
        }
        GuestRun run = new GuestRun(p, new ArrayList<>(List.of(args)), stdin.getBytes(StandardCharsets.UTF_8));
        GuestRun.Result host = run.onHost();
        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("stdout of %s %s; diagnostics:%n%s", program, List.of(args), guest.diagnostics())
                .isEqualTo(host.out());
        assertThat(guest.status()).as("status of %s %s", program, List.of(args)).isEqualTo(host.status());
    }

    @Test
    void lsLongListingOfAFixtureTree() {
        same("/bin/ls", "-la", "--time-style=+%Y", fixture.resolve("tree").toString());
        same("/bin/ls", "-R", fixture.resolve("tree").toString());
        same("/bin/ls", fixture.resolve("missing").toString());
    }

    @Test
    void coreutilsReadingFiles() {
        same("/usr/bin/sha256sum", fixture.resolve("tree/random.bin").toString(), fixture.resolve("tree/a.txt").toString());
        same("/bin/cat", fixture.resolve("tree/link").toString(), fixture.resolve("tree/sub/b.txt").toString());
        same("/usr/bin/wc", "-l", fixture.resolve("tree/a.txt").toString());
        same("/usr/bin/sort", "-r");
        same("/usr/bin/head", "-c", "100", fixture.resolve("tree/a.txt").toString());
        same("/usr/bin/stat", "-c", "%n %s %F %a", fixture.resolve("tree/a.txt").toString(),
                fixture.resolve("tree/sub").toString());
        same("/bin/echo", "dynamic", "glibc");
    }

    @Test
    void python3WithJsonReAndHashlib() {
        same("/usr/bin/python3", "-c", "import json, re, hashlib, sys; "
                + "print(json.dumps({'k': [1, 2.5, None]}, sort_keys=True)); "
                + "print(re.sub(r'(\\\\d+)', r'<\\\\1>', 'a1b22c333')); "
                + "print(hashlib.sha256(b'jkraft').hexdigest()); "
                + "print(sum(i * i for i in range(10000))); sys.exit(3)");
    }

    @Test
    void multithreadedCompressionAndSorting() throws IOException {
        // Programs that split their work over threads: sort's parallel merge, xz's block threads.
        Path numbers = fixture.resolve("numbers.txt");
        if (!Files.exists(numbers)) {
            StringBuilder b = new StringBuilder();
            var random = new SplittableRandom(7);
            for (int i = 0; i < 200_000; i++) {
                b.append(random.nextInt(1_000_000)).append('\n');
            }
            Files.writeString(numbers, b);
        }
        same("/usr/bin/sort", "--parallel=4", "-S", "4M", "-n", numbers.toString());
        same("/usr/bin/xz", "-T4", "--block-size=256KiB", "-3", "-c", fixture.resolve("tree/random.bin").toString());
        same("/usr/bin/python3", "-c", "from concurrent.futures import ThreadPoolExecutor\nimport hashlib\n"
                + "with ThreadPoolExecutor(8) as ex:\n"
                + "    print(sum(ex.map(lambda i: hashlib.sha256(str(i).encode()).digest()[0], range(3000))))");
    }

    @Test
    void python3Signals() throws IOException {
        // Handlers for an interval timer (sleep resumed after each, PEP 475), kill of itself,
        // a signal sent from another thread handled in the main one, sigwait, alarm.
        Path script = fixture.resolve("signals.py");
        Files.writeString(script, """
                import signal, time, os, threading
                hits = []
                signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
                signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
                t0 = time.monotonic()
                time.sleep(0.3)          # PEP 475: resumed after each handler
                signal.setitimer(signal.ITIMER_REAL, 0)
                print("slept >= 0.3:", time.monotonic() - t0 >= 0.3, "ticks >= 3:", len(hits) >= 3)
                signal.signal(signal.SIGUSR1, lambda s, f: hits.append(s))
                os.kill(os.getpid(), signal.SIGUSR1)
                print("usr1:", signal.SIGUSR1 in hits)
                def worker():
                    time.sleep(0.05)
                    os.kill(os.getpid(), signal.SIGUSR2)
                got = []
                signal.signal(signal.SIGUSR2, lambda s, f: got.append(threading.current_thread() is threading.main_thread()))
                threading.Thread(target=worker).start()
                time.sleep(0.2)
                print("usr2 handled in main thread:", got)
                print("sigwait:", signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1]) is not None)
                os.kill(os.getpid(), signal.SIGUSR1)
                print("waited:", signal.sigwait([signal.SIGUSR1]))
                try:
                    signal.alarm(1)
                    signal.signal(signal.SIGALRM, signal.default_int_handler)
                    time.sleep(3)
                except KeyboardInterrupt:
                    print("alarm raised KeyboardInterrupt")
                """);
        same("/usr/bin/python3", script.toString());
    }

    @Test
    void python3Threading() {
        // Threads (clone, futexes), a lock, a condition, a queue, a timer, and an event with a timeout.
        same("/usr/bin/python3", "-c", "import threading, queue, time\n"
                + "total = 0\nlock = threading.Lock()\n"
                + "def work(n):\n    global total\n    for i in range(n):\n        with lock:\n            total += 1\n"
                + "ts = [threading.Thread(target=work, args=(2000,)) for _ in range(8)]\n"
                + "[t.start() for t in ts]; [t.join() for t in ts]\nprint('total', total)\n"
                + "q = queue.Queue()\n"
                + "def producer():\n    for i in range(100):\n        q.put(i)\n    q.put(None)\n"
                + "threading.Thread(target=producer).start()\ns = 0\n"
                + "while True:\n    v = q.get()\n    if v is None:\n        break\n    s += v\nprint('queue', s)\n"
                + "fired = threading.Event()\nt = threading.Timer(0.05, fired.set); t.start()\n"
                + "print('timer', fired.wait(5))\nprint('timeout', threading.Event().wait(0.05))\n"
                + "print('threads left', threading.active_count())");
    }

    @Test
    void digestsOfA64MiBFile() {
        String big = fixture.resolve("big.bin").toString();
        same("/usr/bin/sha256sum", big);
        same("/usr/bin/md5sum", big);
        same("/usr/bin/b2sum", big);
    }

    /** Tables, closures, coroutines, string.format and patterns, integer and float math. */
    private static final String LUA_SCRIPT = """
            local t = {}
            for i = 1, 10 do t[i] = i * i end
            print(table.concat(t, ","), #t)
            local function counter() local n = 0; return function() n = n + 1; return n end end
            local c = counter(); c(); c(); print("closure", c())
            local co = coroutine.create(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
            print(coroutine.resume(co, 1)); print(coroutine.resume(co, 10)); print(coroutine.status(co))
            local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
            print(gen(), gen(), gen())
            print(string.format("%5.2f|%-6s|%x|%q|%g|%d", math.pi, "ab", 255, "q\\n", 1e20, -7))
            for k, v in string.gmatch("a=1, b=22, c=333", "(%w+)=(%d+)") do io.write(k, ":", v, " ") end
            print()
            print(string.gsub("hello world", "(o)", "[%1]"))
            print(string.find("key = value", "^(%w+)%s*=%s*(%w+)$"), ("x"):rep(3, "-"), ("Lua"):byte(1, -1))
            print(math.floor(7.9), math.max(3, 9, 1), 7 // 2, 7 % -3, 2^10, math.tointeger(5.0), math.type(1), math.type(1.0))
            print(math.sqrt(2), math.huge, -math.huge, math.mininteger, 1 / 3)
            local keys = {}
            for k in pairs({z = 1, a = 2, m = 3}) do keys[#keys + 1] = k end
            table.sort(keys)
            print(table.concat(keys, " "))
            local mt = setmetatable({}, {__index = function(_, k) return k .. "!" end, __call = function(_, x) return x * 2 end})
            print(mt.hi, mt(21))
            local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
            print(fib(20), select("#", 1, nil, 3), pcall(error, {code = 1}) == false)
            os.exit(4)
            """;

    @Test
    void lua54ScriptsFromTheCommandLineAFileAndStdin() {
        same("/usr/bin/lua5.4", "-e", LUA_SCRIPT);
        same("/usr/bin/lua5.4", fixture.resolve("script.lua").toString());
        sameWithStdin("the quick brown fox\njumps over\n\nthe lazy dog 42\n", "/usr/bin/lua5.4",
                fixture.resolve("stdin.lua").toString());
        same("/usr/bin/lua5.4", "-e", "error('boom')");
    }

    @Test
    void sqlite3InMemoryFedAScriptOnStdin() {
        sameWithStdin("""
                CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT);
                CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary REAL);
                INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'sales');
                INSERT INTO emp(name, dept, salary)
                    VALUES ('ann', 1, 120.5), ('bob', 1, 99), ('cat', 2, 80), ('dan', 3, 70.25), ('eve', 2, 85);
                SELECT d.name, count(*), sum(e.salary), printf('%.2f', avg(e.salary))
                    FROM emp e JOIN dept d ON e.dept = d.id GROUP BY d.name ORDER BY d.name;
                SELECT d.name, e.name FROM dept d LEFT JOIN emp e ON e.dept = d.id AND e.salary > 90 ORDER BY 1, 2;
                WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10)
                    SELECT group_concat(x, '-'), sum(x * x) FROM cnt;
                WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 50)
                    SELECT max(b) FROM fib;
                SELECT printf('%08.3f|%-5s|%x|%,d', 3.14159, 'ab', 255, 1234567);
                SELECT json_object('name', name, 'salary', salary) FROM emp ORDER BY id LIMIT 2;
                SELECT json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b'), json_array_length('[1,2,3]');
                SELECT json_group_array(name) FROM (SELECT name FROM emp ORDER BY name DESC);
                SELECT value FROM json_each('[10, 20, 30]') WHERE value > 15;
                SELECT name FROM emp WHERE salary > (SELECT avg(salary) FROM emp) ORDER BY name;
                SELECT hex('jk'), length(zeroblob(1000)), upper('abc') || lower('DEF'), substr('jkraft', 2, 3);
                SELECT * FROM no_such_table;
                """, "/usr/bin/sqlite3", ":memory:");
    }

    @Test
    void python3StandardLibraryModules() {
        String python = "/usr/bin/python3";
        same(python, "-c", "import json; d = {'a': [1, 2.5, None, True], 'b': {'c': 'x\\u00e9', 'd': []}}; "
                + "s = json.dumps(d, sort_keys=True, indent=1); print(s); print(json.loads(s) == d); "
                + "print(json.dumps(json.loads('[1e3, -0.0, \"x\\\\ny\", 12345678901234567890]')))");
        same(python, "-c", "import re; m = re.match(r'(?P<user>\\w+)@(?P<host>[\\w.]+)', 'ann@example.org rest'); "
                + "print(m.group('user'), m.group('host'), m.span(), m.groups(), m.groupdict()); "
                + "print(re.findall(r'(\\d+)-(\\d+)', '1-2 33-44 x-5')); print(re.split(r'[,;]\\s*', 'a, b;c')); "
                + "print(re.sub(r'(\\w)(\\w*)', lambda m: m.group(1).upper() + m.group(2), 'hello big world'))");
        same(python, "-c", "import hashlib; print(hashlib.sha256(b'jkraft' * 1000).hexdigest()); "
                + "print(hashlib.md5(b'jkraft').hexdigest()); "
                + "print(hashlib.blake2b(b'jkraft', digest_size=32).hexdigest()); "
                + "print(hashlib.blake2b(b'jkraft').hexdigest())");
        same(python, "-c", "import os, sys; t = sys.argv[1]; print(sorted(os.listdir(t))); "
                + "print(sorted(os.listdir(os.path.join(t, 'sub')))); "
                + "print(sorted((e.name, e.is_dir(), e.is_symlink()) for e in os.scandir(t)))",
                fixture.resolve("tree").toString());
        same(python, "-c", "import struct; b = struct.pack('<iHd4s', -2, 65535, 1.5, b'ab'); "
                + "print(b.hex(), struct.unpack('<iHd4s', b), struct.calcsize('@iq'), struct.pack('>Q', 2**64 - 1))");
        same(python, "-c", "import zlib; data = b'jkraft ' * 10000; c = zlib.compress(data, 9); "
                + "print(len(c), zlib.crc32(data), zlib.adler32(data), zlib.decompress(c) == data); "
                + "d = zlib.decompressobj(); print(len(d.decompress(c[:50]) + d.decompress(c[50:]) + d.flush()))");
    }

    @Test
    void python3UnixSockets() {
        // AF_UNIX from Python: socketpair with send_fds/recv_fds (a pipe passed and used), and a
        // server thread on a path in a fresh directory serving a client line by line.
        same("/usr/bin/python3", "-c", "import os, socket, tempfile, threading\n"
                + "a, b = socket.socketpair()\nr, w = os.pipe()\n"
                + "socket.send_fds(a, [b'pipe'], [w]); os.close(w)\n"
                + "msg, fds, flags, addr = socket.recv_fds(b, 16, 4)\n"
                + "print(msg, len(fds), flags)\nos.write(fds[0], b'through the pipe'); os.close(fds[0])\n"
                + "print(os.read(r, 100), os.read(r, 100))\na.close(); b.close()\n"
                + "path = os.path.join(tempfile.mkdtemp(), 'srv')\n"
                + "srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(path); srv.listen()\n"
                + "def serve():\n    c, _ = srv.accept()\n    with c, c.makefile('rwb') as f:\n"
                + "        for line in f:\n            f.write(line.upper()); f.flush()\n"
                + "t = threading.Thread(target=serve); t.start()\n"
                + "cl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cl.connect(path)\n"
                + "print(cl.getpeername() == path, repr(cl.getsockname()))\n"
                + "f = cl.makefile('rwb')\n"
                + "for word in (b'alpha', b'beta', b'gamma'):\n    f.write(word + b'\\n'); f.flush(); print(f.readline())\n"
                + "cl.shutdown(socket.SHUT_WR); print(f.read()); f.close(); cl.close(); t.join(); srv.close()\n"
                + "d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind('\\0jkraft-py-' + str(os.getpid()))\n"
                + "e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.sendto(b'datagram', d.getsockname())\n"
                + "print(d.recvfrom(100)); os.unlink(path)");
    }

    @Test
    void python3AsyncioTcpAndUdp() {
        // asyncio's event loop over epoll and non-blocking sockets: a TCP server with ten
        // concurrent clients line by line, a UDP echo endpoint, getaddrinfo of localhost.
        same("/usr/bin/python3", "-c", """
                import asyncio, socket
                async def handle(r, w):
                    while True:
                        line = await r.readline()
                        if not line:
                            break
                        w.write(line.upper())
                        await w.drain()
                    w.close()
                async def main():
                    srv = await asyncio.start_server(handle, '127.0.0.1', 0)
                    port = srv.sockets[0].getsockname()[1]
                    async def client(i):
                        r, w = await asyncio.open_connection('127.0.0.1', port)
                        out = []
                        for j in range(20):
                            w.write(f"client {i} line {j}\\n".encode())
                            await w.drain()
                            out.append((await r.readline()).decode().strip())
                        w.close()
                        await w.wait_closed()
                        return out[-1]
                    res = await asyncio.gather(*(client(i) for i in range(10)))
                    print("\\n".join(res))
                    # UDP
                    loop = asyncio.get_running_loop()
                    class Echo(asyncio.DatagramProtocol):
                        def connection_made(self, t): self.t = t
                        def datagram_received(self, d, a): self.t.sendto(d[::-1], a)
                    t, _ = await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 0))
                    uport = t.get_extra_info('sockname')[1]
                    fut = loop.create_future()
                    class Cli(asyncio.DatagramProtocol):
                        def datagram_received(self, d, a): fut.set_result(d)
                    ct, _ = await loop.create_datagram_endpoint(Cli, remote_addr=('127.0.0.1', uport))
                    ct.sendto(b"datagram")
                    print((await fut).decode())
                    srv.close()
                    await srv.wait_closed()
                    print(socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4])
                asyncio.run(main())
                """);
    }

    @Test
    void shellRedirectionsToDevStdoutCreateNothing() {
        // `> /dev/stdout` opens with O_CREAT through the /proc/self/fd magic link of a pipe:
        // Linux reaches the open pipe (nginx's error_log /dev/stderr does the same).
        same("/bin/sh", "-c", "echo one > /dev/stdout; echo two >> /dev/stdout; echo three > /dev/stderr; while read -r l; do echo \"in: $l\"; done < /dev/stdin");
    }
}
