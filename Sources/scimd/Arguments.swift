/// Command-line arguments split into positionals and `--name value` options.
///
/// `--name=value` works too; an option given several times keeps every value (`--domain`).
struct Arguments {
    /// A usage error: the command is called wrongly.
    struct UsageError: Error {
        let message: String
    }

    private(set) var positionals: [String] = []
    private var options: [String: [String]] = [:]
    private(set) var wantsHelp = false

    /// Parses `arguments`; `flags` are options that take no value.
    init(_ arguments: [String], knownOptions: Set<String>, flags: Set<String> = []) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" {
                wantsHelp = true
                continue
            }
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard knownOptions.contains(name) || flags.contains(name) else {
                throw UsageError(message: "Unknown option --\(name).")
            }
            if flags.contains(name) {
                options[name, default: []].append("true")
                continue
            }
            if value == nil {
                guard index < arguments.count else { throw UsageError(message: "Option --\(name) needs a value.") }
                value = arguments[index]
                index += 1
            }
            options[name, default: []].append(value ?? "")
        }
    }

    /// Returns the last value of an option, else the environment variable, else nil.
    func value(_ name: String, environment: String? = nil) -> String? {
        if let value = options[name]?.last { return value }
        guard let environment else { return nil }
        return Environment.value(environment)
    }

    /// Returns every value given for an option.
    func values(_ name: String) -> [String] {
        options[name] ?? []
    }

    /// Returns an integer option, else the environment variable, else `defaultValue`.
    func integer(_ name: String, environment: String, default defaultValue: Int, minimum: Int = 0) throws(UsageError)
        -> Int
    {
        guard let text = value(name, environment: environment) else { return defaultValue }
        guard let number = Int(text), number >= minimum else {
            throw UsageError(
                message: "--\(name) (or \(environment)) must be an integer of at least \(minimum), not '\(text)'.")
        }
        return number
    }

    /// Requires exactly `count` positionals after the subcommand words.
    func requirePositionals(_ count: Int, usage: String) throws(UsageError) -> [String] {
        guard positionals.count == count else { throw UsageError(message: "Usage: \(usage)") }
        return positionals
    }
}
