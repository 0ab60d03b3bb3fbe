-- Compute-bound benchmark for bench/run.sh: naive recursive fib(30), no system calls.
local function fib(n)
    if n < 2 then return n end
    return fib(n - 1) + fib(n - 2)
end
print(fib(30))
