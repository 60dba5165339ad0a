import SCIMCore

/// A value bound to one statement parameter, sent to the server in PostgreSQL's text format.
enum PostgresValue {
    case integer(Int64)
    case text(String)
    case boolean(Bool)
    case bytes([UInt8])
    /// A `text[]` array.
    case textArray([String?])
    case null

    /// Returns text, or SQL NULL when `value` is nil.
    static func nullableText(_ value: String?) -> PostgresValue {
        value.map { .text($0) } ?? .null
    }

    /// Returns an integer, or SQL NULL when `value` is nil.
    static func nullableInteger(_ value: Int64?) -> PostgresValue {
        value.map { .integer($0) } ?? .null
    }

    /// Returns a boolean, or SQL NULL when `value` is nil.
    static func nullableBoolean(_ value: Bool?) -> PostgresValue {
        value.map { .boolean($0) } ?? .null
    }

    /// Returns the value's text form, or nil for SQL NULL.
    ///
    /// - Throws: `invalidValue` for text that contains U+0000, because PostgreSQL text cannot store it and
    ///   libpq would cut the value short at that character.
    func encoded() throws(SCIMError) -> String? {
        switch self {
        case .integer(let number): return String(number)
        case .boolean(let flag): return flag ? "true" : "false"
        case .bytes(let bytes): return "\\x" + ResourceID.hex(bytes)
        case .null: return nil
        case .text(let text):
            try Self.rejectNul(text)
            return text
        case .textArray(let elements):
            var parts: [String] = []
            for element in elements {
                guard let element else {
                    parts.append("NULL")
                    continue
                }
                try Self.rejectNul(element)
                parts.append(Self.quotedArrayElement(element))
            }
            return "{" + parts.joined(separator: ",") + "}"
        }
    }

    private static func rejectNul(_ text: String) throws(SCIMError) {
        // NOTE: SQLite stores U+0000 inside text, PostgreSQL rejects it. A value containing it gets this 400
        // here instead of being stored; storing text as bytea would lift the difference.
        guard text.utf8.contains(0) else { return }
        throw .invalidValue("A value contains the character U+0000, which the database cannot store.")
    }

    /// Quotes one element of an array literal: inside double quotes, `"` and `\` take a backslash.
    private static func quotedArrayElement(_ text: String) -> String {
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }
}
