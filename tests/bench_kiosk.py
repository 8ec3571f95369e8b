#!/usr/bin/env python3
"""bench_kiosk.py CERTKIOSK HOME WORKDIR: the kiosk rows of tests/bench, as tab-separated rows.

Runs the kiosk headless (SDL_VIDEODRIVER=dummy, software renderer, 1920x1080)
with CERTKIOSK_FRAME_LOG, which makes it write one line per presented frame:
"<CLOCK_MONOTONIC ms when presented> <ms spent on the frame>".
  start to first frame  launch -> first present, replay "expect screen attract", median of 5
  frame time            the frames presented on the code-of-conduct screen while a
                        replay scrolls it (French: the longest text, NATO + USA)
  idle CPU              CPU time of a kiosk left alone on the attract screen for 3 s
  peak memory           ru_maxrss of the kiosk through the whole replay
"""
import os
import statistics
import subprocess
import sys
import time

certkiosk, home, work = sys.argv[1:4]
env = dict(os.environ, SDL_VIDEODRIVER="dummy")

NAV = """tap @lang-fr
tap @btn-start
scroll @privacy-text end
tap @privacy-ack
tap @btn-next
tap @nation-USA
tap @category-military
tap @btn-next
type "Jeanne Martin"
tap @field-service-number
type "1234567890"
tap @btn-next
wait 500
expect screen conduct
"""
SCROLL = "".join(
    "drag 0.5 0.8 0.5 0.3 300\nwait 600\ndrag 0.5 0.8 0.5 0.3 300\nwait 600\n"
    "drag 0.5 0.3 0.5 0.8 300\nwait 600\nscroll @reading 0\nwait 100\n" for _ in range(5)
) + "scroll @reading end\nwait 200\nexpect-widget @reading at-end\n"
# The rest of the session, as far as the flow goes without content knowledge.
REST = "tap @btn-next\nwait 500\n"


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(script, log):
    """Runs a replay; returns (frames [(t, ms)], launch monotonic ms, rusage)."""
    if os.path.exists(log):
        os.unlink(log)
    e = dict(env, CERTKIOSK_FRAME_LOG=log)
    t0 = time.monotonic() * 1e3
    p = subprocess.Popen([certkiosk, "--home", home, "--replay", script, "--size", "1920x1080"],
                         env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        sys.stderr.write("bench_kiosk: replay %s exited %d: %s\n" % (script, p.returncode, err))
        sys.exit(1)
    frames = [tuple(map(float, l.split())) for l in open(log)]
    return frames, t0, ru


def pct(values, q):
    v = sorted(values)
    return v[max(0, -(-len(v) * q // 100) - 1)]


def row(*f):
    print("\t".join(str(x) for x in f))


log = os.path.join(work, "frames.log")

# Start to first frame.
first = write("first.txt", "expect screen attract\n")
starts = []
for _ in range(5):
    frames, t0, _ = run(first, log)
    starts.append(frames[0][0] - t0)
start = statistics.median(starts)
row("kiosk_start", "kiosk start to first frame (3 bundles, 2 native modules in their sandboxed "
    "workers, median of 5)", "%.1f" % start, "ms", "-", "-", "<= 50 ms",
    "yes" if start <= 50 else "no", "")

# Frame time while scrolling.
nav_frames, _, _ = run(write("nav.txt", NAV), log)
frames, _, ru = run(write("scroll.txt", NAV + SCROLL + REST), log)
scroll = [ms for _, ms in frames[len(nav_frames):]]
p50, p99 = pct(scroll, 50), pct(scroll, 99)
row("kiosk_frame_p50", "frame time scrolling the longest text, 1920x1080, p50 (%d frames)" %
    len(scroll), "%.2f" % p50, "ms", "-", "-", "-", "-", "")
row("kiosk_frame_p99", "frame time scrolling the longest text, 1920x1080, p99", "%.2f" % p99, "ms",
    "-", "-", "p99 <= 8 ms", "yes" if p99 <= 8 else "no", "")
rss = ru.ru_maxrss / 1024
row("kiosk_rss", "kiosk peak resident memory through the replay", "%.1f" % rss, "MiB", "-", "-",
    "<= 80 MiB", "yes" if rss <= 80 else "no", "")

# Idle CPU on the attract screen, the kiosk running on its own clock.
if os.path.exists(log):
    os.unlink(log)
p = subprocess.Popen([certkiosk, "--home", home, "--windowed", "--size", "1920x1080"],
                     env=dict(env, CERTKIOSK_FRAME_LOG=log), stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
try:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (os.path.exists(log) and os.path.getsize(log) > 0):
        time.sleep(0.05)
    time.sleep(1.0)

    def cpu_ticks():
        with open("/proc/%d/stat" % p.pid) as f:
            s = f.read().rsplit(")", 1)[1].split()
        return int(s[11]) + int(s[12])  # utime + stime

    c0, t0 = cpu_ticks(), time.monotonic()
    time.sleep(3.0)
    c1, t1 = cpu_ticks(), time.monotonic()
    idle = 100.0 * (c1 - c0) / os.sysconf("SC_CLK_TCK") / (t1 - t0)
    with open(log) as f:
        presented = sum(1 for l in f if float(l.split()[0]) >= t0 * 1e3)
finally:
    p.kill()
    p.wait()
row("kiosk_idle", "kiosk CPU idle on the attract screen for 3 s (%d frames presented)" % presented,
    "%.2f" % idle, "% of a core", "-", "-", "~0 (<= 1 %)", "yes" if idle <= 1 else "no", "")
