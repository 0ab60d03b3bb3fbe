module jkraft.dev/gotest

go 1.19
