fn main() {
    std::process::exit(posdesk::cli::main());
}
