//! What the machine was doing meanwhile: process CPU time, and the load of everything else.

use std::time::{Duration, Instant};

/// CPU time used by this process so far, all threads (`CLOCK_PROCESS_CPUTIME_ID`).
pub fn process_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Busy time of all cores together, from `/proc/stat` (every process, this one included).
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...; the kernel counts in USER_HZ (100/s).
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some(Duration::from_millis((total - idle) * 10))
}

/// Measures how busy the other processes kept the machine while the benchmark ran.
pub struct LoadMeter {
    wall: Instant,
    busy: Option<Duration>,
    own: Duration,
}

impl LoadMeter {
    pub fn start() -> LoadMeter {
        LoadMeter {
            wall: Instant::now(),
            busy: machine_busy(),
            own: process_cpu(),
        }
    }

    /// (cores kept busy by other processes on average, cores used by this process on average).
    pub fn finish(&self) -> (Option<f64>, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let own = (process_cpu() - self.own).as_secs_f64();
        let others = match (self.busy, machine_busy()) {
            (Some(before), Some(after)) => {
                Some(((after - before).as_secs_f64() - own).max(0.0) / wall)
            }
            _ => None,
        };
        (others, own / wall)
    }
}

/// The 1-minute load average and the number of cores, as text.
pub fn loadavg() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let one = load.split_whitespace().next().unwrap_or("?");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("load average {one} on {cores} cores")
}
