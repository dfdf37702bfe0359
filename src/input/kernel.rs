//! Linux kernel reports: an oops, a `BUG:`, a `WARNING:` with its registers and call trace, a
//! hung task, an RCU stall or an OOM kill is one event that the kernel prints over many
//! lines, each a printk of its own and so each stamped (`[  12.345678] ` in dmesg, `host
//! kernel: ` in syslog and the journal). This module reads the kernel's message out of such a
//! line, knows which messages open a report and at what level the kernel prints them, and
//! which messages are the report's next lines, as the kernel's `dump_stack`, `show_regs`,
//! `__warn`, `check_hung_task` and `dump_header` (OOM) write them.

use crate::level::Level;
use std::sync::OnceLock;

/// The kernel's message in a line, with its own leading spaces (a call trace's frames are
/// indented by one): after dmesg's `[  12.345678] ` or `dmesg -T`'s `[Tue Dec  1 10:00:00
/// 2026] `, or after syslog's and the journal's `kernel: ` tag (and a dmesg stamp inside).
pub fn message(line: &str) -> Option<&str> {
    if let Some(rest) = after_stamp(line) {
        return Some(rest);
    }
    static TAG: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let head = &line.as_bytes()[..line.len().min(120)];
    let at = TAG
        .get_or_init(|| memchr::memmem::Finder::new(b" kernel: "))
        .find(head)?;
    let rest = &line[at + " kernel: ".len()..];
    Some(after_stamp(rest).unwrap_or(rest))
}

/// The text after a leading dmesg stamp (seconds since boot, or `dmesg -T`'s time) and the
/// one space after it; the kernel's own indentation stays.
pub fn after_stamp(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let end = match super::text::uptime_stamp_end(b) {
        Some(end) => end,
        // `dmesg -T`: `[%a %b %e %H:%M:%S %Y]`.
        None => {
            let inside = line.get(1..25)?;
            let ctime = b.first() == Some(&b'[')
                && b.get(25) == Some(&b']')
                && inside.as_bytes()[3] == b' '
                && inside.as_bytes()[7] == b' '
                && inside.as_bytes()[13] == b':'
                && inside.as_bytes()[20..].iter().all(u8::is_ascii_digit);
            if !ctime {
                return None;
            }
            26
        }
    };
    let rest = &line[end..];
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// The level at which the kernel prints a report that opens with `message` (trimmed), and
/// why; `None` when the message opens no report.
pub fn report_level(message: &str) -> Option<(Level, &'static str)> {
    let m = message.trim_start();
    // The watchdogs name themselves first: `watchdog: BUG: soft lockup - CPU#1 stuck for
    // 22s!`, `NMI watchdog: Watchdog detected hard LOCKUP on cpu 3`.
    let m = m
        .strip_prefix("NMI watchdog: ")
        .or_else(|| m.strip_prefix("watchdog: "))
        .or_else(|| m.strip_prefix("rcu: "))
        .unwrap_or(m);
    if m.starts_with("BUG: ") || m.starts_with("kernel BUG at ") {
        return Some((Level::Error, "a kernel BUG report"));
    }
    if m.starts_with("Oops: ")
        || m.starts_with("Internal error: Oops")
        || m.starts_with("Unable to handle kernel ")
        || m.starts_with("general protection fault")
    {
        return Some((Level::Error, "a kernel oops"));
    }
    if m.starts_with("Watchdog detected hard LOCKUP") {
        return Some((Level::Error, "a kernel hard lockup"));
    }
    // `check_hung_task` prints at KERN_ERR, though its message says INFO.
    if m.starts_with("INFO: task ") && m.contains(" blocked for more than ") {
        return Some((Level::Error, "a hung task"));
    }
    if m.starts_with("INFO: rcu") && m.contains(" stall") {
        return Some((Level::Error, "an RCU stall"));
    }
    if m.starts_with("WARNING: CPU: ") {
        return Some((Level::Warning, "a kernel warning"));
    }
    None
}

/// `__warn` opens its report with this rule, on a line of its own.
pub const CUT_HERE: &str = "------------[ cut here ]------------";

/// The kernel message opens a report: one of [`report_level`]'s, the rule before a
/// warning, or an OOM kill's first line.
pub fn opens_report(message: &str) -> bool {
    let m = message.trim();
    m == CUT_HERE || report_level(m).is_some() || m.contains(" invoked oom-killer: ")
}

/// The level of a report whose first kernel message is `first` and whose second, if any,
/// is `second` (the line under `cut here`).
pub fn level_of(first: &str, second: Option<&str>) -> Option<(Level, &'static str)> {
    if first.trim() == CUT_HERE {
        return second.and_then(report_level);
    }
    report_level(first)
}

/// Registers as `show_regs` names them on x86 (and `CR2`, the faulting address, in an
/// oops's last lines).
const REGISTERS: [&str; 27] = [
    "RIP", "RSP", "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "FS", "GS", "CS", "DS", "ES",
    "CR0", "CR2", "CR3", "CR4", "DR0", "DR3", "DR6", "PKRU", "EIP", "EAX", "EBX", "ESI", "EDI",
];

/// What the kernel prints inside a report after its first line: the context (`Modules
/// linked in:`, `CPU: 1 PID: 123 Comm: ...`, `Hardware name:`, `Workqueue:`), registers
/// (`RIP: 0010:...`, `RAX: ...`, arm64's `pc : ...`, `x29: ...`), the code bytes, `Call
/// Trace:` and its indented frames between `<TASK>`/`<IRQ>` marks, a hung task's `task:`
/// line and its `echo 0 > ...` hint, and the closing `---[ end trace ... ]---`.
pub fn continues_report(message: &str) -> bool {
    // Frames and the marks between them are indented by the kernel: ` ? f+0x1/0x2`,
    // ` <TASK>`, `  [<ffffffff81012345>] f+0x1/0x2` (before 4.9).
    if message.starts_with(' ') || message.starts_with('<') {
        return !message.trim().is_empty();
    }
    const STARTS: [&str; 24] = [
        "Modules linked in:",
        "CPU: ",
        "Hardware name:",
        "Workqueue:",
        "Call Trace:",
        "Call trace:",
        "Code: ",
        "---[ end ",
        "Kernel Offset:",
        "Stack:",
        "Tainted: ",
        "task:",
        "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\"",
        "irq event stamp:",
        "hardirqs last",
        "softirqs last",
        "Mem abort info:",
        "Data abort info:",
        "Process ",
        "pstate: ",
        "pc : ",
        "lr : ",
        "sp : ",
        "PGD ",
    ];
    if STARTS.iter().any(|s| message.starts_with(s)) {
        return true;
    }
    // arm64's `x29: ffff800008003e30 x28: ...`.
    let b = message.as_bytes();
    if b.first() == Some(&b'x') {
        let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        return (1..=2).contains(&digits) && message[1 + digits..].trim_start().starts_with(": ");
    }
    let name = message.split(':').next().unwrap_or("");
    let r_numbered =
        name.len() == 3 && name.starts_with('R') && name[1..].bytes().all(|c| c.is_ascii_digit());
    (r_numbered || REGISTERS.contains(&name)) && message.len() > name.len() + 1
}

/// An OOM kill's report ends with the line that names the process killed.
pub fn ends_oom_report(message: &str) -> bool {
    message.contains("Killed process ")
}

/// A report's closing line: `---[ end trace 0000000000000000 ]---`, `---[ end Kernel panic
/// - not syncing: ... ]---`.
pub fn ends_report(message: &str) -> bool {
    message.starts_with("---[ end ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_message_after_each_stamp() {
        assert_eq!(message("[  123.456789]  ? f+0x1/0x2"), Some(" ? f+0x1/0x2"));
        assert_eq!(message("[Tue Dec  1 10:00:00 2026] BUG: x"), Some("BUG: x"));
        assert_eq!(
            message("Dec  1 10:00:00 host kernel: [ 12.345678] RIP: 0010:f"),
            Some("RIP: 0010:f")
        );
        assert_eq!(
            message("Dec 01 10:00:00 host kernel: Call Trace:"),
            Some("Call Trace:")
        );
        assert_eq!(message("2026-12-01 app: started"), None);
        assert_eq!(message("[main] INFO started"), None);
        assert_eq!(message("[Tue Dec  1 10:00:00 2026é"), None);
    }

    #[test]
    fn reports_and_their_levels() {
        for (m, level) in [
            (
                "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [k:1]",
                Level::Error,
            ),
            (
                "BUG: kernel NULL pointer dereference, address: 0000000000000000",
                Level::Error,
            ),
            (
                "INFO: task jbd2/sda1-8:123 blocked for more than 120 seconds.",
                Level::Error,
            ),
            (
                "rcu: INFO: rcu_sched self-detected stall on CPU",
                Level::Error,
            ),
            (
                "WARNING: CPU: 0 PID: 1 at kernel/x.c:10 f+0x1/0x2",
                Level::Warning,
            ),
            ("Internal error: Oops: 96000005 [#1] SMP", Level::Error),
        ] {
            assert_eq!(report_level(m).map(|(l, _)| l), Some(level), "{m}");
            assert!(opens_report(m));
        }
        assert_eq!(report_level("INFO: something else"), None);
        assert_eq!(report_level("DEBUG: BUG: no"), None);
        assert!(opens_report(CUT_HERE));
        assert_eq!(
            level_of(CUT_HERE, Some("WARNING: CPU: 3 PID: 9 at x")).map(|(l, _)| l),
            Some(Level::Warning)
        );
        assert!(opens_report(
            "java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0"
        ));
    }

    #[test]
    fn lines_inside_a_report() {
        for m in [
            "Modules linked in: ext4 mbcache jbd2",
            "CPU: 1 PID: 123 Comm: kworker/1:2 Not tainted 5.15.0-91-generic #101-Ubuntu",
            "RIP: 0010:_raw_spin_unlock_irqrestore+0x25/0x30",
            "RSP: 0018:ffffb5c0c0d3bd48 EFLAGS: 00000246",
            "R13: 0000000000000000 R14: ffff8f0b3a5e2000 R15: 0000000000000001",
            "Call Trace:",
            " <TASK>",
            " ? show_regs+0x6d/0x80",
            "x29: ffff800008003e30 x28: ffff000000f8d640",
            "pc : do_x+0x10/0x20",
            "---[ end trace 0000000000000000 ]---",
            "task:jbd2/sda1-8     state:D stack:    0 pid:  123 ppid:     2 flags:0x00004000",
        ] {
            assert!(continues_report(m), "{m}");
        }
        for m in [
            "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex",
            "ACPI: bus type PCI registered",
            "RAS: Correctable Errors collector initialized.",
            "",
        ] {
            assert!(!continues_report(m), "{m}");
        }
    }
}
