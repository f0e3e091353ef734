//! The `connect-rules` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    connect_rules::commands::main()
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
