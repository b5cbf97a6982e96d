//! A global allocator that counts: how many allocations, and how many bytes are live.
//!
//! It forwards to the system allocator and adds two relaxed atomic updates per call, the same
//! for every runtime measured. Bytes are the sizes the program asked for, not what the
//! allocator rounds them up to.

#![allow(unsafe_code)] // Implementing `GlobalAlloc` is unsafe by definition; nothing else here is.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicU64, Ordering::Relaxed};

/// The allocator installed for the whole benchmark binary.
pub struct Counting;

/// Allocation calls so far (`alloc`, `alloc_zeroed`, and `realloc`, which may move the block).
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// Bytes allocated and not yet freed.
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(layout.size() as isize, Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

/// A reading of both counters.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    pub allocations: u64,
    pub live_bytes: isize,
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        allocations: ALLOCATIONS.load(Relaxed),
        live_bytes: LIVE_BYTES.load(Relaxed),
    }
}

impl Snapshot {
    /// Allocations made since `earlier`.
    pub fn allocations_since(self, earlier: Snapshot) -> u64 {
        self.allocations - earlier.allocations
    }

    /// Growth of live bytes since `earlier` (negative if memory was freed).
    pub fn bytes_since(self, earlier: Snapshot) -> isize {
        self.live_bytes - earlier.live_bytes
    }
}
