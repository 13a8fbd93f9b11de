fn main() -> std::process::ExitCode {
    newsgraph::cli::main()
}
