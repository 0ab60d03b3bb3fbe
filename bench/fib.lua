-- Compute-bound benchmark for bench/run.sh: naive recursive fib(30), no system calls.
-- With an argument REPS, times REPS runs itself instead and prints their median, which leaves
-- out start-up. os.clock (CPU time) is the only clock Lua has that is finer than a second.
local function fib(n)
    if n < 2 then return n end
    return fib(n - 1) + fib(n - 2)
end
local reps = tonumber(arg[1])
if not reps then
    print(fib(30))
    return
end
local ms = {}
for i = 1, reps do
    local start = os.clock()
    fib(30)
    ms[i] = (os.clock() - start) * 1000
end
table.sort(ms)
print(string.format("fib(30): median %.1f ms, min %.1f ms of %d runs (os.clock)", ms[(reps + 1) // 2], ms[1], reps))
