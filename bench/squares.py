# Compute-bound benchmark for bench/run.sh: an interpreter loop in a function, no system calls.
def squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


print(squares(3_000_000))
