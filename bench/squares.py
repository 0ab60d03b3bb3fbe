# Compute-bound benchmark for bench/run.sh: an interpreter loop in a function, no system calls.
# With an argument REPS, times REPS runs itself instead (time.perf_counter, through the vDSO) and
# prints their median, which leaves out start-up.
import sys
import time


def squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


if len(sys.argv) < 2:
    print(squares(3_000_000))
    sys.exit()
reps = int(sys.argv[1])
ms = []
for _ in range(reps):
    start = time.perf_counter()
    squares(3_000_000)
    ms.append((time.perf_counter() - start) * 1000)
ms.sort()
print(f"squares(3e6): median {ms[(reps - 1) // 2]:.1f} ms, min {ms[0]:.1f} ms of {reps} runs (perf_counter)")
