// A static Go program for jkraft: the Go runtime starts its own threads (clone), parks them on
// futexes, preempts goroutines with signals (SIGURG) and sleeps on timers. Every line it prints
// is the same on every run: sums, counts and comparisons, never times or thread ids.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type partial struct {
	index int
	sum   uint64
}

func sumRange(from, to uint64) uint64 {
	var s uint64
	for i := from; i < to; i++ {
		s += i * i % 7
	}
	return s
}

// spin keeps a goroutine busy with no function calls, so only asynchronous preemption
// (a signal) lets the others run on a single P.
func spin(stop *int32, mu *sync.Mutex) uint64 {
	var n uint64
	for {
		for i := 0; i < 1000000; i++ {
			n++
		}
		mu.Lock()
		done := *stop != 0
		mu.Unlock()
		if done {
			return n
		}
	}
}

func main() {
	fmt.Printf("GOMAXPROCS>=1: %v, NumCPU>=1: %v\n", runtime.GOMAXPROCS(0) >= 1, runtime.NumCPU() >= 1)

	// 8 goroutines summing ranges, results over a channel.
	const workers = 8
	const per = 2000000
	results := make(chan partial, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			from := uint64(w) * per
			results <- partial{w, sumRange(from, from+per)}
		}(w)
	}
	sums := make([]uint64, workers)
	var total uint64
	for i := 0; i < workers; i++ {
		p := <-results
		sums[p.index] = p.sum
		total += p.sum
	}
	fmt.Printf("channel: %d partial sums, total %d, matches a single pass: %v\n", workers, total,
		total == sumRange(0, workers*per))

	// WaitGroup and Mutex: 16 goroutines x 10000 increments.
	var wg sync.WaitGroup
	var mu sync.Mutex
	counter := 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10000; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("mutex: counter %d (expected 160000)\n", counter)

	// time.Sleep, time.After, time.Timer (stopped before it fires), time.Ticker.
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	fmt.Printf("sleep: elapsed>=50ms: %v\n", time.Since(start) >= 50*time.Millisecond)

	start = time.Now()
	select {
	case <-time.After(30 * time.Millisecond):
		fmt.Printf("after: fired, elapsed>=30ms: %v\n", time.Since(start) >= 30*time.Millisecond)
	case <-time.After(5 * time.Second):
		fmt.Println("after: the 5s timer won")
	}

	t := time.NewTimer(time.Hour)
	fmt.Printf("timer: stopped before firing: %v\n", t.Stop())
	t2 := time.NewTimer(20 * time.Millisecond)
	<-t2.C
	fmt.Printf("timer: fired, Stop afterwards reports %v\n", t2.Stop())

	// start before the ticker: a goroutine delayed between the two would otherwise find a tick
	// already due and see three in under 30 ms.
	start = time.Now()
	ticker := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	ticker.Stop()
	fmt.Printf("ticker: %d ticks, elapsed>=30ms: %v\n", ticks, time.Since(start) >= 30*time.Millisecond)

	// Many goroutines blocked on timers at once.
	var wg2 sync.WaitGroup
	var woke int
	var wmu sync.Mutex
	for g := 0; g < 100; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			time.Sleep(time.Duration(g%10) * time.Millisecond)
			wmu.Lock()
			woke++
			wmu.Unlock()
		}(g)
	}
	wg2.Wait()
	fmt.Printf("sleepers: %d of 100 woke\n", woke)

	// Preemption: busy goroutines do not starve a timer on one P.
	prev := runtime.GOMAXPROCS(1)
	var stop int32
	var smu sync.Mutex
	done := make(chan uint64, 2)
	for i := 0; i < 2; i++ {
		go func() { done <- spin(&stop, &smu) }()
	}
	start = time.Now()
	time.Sleep(30 * time.Millisecond)
	smu.Lock()
	stop = 1
	smu.Unlock()
	a, b := <-done, <-done
	runtime.GOMAXPROCS(prev)
	fmt.Printf("preempt: sleeper woke beside 2 spinning goroutines on 1 P: %v, both spun: %v\n",
		time.Since(start) >= 30*time.Millisecond, a > 0 && b > 0)

	// A goroutine's panic recovered; a closed channel; select with default.
	func() {
		defer func() { fmt.Printf("recover: %v\n", recover()) }()
		var m map[string]int
		m["x"] = 1
	}()
	c := make(chan int)
	close(c)
	v, ok := <-c
	fmt.Printf("closed channel: %d %v\n", v, ok)
	select {
	case <-make(chan int):
		fmt.Println("select: impossible")
	default:
		fmt.Println("select: default taken")
	}
	// The nil dereference turned into a panic by the runtime's SIGSEGV handler.
	func() {
		defer func() {
			r := recover()
			_, isErr := r.(runtime.Error)
			fmt.Printf("nil dereference recovered as runtime.Error: %v\n", isErr)
		}()
		var p *partial
		fmt.Println(p.sum)
	}()
	// os/signal: a signal the program sends itself arrives on the channel.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	fmt.Println("signal.Notify:", <-sigs)
	signal.Stop(sigs)
	// Loops without function calls yield only to asynchronous preemption (the runtime's SIGURG
	// to the thread), which lets the sleeping main goroutine run and stop them.
	var halt int32
	spun := make(chan int, 4)
	for i := 0; i < 4; i++ {
		go func() {
			n := 0
			for atomic.LoadInt32(&halt) == 0 {
				n++
			}
			spun <- n
		}()
	}
	time.Sleep(50 * time.Millisecond)
	atomic.StoreInt32(&halt, 1)
	for i := 0; i < 4; i++ {
		<-spun
	}
	fmt.Println("spinning goroutines stopped")
	networkChecks()
	fmt.Printf("args: %d\n", len(os.Args))
	fmt.Println("done")
}
