package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Phase is one timed part of a run and the CPU it cost: on a small
// machine the load tool shares the cores with the server, and how much it
// took says how far the figures are the server's.
type Phase struct {
	Name      string   `json:"name"`
	Seconds   float64  `json:"seconds"`
	ToolCPU   float64  `json:"tool_cpu_seconds"`
	ServerCPU *float64 `json:"server_cpu_seconds"` // nil without -pid
	// MachineCPU is the busy CPU time of the whole machine (Linux): beyond
	// the tool and the server, what anything else took from them.
	MachineCPU *float64 `json:"machine_cpu_seconds"`
}

// cpuMeter measures the CPU time spent from its start.
type cpuMeter struct {
	pid    int
	tool   float64
	server float64
	srvErr error
	busy   float64
	busyOK bool
}

// startCPU starts measuring this process and, when pid is not 0, the
// server's.
func startCPU(pid int) cpuMeter {
	m := cpuMeter{pid: pid, tool: toolCPU()}
	if pid > 0 {
		m.server, m.srvErr = processCPU(pid)
	}
	busy, err := machineCPU()
	m.busy, m.busyOK = busy, err == nil
	return m
}

// phase returns the CPU spent since m started, for a phase of length d.
func (m cpuMeter) phase(name string, d time.Duration) Phase {
	p := Phase{Name: name, Seconds: d.Seconds(), ToolCPU: toolCPU() - m.tool}
	if m.pid > 0 && m.srvErr == nil {
		if now, err := processCPU(m.pid); err == nil {
			used := now - m.server
			p.ServerCPU = &used
		}
	}
	if busy, err := machineCPU(); err == nil && m.busyOK {
		used := busy - m.busy
		p.MachineCPU = &used
	}
	return p
}

// machineCPU returns the CPU seconds all cores spent busy (neither idle
// nor waiting for I/O) since boot, from /proc/stat (Linux).
func machineCPU() (float64, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, fmt.Errorf("/proc/stat: unexpected format")
	}
	var busy int64
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/stat: unexpected format")
		}
		// Fields: user nice system idle iowait irq softirq steal guest
		// guest_nice. Steal is time the hypervisor gave elsewhere; guest
		// time is already in user and nice.
		if i != 3 && i != 4 && i < 7 {
			busy += n
		}
	}
	return float64(busy) / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go runs on.
const clockTicks = 100

// processCPU returns the user and system CPU seconds of process pid, from
// /proc/PID/stat (Linux).
func processCPU(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: fields start
	// after the last ')', with the state (field 3) first.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return float64(utime+stime) / clockTicks, nil
}
