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

/// What the benchmark ran on, for the markdown report: the processor, its cores, the
/// kernel, and the compiler that built this binary.
pub struct Description {
    pub cpu: String,
    pub cores: usize,
    pub kernel: String,
    pub rustc: &'static str,
}

impl Description {
    pub fn here() -> Description {
        // The processor's name: `model name` on x86, `Model`/`Hardware` on some ARM boards.
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |key: &str| {
            cpuinfo.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                (k.trim() == key).then(|| v.trim().to_string())
            })
        };
        let cpu = field("model name")
            .or_else(|| field("Model"))
            .or_else(|| field("Hardware"))
            .unwrap_or_else(|| "unknown (no /proc/cpuinfo)".into());
        let read = |path: &str| std::fs::read_to_string(path).map(|s| s.trim().to_string());
        let kernel = match (
            read("/proc/sys/kernel/ostype"),
            read("/proc/sys/kernel/osrelease"),
        ) {
            (Ok(os), Ok(release)) => format!("{os} {release}"),
            _ => std::env::consts::OS.to_string(),
        };
        Description {
            cpu,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            kernel,
            rustc: env!("AIO_BENCH_RUSTC"),
        }
    }
}

/// Today's date in UTC, as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The calendar date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_become_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(super::civil_from_days(20_000), (2024, 10, 4));
    }
}
