//! The WASI surface the guest gets: only what Rust's standard library needs to read the
//! preopened chart directory. Sockets, HTTP and name lookup are deliberately not linked.

use std::path::Path;
use std::time::Duration;

use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sync};
use wasmtime_wasi::random::WasiRandom;
use wasmtime_wasi::{
    Deterministic, FsPerms, HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder,
    WasiCtxView, WasiView,
};

use super::GUEST_CHART_DIR;
use super::limits::{Limiter, Limits};

/// Per-call state of the guest: its WASI context, resource table and memory limiter.
pub struct GuestState {
    ctx: WasiCtx,
    table: ResourceTable,
    pub limiter: Limiter,
}

impl GuestState {
    /// A context with no env, no args, empty stdin, discarded stdout/stderr, fixed clocks and
    /// fixed randomness, and `chart_dir` (if any) preopened read-only at `/chart`.
    pub fn new(chart_dir: Option<&Path>, limits: &Limits) -> wasmtime::Result<Self> {
        let mut builder = WasiCtxBuilder::new();
        // Reading files on the calling thread avoids a hop to a blocking pool for every read.
        builder.allow_blocking_current_thread(true);
        builder.wall_clock(FixedClock);
        builder.monotonic_clock(FixedClock);
        builder.secure_random(Deterministic::new(vec![0x5a]));
        builder.insecure_random(Deterministic::new(vec![0xa5]));
        builder.insecure_random_seed(0);
        if let Some(dir) = chart_dir {
            builder.preopened_dir(dir, GUEST_CHART_DIR, FsPerms::ReadOnly)?;
        }
        Ok(GuestState {
            ctx: builder.build(),
            table: ResourceTable::new(),
            limiter: Limiter::new(limits),
        })
    }
}

impl WasiView for GuestState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// Time stands still at the Unix epoch inside the guest: results must not depend on it.
struct FixedClock;

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

struct HasIo;

impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// Links the interfaces the guest may import. Anything else it imported (`wasi:sockets/*`,
/// `wasi:http/*`) would make instantiation fail, which is the point.
pub fn add_to_linker(linker: &mut Linker<GuestState>) -> wasmtime::Result<()> {
    type T = GuestState;
    let l = linker;
    sync::io::error::add_to_linker::<T, HasIo>(l, |t| &mut t.table)?;
    sync::io::poll::add_to_linker::<T, HasIo>(l, |t| &mut t.table)?;
    sync::io::streams::add_to_linker::<T, HasIo>(l, |t| &mut t.table)?;
    sync::filesystem::types::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    clocks::monotonic_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(l, |t| t.ctx.random())?;
    random::insecure::add_to_linker::<T, WasiRandom>(l, |t| t.ctx.random())?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(l, |t| t.ctx.random())?;
    cli::exit::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::Engine;

    /// The host process always has PATH and HOME; the guest must see none of it.
    #[test]
    fn environment_is_invisible_to_the_guest() {
        use wasmtime_wasi::p2::bindings::cli::environment::Host as _;
        assert!(std::env::vars_os().next().is_some());
        let mut state = GuestState::new(None, &Limits::default()).expect("state");
        let mut cli = state.cli();
        assert_eq!(cli.get_environment().expect("env"), Vec::new());
        assert_eq!(cli.get_arguments().expect("args"), Vec::<String>::new());
        assert_eq!(cli.initial_cwd().expect("cwd"), None);
    }

    /// The sandbox's promise "no network" rests on this: nothing under `wasi:sockets` is
    /// linked. Defining an interface twice is an error, so adding the socket interfaces after
    /// ours succeeds only if ours left them out; the filesystem control shows the check bites.
    #[test]
    fn sockets_are_not_linked() {
        use wasmtime_wasi::p2::bindings::sockets as net;
        use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsView};
        type T = GuestState;
        let engine = Engine::default();
        let mut linker = Linker::<T>::new(&engine);
        add_to_linker(&mut linker).expect("linking");
        let l = &mut linker;
        sync::sockets::tcp::add_to_linker::<T, WasiSockets>(l, T::sockets).expect("tcp unlinked");
        sync::sockets::udp::add_to_linker::<T, WasiSockets>(l, T::sockets).expect("udp unlinked");
        net::tcp_create_socket::add_to_linker::<T, WasiSockets>(l, T::sockets).expect("tcp create");
        net::instance_network::add_to_linker::<T, WasiSockets>(l, T::sockets).expect("network");
        net::ip_name_lookup::add_to_linker::<T, WasiSockets>(l, T::sockets).expect("dns unlinked");
        let again = filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem);
        assert!(again.is_err(), "defining an interface twice must fail");
    }

    /// The guest itself asks for no network either.
    #[test]
    fn guest_imports_no_network_interfaces() {
        let engine = Engine::default();
        let component = wasmtime::component::Component::new(&engine, crate::sandbox::GUEST_WASM)
            .expect("guest");
        let imports: Vec<String> = component
            .component_type()
            .imports(&engine)
            .map(|(name, _)| name.to_string())
            .collect();
        assert!(
            imports.iter().any(|n| n.starts_with("wasi:filesystem/")),
            "{imports:?}"
        );
        for name in &imports {
            assert!(
                !name.starts_with("wasi:sockets") && !name.starts_with("wasi:http"),
                "the guest imports {name}"
            );
        }
    }
}
