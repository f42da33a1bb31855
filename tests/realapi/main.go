// Command realapi runs a real kube-apiserver, with an embedded etcd, for the project's tests.
//
// One process, so a test fixture has one thing to start and stop. etcd listens on a loopback
// port chosen here and keeps its data in the directory given by --etcd-dir; every other
// argument is passed to kube-apiserver unchanged (the Python fixture builds them).
package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}

func startEtcd(dir string) (*embed.Etcd, string, error) {
	clientPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.LogLevel = "error"
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = fmt.Sprintf("%s=%s", cfg.Name, peer.String())
	// Tests write little and throw the data away: no need to fsync every write.
	cfg.UnsafeNoFsync = true
	server, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-server.Server.ReadyNotify():
	case <-time.After(120 * time.Second):
		server.Close()
		return nil, "", fmt.Errorf("etcd did not become ready within 120 s")
	}
	return server, client.String(), nil
}

func main() {
	flags := flag.NewFlagSet("realapi", flag.ContinueOnError)
	etcdDir := flags.String("etcd-dir", "", "directory for etcd's data (required)")
	// Everything after "--" belongs to kube-apiserver.
	args := os.Args[1:]
	split := len(args)
	for index, arg := range args {
		if arg == "--" {
			split = index
			break
		}
	}
	if err := flags.Parse(args[:split]); err != nil || *etcdDir == "" {
		fmt.Fprintln(os.Stderr, "usage: realapi --etcd-dir DIR -- <kube-apiserver flags>")
		os.Exit(2)
	}
	apiserverArgs := []string{}
	if split < len(args) {
		apiserverArgs = args[split+1:]
	}

	etcd, endpoint, err := startEtcd(*etcdDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "etcd: %v\n", err)
		os.Exit(1)
	}
	defer etcd.Close()

	command := app.NewAPIServerCommand()
	command.SetArgs(append([]string{"--etcd-servers=" + endpoint}, apiserverArgs...))
	if err := command.Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver: %v\n", err)
		os.Exit(1)
	}
}
