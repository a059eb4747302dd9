//! The wasm heap: power-of-two size classes with a free list each. It replaces std's dlmalloc
//! because it is about a tenth of its code (the size budget, README). The app is single
//! threaded and its allocations are short-lived strings, vectors and view nodes, so classes
//! that are reused, split but never merged hold memory near the working set's peak.
//!
//! Every block of class `s` is `s`-aligned (up to one wasm page), so a reused block meets any
//! alignment its size class allows.

use core::ptr::null_mut;

/// The smallest block: a free block holds the next pointer, and 16 bytes is what Rust's
/// largest common alignment (u128, f64 pairs) needs.
const MIN_SHIFT: u32 = 4;
/// Classes up to 2^31 bytes: more than wasm32 memory can hold.
const CLASSES: usize = 28;
/// One wasm page: the unit of `memory.grow` and the most alignment a block gets.
const PAGE: usize = 1 << 16;

/// Where new memory comes from: wasm's `memory.grow` in the browser, a buffer in tests.
pub trait PageSource {
    /// Grows by `bytes` (a multiple of 64 KiB) and returns the start of the new memory, or
    /// `None` when the host refuses.
    fn grow(&mut self, bytes: usize) -> Option<usize>;
}

pub struct Heap<P> {
    free: [usize; CLASSES],
    /// The untouched memory between `next` and `end`.
    next: usize,
    end: usize,
    pages: P,
}

/// The class of a request: the power of two that holds both its size and its alignment.
fn class_of(size: usize, align: usize) -> Option<usize> {
    let need = size.max(align).max(1 << MIN_SHIFT);
    let shift = need.checked_next_power_of_two()?.trailing_zeros();
    let class = (shift - MIN_SHIFT) as usize;
    (class < CLASSES && align <= PAGE).then_some(class)
}

fn block_size(class: usize) -> usize {
    1 << (class + MIN_SHIFT as usize)
}

impl<P: PageSource> Heap<P> {
    pub const fn new(pages: P) -> Self {
        Heap {
            free: [0; CLASSES],
            next: 0,
            end: 0,
            pages,
        }
    }

    /// # Safety
    /// The heap must own the memory its page source hands out.
    pub unsafe fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        let Some(class) = class_of(size, align) else {
            return null_mut();
        };
        if let Some(block) = self.pop(class) {
            return block as *mut u8;
        }
        // A larger free block, split in halves down to this class.
        if let Some((larger, block)) = (class + 1..CLASSES).find_map(|c| Some((c, self.pop(c)?))) {
            for c in class..larger {
                self.push(c, block + block_size(c));
            }
            return block as *mut u8;
        }
        self.carve(class).map_or(null_mut(), |b| b as *mut u8)
    }

    /// # Safety
    /// `ptr` came from `alloc` with the same size and alignment and is not used again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, size: usize, align: usize) {
        if let Some(class) = class_of(size, align) {
            self.push(class, ptr as usize);
        }
    }

    /// # Safety
    /// As for `dealloc`; the block keeps its first `min(size, new_size)` bytes.
    pub unsafe fn realloc(
        &mut self,
        ptr: *mut u8,
        size: usize,
        align: usize,
        new_size: usize,
    ) -> *mut u8 {
        if class_of(size, align) == class_of(new_size, align) {
            return ptr;
        }
        let new = self.alloc(new_size, align);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, size.min(new_size));
            self.dealloc(ptr, size, align);
        }
        new
    }

    unsafe fn pop(&mut self, class: usize) -> Option<usize> {
        let block = self.free[class];
        if block == 0 {
            return None;
        }
        self.free[class] = *(block as *const usize);
        Some(block)
    }

    unsafe fn push(&mut self, class: usize, block: usize) {
        *(block as *mut usize) = self.free[class];
        self.free[class] = block;
    }

    /// A block from untouched memory, aligned to its size; the bytes skipped to align it go
    /// to the free lists as the aligned powers of two they are made of.
    unsafe fn carve(&mut self, class: usize) -> Option<usize> {
        let size = block_size(class);
        let align = size.min(PAGE);
        loop {
            let start = self.next.checked_add(align - 1)? & !(align - 1);
            if let Some(end) = start.checked_add(size).filter(|&e| e <= self.end) {
                self.release(self.next, start);
                self.next = end;
                return Some(start);
            }
            let bytes = size.checked_add(align + PAGE - 1)? & !(PAGE - 1);
            let base = self.pages.grow(bytes)?;
            if base != self.end {
                // Not contiguous with what is left: keep the rest and start afresh.
                self.release(self.next, self.end);
                self.next = base;
            }
            self.end = base.checked_add(bytes)?;
        }
    }

    /// Frees `[from, to)`, both multiples of the smallest block, as aligned pieces.
    unsafe fn release(&mut self, mut from: usize, to: usize) {
        while from < to {
            let mut piece = from & from.wrapping_neg();
            while piece > to - from || piece > block_size(CLASSES - 1) {
                piece >>= 1;
            }
            let class = (piece.trailing_zeros() - MIN_SHIFT) as usize;
            self.push(class, from);
            from += piece;
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{Heap, PageSource, PAGE};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    pub struct WasmPages;

    impl PageSource for WasmPages {
        fn grow(&mut self, bytes: usize) -> Option<usize> {
            let old = core::arch::wasm32::memory_grow(0, bytes / PAGE);
            (old != usize::MAX).then(|| old * PAGE)
        }
    }

    pub struct WasmHeap(UnsafeCell<Heap<WasmPages>>);

    // The app's wasm has no threads: nothing else can touch the heap at the same time.
    unsafe impl Sync for WasmHeap {}

    unsafe impl GlobalAlloc for WasmHeap {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            (*self.0.get()).alloc(layout.size(), layout.align())
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            (*self.0.get()).dealloc(ptr, layout.size(), layout.align())
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
        }
    }

    #[global_allocator]
    static HEAP: WasmHeap = WasmHeap(UnsafeCell::new(Heap::new(WasmPages)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages from a buffer of 64 KiB pages, handed out in order like `memory.grow`.
    struct BufferPages {
        buffer: Vec<u8>,
        used: usize,
    }

    impl BufferPages {
        fn new(pages: usize) -> Self {
            BufferPages {
                buffer: vec![0; (pages + 1) * PAGE],
                used: 0,
            }
        }
        fn base(&self) -> usize {
            (self.buffer.as_ptr() as usize + PAGE - 1) & !(PAGE - 1)
        }
    }

    impl PageSource for BufferPages {
        fn grow(&mut self, bytes: usize) -> Option<usize> {
            let limit = self.buffer.len() - PAGE;
            (self.used + bytes <= limit).then(|| {
                self.used += bytes;
                self.base() + self.used - bytes
            })
        }
    }

    fn heap(pages: usize) -> Heap<BufferPages> {
        Heap::new(BufferPages::new(pages))
    }

    #[test]
    fn blocks_are_aligned_to_their_class_and_do_not_overlap() {
        let mut h = heap(64);
        let mut blocks = Vec::new();
        for (i, size) in [1, 24, 7, 100, 3000, 16, 70000, 5, 513, 40]
            .iter()
            .enumerate()
        {
            let align = [1, 8, 4, 16, 32, 64][i % 6];
            let p = unsafe { h.alloc(*size, align) } as usize;
            assert_ne!(p, 0);
            let class = block_size(class_of(*size, align).unwrap());
            assert_eq!(p % class.min(PAGE), 0, "size {size}");
            blocks.push((p, class));
        }
        blocks.sort();
        for pair in blocks.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{pair:?} overlap");
        }
    }

    #[test]
    fn freed_blocks_are_reused_and_memory_stays_bounded() {
        let mut h = heap(8);
        // Far more than 8 pages in all, never more than a few KiB at once.
        for round in 0..10_000usize {
            let sizes = [round % 300 + 1, 64, round % 4000 + 1];
            let ps: Vec<_> = sizes.iter().map(|&s| unsafe { h.alloc(s, 8) }).collect();
            assert!(ps.iter().all(|p| !p.is_null()), "round {round}");
            for (p, s) in ps.into_iter().zip(sizes) {
                unsafe { h.dealloc(p, s, 8) };
            }
        }
        assert!(h.pages.used <= 2 * PAGE, "{} bytes taken", h.pages.used);
    }

    #[test]
    fn a_large_free_block_is_split_for_small_requests() {
        let mut h = heap(2);
        let big = unsafe { h.alloc(32 << 10, 16) };
        unsafe { h.dealloc(big, 32 << 10, 16) };
        let used = h.pages.used;
        let small = unsafe { h.alloc(100, 8) };
        assert!(!small.is_null());
        assert_eq!(
            h.pages.used, used,
            "no new pages for a block the free lists hold"
        );
    }

    #[test]
    fn realloc_keeps_the_contents() {
        let mut h = heap(4);
        unsafe {
            let p = h.alloc(10, 1);
            for i in 0..10 {
                *p.add(i) = i as u8;
            }
            // Within the class: the same block.
            assert_eq!(h.realloc(p, 10, 1, 16), p);
            let q = h.realloc(p, 16, 1, 5000);
            assert!(!q.is_null());
            assert_eq!(
                core::slice::from_raw_parts(q, 10),
                &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            );
            let r = h.realloc(q, 5000, 1, 3);
            assert_eq!(core::slice::from_raw_parts(r, 3), &[0, 1, 2]);
        }
    }

    #[test]
    fn impossible_requests_get_null_not_a_panic() {
        let mut h = heap(1);
        unsafe {
            assert!(h.alloc(usize::MAX - 3, 8).is_null());
            assert!(
                h.alloc(1 << 20, 8).is_null(),
                "more than the pages there are"
            );
            assert!(h.alloc(8, 1 << 20).is_null(), "more alignment than a page");
            assert!(!h.alloc(8, 8).is_null(), "still usable after refusals");
        }
    }
}
