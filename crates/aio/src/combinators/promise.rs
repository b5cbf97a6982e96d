//! [`Promise`]: a value that someone sets later and anyone can await (asyncio's `Future`).
//!
//! asyncio's `Future` is not a computation: it is a box that starts empty and ends in one of
//! three states (a result from `set_result`, an exception from `set_exception`, or cancelled
//! by `cancel`), waking everyone awaiting it and calling its done-callbacks. Rust's `Future`
//! trait is something else (a computation you poll), so this box is called `Promise` here.
//!
//! # Differences from asyncio
//!
//! - Awaiting gives a `Result`: `Ok(value)`, or a [`PromiseError`] where asyncio would raise
//!   (`Cancelled` for its `CancelledError`, `Failed` for the exception set). Awaiting a
//!   cancelled promise does not cancel the task that awaits it, as it does in asyncio: that
//!   task gets the error as a value and decides.
//! - [`result`](Promise::result) returns "not ready yet" as a value
//!   ([`PromiseError::NotReady`]) where asyncio raises `InvalidStateError`.
//! - There is no separate `exception()`: `result()` returning `Err(PromiseError::Failed(e))`
//!   is that exception.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use crate::waker_list::WakerList;

/// A one-shot value, set once with [`set_result`](Promise::set_result) (or failed with
/// [`set_error`](Promise::set_error), or [`cancel`](Promise::cancel)led) and awaited by any
/// number of clones (each gets a clone of the outcome).
///
/// It belongs to the loop's thread, like an asyncio `Future`.
///
/// Cancel safety: awaiting it is safe. Dropping the await loses nothing; the outcome stays
/// in the promise for every other handle and for a later await.
pub struct Promise<T> {
    /// The state every clone shares.
    inner: Rc<Inner<T>>,
}

/// A done-callback: called once, with the promise, after it completes.
type Callback<T> = Box<dyn FnOnce(&Promise<T>)>;

struct Inner<T> {
    /// The outcome, once the promise is done; never replaced after that. It is never
    /// `Err(NotReady)`: "not ready" is `None`.
    outcome: RefCell<Option<Result<T, PromiseError>>>,
    /// Tasks awaiting the outcome, woken when it is set.
    waiters: WakerList,
    /// Done-callbacks not yet scheduled, in the order they were added; emptied on completion.
    callbacks: RefCell<Vec<(CallbackId, Callback<T>)>>,
    /// The id the next [`add_done_callback`](Promise::add_done_callback) hands out.
    next_callback: std::cell::Cell<u64>,
}

/// Why a [`Promise`] has no value to give.
#[derive(Debug, Clone)]
pub enum PromiseError {
    /// Not done yet: from [`Promise::result`] only (asyncio's `InvalidStateError`).
    NotReady,
    /// [`Promise::cancel`] was called before it was done (asyncio's `CancelledError`).
    Cancelled,
    /// [`Promise::set_error`] set this error (the exception of asyncio's `set_exception`).
    /// Shared: every awaiter gets the same error, as every asyncio awaiter gets the same
    /// exception object.
    Failed(Rc<dyn Error>),
}

impl fmt::Display for PromiseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromiseError::NotReady => f.write_str("the promise has no result yet"),
            PromiseError::Cancelled => f.write_str("the promise was cancelled"),
            PromiseError::Failed(error) => write!(f, "the promise failed: {error}"),
        }
    }
}

/// Equal when of the same kind; two `Failed` are equal only when they hold the very same error
/// (one `set_error`), as Python compares exceptions by identity.
impl PartialEq for PromiseError {
    fn eq(&self, other: &PromiseError) -> bool {
        match (self, other) {
            (PromiseError::NotReady, PromiseError::NotReady) => true,
            (PromiseError::Cancelled, PromiseError::Cancelled) => true,
            (PromiseError::Failed(a), PromiseError::Failed(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Error for PromiseError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            PromiseError::Failed(error) => Some(&**error),
            _ => None,
        }
    }
}

/// Names a done-callback, to remove it with [`Promise::remove_done_callback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallbackId(u64);

impl<T> Promise<T> {
    /// An empty promise (asyncio's `loop.create_future()`).
    pub fn new() -> Promise<T> {
        Promise {
            inner: Rc::new(Inner {
                outcome: RefCell::new(None),
                waiters: WakerList::default(),
                callbacks: RefCell::new(Vec::new()),
                next_callback: std::cell::Cell::new(0),
            }),
        }
    }

    /// True once the promise has a result, an error, or was cancelled (asyncio's `done()`).
    pub fn is_done(&self) -> bool {
        self.inner.outcome.borrow().is_some()
    }

    /// True if [`cancel`](Promise::cancel) ended it (asyncio's `cancelled()`).
    pub fn is_cancelled(&self) -> bool {
        matches!(
            *self.inner.outcome.borrow(),
            Some(Err(PromiseError::Cancelled))
        )
    }
}

impl<T: 'static> Promise<T> {
    /// Sets the value and wakes everyone awaiting it (asyncio's `set_result`).
    ///
    /// # Panics
    /// If the promise is already done: set, failed or cancelled (asyncio raises
    /// `InvalidStateError`). Use [`try_set_result`](Promise::try_set_result) to get the value
    /// back instead, for example when someone may have cancelled the promise.
    #[track_caller]
    pub fn set_result(&self, value: T) {
        if self.try_set_result(value).is_err() {
            panic!("Promise::set_result called on a promise that is already done");
        }
    }

    /// Sets the value unless the promise is already done, in which case `value` is returned.
    pub fn try_set_result(&self, value: T) -> Result<(), T> {
        match self.complete(Ok(value)) {
            Ok(()) => Ok(()),
            Err(Ok(value)) => Err(value),
            Err(Err(_)) => unreachable!("complete hands back what it was given"),
        }
    }

    /// Ends the promise with an error (asyncio's `set_exception`): every awaiter gets
    /// `Err(PromiseError::Failed(error))`. Anything that converts into a boxed error will do,
    /// a `&str` included.
    ///
    /// # Panics
    /// If the promise is already done (asyncio raises `InvalidStateError`).
    #[track_caller]
    pub fn set_error(&self, error: impl Into<Box<dyn Error>>) {
        let failed = PromiseError::Failed(Rc::from(error.into()));
        if self.complete(Err(failed)).is_err() {
            panic!("Promise::set_error called on a promise that is already done");
        }
    }

    /// Cancels the promise (asyncio's `cancel()`): every awaiter gets
    /// `Err(PromiseError::Cancelled)`. Returns false, and changes nothing, if it was already
    /// done.
    pub fn cancel(&self) -> bool {
        self.complete(Err(PromiseError::Cancelled)).is_ok()
    }

    /// Calls `f` with the promise once it is done (asyncio's `add_done_callback`).
    ///
    /// Like asyncio, the call is not made inside `set_result` (or `set_error`, `cancel`): the
    /// loop makes it soon after, as [`call_soon`](crate::call_soon) does, in the order the
    /// callbacks were added. If the promise is already done, `f` is scheduled at once.
    ///
    /// # Panics
    /// Outside [`run`](crate::run), if the promise is already done. (A promise completed
    /// outside `run` with callbacks waiting panics there too: callbacks need the loop.)
    #[track_caller]
    pub fn add_done_callback(&self, f: impl FnOnce(&Promise<T>) + 'static) -> CallbackId {
        let id = CallbackId(self.inner.next_callback.get());
        self.inner.next_callback.set(id.0 + 1);
        if self.is_done() {
            let promise = self.clone();
            crate::call_soon(move || f(&promise));
        } else {
            self.inner.callbacks.borrow_mut().push((id, Box::new(f)));
        }
        id
    }

    /// Removes a done-callback that has not been scheduled yet (asyncio's
    /// `remove_done_callback`). Returns false if there was none with this id: it was removed
    /// already, or the promise is done and the callback scheduled (it will run).
    pub fn remove_done_callback(&self, id: CallbackId) -> bool {
        let removed = {
            let mut callbacks = self.inner.callbacks.borrow_mut();
            let position = callbacks.iter().position(|(each, _)| *each == id);
            position.map(|i| callbacks.remove(i))
        }; // Released before the callback is dropped: dropping it may run any code.
        removed.is_some()
    }

    /// Stores `outcome` unless the promise is already done (then hands it back), wakes the
    /// awaiters and schedules the done-callbacks.
    #[track_caller]
    fn complete(&self, outcome: Result<T, PromiseError>) -> Result<(), Result<T, PromiseError>> {
        {
            let mut slot = self.inner.outcome.borrow_mut();
            if slot.is_some() {
                return Err(outcome);
            }
            *slot = Some(outcome);
        } // Release the outcome before waking: a woken task may read it at once.
        self.inner.waiters.wake_all();
        let callbacks = std::mem::take(&mut *self.inner.callbacks.borrow_mut());
        for (_, f) in callbacks {
            let promise = self.clone();
            crate::call_soon(move || f(&promise));
        }
        Ok(())
    }
}

impl<T: Clone> Promise<T> {
    /// The outcome now, without waiting (asyncio's `result()`): `Ok(value)`,
    /// `Err(PromiseError::NotReady)` if it is not done yet (asyncio raises
    /// `InvalidStateError`), or the error awaiting would give.
    pub fn result(&self) -> Result<T, PromiseError> {
        self.inner
            .outcome
            .borrow()
            .clone()
            .unwrap_or(Err(PromiseError::NotReady))
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

/// Awaiting a promise waits until it is done (asyncio's `await future`), then gives
/// `Ok(value)`, `Err(PromiseError::Cancelled)` or `Err(PromiseError::Failed(error))`.
/// It never gives `NotReady`. Awaiting consumes this handle: await a clone to keep one.
///
/// Cancel safety: dropping the await loses nothing; the outcome stays in the promise for
/// every other handle and for a later await.
impl<T: Clone> Future for Promise<T> {
    type Output = Result<T, PromiseError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(outcome) = &*self.inner.outcome.borrow() {
            return Poll::Ready(outcome.clone());
        }
        self.inner.waiters.register(cx.waker());
        Poll::Pending
    }
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise")
            .field("done", &self.is_done())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
