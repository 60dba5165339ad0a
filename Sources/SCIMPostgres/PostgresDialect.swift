import SCIMSQL

/// PostgreSQL's spellings of the generated listing statements: `jsonb` operators, and the "C" collation
/// wherever text is ordered, so that it sorts by code point whatever the database's collation is.
struct PostgresDialect: SQLDialect {
    func placeholder(_ number: Int, for parameter: SQLParameter) -> String {
        switch parameter {
        case .text: "$\(number)::text"
        case .integer: "$\(number)::bigint"
        case .decimal: "$\(number)::double precision"
        case .boolean: "$\(number)::boolean"
        }
    }

    func jsonText(_ base: String, _ keys: [String]) -> String {
        guard let last = keys.last else { return "(\(base) #>> '{}')" }
        return "(\(chain(base, keys.dropLast())) ->> \(literal(last)))"
    }

    func jsonBoolean(_ base: String, _ keys: [String]) -> String {
        "(\(chain(base, keys[...])))::boolean"
    }

    func jsonHasMembers(_ base: String, _ keys: [String]) -> String {
        "coalesce(\(chain(base, keys[...])) NOT IN ('{}'::jsonb, '[]'::jsonb), false)"
    }

    func jsonIsObject(_ base: String, _ keys: [String]) -> String {
        "coalesce(jsonb_typeof(\(chain(base, keys[...]))) = 'object', false)"
    }

    func jsonElements(_ base: String, _ keys: [String], alias: String) -> String {
        "jsonb_array_elements(\(chain(base, keys[...]))) AS \(alias) (value)"
    }

    func jsonPrimaryOrFirst(_ base: String, _ keys: [String], sub: String, isBoolean: Bool) -> String {
        let array = chain(base, keys[...])
        let element = isBoolean ? "(p.value -> \(literal(sub)))::boolean" : "(p.value ->> \(literal(sub)))"
        let first = isBoolean ? "(\(array) -> 0 -> \(literal(sub)))::boolean" : "(\(array) -> 0 ->> \(literal(sub)))"
        return "coalesce((SELECT \(element) FROM jsonb_array_elements(\(array)) WITH ORDINALITY AS p (value, position) "
            + "WHERE p.value -> 'primary' = 'true'::jsonb ORDER BY p.position LIMIT 1), \(first))"
    }

    func contains(_ haystack: String, _ needle: String) -> String {
        "strpos(\(haystack), \(needle)) > 0"
    }

    func endsWith(_ text: String, _ suffix: String) -> String {
        "right(\(text), length(\(suffix))) = \(suffix)"
    }

    func codePointOrder(_ expression: String) -> String {
        "(\(expression) COLLATE \"C\")"
    }

    func versionTag(_ column: String) -> String {
        "('W/\"' || \(column)::text || '\"')"
    }

    var trueCondition: String { "true" }
    var falseCondition: String { "false" }

    private func chain(_ base: String, _ keys: ArraySlice<String>) -> String {
        keys.reduce("(\(base))") { "\($0) -> \(literal($1))" }
    }

    private func literal(_ key: String) -> String {
        "'" + key.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
