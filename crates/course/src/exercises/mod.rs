//! The exercises, in the order a student meets them, each with its grader: one file per
//! lesson (`lesson03.rs` holds 03a, 03b, ...).
//!
//! To add one: a package `exercises/NNx-topic/` (copy one: `src/main.rs` is the starting
//! point, `solution/main.rs` the solution, `expected.txt` the exact output), then a function
//! in `lessonNN.rs`, and its place in that file's `all`. `cargo course verify NNx` checks that
//! its starting point fails and its solution passes. The book's page "Exercises" says more.

/// The exact output an exercise must print: `exercises/{folder}/expected.txt`, compiled in.
macro_rules! expected {
    ($folder:literal) => {
        include_str!(concat!("../../../../exercises/", $folder, "/expected.txt"))
    };
}

mod lesson01;
mod lesson02;
mod lesson03;
mod lesson04;
mod lesson05;
mod lesson06;
mod lesson07;
mod lesson08;
mod lesson09;
mod lesson10;
mod lesson11;
mod lesson12;
mod lesson13;
mod lesson14;
mod lesson15;
mod lesson16;
mod lesson17;
mod lesson19;
mod lesson20;
mod lesson22;
mod lesson23;
mod lesson24;
mod lesson25;

use grade::Exercise;

/// Every exercise, in order.
pub fn all() -> Vec<Exercise> {
    let mut exercises = Vec::new();
    exercises.extend(lesson01::all());
    exercises.extend(lesson02::all());
    exercises.extend(lesson03::all());
    exercises.extend(lesson04::all());
    exercises.extend(lesson05::all());
    exercises.extend(lesson06::all());
    exercises.extend(lesson07::all());
    exercises.extend(lesson08::all());
    exercises.extend(lesson09::all());
    exercises.extend(lesson10::all());
    exercises.extend(lesson11::all());
    exercises.extend(lesson12::all());
    exercises.extend(lesson13::all());
    exercises.extend(lesson14::all());
    exercises.extend(lesson15::all());
    exercises.extend(lesson16::all());
    exercises.extend(lesson17::all());
    exercises.extend(lesson19::all());
    exercises.extend(lesson20::all());
    exercises.extend(lesson22::all());
    exercises.extend(lesson23::all());
    exercises.extend(lesson24::all());
    exercises.extend(lesson25::all());
    exercises
}
