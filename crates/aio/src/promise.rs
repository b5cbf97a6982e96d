//! [`Promise`]: a value that someone sets later and anyone can await (asyncio's `Future`).
//!
//! asyncio's `Future` is not a computation: it is a box that starts empty, gets a result from
//! `set_result`, and wakes everyone awaiting it. Rust's `Future` trait is something else (a
//! computation you poll), so this box is called `Promise` here.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::waker_list::WakerList;

/// A one-shot value, set once with [`set_result`](Promise::set_result) and awaited by any number
/// of clones (each gets a clone of the value).
///
/// It belongs to the loop's thread, like an asyncio `Future`.
pub struct Promise<T> {
    /// The state every clone shares.
    inner: Rc<Inner<T>>,
}

struct Inner<T> {
    /// The result, once set; never replaced after that.
    value: RefCell<Option<T>>,
    /// Tasks awaiting the value, woken when it is set.
    waiters: WakerList,
}

impl<T> Promise<T> {
    /// An empty promise.
    pub fn new() -> Promise<T> {
        Promise {
            inner: Rc::new(Inner {
                value: RefCell::new(None),
                waiters: WakerList::default(),
            }),
        }
    }

    /// Sets the value and wakes everyone awaiting it.
    ///
    /// # Panics
    /// If the value was already set (asyncio raises `InvalidStateError`).
    /// Use [`try_set_result`](Promise::try_set_result) to get the value back instead.
    #[track_caller]
    pub fn set_result(&self, value: T) {
        if self.try_set_result(value).is_err() {
            panic!("Promise::set_result called on a promise that already has a result");
        }
    }

    /// Sets the value unless one is already set, in which case `value` is returned.
    pub fn try_set_result(&self, value: T) -> Result<(), T> {
        {
            let mut slot = self.inner.value.borrow_mut();
            if slot.is_some() {
                return Err(value);
            }
            *slot = Some(value);
        } // Release the value before waking: a woken task may read it at once.
        self.inner.waiters.wake_all();
        Ok(())
    }

    /// True once the value is set (asyncio's `done()`).
    pub fn is_done(&self) -> bool {
        self.inner.value.borrow().is_some()
    }
}

impl<T> Default for Promise<T> {
    fn default() -> Self {
        Promise::new()
    }
}

impl<T> Clone for Promise<T> {
    fn clone(&self) -> Self {
        Promise {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Clone> Future for Promise<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(value) = &*self.inner.value.borrow() {
            return Poll::Ready(value.clone());
        }
        self.inner.waiters.register(cx.waker());
        Poll::Pending
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise")
            .field("done", &self.is_done())
            .finish()
    }
}
