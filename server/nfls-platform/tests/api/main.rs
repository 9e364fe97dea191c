//! Integration tests of the Northflank API client against the local fake API over loopback.

mod common;
mod endpoints;
mod faults;
