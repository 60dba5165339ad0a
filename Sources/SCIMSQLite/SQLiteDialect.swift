import SCIMSQL

/// SQLite's spellings of the generated listing statements: JSON through `json_extract` and `json_each`,
/// text in the default BINARY collation, which orders UTF-8 by code point.
struct SQLiteDialect: SQLDialect {
    func placeholder(_ number: Int, for parameter: SQLParameter) -> String {
        "?\(number)"
    }

    func jsonText(_ base: String, _ keys: [String]) -> String {
        "json_extract(\(base), \(path(keys)))"
    }

    func jsonBoolean(_ base: String, _ keys: [String]) -> String {
        jsonText(base, keys)
    }

    func jsonHasMembers(_ base: String, _ keys: [String]) -> String {
        "EXISTS (SELECT 1 FROM json_each(\(base), \(path(keys))))"
    }

    func jsonIsObject(_ base: String, _ keys: [String]) -> String {
        "coalesce(json_type(\(base), \(path(keys))) = 'object', 0)"
    }

    func jsonElements(_ base: String, _ keys: [String], alias: String) -> String {
        "json_each(\(base), \(path(keys))) AS \(alias)"
    }

    func jsonPrimaryOrFirst(_ base: String, _ keys: [String], sub: String, isBoolean: Bool) -> String {
        "coalesce((SELECT json_extract(p.value, \(path([sub]))) FROM json_each(\(base), \(path(keys))) AS p "
            + "WHERE json_extract(p.value, '$.\"primary\"') = 1 ORDER BY p.key LIMIT 1), "
            + "json_extract(\(base), \(path(keys, first: sub))))"
    }

    func contains(_ haystack: String, _ needle: String) -> String {
        "instr(\(haystack), \(needle)) > 0"
    }

    func endsWith(_ text: String, _ suffix: String) -> String {
        "(length(\(text)) >= length(\(suffix)) AND substr(\(text), length(\(text)) - length(\(suffix)) + 1) = \(suffix))"
    }

    func codePointOrder(_ expression: String) -> String {
        expression
    }

    func versionTag(_ column: String) -> String {
        "('W/\"' || \(column) || '\"')"
    }

    var trueCondition: String { "1" }
    var falseCondition: String { "0" }

    /// Returns a JSON path literal such as `'$."name"."givenName"'`. With `first`, the path leads on to
    /// that member of the array's first element.
    private func path(_ keys: [String], first: String? = nil) -> String {
        var text = "$" + keys.map { ".\"\($0)\"" }.joined()
        if let first { text += "[0].\"\(first)\"" }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
