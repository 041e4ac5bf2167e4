//! report-portal: the backend of the DHS reporting portal for cartel recruitment on social media.
//!
//! Data flows one way: [`routes`] (HTTP) → [`domain`] (validated types and rules) → [`store`]
//! (diesel) → back. [`startup::Application`] builds the server used by `main` and by the tests;
//! [`mail`] delivers the e-mail outbox that the store fills.

#![warn(missing_docs)]

pub mod audit_chain;
pub mod auth;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod credential_expiry;
pub mod db;
pub mod domain;
pub mod error;
pub mod evidence;
pub mod import;
pub mod keys;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod private_files;
pub mod read_model;
pub mod retention;
pub mod routes;
pub mod sealing;
pub mod secret_file;
pub mod seed;
pub mod service;
pub mod sharing_cli;
pub mod startup;
pub mod state;
pub mod store;
pub mod webhooks;
