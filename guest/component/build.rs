//! The bindings are generated from `wit/` by a macro cargo cannot see into: tell cargo that
//! the contract is an input of this crate, so a change to it rebuilds the component.

fn main() {
    println!("cargo:rerun-if-changed=../../wit");
}
