package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
)

// networkChecks: net/http server and eight concurrent clients over 127.0.0.1, UDP, a unix
// socket, a refused connection and a localhost lookup (Go's netpoller over epoll and
// non-blocking sockets).
func networkChecks() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %d %s", r.Method, len(b), strings.ToUpper(string(b[:10])))
	})
	go http.Serve(ln, mux)
	url := "http://" + ln.Addr().String()
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := strings.Repeat(fmt.Sprintf("req%d-", i), 1000*(i+1))
			resp, err := http.Post(url+"/echo", "text/plain", strings.NewReader(body))
			if err != nil {
				results[i] = "error " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			results[i] = fmt.Sprintf("%d %s", resp.StatusCode, b)
		}(i)
	}
	wg.Wait()
	for _, r := range results {
		fmt.Println(r)
	}
	// UDP and a unix socket
	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	go func() {
		buf := make([]byte, 100)
		n, a, _ := pc.ReadFrom(buf)
		pc.WriteTo([]byte(strings.ToUpper(string(buf[:n]))), a)
	}()
	c, _ := net.Dial("udp", pc.LocalAddr().String())
	c.Write([]byte("udp hello"))
	buf := make([]byte, 100)
	n, _ := c.Read(buf)
	fmt.Println(string(buf[:n]))
	dir, _ := os.MkdirTemp("", "gonet")
	defer os.RemoveAll(dir)
	ul, err := net.Listen("unix", dir+"/s")
	if err != nil {
		fmt.Println("unix listen:", err)
		return
	}
	go func() {
		cc, _ := ul.Accept()
		line, _ := bufio.NewReader(cc).ReadString('\n')
		cc.Write([]byte("got " + line))
		cc.Close()
	}()
	uc, _ := net.Dial("unix", dir+"/s")
	uc.Write([]byte("unix hello\n"))
	b, _ := io.ReadAll(uc)
	fmt.Print(string(b))
	_, err = net.Dial("tcp", "127.0.0.1:1")
	fmt.Println("refused:", err != nil && strings.Contains(err.Error(), "connection refused"))
	addrs, err := net.LookupHost("localhost")
	fmt.Println("localhost:", len(addrs) > 0, err)
}
